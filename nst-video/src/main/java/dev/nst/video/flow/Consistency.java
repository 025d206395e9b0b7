package dev.nst.video.flow;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Where a flow can be trusted (Ruder, Dosovitskiy and Brox 2016, after Sundaram et al. 2010).
 * For frame t with backward flow b (into frame t-1) and frame t-1 with forward flow f (into
 * frame t), let f~(p) = f(p + b(p)), the forward flow seen from frame t. A pixel gets weight 0
 * <ul>
 *   <li>where it was hidden in frame t-1 (a disocclusion): |f~ + b|^2 &gt; 0.01 (|f~|^2 + |b|^2) + 0.5,
 *       the two flows do not undo each other;
 *   <li>on a motion boundary: |grad b_u|^2 + |grad b_v|^2 &gt; 0.01 |b|^2 + 0.002;
 *   <li>where p + b(p) falls outside frame t-1;
 * </ul>
 * and weight 1 elsewhere. The thresholds are the paper's, in pixels.
 */
public final class Consistency {
  private Consistency() {}

  /**
   * The 0/1 weights of frame t's pixels.
   *
   * @param backward flow of frame t into frame t-1
   * @param forward flow of frame t-1 into frame t, same size
   * @return 1 where warping frame t-1 by {@code backward} gives frame t's pixel, 0 elsewhere
   */
  public static Plane mask(Flow backward, Flow forward) {
    checkNotNull(backward, "backward");
    checkNotNull(forward, "forward");
    checkArgument(backward.width() == forward.width() && backward.height() == forward.height(),
        "the forward and backward flows differ in size");
    int w = backward.width();
    int h = backward.height();
    float[] bu = backward.u().data();
    float[] bv = backward.v().data();
    float[] fu = Warping.warp(forward.u().data(), backward);
    float[] fv = Warping.warp(forward.v().data(), backward);
    float[] out = new float[w * h];
    for (int y = 0, i = 0; y < h; y++) {
      for (int x = 0; x < w; x++, i++) {
        float tx = x + bu[i];
        float ty = y + bv[i];
        boolean inside = tx >= 0 && tx <= w - 1 && ty >= 0 && ty <= h - 1;
        double sumU = fu[i] + bu[i];
        double sumV = fv[i] + bv[i];
        double b2 = bu[i] * bu[i] + bv[i] * bv[i];
        double f2 = fu[i] * fu[i] + fv[i] * fv[i];
        boolean disoccluded = sumU * sumU + sumV * sumV > 0.01 * (f2 + b2) + 0.5;
        double grad = squaredGradient(bu, w, h, x, y) + squaredGradient(bv, w, h, x, y);
        boolean boundary = grad > 0.01 * b2 + 0.002;
        out[i] = inside && !disoccluded && !boundary ? 1 : 0;
      }
    }
    return Plane.adopt(w, h, out);
  }

  /** |grad a|^2 at (x, y) by central differences (one-sided at the border). */
  private static double squaredGradient(float[] a, int w, int h, int x, int y) {
    int xl = Math.max(x - 1, 0);
    int xr = Math.min(x + 1, w - 1);
    int yu = Math.max(y - 1, 0);
    int yd = Math.min(y + 1, h - 1);
    double gx = xr == xl ? 0 : (a[y * w + xr] - a[y * w + xl]) / (double) (xr - xl);
    double gy = yd == yu ? 0 : (a[yd * w + x] - a[yu * w + x]) / (double) (yd - yu);
    return gx * gx + gy * gy;
  }
}
