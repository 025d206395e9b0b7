package dev.nst.core.image;

import java.util.Arrays;

/**
 * Separable resampling of packed RGB pixels: a horizontal pass, then a vertical one, each with
 * per-output-pixel weights. Along an axis that shrinks, every output pixel is the area-weighted
 * mean of the source pixels it covers (box filter with fractional coverage); along an axis that
 * grows, it is a Keys bicubic (a = -0.5) interpolation at the pixel centre, edges clamped.
 */
final class Resampler {
  private Resampler() {}

  /** Source indices and weights for each output index along one axis. */
  private record Taps(int[][] index, float[][] weight) {}

  static int[] resample(int[] src, int srcW, int srcH, int dstW, int dstH) {
    Taps tx = taps(srcW, dstW);
    Taps ty = taps(srcH, dstH);
    // Horizontal pass into three float planes of srcH x dstW.
    float[][] mid = new float[3][srcH * dstW];
    for (int y = 0; y < srcH; y++) {
      int row = y * srcW;
      for (int x = 0; x < dstW; x++) {
        int[] idx = tx.index[x];
        float[] wt = tx.weight[x];
        float r = 0;
        float g = 0;
        float b = 0;
        for (int k = 0; k < idx.length; k++) {
          int p = src[row + idx[k]];
          r += wt[k] * ((p >> 16) & 0xff);
          g += wt[k] * ((p >> 8) & 0xff);
          b += wt[k] * (p & 0xff);
        }
        int o = y * dstW + x;
        mid[0][o] = r;
        mid[1][o] = g;
        mid[2][o] = b;
      }
    }
    // Vertical pass, row by row so the inner loop runs along memory.
    int[] out = new int[dstW * dstH];
    float[][] acc = new float[3][dstW];
    for (int y = 0; y < dstH; y++) {
      for (float[] a : acc) {
        Arrays.fill(a, 0f);
      }
      int[] idx = ty.index[y];
      float[] wt = ty.weight[y];
      for (int k = 0; k < idx.length; k++) {
        int base = idx[k] * dstW;
        float w = wt[k];
        for (int c = 0; c < 3; c++) {
          float[] plane = mid[c];
          float[] a = acc[c];
          for (int x = 0; x < dstW; x++) {
            a[x] += w * plane[base + x];
          }
        }
      }
      int o = y * dstW;
      for (int x = 0; x < dstW; x++) {
        out[o + x] = (clip(acc[0][x]) << 16) | (clip(acc[1][x]) << 8) | clip(acc[2][x]);
      }
    }
    return out;
  }

  /**
   * The same separable filter on float planes: {@code channels} planes of {@code srcH x srcW}
   * (row-major, one after the other) to {@code dstH x dstW}, without rounding or clipping.
   */
  static float[] resample(float[] src, int channels, int srcH, int srcW, int dstH, int dstW) {
    Taps tx = taps(srcW, dstW);
    Taps ty = taps(srcH, dstH);
    float[] out = new float[channels * dstH * dstW];
    float[] mid = new float[srcH * dstW];
    for (int c = 0; c < channels; c++) {
      int plane = c * srcH * srcW;
      for (int y = 0; y < srcH; y++) {
        for (int x = 0; x < dstW; x++) {
          int[] idx = tx.index[x];
          float[] wt = tx.weight[x];
          float v = 0;
          for (int k = 0; k < idx.length; k++) {
            v += wt[k] * src[plane + y * srcW + idx[k]];
          }
          mid[y * dstW + x] = v;
        }
      }
      int o = c * dstH * dstW;
      for (int y = 0; y < dstH; y++) {
        int[] idx = ty.index[y];
        float[] wt = ty.weight[y];
        for (int k = 0; k < idx.length; k++) {
          int base = idx[k] * dstW;
          float w = wt[k];
          for (int x = 0; x < dstW; x++) {
            out[o + y * dstW + x] += w * mid[base + x];
          }
        }
      }
    }
    return out;
  }

  /** Round half up and clip to 0..255 (bicubic overshoots at sharp edges). */
  private static int clip(float v) {
    if (!(v > 0)) {
      return 0;
    }
    return v >= 255 ? 255 : (int) (v + 0.5f);
  }

  private static Taps taps(int src, int dst) {
    int[][] index = new int[dst][];
    float[][] weight = new float[dst][];
    if (dst == src) {
      for (int i = 0; i < dst; i++) {
        index[i] = new int[] {i};
        weight[i] = new float[] {1f};
      }
    } else if (dst < src) {
      double scale = (double) src / dst;
      for (int i = 0; i < dst; i++) {
        double lo = i * scale;
        double hi = Math.min(src, (i + 1) * scale);
        int first = (int) Math.floor(lo);
        int last = Math.min(src - 1, (int) Math.ceil(hi) - 1);
        int n = last - first + 1;
        double[] w = new double[n];
        for (int k = 0; k < n; k++) {
          int j = first + k;
          w[k] = Math.min(hi, j + 1) - Math.max(lo, j);
        }
        index[i] = range(first, n);
        weight[i] = normalised(w);
      }
    } else {
      double scale = (double) src / dst;
      for (int i = 0; i < dst; i++) {
        double centre = (i + 0.5) * scale - 0.5;
        int base = (int) Math.floor(centre) - 1;
        int[] idx = new int[4];
        double[] w = new double[4];
        for (int k = 0; k < 4; k++) {
          int j = base + k;
          idx[k] = Math.max(0, Math.min(src - 1, j));
          w[k] = cubic(centre - j);
        }
        index[i] = idx;
        weight[i] = normalised(w);
      }
    }
    return new Taps(index, weight);
  }

  private static int[] range(int first, int n) {
    int[] r = new int[n];
    for (int k = 0; k < n; k++) {
      r[k] = first + k;
    }
    return r;
  }

  private static float[] normalised(double[] w) {
    double sum = 0;
    for (double v : w) {
      sum += v;
    }
    float[] f = new float[w.length];
    for (int k = 0; k < w.length; k++) {
      f[k] = (float) (w[k] / sum);
    }
    return f;
  }

  /** Keys' cubic convolution kernel with a = -0.5 (Catmull-Rom). */
  private static double cubic(double t) {
    double x = Math.abs(t);
    if (x <= 1) {
      return (1.5 * x - 2.5) * x * x + 1;
    }
    if (x < 2) {
      return ((-0.5 * x + 2.5) * x - 4) * x + 2;
    }
    return 0;
  }
}
