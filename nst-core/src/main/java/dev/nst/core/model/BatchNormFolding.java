package dev.nst.core.model;

import dev.nst.api.Layer;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Tensor;

/**
 * Folds inference-mode batch normalisation into the preceding convolution:
 * {@code s = gamma / sqrt(var + eps)}, {@code W' = W * s[co]}, {@code b' = (b - mean) * s + beta}.
 */
public final class BatchNormFolding {
  private BatchNormFolding() {}

  public static Layer.Convolution fold(Layer.Convolution c, float[] gamma, float[] beta, float[] mean,
      float[] var, float eps) {
    int co = c.outChannels();
    if (gamma.length != co || beta.length != co || mean.length != co || var.length != co) {
      throw new ModelLoadException("batch normalisation after " + c.name() + " has parameters for "
          + gamma.length + " channels but the convolution has " + co);
    }
    float[] w = c.weight().toArray();
    float[] b = c.bias().toArray();
    int per = w.length / co;
    for (int o = 0; o < co; o++) {
      double s = gamma[o] / Math.sqrt((double) var[o] + eps);
      for (int i = 0; i < per; i++) {
        w[o * per + i] = (float) (w[o * per + i] * s);
      }
      b[o] = (float) ((b[o] - mean[o]) * s + beta[o]);
    }
    return new Layer.Convolution(c.name(), Tensor.adopt(w, c.weight().shape()), Tensor.adopt(b, co), c.stride(), c.padding());
  }
}
