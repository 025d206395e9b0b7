package dev.nst.tck;

import dev.nst.core.model.format.LayerNamer;
import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.Network;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * VGG-shaped networks with random He-normal weights, for benchmarks and cross-backend tests:
 * the cost of an evaluation does not depend on the weights' values.
 */
public final class RandomVgg {
  /** VGG-19 (configuration E): block widths and convolutions per block. */
  public static final int[] VGG19_WIDTHS = {64, 128, 256, 512, 512};

  /** VGG-19 (configuration E): 3x3 convolutions in each of its five blocks. */
  public static final int[] VGG19_CONVS = {2, 2, 4, 4, 4};

  private RandomVgg() {}

  /**
   * Full-width VGG-19 features with random weights.
   *
   * @param seed the weights' seed; the same seed gives the same network
   * @return the network, named vgg19-random
   */
  public static Network vgg19(long seed) {
    return build("vgg19-random", VGG19_WIDTHS, VGG19_CONVS, seed);
  }

  /**
   * A VGG-style chain: per block, {@code convs[b]} 3x3 convolutions + ReLU, then a 2x2 max pool.
   *
   * @param name the network's name
   * @param widths output channels of each block's convolutions
   * @param convs convolutions in each block, as many entries as {@code widths}
   * @param seed the weights' seed
   * @return the network, with VGG layer names (conv1_1, relu1_1, pool1, ...)
   */
  public static Network build(String name, int[] widths, int[] convs, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Layer> layers = new ArrayList<>();
    LayerNamer namer = new LayerNamer();
    int in = 3;
    for (int b = 0; b < widths.length; b++) {
      for (int i = 0; i < convs[b]; i++) {
        int out = widths[b];
        float[] w = new float[out * in * 9];
        double std = Math.sqrt(2.0 / (9 * in));
        for (int k = 0; k < w.length; k++) {
          w[k] = (float) (gaussian(rnd) * std);
        }
        float[] bias = new float[out];
        for (int k = 0; k < out; k++) {
          bias[k] = (float) (gaussian(rnd) * 0.1);
        }
        layers.add(new Layer.Convolution(namer.convolution(), Tensor.adopt(w, out, in, 3, 3), Tensor.adopt(bias, out),
            1, Padding.same(1)));
        layers.add(new Layer.Relu(namer.activation()));
        in = out;
      }
      layers.add(new Layer.Pool(namer.pool(), Pooling.MAX, 2, 2, Padding.NONE));
    }
    return new Network(name, InputConvention.TORCH, 3, layers);
  }

  private static double gaussian(SplittableRandom rnd) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17
    double u = 1.0 - rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * Multiply-adds of the convolutions up to and including {@code lastLayer} for an H x W input.
   *
   * @param network the network
   * @param lastLayer the last layer counted
   * @param height the input's height
   * @param width the input's width
   * @return the multiply-add count
   */
  public static long convolutionMacs(Network network, String lastLayer, int height, int width) {
    long macs = 0;
    List<int[]> shapes = network.shapes(height, width);
    for (int i = 0; i <= network.indexOf(lastLayer); i++) {
      if (network.layers().get(i) instanceof Layer.Convolution c) {
        int[] s = shapes.get(i);
        macs += (long) s[1] * s[2] * c.outChannels() * c.inChannels() * c.kernelHeight() * c.kernelWidth();
      }
    }
    return macs;
  }
}
