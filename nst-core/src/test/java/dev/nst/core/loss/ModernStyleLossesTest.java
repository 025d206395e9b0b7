package dev.nst.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nst.api.LossValue;
import dev.nst.api.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The host side of the W2 and histogram style losses: the eigensolver behind the matrix square
 * roots, the W2 loss against closed forms and its gradient against central differences, and
 * the histogram remap's defining properties. (Both losses are checked against PyTorch float64
 * references on both backends by the conformance suite.)
 */
class ModernStyleLossesTest {

  private static double[] symmetric(Random r, int n, double diagonal) {
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double v = r.nextGaussian();
        a[i * n + j] = v;
        a[j * n + i] = v;
      }
      a[i * n + i] += diagonal;
    }
    return a;
  }

  @Test
  void eigendecompositionReconstructsTheMatrixWithOrthonormalVectors() {
    Random r = new Random(3);
    for (int n : new int[] {1, 2, 7, 64, 130}) {
      double[] a = symmetric(r, n, 0);
      double[] values = new double[n];
      double[][] v = SymmetricEigen.decompose(a, n, values);
      double[] back = SymmetricEigen.synthesize(v, values, null, n);
      double err = 0;
      double norm = 0;
      for (int i = 0; i < a.length; i++) {
        err = Math.max(err, Math.abs(back[i] - a[i]));
        norm = Math.max(norm, Math.abs(a[i]));
      }
      assertThat(err / norm).as("reconstruction, n = %s", n).isLessThan(1e-12);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double dot = 0;
          for (int k = 0; k < n; k++) {
            dot += v[i][k] * v[j][k];
          }
          assertThat(dot).as("v%s . v%s, n = %s", i, j, n).isCloseTo(i == j ? 1 : 0, within(1e-12));
        }
      }
    }
  }

  @Test
  void eigendecompositionHandlesRepeatedAndZeroEigenvalues() {
    int n = 6;
    double[] a = new double[n * n];
    for (int i = 0; i < 3; i++) {
      a[i * n + i] = 2;
    }
    double[] values = new double[n];
    double[][] v = SymmetricEigen.decompose(a, n, values);
    assertThat(values).usingComparatorWithPrecision(1e-14).containsExactlyInAnyOrder(2, 2, 2, 0, 0, 0);
    double[] back = SymmetricEigen.synthesize(v, values, null, n);
    for (int i = 0; i < a.length; i++) {
      assertThat(back[i]).isCloseTo(a[i], within(1e-14));
    }
  }

  @Test
  void productsMatchPlainLoops() {
    Random r = new Random(5);
    int n = 140; // above the parallel threshold
    double[] a = symmetric(r, n, 0);
    double[] b = symmetric(r, n, 1);
    double[] ab = SymmetricEigen.multiply(a, b, n);
    for (int i = 0; i < n; i += 13) {
      for (int j = 0; j < n; j += 7) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += a[i * n + k] * b[k * n + j];
        }
        assertThat(ab[i * n + j]).isCloseTo(s, within(1e-10));
      }
    }
  }

  /** A (1, C, 1, N) activation whose channels are independent with the given means and stds (exactly, for N even). */
  private static Tensor diagonalGaussian(double[] means, double[] stds, int n) {
    int c = means.length;
    float[] a = new float[c * n];
    for (int ch = 0; ch < c; ch++) {
      for (int p = 0; p < n; p++) {
        // +-1 patterns orthogonal across channels (Walsh functions), so the covariance is diagonal
        double sign = Integer.bitCount(p & (1 << ch)) % 2 == 0 ? 1 : -1;
        a[ch * n + p] = (float) (means[ch] + stds[ch] * sign);
      }
    }
    return Tensor.adopt(a, 1, c, 1, n);
  }

  @Test
  void w2OfCommutingGaussiansIsTheClosedForm() {
    // For diagonal covariances W2^2 = |mu - mu_t|^2 + sum (sqrt(s) - sqrt(s_t))^2 (with the eps on both).
    double[] mu = {1, -2, 0.5};
    double[] sd = {2, 0.5, 1};
    double[] muT = {0, -1, 0.5};
    double[] sdT = {1, 1.5, 3};
    int n = 16;
    Tensor style = diagonalGaussian(muT, sdT, n);
    Tensor generated = diagonalGaussian(mu, sd, n);
    Targets.LayerStatistics t = Targets.LayerStatistics.of(dev.nst.api.StyleLossKind.W2, style);
    LossValue v = GaussianW2.target(t.mean(), t.meanGram()).evaluate(generated, null);
    double eps = dev.nst.api.StyleLossKind.W2_EPSILON;
    double expected = 0;
    for (int i = 0; i < 3; i++) {
      double s = Math.sqrt(sd[i] * sd[i] + eps) - Math.sqrt(sdT[i] * sdT[i] + eps);
      expected += (mu[i] - muT[i]) * (mu[i] - muT[i]) + s * s;
    }
    assertThat(v.value()).isCloseTo(expected / 3, within(1e-5));
    LossValue same = GaussianW2.target(t.mean(), t.meanGram()).evaluate(style, null);
    assertThat(same.value()).as("a style matched exactly").isCloseTo(0, within(1e-6));
  }

  @Test
  void w2StaysFiniteWhenRoundingMakesTheCovarianceIndefinite() {
    // sums as float32 gives them for a large image: channel 0's mean (10) dwarfs its spread, and
    // E[f^2] - mu^2 came out -1e-3, ten times eps below zero
    double weight = 1.5e6;
    double[] mu = {10, 1};
    double[] variance = {-1e-3, 0.5};
    double[] gram = new double[4];
    double[] firstMoment = new double[2];
    for (int i = 0; i < 2; i++) {
      firstMoment[i] = mu[i] * weight;
      for (int j = 0; j < 2; j++) {
        gram[i * 2 + j] = (mu[i] * mu[j] + (i == j ? variance[i] : 0)) * weight;
      }
    }
    Targets.LayerStatistics t = Targets.LayerStatistics.of(dev.nst.api.StyleLossKind.W2,
        diagonalGaussian(new double[] {9, 1.5}, new double[] {0.01, 0.7}, 16));
    GaussianW2.Step step = GaussianW2.target(t.mean(), t.meanGram()).evaluate(gram, firstMoment, weight, 1);
    assertThat(step.loss()).isFinite().isPositive();
    for (float a : step.matrix()) {
      assertThat(a).isFinite();
    }
    for (float b : step.offset()) {
      assertThat(b).isFinite();
    }
  }

  @Test
  void w2GradientMatchesCentralDifferencesWholeAndGuided() {
    Random r = new Random(11);
    int c = 5;
    int h = 4;
    int w = 6;
    Tensor style = Tensor.adopt(ClassicLossesTest.random(r, c * 30), 1, c, 5, 6);
    Targets.LayerStatistics t = Targets.LayerStatistics.of(dev.nst.api.StyleLossKind.W2, style);
    GaussianW2 loss = GaussianW2.target(t.mean(), t.meanGram());
    float[] x = ClassicLossesTest.random(r, c * h * w);
    float[] m = new float[h * w];
    for (int p = 0; p < m.length; p++) {
      m[p] = (float) (0.2 + 0.8 * p / m.length);
    }
    for (Tensor mask : new Tensor[] {null, Tensor.adopt(m, 1, 1, h, w)}) {
      LossValue v = loss.evaluate(Tensor.adopt(x.clone(), 1, c, h, w), mask);
      // a step of 1e-3: the loss takes float activations, whose rounding would swamp a smaller one
      double[] fd = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        float[] p = x.clone();
        float[] m2 = x.clone();
        p[i] += 1e-3f;
        m2[i] -= 1e-3f;
        fd[i] = (loss.evaluate(Tensor.adopt(p, 1, c, h, w), mask).value()
            - loss.evaluate(Tensor.adopt(m2, 1, c, h, w), mask).value()) / ((double) p[i] - m2[i]);
      }
      ClassicLossesTest.assertClose(v.gradient().toArray(), fd, 1e-3);
    }
  }

  @Test
  void histogramOfTheStyleItselfIsNearlyMatched() {
    Random r = new Random(2);
    int c = 3;
    int n = 4000;
    float[] a = new float[c * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) Math.exp(r.nextGaussian()); // skewed, like ReLU features
    }
    Tensor act = Tensor.adopt(a, 1, c, 40, 100);
    HistogramMatch h = HistogramMatch.target(HistogramMatch.histogram(act, 256));
    LossValue self = h.evaluate(act, null);
    double variance = 0;
    for (float v : a) {
      variance += v * v;
    }
    variance /= a.length;
    assertThat(self.value()).as("a distribution is remapped onto itself").isLessThan(1e-4 * variance);
    float[] shifted = a.clone();
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] = 2 * shifted[i] + 1;
    }
    LossValue far = h.evaluate(Tensor.adopt(shifted, 1, c, 40, 100), null);
    assertThat(far.value()).isGreaterThan(1000 * self.value());
  }

  @Test
  void histogramGradientIsTheScaledRemapDistance() {
    // one channel, target uniform on [0, 1]; generated values uniform on [0, 0.5]: R(f) is about 2 f
    int n = 1000;
    float[] style = new float[n];
    float[] gen = new float[n];
    for (int i = 0; i < n; i++) {
      style[i] = (i + 0.5f) / n;
      gen[i] = 0.5f * (i + 0.5f) / n;
    }
    HistogramMatch h = HistogramMatch.target(HistogramMatch.histogram(Tensor.adopt(style, 1, 1, 1, n), 64));
    LossValue v = h.evaluate(Tensor.adopt(gen, 1, 1, 1, n), null);
    for (int i = 100; i < n - 100; i += 97) {
      double remapped = 2 * gen[i];
      assertThat(v.gradient().get(i)).isCloseTo((float) (2.0 / n * (gen[i] - remapped)), within(4e-6f));
    }
    double expected = 0;
    for (float g : gen) {
      expected += g * g; // (f - 2f)^2
    }
    assertThat(v.value()).isCloseTo(expected / n, within(5e-3 * expected / n));
  }

  @Test
  void histogramTargetsNeedARangeAndAnIncreasingCdf() {
    assertThatThrownBy(() -> HistogramMatch.target(Tensor.adopt(new float[] {0, 1, 0.2f, 0.9f, 0.5f}, 1, 5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decreases");
    assertThatThrownBy(() -> HistogramMatch.target(Tensor.adopt(new float[] {1, 0, 0.2f, 0.5f, 0.9f}, 1, 5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    HistogramMatch flat = HistogramMatch.target(HistogramMatch.histogram(new float[] {3, 3, 3}, 1, 3, 2));
    assertThat(flat.scale(0)).as("a constant channel maps everything to node 0").isZero();
    LossValue v = flat.evaluate(Tensor.adopt(new float[] {1, 5}, 1, 1, 1, 2), null);
    assertThat(v.value()).as("both values pulled to the constant 3").isCloseTo((4 + 4) / 2.0, within(1e-6));
  }

  @Test
  void aMixtureOfTwoStylesLiesBetweenThem() {
    float[] low = new float[1000];
    float[] high = new float[1000];
    for (int i = 0; i < low.length; i++) {
      low[i] = i / 1000f;
      high[i] = 2 + i / 1000f;
    }
    Tensor mix = HistogramMatch.mixture(List.of(HistogramMatch.histogram(low, 1, 1000, 64),
        HistogramMatch.histogram(high, 1, 1000, 64)), new double[] {0.5, 0.5});
    assertThat(mix.get(0)).isCloseTo(0f, within(1e-6f));
    assertThat(mix.get(1)).isCloseTo(2.999f, within(1e-6f));
    // the node at 1.5, between the two ranges, holds half of the mass below it
    HistogramMatch h = HistogramMatch.target(mix);
    float[] both = new float[2000];
    System.arraycopy(low, 0, both, 0, 1000);
    System.arraycopy(high, 0, both, 1000, 1000);
    LossValue v = h.evaluate(Tensor.adopt(both, 1, 1, 1, 2000), null);
    assertThat(v.value()).as("the union of the two styles matches their mixture").isLessThan(1e-3);
  }
}
