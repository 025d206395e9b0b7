package dev.nst.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Pooling;
import dev.nst.api.RunFailedException;
import dev.nst.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Level 1: forward to named layers, and the vector-Jacobian product back to the image. Each
 * distinct (image size, layer set, direction) gets its own generated graph and session, kept in
 * a small cache because a run asks the same question every iteration.
 */
final class OnnxFeatureExtractor implements FeatureExtractor {
  private static final int CACHED_SESSIONS = 4;
  private static final String GRADIENT = "gradient";

  private final OnnxBackend backend;
  private final Network network;
  private final Pooling pooling;
  private final Map<String, OrtSession> sessions = new LinkedHashMap<>(8, 0.75f, true);
  private boolean closed;

  OnnxFeatureExtractor(OnnxBackend backend, Network network, Pooling pooling) {
    this.backend = backend;
    this.network = network;
    this.pooling = pooling;
  }

  @Override
  public Network network() {
    return network;
  }

  @Override
  public Map<String, Tensor> forward(Tensor image, Collection<String> layers) {
    requireOpen();
    int[] s = network.requireImage(image);
    List<String> wanted = new ArrayList<>(new TreeSet<>(layers));
    network.requireLayers(wanted);
    if (wanted.isEmpty()) {
      return Map.of();
    }
    String key = "F" + s[2] + "x" + s[3] + wanted;
    OrtSession session = sessions.computeIfAbsent(key, k -> {
      GraphBuilder b = new GraphBuilder();
      b.input(ObjectiveGraph.IMAGE, s);
      NetworkGraph g = new NetworkGraph(b, network.truncatedAfter(wanted), pooling, ObjectiveGraph.IMAGE, s[2], s[3], false);
      for (String l : wanted) {
        b.output(g.output(l));
      }
      return backend.session(b.build());
    });
    evictOld();
    Map<String, Tensor> out = new HashMap<>();
    try (OnnxTensor in = OnnxTensor.createTensor(backend.env(), image.buffer(), longs(s));
        OrtSession.Result r = session.run(Map.of(ObjectiveGraph.IMAGE, in))) {
      for (String l : wanted) {
        OnnxTensor t = (OnnxTensor) r.get("L/" + l).orElseThrow();
        out.put(l, toTensor(t));
      }
    } catch (OrtException e) {
      throw new RunFailedException("ONNX Runtime failed in the forward pass: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public Tensor backward(Tensor image, Map<String, Tensor> layerGradients) {
    requireOpen();
    int[] s = network.requireImage(image);
    List<String> layers = new ArrayList<>(new TreeSet<>(layerGradients.keySet()));
    network.requireLayers(layers);
    if (layers.isEmpty()) {
      return Tensor.zeros(s);
    }
    List<int[]> shapes = network.shapes(s[2], s[3]);
    for (String l : layers) {
      int[] chw = shapes.get(network.indexOf(l));
      int[] expected = {1, chw[0], chw[1], chw[2]};
      if (!layerGradients.get(l).hasShape(expected)) {
        throw new IllegalArgumentException("gradient at layer " + l + " has shape "
            + Arrays.toString(layerGradients.get(l).shape()) + " but that layer's activation is " + Arrays.toString(expected));
      }
    }
    String key = "B" + s[2] + "x" + s[3] + layers;
    OrtSession session = sessions.computeIfAbsent(key, k -> {
      GraphBuilder b = new GraphBuilder();
      b.input(ObjectiveGraph.IMAGE, s);
      Network truncated = network.truncatedAfter(layers);
      NetworkGraph g = new NetworkGraph(b, truncated, pooling, ObjectiveGraph.IMAGE, s[2], s[3], true);
      Map<Integer, String> grads = new HashMap<>();
      for (String l : layers) {
        String in = "G/" + l;
        b.input(in, g.shape(l));
        grads.put(truncated.indexOf(l), in);
      }
      b.named("Identity", GRADIENT, g.backward(grads)).build();
      b.output(GRADIENT);
      return backend.session(b.build());
    });
    evictOld();
    List<OnnxTensor> inputs = new ArrayList<>();
    try {
      Map<String, OnnxTensor> feed = new HashMap<>();
      feed.put(ObjectiveGraph.IMAGE, track(inputs, OnnxTensor.createTensor(backend.env(), image.buffer(), longs(s))));
      for (String l : layers) {
        Tensor g = layerGradients.get(l);
        feed.put("G/" + l, track(inputs, OnnxTensor.createTensor(backend.env(), g.buffer(), longs(g.shape()))));
      }
      try (OrtSession.Result r = session.run(feed)) {
        return toTensor((OnnxTensor) r.get(GRADIENT).orElseThrow());
      }
    } catch (OrtException e) {
      throw new RunFailedException("ONNX Runtime failed in the backward pass: " + e.getMessage(), e);
    } finally {
      inputs.forEach(OnnxTensor::close);
    }
  }

  private static OnnxTensor track(List<OnnxTensor> list, OnnxTensor t) {
    list.add(t);
    return t;
  }

  private void evictOld() {
    var it = sessions.entrySet().iterator();
    while (sessions.size() > CACHED_SESSIONS && it.hasNext()) {
      var e = it.next();
      try {
        e.getValue().close();
      } catch (OrtException ignored) {
        // best effort
      }
      it.remove();
    }
  }

  private static Tensor toTensor(OnnxTensor t) {
    long[] shape = t.getInfo().getShape();
    float[] data = new float[Math.toIntExact(t.getInfo().getNumElements())];
    t.getFloatBuffer().get(data);
    return Tensor.adopt(data, Arrays.stream(shape).mapToInt(Math::toIntExact).toArray());
  }

  private static long[] longs(int[] shape) {
    return Arrays.stream(shape).asLongStream().toArray();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this ONNX feature extractor is closed");
    }
    backend.requireOpen();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (OrtSession s : sessions.values()) {
      try {
        s.close();
      } catch (OrtException ignored) {
        // best effort
      }
    }
    sessions.clear();
  }
}
