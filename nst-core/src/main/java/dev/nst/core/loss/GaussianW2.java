package dev.nst.core.loss;

import static com.google.common.base.Preconditions.checkArgument;

import dev.nst.api.LossValue;
import dev.nst.api.StyleLossKind;
import dev.nst.api.Tensor;
import java.util.Arrays;

/**
 * The Wasserstein-2 style loss ({@link StyleLossKind#W2}) on the host: the loss and the linear
 * layer gradient {@code w (A f + b)} from the sums a pass over the positions gives (the Gram
 * matrix of the masked activation, the weighted first moment and the total weight), so that
 * whole activations, tiles and compiled backends share one definition. The matrix square roots
 * run here in double precision by eigendecomposition (about 17 C^3 flops per term and
 * evaluation, {@link SymmetricEigen}); they are exact, where a fixed number of Newton-Schulz
 * iterations is not on the ill-conditioned covariances of ReLU features.
 *
 * <p>With R = S_t^1/2, K = R S R = V diag(lambda) V^T:
 *
 * <pre>
 * J = (|mu - mu_t|^2 + tr S + tr S_t - 2 sum sqrt(lambda)) / C
 * G = dJ/dS = (I - R K^-1/2 R) / C
 * dJ/df(p) = w(p) (A f(p) + b),  A = 2 G / W,  b = (2 / W) ((mu - mu_t) / C - G mu)
 * </pre>
 *
 * Immutable; a target is worked out once per run.
 */
public final class GaussianW2 {
  private final int channels;
  private final double[] mean;
  private final double[] sqrtCovariance;
  private final double covarianceTrace;

  private GaussianW2(int channels, double[] mean, double[] sqrtCovariance, double covarianceTrace) {
    this.channels = channels;
    this.mean = mean;
    this.sqrtCovariance = sqrtCovariance;
    this.covarianceTrace = covarianceTrace;
  }

  /**
   * The target of a style: its mean (C) and mean Gram (C, C), the second raw moment.
   *
   * @throws IllegalArgumentException when the shapes do not agree
   */
  public static GaussianW2 target(Tensor mean, Tensor meanGram) {
    int c = mean.size();
    checkArgument(meanGram.hasShape(c, c), "a W2 target needs a (%s, %s) mean Gram for a mean of %s channels, got %s",
        c, c, c, Arrays.toString(meanGram.shape()));
    double[] mu = new double[c];
    for (int i = 0; i < c; i++) {
      mu[i] = mean.get(i);
    }
    double[] s = covariance(meanGramOf(meanGram, c), mu, c);
    double[] values = new double[c];
    double[][] vectors = SymmetricEigen.decompose(s, c, values);
    double trace = 0;
    double[] roots = new double[c];
    for (int i = 0; i < c; i++) {
      roots[i] = Math.sqrt(Math.max(values[i], 0));
      trace += s[i * c + i];
    }
    return new GaussianW2(c, mu, SymmetricEigen.synthesize(vectors, roots, null, c), trace);
  }

  private static double[] meanGramOf(Tensor meanGram, int c) {
    double[] m = new double[c * c];
    for (int i = 0; i < m.length; i++) {
      m[i] = meanGram.get(i);
    }
    return m;
  }

