package dev.nst.video.flow;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;

/**
 * A dense displacement field: the pixel (x, y) of one frame is found at (x + u, y + v) in the
 * other frame. A "backward" flow of frame t points into frame t-1, a "forward" flow of frame t-1
 * into frame t. Immutable.
 */
public final class Flow {
  private final Plane u;
  private final Plane v;

  private Flow(Plane u, Plane v) {
    this.u = u;
    this.v = v;
  }

  /**
   * A flow from its two components.
   *
   * @param u horizontal displacements in pixels
   * @param v vertical displacements in pixels, same size as {@code u}
   * @return the flow
   * @throws IllegalArgumentException when the sizes differ
   */
  public static Flow of(Plane u, Plane v) {
    checkNotNull(u, "u");
    checkNotNull(v, "v");
    checkArgument(u.width() == v.width() && u.height() == v.height(),
        "the flow components differ in size: %s x %s and %s x %s", u.width(), u.height(), v.width(), v.height());
    return new Flow(u, v);
  }

  /**
   * The same displacement everywhere.
   *
   * @param width columns
   * @param height rows
   * @param du horizontal displacement
   * @param dv vertical displacement
   * @return the flow
   */
  public static Flow uniform(int width, int height, float du, float dv) {
    float[] a = new float[width * height];
    float[] b = new float[width * height];
    checkArgument(width >= 1 && height >= 1, "a flow needs at least 1 x 1 pixels, got %s x %s", width, height);
    Arrays.fill(a, du);
    Arrays.fill(b, dv);
    return adopt(width, height, a, b);
  }

  static Flow adopt(int width, int height, float[] u, float[] v) {
    return new Flow(Plane.adopt(width, height, u), Plane.adopt(width, height, v));
  }

  /** Columns. */
  public int width() {
    return u.width();
  }

  /** Rows. */
  public int height() {
    return u.height();
  }

  /** Horizontal displacements. */
  public Plane u() {
    return u;
  }

  /** Vertical displacements. */
  public Plane v() {
    return v;
  }

  /**
   * The average end-point error against {@code truth}: the mean Euclidean distance between the
   * two displacements, over the pixels where {@code weight} is positive (all pixels when null).
   *
   * @param truth the reference flow, same size
   * @param weight per-pixel weights, or null
   * @return the mean end-point error in pixels (0 when no pixel counts)
   */
  public double endPointError(Flow truth, Plane weight) {
    checkNotNull(truth, "truth");
    checkArgument(truth.width() == width() && truth.height() == height(), "flows differ in size");
    float[] mu = u.data();
    float[] mv = v.data();
    float[] tu = truth.u.data();
    float[] tv = truth.v.data();
    float[] w = weight == null ? null : weight.data();
    double sum = 0;
    long n = 0;
    for (int i = 0; i < mu.length; i++) {
      if (w == null || w[i] > 0) {
        sum += Math.hypot(mu[i] - tu[i], mv[i] - tv[i]);
        n++;
      }
    }
    return n == 0 ? 0 : sum / n;
  }
}
