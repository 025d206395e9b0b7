package dev.nst.tck;

import dev.nst.core.model.format.LayerNamer;
import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.Network;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * VGG-shaped networks with random He-normal weights, for benchmarks, cross-backend tests and
 * the full-width reference case, which names its network by a seed instead of carrying ~80 MB
 * of weights. The weights are a documented function of the seed, reproduced bit for bit by
 * {@code tools/seeded_vgg.py}:
 *
 * <ul>
 *   <li>SplitMix64 (the sequence of {@link java.util.SplittableRandom}): the state starts at the
 *       seed; each draw adds 0x9E3779B97F4A7C15 and returns mix64(state); a double is
 *       {@code (draw >>> 11) * 2^-53}.
 *   <li>A normal value takes two doubles: {@code sqrt(-2 log(1 - d1)) cos(2 pi d2)}, with
 *       {@link StrictMath} so that every JVM gives the same bits.
 *   <li>Per convolution in network order: its weight (out, in, 3, 3) row-major, each
 *       {@code (float) (normal * sqrt(2 / (9 in)))}, then its bias, each
 *       {@code (float) (normal * 0.1)}.
 * </ul>
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
   * Full-width VGG-19 features with random weights, up to and including {@code lastLayer}: the
   * same weights as {@link #vgg19(long)} has there (the generator runs in network order), without
   * drawing the ones after it.
   *
   * @param seed the generator's seed
   * @param lastLayer the last layer kept, e.g. relu5_1
   * @return the truncated network
   * @throws IllegalArgumentException when VGG-19 has no such layer
   */
  public static Network vgg19(long seed, String lastLayer) {
    return build("vgg19-random", VGG19_WIDTHS, VGG19_CONVS, seed, lastLayer);
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
    return build(name, widths, convs, seed, null);
  }

  private static Network build(String name, int[] widths, int[] convs, long seed, String lastLayer) {
    SplitMix64 rnd = new SplitMix64(seed);
    List<Layer> layers = new ArrayList<>();
    LayerNamer namer = new LayerNamer();
    int in = 3;
    blocks:
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
        Layer conv = new Layer.Convolution(namer.convolution(), Tensor.adopt(w, out, in, 3, 3), Tensor.adopt(bias, out),
            1, Padding.same(1));
        in = out;
        if (add(layers, conv, lastLayer) || add(layers, new Layer.Relu(namer.activation()), lastLayer)) {
          break blocks;
        }
      }
      if (add(layers, new Layer.Pool(namer.pool(), Pooling.MAX, 2, 2, Padding.NONE), lastLayer)) {
        break;
      }
    }
    Network net = new Network(name, InputConvention.TORCH, 3, layers);
    if (lastLayer != null) {
      net.requireLayers(List.of(lastLayer)); // names the known layers when there is no such one
    }
    return net;
  }

  /** Adds {@code layer}; true when it is the last one wanted. */
  private static boolean add(List<Layer> layers, Layer layer, String lastLayer) {
    layers.add(layer);
    return layer.name().equals(lastLayer);
  }

  private static double gaussian(SplitMix64 rnd) {
    // Box-Muller, cosine branch; StrictMath (fdlibm) because Math may differ between JVMs in the
    // last bit, and the full-width reference case checks these weights' digest
    double u = 1.0 - rnd.nextDouble();
    double v = rnd.nextDouble();
    return StrictMath.sqrt(-2 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * v);
  }

  /** SplitMix64 spelled out (not SplittableRandom, whose algorithm is not a documented contract). */
  private static final class SplitMix64 {
    private long state;

    SplitMix64(long seed) {
      state = seed;
    }

    double nextDouble() {
      state += 0x9E3779B97F4A7C15L;
      long z = state;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z ^= z >>> 31;
      return (z >>> 11) * 0x1.0p-53;
    }
  }

  /**
   * SHA-256 of the weight and then the bias of every convolution of {@code network}, in network
   * order, as float32 little-endian: what a reference case records to prove that its network
   * was rebuilt from the seed exactly.
   *
   * @param network the network, usually truncated after the deepest layer a case uses
   * @return the digest as lower-case hex
   */
  public static String weightsSha256(Network network) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    for (Layer l : network.layers()) {
      if (l instanceof Layer.Convolution c) {
        update(sha, c.weight().toArray());
        update(sha, c.bias().toArray());
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void update(MessageDigest sha, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    sha.update(b.array());
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