  /** meanGram - mu mu^T + eps I, symmetrised. */
  private static double[] covariance(double[] meanGram, double[] mu, int c) {
    double[] s = new double[c * c];
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < c; j++) {
        s[i * c + j] = 0.5 * (meanGram[i * c + j] + meanGram[j * c + i]) - mu[i] * mu[j];
      }
      s[i * c + i] += StyleLossKind.W2_EPSILON;
    }
    return s;
  }

  /** Channels C. */
  public int channels() {
    return channels;
  }

  /**
   * One evaluation's result: the unweighted loss and the parameters of the layer gradient.
   *
   * @param loss J
   * @param matrix A = 2 G / W times the strength, (C, C) row-major
   * @param offset b times the strength, (C)
   */
  public record Step(double loss, float[] matrix, float[] offset) {}

  /**
   * The loss and gradient parameters from the sums over the positions.
   *
   * @param gram sum over p of (m f)(m f)^T, (C, C) row-major
   * @param firstMoment sum over p of w f, (C)
   * @param weight W = sum over p of w
   * @param strength the factor on the gradient (beta times the layer weight)
   */
  public Step evaluate(double[] gram, double[] firstMoment, double weight, double strength) {
    int c = channels;
    if (weight <= 0) {
      return new Step(0, new float[c * c], new float[c]); // an empty region: no statistics, nothing to match
    }
    double[] mu = new double[c];
    for (int i = 0; i < c; i++) {
      mu[i] = firstMoment[i] / weight;
    }
    double[] m = new double[c * c];
    for (int i = 0; i < m.length; i++) {
      m[i] = gram[i] / weight;
    }
    double[] s = covariance(m, mu, c);
    double[] k = SymmetricEigen.multiply(SymmetricEigen.multiply(sqrtCovariance, s, c), sqrtCovariance, c);
    double[] values = new double[c];
    double[][] vectors = SymmetricEigen.decompose(k, c, values);
    // With eps I on both covariances, K = R S R >= eps R^2 = eps S_t >= eps^2 I in exact
    // arithmetic. Below that an eigenvalue is rounding: the float32 sums of a large image can make
    // S indefinite (E[f^2] - mu^2 cancels for a channel whose mean dwarfs its spread), and K^-1/2
    // at such a value would be infinite.
    double floor = StyleLossKind.W2_EPSILON * StyleLossKind.W2_EPSILON;
    double rootSum = 0;
    double[] inverseRoots = new double[c];
    for (int i = 0; i < c; i++) {
      double v = Math.max(values[i], floor);
      rootSum += Math.sqrt(v);
      inverseRoots[i] = 1 / Math.sqrt(v);
    }
    double trace = 0;
    double meanDistance = 0;
    for (int i = 0; i < c; i++) {
      trace += s[i * c + i];
      double d = mu[i] - mean[i];
      meanDistance += d * d;
    }
    double loss = (meanDistance + trace + covarianceTrace - 2 * rootSum) / c;
    double[] transport = SymmetricEigen.synthesize(vectors, inverseRoots, sqrtCovariance, c); // R K^-1/2 R
    float[] a = new float[c * c];
    float[] b = new float[c];
    double scale = 2 * strength / weight;
    for (int i = 0; i < c; i++) {
      double gmu = 0;
      for (int j = 0; j < c; j++) {
        double g = ((i == j ? 1 : 0) - 0.5 * (transport[i * c + j] + transport[j * c + i])) / c;
        a[i * c + j] = (float) (scale * g);
        gmu += g * mu[j];
      }
      b[i] = (float) (scale * ((mu[i] - mean[i]) / c - gmu));
    }
    return new Step(loss, a, b);
  }

  /**
   * The loss of a whole activation and its gradient with respect to it (strength 1): the host
   * loss of a level-1 objective.
   *
   * @param activation (1, C, H, W)
   * @param mask (1, 1, H, W) region weights, or null for the whole image
   */
  public LossValue evaluate(Tensor activation, Tensor mask) {
    Shapes.requireActivation(activation, "activation");
    checkArgument(activation.dim(1) == channels, "the W2 target has %s channels, the activation %s", channels,
        activation.dim(1));
    int c = channels;
    int n = activation.dim(2) * activation.dim(3);
    float[] a = activation.toArray();
    float[] w = StyleSums.weights(mask, n);
    double[] gram = new double[c * c];
    GramKernel.gram(StyleSums.masked(a, mask, c, n), c, n, gram);
    double[] first = StyleSums.firstMoment(a, w, c, n);
    Step step = evaluate(gram, first, StyleSums.total(w), 1);
    float[] g = new float[a.length];
    StyleSums.affine(a, w, step.matrix(), step.offset(), c, n, g);
    return new LossValue(step.loss(), Tensor.adopt(g, activation.shape()));
  }
}
