package dev.nst.backend.nd4j;

import dev.nst.api.LossBreakdown;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.RunFailedException;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Level 2: one SameDiff run per evaluation returns every loss term and dJ/dx. The image lives in
 * one native array that each evaluation overwrites, the targets and weights are graph constants
 * uploaded once, and the results of each run are freed as soon as they are copied out, so 1,000
 * evaluations use the same native memory as 10 (the arrays SameDiff caches between runs are
 * reused, not added to).
 */
final class Nd4jObjective implements Objective {
  private final ObjectiveSpec spec;
  private final Graph graph = new Graph();
  private final ObjectiveGraph objective;
  private final int[] imageShape;
  private final INDArray image;
  private final Map<String, INDArray> feed;
  private boolean closed;

  Nd4jObjective(Network network, ObjectiveSpec spec) {
    this.spec = spec;
    try {
      objective = new ObjectiveGraph(graph, network, spec);
      imageShape = new int[] {1, objective.channels, spec.height(), spec.width()};
      image = Nd4j.create(DataType.FLOAT, Graph.longs(imageShape), 'c');
      feed = Map.of(ObjectiveGraph.IMAGE, image);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  @Override
  public int[] imageShape() {
    return imageShape.clone();
  }

  @Override
  public LossBreakdown evaluate(float[] x, float[] gradient) {
    if (closed) {
      throw new IllegalStateException("this ND4J objective is closed; compile a new one");
    }
    int n = Math.toIntExact(image.length());
    if (x == null || gradient == null || x.length != n || gradient.length != n) {
      throw new IllegalArgumentException("image and gradient must each hold " + n + " values (shape "
          + Arrays.toString(imageShape) + "), got " + (x == null ? "null" : x.length) + " and "
          + (gradient == null ? "null" : gradient.length));
    }
    image.data().setData(x);
    Map<String, INDArray> out;
    try {
      out = graph.run(feed, objective.outputs);
    } catch (RuntimeException e) {
      throw new RunFailedException("ND4J failed to evaluate the objective: " + e.getMessage(), e);
    }
    try {
      double[] content = new double[objective.contentOutputs.size()];
      double[] style = new double[objective.styleOutputs.size()];
      for (int i = 0; i < content.length; i++) {
        content[i] = out.get(objective.contentOutputs.get(i)).getDouble(0);
      }
      for (int i = 0; i < style.length; i++) {
        style[i] = out.get(objective.styleOutputs.get(i)).getDouble(0);
      }
      double tv = out.get(ObjectiveGraph.TV).getDouble(0);
      if (objective.hasGradient) {
        Graph.copy(out.get(ObjectiveGraph.GRADIENT), gradient);
      } else {
        Arrays.fill(gradient, 0f);
      }
      return spec.breakdown(content, style, tv);
    } finally {
      Graph.release(out);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    graph.close();
    Graph.release(image);
  }

  @Override
  public String toString() {
    return "Nd4jObjective[" + Arrays.toString(imageShape) + ", layers " + spec.layers() + (closed ? ", closed" : "") + "]";
  }
}
