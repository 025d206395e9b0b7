package dev.nst.core.loss;

import dev.nst.api.LossNormalization;
import dev.nst.api.LossValue;
import dev.nst.api.StyleLoss;
import dev.nst.api.Tensor;
import java.util.Arrays;

/**
 * The classic Gram-matrix style loss of Gatys et al. with the normalisation of the reference
 * data. For a generated activation A (C, N = nH*nW) with Gram G = A A^T and a mean Gram target
 * T (see {@link StyleLoss}):
 *
 * <pre>
 * S = T * N                                  (the style Gram rescaled to the generated size)
 * J = sum((S - G)^2) / (4 C^2 N^2)
 * dJ/dA = sym(G - S) A / (C^2 N^2)           sym(D) = (D + D^T) / 2
 * </pre>
 *
 * Gram and gradient products run in {@link GramKernel}; differences and sums are taken in
 * double because near convergence S and G nearly cancel. Stateless and thread-safe.
 */
public final class ClassicStyleLoss implements StyleLoss {
  private final LossNormalization normalization;

  /** The reference normalisation, {@link LossNormalization#CLASSIC}. */
  public ClassicStyleLoss() {
    this(LossNormalization.CLASSIC);
  }

  /** The same Gram loss with another normalisation (presets of the well-known peers). */
  public ClassicStyleLoss(LossNormalization normalization) {
    this.normalization = java.util.Objects.requireNonNull(normalization, "normalization");
  }

  @Override
  public Tensor gram(Tensor activation) {
    Shapes.requireActivation(activation, "activation");
    int c = activation.dim(1);
    int n = activation.dim(2) * activation.dim(3);
    double[] g = new double[c * c];
    GramKernel.gram(activation.toArray(), c, n, g);
    float[] out = new float[c * c];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) g[i];
    }
    return Tensor.adopt(out, c, c);
  }

  @Override
  public LossValue evaluate(Tensor generated, Tensor targetMeanGram) {
    Shapes.requireActivation(generated, "generated activation");
    int c = generated.dim(1);
    int n = generated.dim(2) * generated.dim(3);
    if (targetMeanGram == null || !targetMeanGram.hasShape(c, c)) {
      throw new IllegalArgumentException("the style target must be a (" + c + ", " + c
          + ") mean Gram matrix for an activation with " + c + " channels, got "
          + (targetMeanGram == null ? "null" : Arrays.toString(targetMeanGram.shape()))
          + "; compute targets at the same layer of the same network");
    }
    float[] a = generated.toArray();
    double[] g = new double[c * c];
    GramKernel.gram(a, c, n, g);
    float[] t = targetMeanGram.toArray();
    double[] d = new double[c * c];
    double sum = 0;
    for (int i = 0; i < d.length; i++) {
      d[i] = g[i] - (double) t[i] * n;
      sum += d[i] * d[i];
    }
    // dJ/dA = 4 k sym(D) A; for CLASSIC, k = 1/(4 C^2 N^2)
    double k = normalization.styleFactor(c, generated.dim(2), generated.dim(3));
    float[] s = new float[c * c];
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < c; j++) {
        s[i * c + j] = (float) ((d[i * c + j] + d[j * c + i]) * 0.5 * 4 * k);
      }
    }
    float[] grad = new float[a.length];
    GramKernel.multiply(s, a, c, n, grad);
    return new LossValue(sum * k, Tensor.adopt(grad, generated.shape()));
  }

  @Override
  public String toString() {
    return "ClassicStyleLoss[" + normalization + "]";
  }
}
