package dev.nst.core.loss;

import dev.nst.api.LossValue;
import dev.nst.api.Tensor;
import dev.nst.api.TotalVariationLoss;

/**
 * Squared total variation of the reference data: over every channel and every valid pair of
 * vertical and horizontal neighbours,
 *
 * <pre>
 * J = sum (x[c,i+1,j] - x[c,i,j])^2 + sum (x[c,i,j+1] - x[c,i,j])^2
 * </pre>
 *
 * with no padding and no normalisation (so gamma scales with the image size, as in the
 * reference). Differences and the sum are taken in double. Stateless and thread-safe.
 */
public final class SquaredTotalVariation implements TotalVariationLoss {

  @Override
  public LossValue evaluate(Tensor image) {
    Shapes.requireActivation(image, "image");
    float[] grad = new float[image.size()];
    double sum = addGradient(image.toArray(), image.dim(1), image.dim(2), image.dim(3), 1, grad);
    return new LossValue(sum, Tensor.adopt(grad, image.shape()));
  }

  /**
   * The total variation of {@code x} (C x H x W, flattened), adding {@code scale} times its
   * gradient into {@code grad} (nothing when scale is 0): the in-place form for objectives that
   * must not allocate an image per evaluation.
   */
  public static double addGradient(float[] x, int channels, int h, int w, double scale, float[] grad) {
    double sum = 0;
    boolean differentiate = scale != 0;
    for (int c = 0; c < channels; c++) {
      int base = c * h * w;
      for (int i = 0; i < h; i++) {
        int row = base + i * w;
        for (int j = 0; j < w; j++) {
          int p = row + j;
          if (i + 1 < h) {
            double d = (double) x[p + w] - x[p];
            sum += d * d;
            if (differentiate) {
              float g = (float) (2 * scale * d);
              grad[p + w] += g;
              grad[p] -= g;
            }
          }
          if (j + 1 < w) {
            double d = (double) x[p + 1] - x[p];
            sum += d * d;
            if (differentiate) {
              float g = (float) (2 * scale * d);
              grad[p + 1] += g;
              grad[p] -= g;
            }
          }
        }
      }
    }
    return sum;
  }

  @Override
  public String toString() {
    return "SquaredTotalVariation";
  }
}
