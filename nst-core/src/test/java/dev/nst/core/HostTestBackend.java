package dev.nst.core;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Availability;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.BackendProvider;
import dev.nst.api.spi.Device;
import dev.nst.api.spi.MemoryModel;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend for nst-core's own tests, so that {@link StyleTransfer#run()} can run end to end
 * without a native backend: it runs networks made of one 1x1 convolution ({@link #network}) on
 * the host and compiles nothing, so the run uses the host objective. Registered under the name
 * {@value #NAME} with the lowest priority; tests name it with {@code backend(NAME)}.
 */
public class HostTestBackend implements BackendProvider {
  public static final String NAME = "host-test";

  /**
   * Forward passes by image height x width, for tests that check what is computed once; tests
   * read differences, as every test in the JVM adds to it.
   */
  private static final Map<String, AtomicInteger> FORWARDS = new ConcurrentHashMap<>();

  /** Forward passes of images of {@code height x width} so far. */
  public static int forwards(int height, int width) {
    AtomicInteger n = FORWARDS.get(height + "x" + width);
    return n == null ? 0 : n.get();
  }

  /** A 1x1 convolution "conv1_1" from 3 to 4 channels without bias, fixed weights. */
  public static Network network() {
    float[] w = {0.9f, -0.4f, 0.3f, 0.2f, 0.8f, -0.5f, -0.3f, 0.1f, 0.7f, 0.5f, 0.5f, 0.5f};
    return new Network("one-conv", InputConvention.UNIT, 3,
        List.of(new Layer.Convolution("conv1_1", Tensor.of(w, 4, 3, 1, 1), Tensor.zeros(4), 1, Padding.NONE)));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return Integer.MIN_VALUE;
  }

  @Override
  public Availability probe() {
    return Availability.available(Set.of(Device.CPU), "host, 1x1 convolutions only (tests)");
  }

  @Override
  public Backend open(BackendOptions options) {
    return new HostBackend(name(), false);
  }

  /**
   * The host test backend with a lean mode ({@value #NAME}): its lean model counts one byte per
   * activation value where the default counts {@link MemoryModel#CONSERVATIVE}'s, and it counts
   * the objectives compiled in lean mode (both modes compile nothing).
   */
  public static final class Lean extends HostTestBackend {
    public static final String NAME = "host-test-lean";

    /** Objectives compiled in lean mode so far, in this JVM. */
    public static int leanCompiles() {
      return LEAN_COMPILES.get();
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Backend open(BackendOptions options) {
      return new HostBackend(NAME, true);
    }
  }

  private static final AtomicInteger LEAN_COMPILES = new AtomicInteger();

  /** Level 1 on the host; compiles nothing, in either mode. */
  private static final class HostBackend implements Backend {
    private final String name;
    private final boolean lean;

    HostBackend(String name, boolean lean) {
      this.name = name;
      this.lean = lean;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Device device() {
      return Device.CPU;
    }

    @Override
    public String description() {
      return lean ? "host test backend with a lean mode" : "host test backend";
    }

    @Override
    public FeatureExtractor featureExtractor(Network network, Pooling pooling) {
      return new OneByOne(network);
    }

    @Override
    public Optional<Objective> compile(Network network, ObjectiveSpec spec) {
      return Optional.empty();
    }

    @Override
    public Optional<MemoryModel> leanMemoryModel() {
      return lean ? Optional.of(new MemoryModel(1, 0, 0)) : Optional.empty();
    }

    @Override
    public Optional<Objective> compileLean(Network network, ObjectiveSpec spec) {
      if (lean) {
        LEAN_COMPILES.incrementAndGet();
      }
      return Optional.empty();
    }

    @Override
    public void close() {}
  }

  /** Runs a network whose only layer is a 1x1 convolution without stride or padding. */
  private static final class OneByOne implements FeatureExtractor {
    private final Network network;
    private final Layer.Convolution conv;

    OneByOne(Network network) {
      if (network.layers().size() != 1 || !(network.layers().get(0) instanceof Layer.Convolution c)
          || c.kernelHeight() != 1 || c.kernelWidth() != 1) {
        throw new IllegalArgumentException("the test backend runs a single 1x1 convolution only");
      }
      this.network = network;
      this.conv = c;
    }

    @Override
    public Network network() {
      return network;
    }

    @Override
    public Map<String, Tensor> forward(Tensor image, Collection<String> layers) {
      network.requireLayers(layers);
      FORWARDS.computeIfAbsent(image.dim(2) + "x" + image.dim(3), k -> new AtomicInteger()).incrementAndGet();
      int in = conv.inChannels();
      int out = conv.outChannels();
      int hw = image.dim(2) * image.dim(3);
      float[] x = image.toArray();
      float[] w = conv.weight().toArray();
      float[] y = new float[out * hw];
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < in; i++) {
          for (int p = 0; p < hw; p++) {
            y[o * hw + p] += w[o * in + i] * x[i * hw + p];
          }
        }
      }
      Map<String, Tensor> result = new LinkedHashMap<>();
      result.put(conv.name(), Tensor.adopt(y, 1, out, image.dim(2), image.dim(3)));
      return result;
    }

    @Override
    public Tensor backward(Tensor image, Map<String, Tensor> layerGradients) {
      network.requireLayers(layerGradients.keySet());
      int in = conv.inChannels();
      int out = conv.outChannels();
      int hw = image.dim(2) * image.dim(3);
      float[] g = layerGradients.get(conv.name()).toArray();
      float[] w = conv.weight().toArray();
      float[] gx = new float[in * hw];
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < in; i++) {
          for (int p = 0; p < hw; p++) {
            gx[i * hw + p] += w[o * in + i] * g[o * hw + p];
          }
        }
      }
      return Tensor.adopt(gx, image.shape());
    }

    @Override
    public void close() {}
  }
}
