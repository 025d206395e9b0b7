package dev.nst.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.RemovalNotification;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSortedMap;
import com.google.common.collect.ImmutableSortedSet;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Level 1 of the backend contract for backends that compile a graph per question: forward to a
 * set of layers, or backward from them, at one image size. This class does what every such
 * backend would write again: the argument checks (image shape, known layers, one gradient of
 * the layer's activation shape per layer, with one message format), the empty cases, a cache of
 * compiled graphs, and the lifecycle. A backend implements the hooks: compile a graph, run it,
 * close it, and say whether the backend that created the extractor is still open.
 *
 * <p>Compiled graphs are cached by direction, image size and sorted layer set, because an
 * optimisation asks the same two questions every iteration. The cache holds four
 * graphs, least recently used first out; an evicted graph is closed at once, so native memory
 * stays bounded however many sizes a caller tries. {@link #close()} closes every cached graph;
 * closing twice is harmless, and use after close is an {@link IllegalStateException}. Not
 * thread-safe, like every {@link FeatureExtractor}.
 *
 * @param <S> the backend's compiled graph (a session, a SameDiff graph, ...)
 */
public abstract class CachedFeatureExtractor<S> implements FeatureExtractor {
  /** Compiled graphs kept: forward and backward at two sizes (a multi-scale run's neighbours). */
  private static final int CACHED = 4;

  private final String backendName;
  private final Network network;
  private final Network pooled;
  private final Cache<Key, S> compiled;
  private boolean closed;

  /** What a graph answers: the direction, the image size and the sorted layers. */
  private record Key(boolean backward, int height, int width, List<String> layers) {}

  /**
   * An extractor of {@code network} with every pool switched to {@code pooling}.
   *
   * @param backendName the backend's name, for messages
   * @param network the network
   * @param pooling the pooling every pool runs with
   * @throws NullPointerException when an argument is null
   */
  protected CachedFeatureExtractor(String backendName, Network network, Pooling pooling) {
    this.backendName = checkNotNull(backendName, "backendName");
    this.network = checkNotNull(network, "network");
    this.pooled = network.withPooling(checkNotNull(pooling, "pooling"));
    // One segment, so that eviction is least-recently-used over all graphs rather than per
    // segment (Guava picks one segment for a cache this small anyway; a larger size keeps it).
    this.compiled = CacheBuilder.newBuilder()
        .concurrencyLevel(1)
        .maximumSize(CACHED)
        .removalListener((RemovalNotification<Key, S> removed) -> closeCompiled(removed.getValue()))
        .build();
  }

  @Override
  public final Network network() {
    return network;
  }

  /**
   * Activations (1, C, H, W) of {@code image} (1, C, H, W) at each requested layer, from the
   * cached graph for the image's size and the layers.
   *
   * @param image the input, in the network's input convention
   * @param layers names of layers of {@link #network()}
   * @return each requested layer's activation, by name
   * @throws NullPointerException when an argument is null
   * @throws IllegalArgumentException when the image is not (1, C, H, W) for the network or is
   *     too small for it
   * @throws dev.nst.api.UnknownLayerException when a layer is not in the network
   * @throws IllegalStateException when this extractor or its backend is closed
   */
  @Override
  public final Map<String, Tensor> forward(Tensor image, Collection<String> layers) {
    requireOpen();
    checkNotNull(image, "image");
    checkNotNull(layers, "layers");
    int[] shape = network.requireImage(image);
    List<String> sorted = ImmutableSortedSet.copyOf(layers).asList();
    network.requireLayers(sorted);
    if (sorted.isEmpty()) {
      return Map.of();
    }
    S graph = graph(new Key(false, shape[2], shape[3], sorted));
    return ImmutableMap.copyOf(runForward(graph, image, sorted));
  }

  /**
   * The gradient with respect to the image of any loss whose gradients at the layers are given
   * (the vector-Jacobian product), from the cached graph for the image's size and the layers.
   *
   * @param image the input (1, C, H, W) the activations were computed for
   * @param layerGradients by layer name, the loss's gradient with respect to that layer's activation
   * @return the gradient with respect to {@code image}, shaped like it
   * @throws NullPointerException when an argument or a gradient is null
   * @throws IllegalArgumentException when the image is not (1, C, H, W) for the network, or a
   *     gradient does not have its layer's activation shape
   * @throws dev.nst.api.UnknownLayerException when a layer is not in the network
   * @throws IllegalStateException when this extractor or its backend is closed
   */
  @Override
  public final Tensor backward(Tensor image, Map<String, Tensor> layerGradients) {
    requireOpen();
    checkNotNull(image, "image");
    checkNotNull(layerGradients, "layerGradients");
    int[] shape = network.requireImage(image);
    network.requireLayers(layerGradients.keySet());
    if (layerGradients.isEmpty()) {
      return Tensor.zeros(shape);
    }
    List<int[]> shapes = network.shapes(shape[2], shape[3]);
    layerGradients.forEach((layer, g) -> {
      int[] chw = shapes.get(network.indexOf(layer));
      int[] expected = {1, chw[0], chw[1], chw[2]};
      checkNotNull(g, "the gradient at layer %s is null", layer);
      checkArgument(g.hasShape(expected), "the gradient at layer %s has shape %s but a %sx%s image gives %s there; "
          + "give each layer a gradient of its activation's shape", layer, Arrays.toString(g.shape()), shape[2], shape[3],
          Arrays.toString(expected));
    });
    ImmutableSortedMap<String, Tensor> sorted = ImmutableSortedMap.copyOf(layerGradients);
    S graph = graph(new Key(true, shape[2], shape[3], sorted.keySet().asList()));
    Tensor gradient = runBackward(graph, image, sorted);
    checkState(gradient.hasShape(shape), "the %s backend returned a gradient of shape %s for an image of shape %s: "
        + "a bug in the backend", backendName, Arrays.toString(gradient.shape()), Arrays.toString(shape));
    return gradient;
  }

  private S graph(Key key) {
    S graph = compiled.getIfPresent(key);
    if (graph == null) {
      Network truncated = pooled.truncatedAfter(key.layers());
      int[] imageShape = {1, network.inputChannels(), key.height(), key.width()};
      graph = key.backward()
          ? compileBackward(truncated, imageShape, key.layers())
          : compileForward(truncated, imageShape, key.layers());
      compiled.put(key, graph); // may evict (and close) the least recently used graph
    }
    return graph;
  }

  /**
   * Compiles the forward pass of {@code network} to {@code layers}.
   *
   * @param network the network, pools switched to this extractor's pooling, cut after the
   *     deepest of {@code layers}
   * @param imageShape (1, C, H, W) of the image
   * @param layers the layers to return, sorted, not empty
   * @return the compiled graph
   */
  protected abstract S compileForward(Network network, int[] imageShape, List<String> layers);

  /**
   * Runs a graph from {@link #compileForward}.
   *
   * @param graph the graph
   * @param image the image, already checked
   * @param layers the graph's layers, in the order given to {@link #compileForward}
   * @return the activation (1, C, H, W) of every layer
   */
  protected abstract Map<String, Tensor> runForward(S graph, Tensor image, List<String> layers);

  /**
   * Compiles the vector-Jacobian product from gradients at {@code layers} to the image.
   *
   * @param network the network, pools switched to this extractor's pooling, cut after the
   *     deepest of {@code layers}
   * @param imageShape (1, C, H, W) of the image
   * @param layers the layers the gradients arrive at, sorted, not empty
   * @return the compiled graph
   */
  protected abstract S compileBackward(Network network, int[] imageShape, List<String> layers);

  /**
   * Runs a graph from {@link #compileBackward}.
   *
   * @param graph the graph
   * @param image the image, already checked
   * @param layerGradients one gradient per layer of the graph, checked, sorted by layer
   * @return the gradient with respect to the image, of the image's shape
   */
  protected abstract Tensor runBackward(S graph, Tensor image, Map<String, Tensor> layerGradients);

  /**
   * Releases a compiled graph that left the cache or belongs to a closed extractor. Must not
   * throw: a failure to release is not the caller's problem.
   *
   * @param graph the graph
   */
  protected abstract void closeCompiled(S graph);

  /**
   * Checks that the backend that created this extractor is open.
   *
   * @throws IllegalStateException when it is closed
   */
  protected abstract void requireBackendOpen();

  private void requireOpen() {
    checkState(!closed, "this %s feature extractor is closed; create a new one with Backend.featureExtractor",
        backendName);
    requireBackendOpen();
  }

  /** Closes every cached graph; harmless when called twice. */
  @Override
  public final void close() {
    if (closed) {
      return;
    }
    closed = true;
    compiled.invalidateAll(); // the removal listener closes each graph
    compiled.cleanUp();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + network.name() + ", " + compiled.size() + " graphs"
        + (closed ? ", closed" : "") + "]";
  }
}
