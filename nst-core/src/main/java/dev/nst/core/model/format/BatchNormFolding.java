package dev.nst.core.model.format;

import dev.nst.api.Layer;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Tensor;

/**
 * Folds inference-mode batch normalisation into the preceding convolution:
 * {@code s = gamma / sqrt(var + eps)}, {@code W' = W * s[co]}, {@code b' = (b - mean) * s + beta}.
 */
public final class BatchNormFolding {
  private BatchNormFolding() {}

  /** The convolution {@code c} followed by a batch normalisation with these statistics, as one convolution. */
  public static Layer.Convolution fold(Layer.Convolution c, float[] gamma, float[] beta, float[] mean,
      float[] var, float eps) {
    int co = c.outChannels();
    if (co < 1) {
      throw new ModelLoadException("batch normalisation follows " + c.name() + ", which has no output channels");
    }
    if (gamma.length != co || beta.length != co || mean.length != co || var.length != co) {
      throw new ModelLoadException("batch normalisation after " + c.name() + " has parameters for "
          + gamma.length + " channels but the convolution has " + co);
    }
    if (!Float.isFinite(eps) || eps < 0) {
      throw new ModelLoadException("batch normalisation after " + c.name() + " has epsilon " + eps
          + "; it must be a finite number >= 0");
    }
    float[] w = c.weight().toArray();
    float[] b = c.bias().toArray();
    int per = w.length / co;
    for (int o = 0; o < co; o++) {
      double denominator = (double) var[o] + eps;
      if (!(denominator > 0) || !Float.isFinite(gamma[o]) || !Float.isFinite(beta[o]) || !Float.isFinite(mean[o])) {
        throw new ModelLoadException("batch normalisation after " + c.name() + " has channel " + o + " with gamma "
            + gamma[o] + ", beta " + beta[o] + ", mean " + mean[o] + ", variance " + var[o] + " and epsilon " + eps
            + "; the variance plus epsilon must be positive and every value finite. The weights are corrupt");
      }
      double s = gamma[o] / Math.sqrt(denominator);
      for (int i = 0; i < per; i++) {
        w[o * per + i] = (float) (w[o * per + i] * s);
      }
      b[o] = (float) ((b[o] - mean[o]) * s + beta[o]);
      requireFinite(c, w, o * per, per, b[o]);
    }
    return new Layer.Convolution(c.name(), Tensor.adopt(w, c.weight().shape()), Tensor.adopt(b, co), c.stride(), c.padding());
  }

  private static void requireFinite(Layer.Convolution c, float[] w, int from, int count, float bias) {
    boolean finite = Float.isFinite(bias);
    for (int i = from; i < from + count && finite; i++) {
      finite = Float.isFinite(w[i]);
    }
    if (!finite) {
      throw new ModelLoadException("folding batch normalisation into " + c.name() + " overflows float32 (the "
          + "variance is tiny or the scale huge); the weights are corrupt");
    }
  }
}
