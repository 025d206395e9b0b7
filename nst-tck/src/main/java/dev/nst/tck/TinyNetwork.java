package dev.nst.tck;

import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.Network;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import java.util.List;
import java.util.Random;

/**
 * A tiny random network for gradient checks, covering every layer kind of the contract:
 * conv1 (3 to 4, 3x3, pad 1), relu1, pool1 (2x2/2), conv2 (4 to 6, 3x3, pad 1), lrelu2
 * (LeakyRelu 0.1), pool2 (2x2/2), conv3 (6 to 5, 1x1). Inputs are 1x3x11x12, so both pools
 * drop a row (floor mode). The backend decides the pool kind, so it is run with either.
 */
final class TinyNetwork {
  /** Seed of the network's weights; the suite's images and directions use SEED + 1, + 2, ... */
  static final long SEED = 20240601L;
  static final int CHANNELS = 3;
  static final int HEIGHT = 11;
  static final int WIDTH = 12;
  static final List<String> LAYERS = List.of("conv1", "relu1", "pool1", "conv2", "lrelu2", "pool2", "conv3");

  private TinyNetwork() {}

  static Network build(long seed) {
    Random r = new Random(seed);
    return new Network("tck-tiny", InputConvention.UNIT, CHANNELS, List.of(
        conv("conv1", r, 4, 3, 3, 1),
        new Layer.Relu("relu1"),
        new Layer.Pool("pool1", Pooling.MAX, 2, 2, Padding.NONE),
        conv("conv2", r, 6, 4, 3, 1),
        new Layer.LeakyRelu("lrelu2", 0.1f),
        new Layer.Pool("pool2", Pooling.AVERAGE, 2, 2, Padding.NONE),
        conv("conv3", r, 5, 6, 1, 0)));
  }

  static int[] imageShape() {
    return new int[] {1, CHANNELS, HEIGHT, WIDTH};
  }

  private static Layer.Convolution conv(String name, Random r, int out, int in, int k, int pad) {
    double std = Math.sqrt(2.0 / (in * k * k));
    return new Layer.Convolution(name, Numerics.gaussian(r, std, out, in, k, k), Numerics.gaussian(r, 0.1, out), 1,
        Padding.same(pad));
  }

  static Tensor image(long seed) {
    return Numerics.gaussian(new Random(seed), 1.0, imageShape());
  }
}
