package dev.nst.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nst.api.LossValue;
import dev.nst.api.Tensor;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Values and gradients of the host losses against independent double-precision formulas, and
 * the gradients against central differences of those formulas (every element), plus the
 * Gram kernel against a plain double loop on awkward sizes.
 */
class ClassicLossesTest {
  private static final double H = 1e-5;

  static float[] random(Random r, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) r.nextGaussian();
    }
    return f;
  }

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /** Central differences of f at x, element by element. */
  static double[] centralDifferences(ToDoubleFunction<double[]> f, double[] x) {
    double[] g = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double[] p = x.clone();
      double[] m = x.clone();
      p[i] += H;
      m[i] -= H;
      g[i] = (f.applyAsDouble(p) - f.applyAsDouble(m)) / (2 * H);
    }
    return g;
  }

  /** ||actual - expected|| / ||expected|| is at most {@code relNorm}. */
  static void assertClose(float[] actual, double[] expected, double relNorm) {
    assertThat(actual).hasSameSizeAs(expected);
    double num = 0;
    double den = 0;
    for (int i = 0; i < actual.length; i++) {
      double d = actual[i] - expected[i];
      num += d * d;
      den += expected[i] * expected[i];
    }
    assertThat(Math.sqrt(num / den)).isLessThanOrEqualTo(relNorm);
  }

  // ---- independent double formulas ----

  static double contentRef(double[] g, double[] t) {
    double s = 0;
    for (int i = 0; i < g.length; i++) {
      s += (t[i] - g[i]) * (t[i] - g[i]);
    }
    return s / (4.0 * g.length);
  }

  static double[] gramRef(double[] a, int c, int n) {
    double[] g = new double[c * c];
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < c; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += a[i * n + k] * a[j * n + k];
        }
        g[i * c + j] = s;
      }
    }
    return g;
  }

  static double styleRef(double[] a, int c, int n, double[] meanTarget) {
    double[] g = gramRef(a, c, n);
    double s = 0;
    for (int i = 0; i < g.length; i++) {
      double d = meanTarget[i] * n - g[i];
      s += d * d;
    }
    return s / (4.0 * c * c * (double) n * n);
  }

  static double tvRef(double[] x, int c, int h, int w) {
    double s = 0;
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          double v = x[(ch * h + i) * w + j];
          if (i + 1 < h) {
            double d = x[(ch * h + i + 1) * w + j] - v;
            s += d * d;
          }
          if (j + 1 < w) {
            double d = x[(ch * h + i) * w + j + 1] - v;
            s += d * d;
          }
        }
      }
    }
    return s;
  }

  // ---- tests ----

  @Test
  void contentLossValueAndGradient() {
    Random r = new Random(1);
    int[] shape = {1, 3, 4, 5};
    float[] g = random(r, 60);
    float[] t = random(r, 60);
    LossValue lv = new ClassicContentLoss().evaluate(Tensor.of(g, shape), Tensor.of(t, shape));
    double[] td = toDouble(t);
    assertThat(lv.value()).isCloseTo(contentRef(toDouble(g), td), within(1e-12));
    assertThat(lv.gradient().shape()).containsExactly(shape);
    assertClose(lv.gradient().toArray(), centralDifferences(x -> contentRef(x, td), toDouble(g)), 1e-6);
  }

  @Test
  void styleLossValueAndGradientWithATargetOfAnotherSize() {
    Random r = new Random(2);
    int c = 3;
    int h = 4;
    int w = 5;
    float[] a = random(r, c * h * w);
    // target: mean Gram of a 6x7 "style" activation
    double[] styleAct = toDouble(random(r, c * 42));
    double[] gs = gramRef(styleAct, c, 42);
    float[] mean = new float[c * c];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = (float) (gs[i] / 42);
    }
    double[] meanD = toDouble(mean);
    LossValue lv = new ClassicStyleLoss().evaluate(Tensor.of(a, 1, c, h, w), Tensor.of(mean, c, c));
    double expected = styleRef(toDouble(a), c, h * w, meanD);
    assertThat(lv.value()).isCloseTo(expected, within(1e-6 * expected));
    assertClose(lv.gradient().toArray(),
        centralDifferences(x -> styleRef(x, c, h * w, meanD), toDouble(a)), 1e-5);
  }

  @Test
  void styleLossIsZeroAtItsOwnMeanGram() {
    Random r = new Random(3);
    Tensor a = Tensor.of(random(r, 5 * 3 * 3), 1, 5, 3, 3);
    ClassicStyleLoss loss = new ClassicStyleLoss();
    LossValue lv = loss.evaluate(a, Targets.meanGram(loss, a));
    assertThat(lv.value()).isLessThan(1e-12);
    assertThat(Math.sqrt(lv.gradient().squaredNorm())).isLessThan(1e-6);
  }

  @Test
  void totalVariationValueAndGradient() {
    Random r = new Random(4);
    int c = 2;
    int h = 3;
    int w = 5;
    float[] x = random(r, c * h * w);
    LossValue lv = new SquaredTotalVariation().evaluate(Tensor.of(x, 1, c, h, w));
    assertThat(lv.value()).isCloseTo(tvRef(toDouble(x), c, h, w), within(1e-9));
    assertClose(lv.gradient().toArray(), centralDifferences(v -> tvRef(v, c, h, w), toDouble(x)), 1e-6);
  }

  @Test
  void totalVariationOfAKnownImage() {
    // one channel 2x2: [[0, 1], [3, 5]]: vertical (3-0)^2 + (5-1)^2 = 25, horizontal 1 + 4 = 5
    LossValue lv = new SquaredTotalVariation().evaluate(Tensor.of(new float[] {0, 1, 3, 5}, 1, 1, 2, 2));
    assertThat(lv.value()).isEqualTo(30.0);
    // d/dx00 = -2*3 - 2*1 = -8; d/dx01 = -2*4 + 2*1 = -6; d/dx10 = 2*3 - 2*2 = 2; d/dx11 = 2*4 + 2*2 = 12
    assertThat(lv.gradient().toArray()).containsExactly(-8f, -6f, 2f, 12f);
  }

  @Test
  void gramKernelMatchesAPlainDoubleLoopOnAwkwardSizes() {
    Random r = new Random(5);
    for (int rows : new int[] {1, 3, 4, 5, 8, 13}) {
      for (int cols : new int[] {1, 7, 128, 129, 300}) {
        float[] a = random(r, rows * cols);
        double[] out = new double[rows * rows];
        GramKernel.gram(a, rows, cols, out);
        double[] ref = gramRef(toDouble(a), rows, cols);
        for (int i = 0; i < out.length; i++) {
          assertThat(out[i]).as(rows + "x" + cols + " [" + i + "]")
              .isCloseTo(ref[i], within(1e-5 * Math.sqrt(cols)));
        }
        for (int i = 0; i < rows; i++) {
          for (int j = 0; j < rows; j++) {
            assertThat(out[i * rows + j]).isEqualTo(out[j * rows + i]);
          }
        }
      }
    }
  }

  @Test
  void parallelKernelsMatchPlainLoopsAndDoNotDependOnTheThreadCount() throws Exception {
    // big enough to be split into column chunks; 70 rows is not a multiple of the 4-row tiles
    Random r = new Random(7);
    int rows = 70;
    int cols = 2000 + 17;
    float[] a = random(r, rows * cols);
    float[] s = random(r, rows * rows);
    double[] gram = new double[rows * rows];
    float[] product = new float[rows * cols];
    GramKernel.gram(a, rows, cols, gram);
    GramKernel.multiply(s, a, rows, cols, product);
    double[] ref = gramRef(toDouble(a), rows, cols);
    for (int i = 0; i < gram.length; i++) {
      assertThat(gram[i]).as("gram [" + i + "]").isCloseTo(ref[i], within(1e-5 * Math.sqrt(cols)));
      assertThat(gram[i]).isEqualTo(gram[(i % rows) * rows + i / rows]);
    }
    for (int i = 0; i < rows; i++) {
      for (int k = 0; k < cols; k += 13) {
        double e = 0;
        for (int j = 0; j < rows; j++) {
          e += (double) s[i * rows + j] * a[j * cols + k];
        }
        assertThat((double) product[i * cols + k]).as("product [" + i + ", " + k + "]").isCloseTo(e, within(1e-4));
      }
    }
    // the same call on a one-thread pool: parallel streams started inside a pool run in it
    java.util.concurrent.ForkJoinPool one = new java.util.concurrent.ForkJoinPool(1);
    try {
      double[] gram1 = new double[rows * rows];
      float[] product1 = new float[rows * cols];
      one.submit(() -> {
        GramKernel.gram(a, rows, cols, gram1);
        GramKernel.multiply(s, a, rows, cols, product1);
      }).get();
      assertThat(gram1).isEqualTo(gram);
      assertThat(product1).isEqualTo(product);
    } finally {
      one.shutdown();
    }
  }

  @Test
  void gramKernelStaysAccurateOnALongPositiveRow() {
    // 2^20 values of 0.1: a naive float sum drifts by ~1e-3 relative, the blocked one must not.
    int cols = 1 << 20;
    float[] a = new float[cols];
    java.util.Arrays.fill(a, 0.1f);
    double[] out = new double[1];
    GramKernel.gram(a, 1, cols, out);
    double exact = (double) 0.1f * 0.1f * cols;
    assertThat(Math.abs(out[0] - exact) / exact).isLessThan(1e-6);
  }

  @Test
  void multiplyMatchesAPlainLoop() {
    Random r = new Random(6);
    int rows = 5;
    int cols = 1100;
    float[] s = random(r, rows * rows);
    float[] a = random(r, rows * cols);
    float[] out = new float[rows * cols];
    GramKernel.multiply(s, a, rows, cols, out);
    for (int i = 0; i < rows; i++) {
      for (int k = 0; k < cols; k++) {
        double e = 0;
        for (int j = 0; j < rows; j++) {
          e += (double) s[i * rows + j] * a[j * cols + k];
        }
        assertThat((double) out[i * cols + k]).isCloseTo(e, within(1e-5));
      }
    }
    assertThatThrownBy(() -> GramKernel.multiply(s, a, rows, cols, a))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shapeMistakesAreIllegalArgumentsThatSayWhatWasExpected() {
    Tensor a = Tensor.zeros(1, 3, 4, 4);
    assertThatThrownBy(() -> new ClassicContentLoss().evaluate(a, Tensor.zeros(1, 3, 4, 5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[1, 3, 4, 5]");
    assertThatThrownBy(() -> new ClassicStyleLoss().evaluate(a, Tensor.zeros(4, 4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(3, 3)");
    assertThatThrownBy(() -> new ClassicStyleLoss().gram(Tensor.zeros(3, 4, 4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1, C, H, W)");
    assertThatThrownBy(() -> new SquaredTotalVariation().evaluate(Tensor.zeros(2, 3, 4, 4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1, C, H, W)");
  }
}
