package dev.nst.backend.nd4j;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Pooling;
import dev.nst.api.RunFailedException;
import dev.nst.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Level 1: forward to named layers, and the vector-Jacobian product back to the image. Each
 * distinct (image size, layer set, direction) gets its own SameDiff graph, kept in a small LRU
 * cache because a run asks the same question every iteration; evicted graphs are closed at once.
 */
final class Nd4jFeatureExtractor implements FeatureExtractor {
  private static final int CACHED_GRAPHS = 4;
  private static final String GRADIENT = "gradient";

  private final Nd4jBackend backend;
  private final Network network;
  private final Network pooled;
  private final Map<String, Cached> graphs = new LinkedHashMap<>(8, 0.75f, true);
  private boolean closed;

  /** A graph with the names of its outputs, in the order the caller needs them. */
  private record Cached(Graph graph, List<String> outputs) {}

  Nd4jFeatureExtractor(Nd4jBackend backend, Network network, Pooling pooling) {
    this.backend = backend;
    this.network = network;
    this.pooled = network.withPooling(pooling);
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
    Cached cached = graph("F" + s[2] + "x" + s[3] + wanted, () -> {
      Graph g = new Graph();
      NetworkGraph net = new NetworkGraph(g, pooled.truncatedAfter(wanted), g.placeholder(ObjectiveGraph.IMAGE, s), s[2], s[3]);
      List<String> names = new ArrayList<>();
      for (String l : wanted) {
        names.add(net.output(l).name());
      }
      return new Cached(g, names);
    });
    Map<String, INDArray> out = run(cached, image, Map.of(), "forward pass");
    try {
      Map<String, Tensor> result = new HashMap<>();
      for (int i = 0; i < wanted.size(); i++) {
        result.put(wanted.get(i), Graph.download(out.get(cached.outputs().get(i))));
      }
      return result;
    } finally {
      Graph.release(out);
    }
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
      Tensor g = layerGradients.get(l);
      if (g == null || !g.hasShape(expected)) {
        throw new IllegalArgumentException("gradient at layer " + l + " has shape "
            + (g == null ? "null" : Arrays.toString(g.shape())) + " but that layer's activation is "
            + Arrays.toString(expected));
      }
    }
    Cached cached = graph("B" + s[2] + "x" + s[3] + layers, () -> {
      Graph g = new Graph();
      Network truncated = pooled.truncatedAfter(layers);
      NetworkGraph net = new NetworkGraph(g, truncated, g.placeholder(ObjectiveGraph.IMAGE, s), s[2], s[3]);
      Map<Integer, SDVariable> grads = new HashMap<>();
      for (String l : layers) {
        grads.put(truncated.indexOf(l), g.placeholder("G/" + l, net.shape(l)));
      }
      g.sameDiff().identity(GRADIENT, net.backward(grads));
      return new Cached(g, List.of(GRADIENT));
    });
    Map<String, INDArray> feed = new HashMap<>();
    try {
      for (String l : layers) {
        feed.put("G/" + l, Graph.upload(layerGradients.get(l)));
      }
      Map<String, INDArray> out = run(cached, image, feed, "backward pass");
      try {
        return Graph.download(out.get(GRADIENT));
      } finally {
        Graph.release(out);
      }
    } finally {
      feed.values().forEach(Graph::release);
    }
  }

  private Map<String, INDArray> run(Cached cached, Tensor image, Map<String, INDArray> more, String what) {
    Map<String, INDArray> feed = new HashMap<>(more);
    INDArray x = Graph.upload(image);
    feed.put(ObjectiveGraph.IMAGE, x);
    try {
      return cached.graph().run(feed, cached.outputs());
    } catch (RuntimeException e) {
      throw new RunFailedException("ND4J failed in the " + what + ": " + e.getMessage(), e);
    } finally {
      Graph.release(x);
    }
  }

  private Cached graph(String key, Supplier<Cached> build) {
    Cached c = graphs.get(key);
    if (c == null) {
      c = build.get();
      graphs.put(key, c);
      Iterator<Cached> it = graphs.values().iterator();
      while (graphs.size() > CACHED_GRAPHS && it.hasNext()) {
        Cached old = it.next();
        if (old != c) {
          old.graph().close();
          it.remove();
        }
      }
    }
    return c;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this ND4J feature extractor is closed; create a new one with Backend.featureExtractor");
    }
    backend.requireOpen();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    graphs.values().forEach(c -> c.graph().close());
    graphs.clear();
  }
}
