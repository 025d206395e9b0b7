package dev.nst.core.image;

import dev.nst.api.InputConvention;
import dev.nst.api.Tensor;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Objects;

/**
 * Conversion between RGB images and the network's input space, as its {@link InputConvention}
 * defines it. The optimiser works in that space, so {@link #toTensor} is applied to the content
 * and style images and {@link #toImage} to the result.
 *
 * <ul>
 *   <li>TORCH: RGB, x = (p / 255 - mean) / std (ImageNet statistics);
 *   <li>CAFFE: BGR, x = p - mean (0..255 scale);
 *   <li>UNIT: RGB, x = p / 255.
 * </ul>
 *
 * <p>The inverse is p = clip(round(value), 0, 255) per channel (half up; NaN becomes 0).
 */
public final class Preprocessing {
  private Preprocessing() {}

  /** The image as a (1, 3, H, W) float32 tensor in the network's channel order. */
  public static Tensor toTensor(BufferedImage image, InputConvention convention) {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(convention, "convention");
    int h = image.getHeight();
    int w = image.getWidth();
    int plane = h * w;
    int[] px = Images.rgbPixels(image);
    float[] out = new float[3 * plane];
    float[] lut = new float[256];
    for (int c = 0; c < 3; c++) {
      // Computed in double and rounded once, so the result is the float nearest the exact value.
      for (int p = 0; p < 256; p++) {
        lut[p] = (float) ((p * convention.scale() - convention.mean(c)) / convention.std(c));
      }
      int shift = shift(c, convention);
      int o = c * plane;
      for (int i = 0; i < plane; i++) {
        out[o + i] = lut[(px[i] >> shift) & 0xff];
      }
    }
    return Tensor.adopt(out, 1, 3, h, w);
  }

  /** {@link #toImage(float[], int, int, InputConvention)} for a (1, 3, H, W) tensor. */
  public static BufferedImage toImage(Tensor tensor, InputConvention convention) {
    Objects.requireNonNull(tensor, "tensor");
    if (tensor.rank() != 4 || tensor.dim(0) != 1 || tensor.dim(1) != 3) {
      throw new IllegalArgumentException(
          "expected an image tensor of shape (1, 3, H, W), got " + Arrays.toString(tensor.shape()));
    }
    return toImage(tensor.toArray(), tensor.dim(2), tensor.dim(3), convention);
  }

  /**
   * The RGB image of network-space values {@code nchw} (batch 1, 3 channels in the network's
   * order, {@code height} x {@code width}): each value is mapped back to 0..255, rounded half
   * up and clipped.
   */
  public static BufferedImage toImage(float[] nchw, int height, int width, InputConvention convention) {
    Objects.requireNonNull(nchw, "nchw");
    Objects.requireNonNull(convention, "convention");
    if (height < 1 || width < 1 || (long) 3 * height * width != nchw.length) {
      throw new IllegalArgumentException(
          nchw.length + " values do not form a 1 x 3 x " + height + " x " + width + " image");
    }
    int plane = height * width;
    int[] px = new int[plane];
    for (int c = 0; c < 3; c++) {
      double std = convention.std(c);
      double mean = convention.mean(c);
      double scale = convention.scale();
      int shift = shift(c, convention);
      int o = c * plane;
      for (int i = 0; i < plane; i++) {
        double v = (nchw[o + i] * std + mean) / scale;
        int p = v >= 255 ? 255 : v > 0 ? (int) Math.floor(v + 0.5) : 0;
        px[i] |= p << shift;
      }
    }
    return Images.fromRgbPixels(px, width, height);
  }

  /** Packed 0xRRGGBB pixels of any image, row-major (converted to RGB as {@link Images#toRgb} does). */
  public static int[] rgbPixels(BufferedImage image) {
    Objects.requireNonNull(image, "image");
    return Images.rgbPixels(image);
  }

  /** Bit position in 0xRRGGBB of network channel {@code c}. */
  private static int shift(int c, InputConvention convention) {
    int rgb = convention.bgr() ? 2 - c : c;
    return 16 - 8 * rgb;
  }
}
