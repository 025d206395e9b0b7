package dev.nst.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * Gradients against central differences. The tiny network is piecewise linear, so a difference
 * is exact except when the step crosses a ReLU or max-pool kink: the directional check uses the
 * median over several directions, the coordinate check lets a small share of coordinates be off
 * (a wrong backward gets most of them wrong).
 */
final class CentralDifferences {
  /**
   * Step on inputs of unit scale: large enough that float32 rounding of f stays near 1e-3
   * relative, small enough that few ReLU or max-pool kinks fall inside a step.
   */
  private static final double STEP = 1e-3;
  /** Relative tolerance of central differences against a float32 gradient. */
  private static final double TOLERANCE = 1e-2;
  /** Share of coordinates whose difference may cross a kink (a correct float32 backend: ~3%). */
  private static final double KINK_SHARE = 0.10;
  private static final int DIRECTIONS = 9;

  private CentralDifferences() {}

  /**
   * Checks {@code grad}, the claimed gradient of {@code f} at {@code x}, along random directions
   * and along every coordinate.
   */
  static void assertMatches(String what, ToDoubleFunction<float[]> f, float[] x, float[] grad) {
    assertTrue(Numerics.norm(grad) > 0, () -> what + " is zero everywhere");
    Random r = new Random(TinyNetwork.SEED + 5);
    List<Double> errors = new ArrayList<>();
    for (int k = 0; k < DIRECTIONS; k++) {
      float[] v = Numerics.gaussian(r, x.length, 1.0);
      float[] p = x.clone();
      float[] m = x.clone();
      for (int i = 0; i < x.length; i++) {
        p[i] += (float) (STEP * v[i]);
        m[i] -= (float) (STEP * v[i]);
      }
      double analytic = 0;
      double step = 0;
      for (int i = 0; i < x.length; i++) {
        analytic += (double) grad[i] * v[i];
        step += ((double) p[i] - m[i]) * v[i];
      }
      // divide by the step actually taken (float rounding of x +- h v), projected on v
      double h2 = step / Numerics.norm(v) / Numerics.norm(v);
      double fd = (f.applyAsDouble(p) - f.applyAsDouble(m)) / h2;
      errors.add(Math.abs(fd - analytic) / Math.abs(analytic));
    }
    double median = Numerics.median(errors);
    assertTrue(median <= TOLERANCE, () -> String.format(Locale.ROOT,
        "%s: median relative error of directional derivatives %.3g exceeds %.3g (all: %s)", what, median,
        TOLERANCE, errors));

    float[] fd = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      float[] p = x.clone();
      float[] m = x.clone();
      p[i] += (float) STEP;
      m[i] -= (float) STEP;
      fd[i] = (float) ((f.applyAsDouble(p) - f.applyAsDouble(m)) / ((double) p[i] - m[i]));
    }
    double rms = Numerics.norm(grad) / Math.sqrt(grad.length);
    List<String> off = new ArrayList<>();
    for (int i = 0; i < grad.length; i++) {
      double e = Math.abs(fd[i] - grad[i]) / (Math.abs(grad[i]) + rms);
      if (e > TOLERANCE) {
        off.add(String.format(Locale.ROOT, "[%d] %.6g vs %.6g", i, grad[i], fd[i]));
      }
    }
    assertTrue(off.size() <= KINK_SHARE * grad.length, () -> String.format(Locale.ROOT,
        "%s: %d of %d coordinates differ from central differences by more than %.3g (relative to |g_i| + rms(g)); "
            + "kinks explain at most %.0f%%. Gradient vs difference: %s", what, off.size(), grad.length,
        TOLERANCE, 100 * KINK_SHARE, off.subList(0, Math.min(off.size(), 12))));
  }
}
