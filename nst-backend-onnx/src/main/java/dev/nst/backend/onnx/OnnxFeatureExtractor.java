package dev.nst.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nst.api.Network;
import dev.nst.api.Pooling;
import dev.nst.api.RunFailedException;
import dev.nst.api.Tensor;
import dev.nst.core.spi.CachedFeatureExtractor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Level 1 on ONNX Runtime: each question (direction, image size, layers) is a generated graph
 * and its session, which {@link CachedFeatureExtractor} caches. Forward graphs output the
 * layers' activations; backward graphs take the image and one gradient input per layer and
 * output the gradient with respect to the image.
 */
final class OnnxFeatureExtractor extends CachedFeatureExtractor<OrtSession> {
  private static final String GRADIENT = "gradient";

  private final OnnxBackend backend;

  OnnxFeatureExtractor(OnnxBackend backend, Network network, Pooling pooling) {
    super(OnnxBackendProvider.NAME, network, pooling);
    this.backend = backend;
  }

  @Override
  protected OrtSession compileForward(Network network, int[] imageShape, List<String> layers) {
    GraphBuilder b = new GraphBuilder();
    b.input(ObjectiveGraph.IMAGE, imageShape);
    NetworkGraph g = new NetworkGraph(b, network, ObjectiveGraph.IMAGE, imageShape[2], imageShape[3], false);
    layers.forEach(l -> b.output(g.output(l)));
    return backend.session(b.build(), "the forward pass to " + layers);
  }

  @Override
  protected Map<String, Tensor> runForward(OrtSession session, Tensor image, List<String> layers) {
    try (Resources owned = new Resources()) {
      OnnxTensor in = owned.tensor(backend.env(), image);
      try (OrtSession.Result r = session.run(Map.of(ObjectiveGraph.IMAGE, in))) {
        Map<String, Tensor> out = new HashMap<>();
        for (String l : layers) {
          out.put(l, toTensor(r, "L/" + l));
        }
        return out;
      }
    } catch (OrtException e) {
      throw new RunFailedException("ONNX Runtime failed in the forward pass: " + e.getMessage(), e);
    }
  }

  @Override
  protected OrtSession compileBackward(Network network, int[] imageShape, List<String> layers) {
    GraphBuilder b = new GraphBuilder();
    b.input(ObjectiveGraph.IMAGE, imageShape);
    NetworkGraph g = new NetworkGraph(b, network, ObjectiveGraph.IMAGE, imageShape[2], imageShape[3], true);
    Map<Integer, String> grads = new HashMap<>();
    for (String l : layers) {
      b.input(gradientInput(l), g.shape(l));
      grads.put(network.indexOf(l), gradientInput(l));
    }
    b.named("Identity", GRADIENT, g.backward(grads)).build();
    b.output(GRADIENT);
    return backend.session(b.build(), "the backward pass from " + layers);
  }

  @Override
  protected Tensor runBackward(OrtSession session, Tensor image, Map<String, Tensor> layerGradients) {
    try (Resources owned = new Resources()) {
      Map<String, OnnxTensor> feed = new HashMap<>();
      feed.put(ObjectiveGraph.IMAGE, owned.tensor(backend.env(), image));
      for (Map.Entry<String, Tensor> g : layerGradients.entrySet()) {
        feed.put(gradientInput(g.getKey()), owned.tensor(backend.env(), g.getValue()));
      }
      try (OrtSession.Result r = session.run(feed)) {
        return toTensor(r, GRADIENT);
      }
    } catch (OrtException e) {
      throw new RunFailedException("ONNX Runtime failed in the backward pass: " + e.getMessage(), e);
    }
  }

  private static String gradientInput(String layer) {
    return "G/" + layer;
  }

  private static Tensor toTensor(OrtSession.Result r, String name) {
    OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
    float[] data = new float[Math.toIntExact(t.getInfo().getNumElements())];
    t.getFloatBuffer().get(data);
    return Tensor.adopt(data, Arrays.stream(t.getInfo().getShape()).mapToInt(Math::toIntExact).toArray());
  }

  @Override
  protected void closeCompiled(OrtSession session) {
    try {
      session.close();
    } catch (OrtException ignored) {
      // best effort: the session is gone either way
    }
  }

  @Override
  protected void requireBackendOpen() {
    backend.requireOpen();
  }
}
