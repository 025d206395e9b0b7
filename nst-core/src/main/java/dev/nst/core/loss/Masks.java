package dev.nst.core.loss;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.nst.api.Tensor;
import java.util.Arrays;

/** Spatial masks for guided Gram matrices: (1, 1, H, W) weights broadcast over channels. */
public final class Masks {
  private Masks() {}

  /**
   * A region of the output that can be sampled at the resolution of any layer, so that one
   * mask guides the style at every layer with edges as soft as that layer's resolution allows.
   */
  @FunctionalInterface
  public interface Region {
    /**
     * The region at one resolution.
     *
     * @param height rows of the layer
     * @param width columns of the layer
     * @return (1, 1, height, width) weights in 0..1
     */
    Tensor at(int height, int width);

    /**
     * The whole image.
     *
     * @return a region of weight 1 everywhere
     */
    static Region whole() {
      return Masks::ones;
    }
  }

  /**
   * A mask of weight 1 at every position.
   *
   * @param height rows
   * @param width columns
   * @return (1, 1, height, width) ones
   */
  public static Tensor ones(int height, int width) {
    float[] v = new float[height * width];
    Arrays.fill(v, 1f);
    return Tensor.adopt(v, 1, 1, height, width);
  }

  /**
   * A grey mask from packed pixels: the mean of red, green and blue in 0..1 (white selects).
   *
   * @param rgb row-major 0xRRGGBB pixels (any alpha in the top byte is ignored)
   * @param height rows
   * @param width columns
   * @return (1, 1, height, width) weights
   */
  public static Tensor grey(int[] rgb, int height, int width) {
    checkNotNull(rgb, "rgb");
    checkArgument(rgb.length == height * width, "got %s pixels for a %sx%s mask", rgb.length, width, height);
    float[] v = new float[rgb.length];
    for (int i = 0; i < v.length; i++) {
      int p = rgb[i];
      v[i] = (((p >> 16) & 255) + ((p >> 8) & 255) + (p & 255)) / (3f * 255f);
    }
    return Tensor.adopt(v, 1, 1, height, width);
  }

  /** {@code activation} (1, C, H, W) multiplied by {@code mask} (1, 1, H, W) at every channel. */
  public static Tensor apply(Tensor activation, Tensor mask) {
    int c = activation.dim(1);
    int hw = activation.dim(2) * activation.dim(3);
    if (!mask.hasShape(1, 1, activation.dim(2), activation.dim(3))) {
      throw new IllegalArgumentException("mask shape " + Arrays.toString(mask.shape()) + " does not match the activation "
          + Arrays.toString(activation.shape()) + "; masks are (1, 1, H, W) at the layer's resolution");
    }
    float[] a = activation.toArray();
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < hw; i++) {
        a[ch * hw + i] *= mask.get(i);
      }
    }
    return Tensor.adopt(a, activation.shape());
  }

  /** sum(mask^2) / (H W): the fraction of positions a soft mask holds. */
  public static double coverage(Tensor mask) {
    return mask.squaredNorm() / mask.size();
  }
}
