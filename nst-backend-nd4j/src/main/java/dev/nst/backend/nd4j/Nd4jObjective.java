package dev.nst.backend.nd4j;

import static com.google.common.base.Preconditions.checkState;

import dev.nst.api.LossBreakdown;
import dev.nst.api.Objective;
import dev.nst.api.RunFailedException;
import dev.nst.core.spi.ObjectivePlan;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Level 2: one SameDiff run per evaluation returns every loss term and dJ/dx. The image lives in
 * one native array that each evaluation overwrites, the targets and masks are graph constants
 * uploaded once, and the results of each run are freed as soon as they are copied out, so 1,000
 * evaluations use the same native memory as 10 (the arrays SameDiff caches between runs are
 * reused, not added to; in the lean mode it caches none).
 */
final class Nd4jObjective implements Objective {
  private final ObjectivePlan plan;
  private final ObjectiveGraph objective;
  private final Map<String, INDArray> feed;
  private boolean closed;

  /**
   * @param plan the checked plan
   * @param lean whether the graph frees intermediate arrays at once instead of caching them
   *     (the backend's lean mode, see {@link Graph})
   */
  Nd4jObjective(ObjectivePlan plan, boolean lean) {
    this.plan = plan;
    int[] shape = plan.imageShape();
    long cache = lean ? 0 : Nd4jBackend.cacheBytes(plan.network(), shape[2], shape[3]);
    this.objective = Graph.build(cache, g -> new ObjectiveGraph(g, plan));
    this.feed = Map.of(Graph.IMAGE, objective.input);
  }

  @Override
  public LossBreakdown evaluate(float[] x, float[] gradient) {
    checkState(!closed, "this ND4J objective is closed; compile a new one");
    plan.requireImageAndGradient(x, gradient);
    objective.input.data().setData(x);
    Map<String, INDArray> out;
    try {
      out = objective.graph.run(feed, objective.outputs);
    } catch (RuntimeException e) {
      throw new RunFailedException("ND4J failed to evaluate the objective: " + e.getMessage(), e);
    }
    try {
      double[] losses = new double[objective.termLosses.size()];
      for (int i = 0; i < losses.length; i++) {
        losses[i] = out.get(objective.termLosses.get(i)).getDouble(0);
      }
      if (objective.hasGradient) {
        Graph.copy(out.get(ObjectiveGraph.GRADIENT), gradient);
      } else {
        Arrays.fill(gradient, 0f);
      }
      return plan.breakdown(losses, out.get(ObjectiveGraph.TV).getDouble(0));
    } finally {
      Graph.release(out);
    }
  }

  /** See {@link Graph#cachedBytes()}. */
  long cachedBytes() {
    return objective.graph.cachedBytes();
  }

  @Override
  public int[] imageShape() {
    return plan.imageShape();
  }

  /** Frees the graph, its constants and the image array; harmless when called twice. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    objective.graph.close();
  }

  @Override
  public String toString() {
    return "Nd4jObjective[" + plan + (closed ? ", closed" : "") + "]";
  }
}
