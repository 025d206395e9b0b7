package dev.nst.backend.nd4j;

import dev.nst.api.Network;
import dev.nst.api.Pooling;
import dev.nst.api.RunFailedException;
import dev.nst.api.Tensor;
import dev.nst.core.spi.CachedFeatureExtractor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Level 1 on ND4J: each question (direction, image size, layers) is a SameDiff graph, which
 * {@link CachedFeatureExtractor} caches and closes when it leaves the cache. Forward graphs
 * output the layers' activations; backward graphs take the image and a gradient placeholder per
 * layer and output the gradient with respect to the image.
 */
final class Nd4jFeatureExtractor extends CachedFeatureExtractor<Nd4jFeatureExtractor.Compiled> {
  private static final String GRADIENT = "gradient";

  private final Nd4jBackend backend;

  /** A graph with the names of its outputs, in the order the caller needs them. */
  record Compiled(Graph graph, List<String> outputs) {}

  /**
   * An extractor of {@code network} with every pool of kind {@code pooling}.
   *
   * @throws dev.nst.api.UnsupportedNetworkException for a layer this backend cannot run
   */
  Nd4jFeatureExtractor(Nd4jBackend backend, Network network, Pooling pooling) {
    super(Nd4jBackendProvider.NAME, network, pooling);
    NetworkGraph.requireSupported(network.withPooling(pooling)); // now, rather than at the first graph
    this.backend = backend;
  }

  @Override
  protected Compiled compileForward(Network network, int[] imageShape, List<String> layers) {
    // no cache: a run asks for a forward pass once per scale (targets), and arrays cached for the
    // next one would sit beside the objective's evaluations, outside its memory estimate
    return Graph.build(0, g -> {
      NetworkGraph net = networkGraph(g, network, imageShape);
      return new Compiled(g, layers.stream().map(l -> net.output(l).name()).toList());
    });
  }

  private static NetworkGraph networkGraph(Graph g, Network network, int[] imageShape) {
    return new NetworkGraph(g, network, g.placeholder(Graph.IMAGE, imageShape), imageShape[2], imageShape[3]);
  }

  @Override
  protected Map<String, Tensor> runForward(Compiled compiled, Tensor image, List<String> layers) {
    Map<String, INDArray> out = run(compiled, image, Map.of(), "forward pass");
    try {
      Map<String, Tensor> activations = new HashMap<>();
      for (int i = 0; i < layers.size(); i++) {
        activations.put(layers.get(i), Graph.download(out.get(compiled.outputs().get(i))));
      }
      return activations;
    } finally {
      Graph.release(out);
    }
  }

  @Override
  protected Compiled compileBackward(Network network, int[] imageShape, List<String> layers) {
    return Graph.build(Nd4jBackend.cacheBytes(network, imageShape[2], imageShape[3]), g -> {
      NetworkGraph net = networkGraph(g, network, imageShape);
      Map<Integer, SDVariable> atLayers = new HashMap<>();
      layers.forEach(l -> atLayers.put(network.indexOf(l), g.placeholder("G/" + l, net.shape(l))));
      g.sameDiff().identity(GRADIENT, net.backward(atLayers));
      return new Compiled(g, List.of(GRADIENT));
    });
  }

  @Override
  protected Tensor runBackward(Compiled compiled, Tensor image, Map<String, Tensor> layerGradients) {
    Map<String, INDArray> feed = new HashMap<>();
    try {
      layerGradients.forEach((l, g) -> feed.put("G/" + l, Graph.upload(g)));
      Map<String, INDArray> out = run(compiled, image, feed, "backward pass");
      try {
        return Graph.download(out.get(GRADIENT));
      } finally {
        Graph.release(out);
      }
    } finally {
      feed.values().forEach(Graph::release);
    }
  }

  private static Map<String, INDArray> run(Compiled compiled, Tensor image, Map<String, INDArray> more, String what) {
    Map<String, INDArray> feed = new HashMap<>(more);
    INDArray x = Graph.upload(image);
    feed.put(Graph.IMAGE, x);
    try {
      return compiled.graph().run(feed, compiled.outputs());
    } catch (RuntimeException e) {
      throw new RunFailedException("ND4J failed in the " + what + ": " + e.getMessage(), e);
    } finally {
      Graph.release(x);
    }
  }

  @Override
  protected void closeCompiled(Compiled compiled) {
    compiled.graph().close();
  }

  @Override
  protected void requireBackendOpen() {
    backend.requireOpen();
  }
}
