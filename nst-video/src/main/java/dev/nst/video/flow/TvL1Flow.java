package dev.nst.video.flow;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Dense optical flow by TV-L1 (Zach, Pock and Bischof 2007), as described by Sanchez,
 * Meinhardt-Llopis and Facciolo (IPOL 2013): an L1 data term on the linearised brightness
 * constancy and a total-variation regulariser, solved by Chambolle's dual projection, coarse to
 * fine over a Gaussian pyramid with several re-linearisations (warps) per level, and a 3x3
 * median filter of the flow after every warp (Wedel et al. 2009), which removes the outliers that
 * the linearisation leaves. The L1 terms keep motion boundaries sharp where a quadratic
 * (Horn-Schunck) method smears them into the background, which is where video style transfer
 * needs the flow most. Plain Java, no native code; immutable and thread-safe.
 *
 * @param warps re-linearisations per pyramid level
 * @param iterations dual-projection iterations per warp (fewer when they converge)
 * @param lambda weight of the data term (larger: follows the images more, smoother less)
 * @param theta coupling of the two sub-problems
 * @param minSide the coarsest pyramid level is the last one with both sides at least this
 * @param maxLevels at most this many pyramid levels (each half the size of the one above)
 */
public record TvL1Flow(int warps, int iterations, double lambda, double theta, int minSide, int maxLevels) {
  /** Dual step; 0.25 is the largest that converges on a 2-D grid. */
  private static final float TAU = 0.25f;
  /** Stop a warp's iterations once the mean squared update falls below this (pixels squared). */
  private static final float STOP = 1e-4f;
  /** Pre-smoothing of the input images, in pixels (Sanchez et al.). */
  private static final double PRESMOOTH_SIGMA = 0.8;

  /** Checks the parameters. */
  public TvL1Flow {
    checkArgument(warps >= 1, "warps must be >= 1, got %s", warps);
    checkArgument(iterations >= 1, "iterations must be >= 1, got %s", iterations);
    checkArgument(lambda > 0 && Double.isFinite(lambda), "lambda must be positive, got %s", lambda);
    checkArgument(theta > 0 && Double.isFinite(theta), "theta must be positive, got %s", theta);
    checkArgument(minSide >= 4, "minSide must be >= 4, got %s", minSide);
    checkArgument(maxLevels >= 1, "maxLevels must be >= 1, got %s", maxLevels);
  }

  /**
   * The defaults: 5 warps of up to 30 iterations, lambda 0.15, theta 0.3 (Sanchez et al.), down
   * to 16 px over at most 6 levels; docs/benchmarks.md has their accuracy and cost.
   *
   * @return the default settings
   */
  public static TvL1Flow defaults() {
    return new TvL1Flow(5, 30, 0.15, 0.3, 16, 6);
  }

  /**
   * The flow of {@code from} into {@code to}: from(p) is seen at to(p + w(p)).
   *
   * @param from the frame the flow is defined on (luma, 0..255)
   * @param to the frame it points into, same size
   * @return the flow, {@code from}'s size
   */
  public Flow estimate(Plane from, Plane to) {
    checkNotNull(from, "from");
    checkNotNull(to, "to");
    checkArgument(from.width() == to.width() && from.height() == to.height(),
        "frames differ in size: %s x %s and %s x %s", from.width(), from.height(), to.width(), to.height());
    List<float[]> p0 = new ArrayList<>();
    List<float[]> p1 = new ArrayList<>();
    List<int[]> sizes = new ArrayList<>();
    int w = from.width();
    int h = from.height();
    p0.add(Pyramid.blur(from.data(), w, h, PRESMOOTH_SIGMA));
    p1.add(Pyramid.blur(to.data(), w, h, PRESMOOTH_SIGMA));
    sizes.add(new int[] {w, h});
    while (sizes.size() < maxLevels) {
      int[] s = sizes.get(sizes.size() - 1);
      int nw = (s[0] + 1) / 2;
      int nh = (s[1] + 1) / 2;
      if (nw < minSide || nh < minSide) {
        break;
      }
      p0.add(Pyramid.halve(p0.get(p0.size() - 1), s[0], s[1], nw, nh));
      p1.add(Pyramid.halve(p1.get(p1.size() - 1), s[0], s[1], nw, nh));
      sizes.add(new int[] {nw, nh});
    }
    int top = sizes.size() - 1;
    float[] u = new float[sizes.get(top)[0] * sizes.get(top)[1]];
    float[] v = new float[u.length];
    for (int level = top; level >= 0; level--) {
      int lw = sizes.get(level)[0];
      int lh = sizes.get(level)[1];
      if (level < top) {
        int[] c = sizes.get(level + 1);
        u = Pyramid.upsampleFlow(u, c[0], c[1], lw, lh, (float) lw / c[0]);
        v = Pyramid.upsampleFlow(v, c[0], c[1], lw, lh, (float) lh / c[1]);
      }
      new Level(p0.get(level), p1.get(level), lw, lh).solve(u, v);
    }
    return Flow.adopt(w, h, u, v);
  }

