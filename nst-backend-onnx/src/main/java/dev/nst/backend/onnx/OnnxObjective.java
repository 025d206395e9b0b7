package dev.nst.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nst.api.LossBreakdown;
import dev.nst.api.NstException;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.RunFailedException;
import dev.nst.api.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
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
  private final ObjectiveSpec spec;
  private final ObjectiveGraph graph;
  private final int[] imageShape;
  private final Resources resources = new Resources();
  private final OrtSession session;
  private final FloatBuffer imageBuffer;
  private final FloatBuffer gradientBuffer;
  private final Map<String, OnnxTensor> inputs = new HashMap<>();
  private final Map<String, OnnxValue> pinned = new HashMap<>();
  private final Set<String> lossOutputs = new LinkedHashSet<>();

  OnnxObjective(OnnxBackend backend, ObjectiveGraph graph, ObjectiveSpec spec) {
    this.spec = spec;
    this.graph = graph;
    this.imageShape = new int[] {1, graph.channels, spec.height(), spec.width()};
    try {
      session = resources.track(backend.session(graph.model));
      int n = graph.channels * spec.height() * spec.width();
      imageBuffer = Resources.directFloats(n);
      gradientBuffer = Resources.directFloats(n);
      inputs.put(ObjectiveGraph.IMAGE, resources.tensor(backend.env(), imageBuffer, imageShape));
      pinned.put(ObjectiveGraph.GRADIENT, resources.tensor(backend.env(), gradientBuffer, imageShape));
      int t = 0;
      for (int i = 0; i < spec.content().size(); i++, t++) {
        ObjectiveSpec.ContentTarget c = spec.content().get(i);
        int[] expected = graph.targetShapes.get(t);
        requireShape(c.activation(), expected, "content target at " + c.layer());
        inputs.put(graph.contentTargetInputs.get(i), resources.upload(backend.env(), c.activation().toArray(), expected));
      }
      for (int i = 0; i < spec.style().size(); i++, t++) {
        ObjectiveSpec.StyleTarget s = spec.style().get(i);
        int[] expected = graph.targetShapes.get(t);
        requireShape(s.meanGram(), expected, "mean Gram target at " + s.layer());
        // Rescale the mean Gram to the generated activation's H*W once, not per evaluation.
        float hw = graph.stylePositions.get(i);
        float[] scaled = s.meanGram().toArray();
        for (int k = 0; k < scaled.length; k++) {
          scaled[k] *= hw;
        }
        inputs.put(graph.styleTargetInputs.get(i), resources.upload(backend.env(), scaled, expected));
        if (s.hasMask()) {
          requireShape(s.mask(), graph.styleMaskShapes.get(i), "mask at " + s.layer());
          inputs.put(graph.styleMaskInputs.get(i), resources.upload(backend.env(), s.mask().toArray(), s.mask().shape()));
        }
      }
      lossOutputs.addAll(graph.contentOutputs);
      lossOutputs.addAll(graph.styleOutputs);
      lossOutputs.add(ObjectiveGraph.TV);
    } catch (OrtException e) {
      resources.close();
      throw new NstException("could not prepare the ONNX objective: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  private void requireShape(Tensor t, int[] expected, String what) {
    if (!t.hasShape(expected)) {
      throw new IllegalArgumentException(what + " has shape " + Arrays.toString(t.shape()) + " but a "
          + spec.height() + "x" + spec.width() + " image needs " + Arrays.toString(expected));
    }
  }

  @Override
  public int[] imageShape() {
    return imageShape.clone();
  }

  @Override
  public LossBreakdown evaluate(float[] image, float[] gradient) {
    resources.requireOpen("ONNX objective");
    int n = imageBuffer.capacity();
    if (image.length != n || gradient.length != n) {
      throw new IllegalArgumentException("image and gradient must hold " + n + " values (shape "
          + Arrays.toString(imageShape) + "), got " + image.length + " and " + gradient.length);
    }
    imageBuffer.clear();
    imageBuffer.put(image);
    double[] content = new double[graph.contentOutputs.size()];
    double[] style = new double[graph.styleOutputs.size()];
    double tv;
    try (OrtSession.Result r = session.run(inputs, lossOutputs, pinned)) {
      for (int i = 0; i < content.length; i++) {
        content[i] = scalar(r, graph.contentOutputs.get(i));
      }
      for (int i = 0; i < style.length; i++) {
        style[i] = scalar(r, graph.styleOutputs.get(i));
      }
      tv = scalar(r, ObjectiveGraph.TV);
    } catch (OrtException e) {
      throw new RunFailedException("ONNX Runtime failed to evaluate the objective: " + e.getMessage(), e);
    }
    gradientBuffer.rewind();
    gradientBuffer.get(gradient);
    return spec.breakdown(content, style, tv);
  }

  private static double scalar(OrtSession.Result r, String name) throws OrtException {
    OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
    return t.getFloatBuffer().get(0);
  }

  @Override
  public void close() {
    resources.close();
  }
}
