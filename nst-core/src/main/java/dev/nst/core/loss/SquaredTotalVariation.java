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
    int channels = image.dim(1);
    int h = image.dim(2);
    int w = image.dim(3);
    float[] x = image.toArray();
    float[] grad = new float[x.length];
    double sum = 0;
    for (int c = 0; c < channels; c++) {
      int base = c * h * w;
      for (int i = 0; i < h; i++) {
        int row = base + i * w;
        for (int j = 0; j < w; j++) {
          int p = row + j;
          if (i + 1 < h) {
            double d = (double) x[p + w] - x[p];
            sum += d * d;
            float g = (float) (2 * d);
            grad[p + w] += g;
            grad[p] -= g;
          }
          if (j + 1 < w) {
            double d = (double) x[p + 1] - x[p];
            sum += d * d;
            float g = (float) (2 * d);
            grad[p + 1] += g;
            grad[p] -= g;
          }
        }
      }
    }
    return new LossValue(sum, Tensor.adopt(grad, image.shape()));
  }

  @Override
  public String toString() {
    return "SquaredTotalVariation";
  }
}
