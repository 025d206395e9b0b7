package dev.nst.video.flow;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.awt.image.BufferedImage;

/**
 * One channel of float samples, row-major: a grey image for flow estimation, or one component of
 * a flow. Immutable once built: the factories copy, and {@link #values()} returns a copy.
 */
public final class Plane {
  private final int width;
  private final int height;
  private final float[] data;

  private Plane(int width, int height, float[] data) {
    this.width = width;
    this.height = height;
    this.data = data;
  }

  /**
   * A plane holding a copy of {@code values}.
   *
   * @param width columns, at least 1
   * @param height rows, at least 1
   * @param values width x height samples, row-major
   * @return the plane
   * @throws IllegalArgumentException when the sizes disagree
   */
  public static Plane of(int width, int height, float[] values) {
    checkNotNull(values, "values");
    checkArgument(width >= 1 && height >= 1, "a plane needs at least 1 x 1 samples, got %s x %s", width, height);
    checkArgument((long) width * height == values.length, "%s values do not form a %s x %s plane", values.length,
        width, height);
    return new Plane(width, height, values.clone());
  }

  /** Takes {@code values} without copying; callers in this package hand over arrays they no longer touch. */
  static Plane adopt(int width, int height, float[] values) {
    return new Plane(width, height, values);
  }

  /**
   * The luma of an image (ITU-R BT.601 weights) on the 0..255 scale, the input of flow estimation.
   *
   * @param image any image, converted to RGB first
   * @return a plane of the image's size
   */
  public static Plane luma(BufferedImage image) {
    checkNotNull(image, "image");
    int w = image.getWidth();
    int h = image.getHeight();
    int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
    float[] out = new float[w * h];
    for (int i = 0; i < out.length; i++) {
      int p = rgb[i];
      out[i] = 0.299f * ((p >> 16) & 0xff) + 0.587f * ((p >> 8) & 0xff) + 0.114f * (p & 0xff);
    }
    return new Plane(w, h, out);
  }

  /** Columns. */
  public int width() {
    return width;
  }

  /** Rows. */
  public int height() {
    return height;
  }

  /**
   * One sample.
   *
   * @param x column, 0 &lt;= x &lt; width
   * @param y row, 0 &lt;= y &lt; height
   * @return the sample at (x, y)
   */
  public float get(int x, int y) {
    checkArgument(x >= 0 && x < width && y >= 0 && y < height, "(%s, %s) lies outside %s x %s", x, y, width, height);
    return data[y * width + x];
  }

  /** A copy of the samples, row-major. */
  public float[] values() {
    return data.clone();
  }

  /** The samples themselves, for this package's loops; never modified. */
  float[] data() {
    return data;
  }
}
