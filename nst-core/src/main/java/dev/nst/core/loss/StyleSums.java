package dev.nst.core.loss;

import dev.nst.api.Tensor;
import java.util.Arrays;

/**
 * The per-position sums and layer gradients of the W2 and histogram style losses on the host,
 * over an activation {@code a} seen as (C, N) and per-position weights {@code w} (the squared
 * region mask, or ones): what a level-1 objective and level-1 tiles compute where a backend's
 * compiled tile objective would. Stateless.
 */
public final class StyleSums {
  private StyleSums() {}

  /**
   * The weights w = m^2 of a mask (1, 1, H, W), or ones without one.
   *
   * @param n positions H W
   */
  public static float[] weights(Tensor mask, int n) {
    float[] w = new float[n];
    if (mask == null) {
      Arrays.fill(w, 1f);
      return w;
    }
    for (int p = 0; p < n; p++) {
      float m = mask.get(p);
      w[p] = m * m;
    }
    return w;
  }

  /** The weights w = m^2 of a mask given as (H W) floats. */
  public static float[] weights(float[] mask) {
    float[] w = new float[mask.length];
    for (int p = 0; p < w.length; p++) {
      w[p] = mask[p] * mask[p];
    }
    return w;
  }

  /** {@code a} times the mask at every channel (a copy), or {@code a} itself without a mask. */
  static float[] masked(float[] a, Tensor mask, int c, int n) {
    if (mask == null) {
      return a;
    }
    float[] out = new float[a.length];
    for (int ch = 0; ch < c; ch++) {
      for (int p = 0; p < n; p++) {
        out[ch * n + p] = a[ch * n + p] * mask.get(p);
      }
    }
    return out;
  }

  /** The sum of the weights. */
  public static double total(float[] w) {
    double s = 0;
    for (float v : w) {
      s += v;
    }
    return s;
  }

  /** {@code sum_p w(p) a(c, p)} per channel c. */
  public static double[] firstMoment(float[] a, float[] w, int c, int n) {
    double[] out = new double[c];
    for (int ch = 0; ch < c; ch++) {
      double s = 0;
      int o = ch * n;
      for (int p = 0; p < n; p++) {
        s += (double) w[p] * a[o + p];
      }
      out[ch] = s;
    }
    return out;
  }

  /** Adds {@code w(p) (A a(p) + b)} into {@code out} (C, N): the W2 layer gradient. */
  public static void affine(float[] a, float[] w, float[] matrix, float[] offset, int c, int n, float[] out) {
    float[] product = new float[c * n];
    GramKernel.multiply(matrix, a, c, n, product);
    for (int ch = 0; ch < c; ch++) {
      int o = ch * n;
      float b = offset[ch];
      for (int p = 0; p < n; p++) {
        out[o + p] += w[p] * (product[o + p] + b);
      }
    }
  }

  /**
   * Adds each position's histogram deposit into {@code nodes} (C, B + 1): with
   * u = clamp((a - lo) s, 0, B), k = min(floor(u), B - 1), t = u - k, w (1 - t) on node k and
   * w t on node k + 1 ({@link dev.nst.api.StyleLossKind#HISTOGRAM}).
   */
  public static void deposit(float[] a, float[] w, HistogramMatch bins, int n, double[] nodes) {
    int c = bins.channels();
    int b = bins.bins();
    for (int ch = 0; ch < c; ch++) {
      float lo = bins.low(ch);
      float s = bins.scale(ch);
      int o = ch * n;
      int row = ch * (b + 1);
      for (int p = 0; p < n; p++) {
        float u = Math.min(Math.max((a[o + p] - lo) * s, 0f), b);
        int k = Math.min((int) u, b - 1);
        float t = u - k;
        nodes[row + k] += (double) w[p] * (1 - t);
        nodes[row + k + 1] += (double) w[p] * t;
      }
    }
  }

  /**
   * Adds {@code scale w (a - R(a))} into {@code out} (C, N) for the remap table {@code table}
   * (C, B + 1) and returns {@code sum_p w sum_c (a - R(a))^2}: the histogram layer gradient.
   */
  public static double remap(float[] a, float[] w, HistogramMatch bins, float[] table, float scale, int n,
      float[] out) {
    int c = bins.channels();
    int b = bins.bins();
    double sum = 0;
    for (int ch = 0; ch < c; ch++) {
      float lo = bins.low(ch);
      float s = bins.scale(ch);
      int o = ch * n;
      int row = ch * (b + 1);
      for (int p = 0; p < n; p++) {
        float v = a[o + p];
        float u = Math.min(Math.max((v - lo) * s, 0f), b);
        int k = Math.min((int) u, b - 1);
        float t = u - k;
        float r = table[row + k] + t * (table[row + k + 1] - table[row + k]);
        float d = v - r;
        sum += (double) w[p] * d * d;
        out[o + p] += scale * w[p] * d;
      }
    }
    return sum;
  }
}