  /** One pyramid level's problem; {@link #solve} refines u and v in place. */
  private final class Level {
    private final float[] i0;
    private final float[] i1;
    private final int w;
    private final int h;

    Level(float[] i0, float[] i1, int w, int h) {
      this.i0 = i0;
      this.i1 = i1;
      this.w = w;
      this.h = h;
    }

    void solve(float[] u, float[] v) {
      int n = w * h;
      float[] i1x = new float[n];
      float[] i1y = new float[n];
      Pyramid.centralGradient(i1, w, h, i1x, i1y);
      float[] p11 = new float[n];
      float[] p12 = new float[n];
      float[] p21 = new float[n];
      float[] p22 = new float[n];
      float[] rhoC = new float[n];
      float[] wx = new float[n];
      float[] wy = new float[n];
      float[] grad = new float[n];
      float[] v1 = new float[n];
      float[] v2 = new float[n];
      float[] div1 = new float[n];
      float[] div2 = new float[n];
      float[] gx = new float[n];
      float[] gy = new float[n];
      float lt = (float) (lambda * theta);
      float th = (float) theta;
      float taut = TAU / th;
      for (int warp = 0; warp < warps; warp++) {
        Flow flow = Flow.adopt(w, h, u, v);
        float[] i1w = Warping.warp(i1, flow);
        float[] i1wx = Warping.warp(i1x, flow);
        float[] i1wy = Warping.warp(i1y, flow);
        for (int i = 0; i < n; i++) {
          wx[i] = i1wx[i];
          wy[i] = i1wy[i];
          grad[i] = wx[i] * wx[i] + wy[i] * wy[i];
          rhoC[i] = i1w[i] - wx[i] * u[i] - wy[i] * v[i] - i0[i];
        }
        for (int it = 0; it < iterations; it++) {
          for (int i = 0; i < n; i++) {
            float rho = rhoC[i] + wx[i] * u[i] + wy[i] * v[i];
            float d1;
            float d2;
            if (rho < -lt * grad[i]) {
              d1 = lt * wx[i];
              d2 = lt * wy[i];
            } else if (rho > lt * grad[i]) {
              d1 = -lt * wx[i];
              d2 = -lt * wy[i];
            } else if (grad[i] < 1e-10f) {
              d1 = 0;
              d2 = 0;
            } else {
              float f = -rho / grad[i];
              d1 = f * wx[i];
              d2 = f * wy[i];
            }
            v1[i] = u[i] + d1;
            v2[i] = v[i] + d2;
          }
          Pyramid.divergence(p11, p12, w, h, div1);
          Pyramid.divergence(p21, p22, w, h, div2);
          double change = 0;
          for (int i = 0; i < n; i++) {
            float nu = v1[i] + th * div1[i];
            float nv = v2[i] + th * div2[i];
            change += (nu - u[i]) * (nu - u[i]) + (nv - v[i]) * (nv - v[i]);
            u[i] = nu;
            v[i] = nv;
          }
          Pyramid.forwardGradient(u, w, h, gx, gy);
          for (int i = 0; i < n; i++) {
            float ng = 1 + taut * (float) Math.sqrt(gx[i] * gx[i] + gy[i] * gy[i]);
            p11[i] = (p11[i] + taut * gx[i]) / ng;
            p12[i] = (p12[i] + taut * gy[i]) / ng;
          }
          Pyramid.forwardGradient(v, w, h, gx, gy);
          for (int i = 0; i < n; i++) {
            float ng = 1 + taut * (float) Math.sqrt(gx[i] * gx[i] + gy[i] * gy[i]);
            p21[i] = (p21[i] + taut * gx[i]) / ng;
            p22[i] = (p22[i] + taut * gy[i]) / ng;
          }
          if (change / n < STOP) {
            break;
          }
        }
        Pyramid.median3x3(u, w, h);
        Pyramid.median3x3(v, w, h);
      }
    }
  }
}
