package dev.nst.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nst.api.LossBreakdown;
import dev.nst.api.Objective;
import dev.nst.api.RunFailedException;
import dev.nst.api.Tensor;
import dev.nst.core.spi.ObjectivePlan;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Level 2: one session run per evaluation returns every loss term and dJ/dx. The image and
 * gradient live in direct buffers bound to ONNX tensors once (an input and a pinned output),
 * and the targets are uploaded once, so an evaluation allocates nothing image-sized.
 */
final class OnnxObjective implements Objective {
  private final ObjectivePlan plan;
  private final int[] imageShape;
  private final Resources resources = new Resources();
  private final OrtSession session;
  private final FloatBuffer imageBuffer;
  private final FloatBuffer gradientBuffer;
  private final Map<String, OnnxTensor> inputs = new HashMap<>();
  private final Map<String, OnnxValue> pinned = new HashMap<>();
  /** The loss output of each term, in the order of {@link ObjectivePlan#terms()}. */
  private final List<String> termLosses;
  /** Every output but the pinned gradient: the term losses and the total variation. */
  private final Set<String> lossOutputs = new LinkedHashSet<>();

  OnnxObjective(OnnxBackend backend, ObjectiveGraph graph) {
    this.plan = graph.plan;
    this.imageShape = plan.imageShape();
    this.termLosses = plan.terms().stream().map(ObjectiveGraph::lossOutput).toList();
    try {
      session = resources.track(backend.session(graph.model, "the objective"));
      imageBuffer = Resources.directFloats(plan.imageSize());
      gradientBuffer = Resources.directFloats(plan.imageSize());
      inputs.put(ObjectiveGraph.IMAGE, resources.tensor(backend.env(), imageBuffer, imageShape));
      pinned.put(ObjectiveGraph.GRADIENT, resources.tensor(backend.env(), gradientBuffer, imageShape));
      for (Map.Entry<String, Tensor> feed : graph.feeds.entrySet()) {
        inputs.put(feed.getKey(), resources.upload(backend.env(), feed.getValue()));
      }
      lossOutputs.addAll(termLosses);
      lossOutputs.add(ObjectiveGraph.TV);
    } catch (OrtException e) {
      resources.close();
      throw new RunFailedException("ONNX Runtime could not hold the objective's image, gradient and targets ("
          + e.getMessage() + "); free memory or use a smaller image", e);
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  @Override
  public int[] imageShape() {
    return imageShape.clone();
  }

  @Override
  public LossBreakdown evaluate(float[] image, float[] gradient) {
    resources.requireOpen("ONNX objective");
    plan.requireImageAndGradient(image, gradient);
    imageBuffer.clear();
    imageBuffer.put(image);
    double[] losses = new double[termLosses.size()];
    double tv;
    try (OrtSession.Result r = session.run(inputs, lossOutputs, pinned)) {
      for (int i = 0; i < losses.length; i++) {
        losses[i] = scalar(r, termLosses.get(i));
      }
      tv = scalar(r, ObjectiveGraph.TV);
    } catch (OrtException e) {
      throw new RunFailedException("ONNX Runtime failed to evaluate the objective: " + e.getMessage(), e);
    }
    gradientBuffer.rewind();
    gradientBuffer.get(gradient);
    return plan.breakdown(losses, tv);
  }

  private static double scalar(OrtSession.Result r, String name) {
    OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
    return t.getDoubleBuffer().get(0); // the graph sums the losses in float64
  }

  @Override
  public void close() {
    resources.close();
  }

  @Override
  public String toString() {
    return "OnnxObjective[" + plan + "]";
  }
}
