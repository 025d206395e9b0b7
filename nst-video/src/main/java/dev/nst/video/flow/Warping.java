package dev.nst.video.flow;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.awt.image.BufferedImage;

/**
 * Backward warping by a flow: the warped image at pixel p is the source sampled at p + w(p),
 * bilinearly, with positions outside the source clamped to its border (such pixels are marked
 * inconsistent by {@link Consistency}, so what they hold only matters for initialisation).
 */
public final class Warping {
  private Warping() {}

  /**
   * A plane warped by {@code flow}.
   *
   * @param source the plane to sample, same size as the flow
   * @param flow displacement into {@code source} for every output pixel
   * @return source(p + flow(p)) for every p
   */
  public static Plane warp(Plane source, Flow flow) {
    checkSameSize(source.width(), source.height(), flow);
    return Plane.adopt(flow.width(), flow.height(), warp(source.data(), flow));
  }

  /**
   * An RGB image warped by {@code flow}, each channel rounded to the nearest 8-bit value.
   *
   * @param source the image to sample, same size as the flow
   * @param flow displacement into {@code source} for every output pixel
   * @return a new {@code TYPE_INT_RGB} image
   */
  public static BufferedImage warp(BufferedImage source, Flow flow) {
    checkNotNull(source, "source");
    int w = source.getWidth();
    int h = source.getHeight();
    checkSameSize(w, h, flow);
    int[] rgb = source.getRGB(0, 0, w, h, null, 0, w);
    int[] out = new int[w * h];
    for (int shift = 0; shift <= 16; shift += 8) {
      float[] channel = new float[w * h];
      for (int i = 0; i < channel.length; i++) {
        channel[i] = (rgb[i] >> shift) & 0xff;
      }
      float[] warped = warp(channel, flow);
      for (int i = 0; i < warped.length; i++) {
        int value = Math.min(255, Math.max(0, Math.round(warped[i])));
        out[i] |= value << shift;
      }
    }
    BufferedImage result = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    result.setRGB(0, 0, w, h, out, 0, w);
    return result;
  }

  /**
   * Every channel of a (C, H, W) float image warped by {@code flow} (H x W).
   *
   * @param chw the image, channel after channel, row-major
   * @param channels C
   * @param flow displacement into the image for every output pixel
   * @return a new array of the same layout
   */
  public static float[] warpChannels(float[] chw, int channels, Flow flow) {
    checkNotNull(chw, "chw");
    int plane = flow.width() * flow.height();
    checkArgument(chw.length == (long) channels * plane, "%s values are not %s channels of %s x %s", chw.length,
        channels, flow.width(), flow.height());
    float[] out = new float[chw.length];
    float[] channel = new float[plane];
    for (int c = 0; c < channels; c++) {
      System.arraycopy(chw, c * plane, channel, 0, plane);
      System.arraycopy(warp(channel, flow), 0, out, c * plane, plane);
    }
    return out;
  }

  /** Samples {@code source} (the flow's size) at p + flow(p) for every p. */
  static float[] warp(float[] source, Flow flow) {
    int w = flow.width();
    int h = flow.height();
    float[] u = flow.u().data();
    float[] v = flow.v().data();
    float[] out = new float[w * h];
    for (int y = 0, i = 0; y < h; y++) {
      for (int x = 0; x < w; x++, i++) {
        out[i] = sample(source, w, h, x + u[i], y + v[i]);
      }
    }
    return out;
  }

  /** Bilinear sample of a w x h plane at (x, y), the position clamped to the plane. */
  static float sample(float[] plane, int w, int h, float x, float y) {
    float cx = Math.min(Math.max(x, 0), w - 1);
    float cy = Math.min(Math.max(y, 0), h - 1);
    int x0 = (int) cx;
    int y0 = (int) cy;
    int x1 = Math.min(x0 + 1, w - 1);
    int y1 = Math.min(y0 + 1, h - 1);
    float ax = cx - x0;
    float ay = cy - y0;
    float top = plane[y0 * w + x0] + ax * (plane[y0 * w + x1] - plane[y0 * w + x0]);
    float bottom = plane[y1 * w + x0] + ax * (plane[y1 * w + x1] - plane[y1 * w + x0]);
    return top + ay * (bottom - top);
  }

  private static void checkSameSize(int width, int height, Flow flow) {
    checkNotNull(flow, "flow");
    checkArgument(width == flow.width() && height == flow.height(), "a %s x %s image cannot be warped by a %s x %s flow",
        width, height, flow.width(), flow.height());
  }
}
