package dev.nst.video.flow;

import java.util.Arrays;

/** The array arithmetic of {@link TvL1Flow}: blurs, pyramid steps, differences, median filter. */
final class Pyramid {
  private Pyramid() {}

  /** A separable Gaussian blur (radius 3 sigma, border samples repeated). */
  static float[] blur(float[] a, int w, int h, double sigma) {
    int r = Math.max(1, (int) Math.ceil(3 * sigma));
    float[] k = new float[2 * r + 1];
    double sum = 0;
    for (int i = -r; i <= r; i++) {
      k[i + r] = (float) Math.exp(-0.5 * i * i / (sigma * sigma));
      sum += k[i + r];
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= (float) sum;
    }
    float[] tmp = new float[a.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float s = 0;
        for (int i = -r; i <= r; i++) {
          int xx = Math.min(Math.max(x + i, 0), w - 1);
          s += k[i + r] * a[y * w + xx];
        }
        tmp[y * w + x] = s;
      }
    }
    float[] out = new float[a.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float s = 0;
        for (int i = -r; i <= r; i++) {
          int yy = Math.min(Math.max(y + i, 0), h - 1);
          s += k[i + r] * tmp[yy * w + x];
        }
        out[y * w + x] = s;
      }
    }
    return out;
  }

  /** The next pyramid level: anti-alias blur, then bilinear samples at the half-size grid. */
  static float[] halve(float[] a, int w, int h, int nw, int nh) {
    // sigma = 0.6 sqrt(1/z^2 - 1) for zoom z = 0.5 (Sanchez et al.)
    float[] smooth = blur(a, w, h, 0.6 * Math.sqrt(3));
    float[] out = new float[nw * nh];
    float sx = (float) w / nw;
    float sy = (float) h / nh;
    for (int y = 0; y < nh; y++) {
      for (int x = 0; x < nw; x++) {
        out[y * nw + x] = Warping.sample(smooth, w, h, (x + 0.5f) * sx - 0.5f, (y + 0.5f) * sy - 0.5f);
      }
    }
    return out;
  }

  /** A flow component at the next finer level: bilinear samples, displacements scaled by {@code factor}. */
  static float[] upsampleFlow(float[] a, int w, int h, int nw, int nh, float factor) {
    float[] out = new float[nw * nh];
    float sx = (float) w / nw;
    float sy = (float) h / nh;
    for (int y = 0; y < nh; y++) {
      for (int x = 0; x < nw; x++) {
        out[y * nw + x] = factor * Warping.sample(a, w, h, (x + 0.5f) * sx - 0.5f, (y + 0.5f) * sy - 0.5f);
      }
    }
    return out;
  }

  /** Central differences, one-sided at the border. */
  static void centralGradient(float[] a, int w, int h, float[] gx, float[] gy) {
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int xl = Math.max(x - 1, 0);
        int xr = Math.min(x + 1, w - 1);
        int yu = Math.max(y - 1, 0);
        int yd = Math.min(y + 1, h - 1);
        gx[y * w + x] = xr == xl ? 0 : (a[y * w + xr] - a[y * w + xl]) / (xr - xl);
        gy[y * w + x] = yd == yu ? 0 : (a[yd * w + x] - a[yu * w + x]) / (yd - yu);
      }
    }
  }

  /** Forward differences, 0 on the last column / row (the adjoint of {@link #divergence}). */
  static void forwardGradient(float[] a, int w, int h, float[] gx, float[] gy) {
    for (int y = 0; y < h; y++) {
      int row = y * w;
      for (int x = 0; x < w; x++) {
        int i = row + x;
        gx[i] = x < w - 1 ? a[i + 1] - a[i] : 0;
        gy[i] = y < h - 1 ? a[i + w] - a[i] : 0;
      }
    }
  }

  /** Backward-difference divergence of (p1, p2), with the boundary conditions that make it -adjoint of the gradient. */
  static void divergence(float[] p1, float[] p2, int w, int h, float[] out) {
    for (int y = 0; y < h; y++) {
      int row = y * w;
      for (int x = 0; x < w; x++) {
        int i = row + x;
        float d1 = x == 0 ? p1[i] : x == w - 1 ? -p1[i - 1] : p1[i] - p1[i - 1];
        float d2 = y == 0 ? p2[i] : y == h - 1 ? -p2[i - w] : p2[i] - p2[i - w];
        out[i] = d1 + d2;
      }
    }
  }

  /** A 3x3 median filter in place (border samples repeated). */
  static void median3x3(float[] a, int w, int h) {
    float[] src = a.clone();
    float[] win = new float[9];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int k = 0;
        for (int dy = -1; dy <= 1; dy++) {
          int yy = Math.min(Math.max(y + dy, 0), h - 1);
          for (int dx = -1; dx <= 1; dx++) {
            int xx = Math.min(Math.max(x + dx, 0), w - 1);
            win[k++] = src[yy * w + xx];
          }
        }
        Arrays.sort(win);
        a[y * w + x] = win[4];
      }
    }
  }
}
