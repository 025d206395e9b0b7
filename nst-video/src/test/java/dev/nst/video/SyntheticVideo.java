package dev.nst.video;

import dev.nst.video.flow.Flow;
import dev.nst.video.flow.Plane;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * A video whose optical flow is known exactly: a camera that pans and zooms over a still image,
 * and a textured square that moves across it in a straight line, hiding and uncovering the
 * background. Frame t shows the background point A_t(p) = C + s^t (p - c) + t pan at pixel p,
 * where c is the frame's centre, C the image's and s the zoom per frame.
 */
public final class SyntheticVideo {
  private final float[][] background;
  private final int bgWidth;
  private final int bgHeight;
  private final int width;
  private final int height;
  private final double panX;
  private final double panY;
  private final double zoom;
  private final double objectX;
  private final double objectY;
  private final double objectSide;
  private final double objectVx;
  private final double objectVy;

  /**
   * @param still the background, larger than the frames by the pan and zoom's reach
   * @param width frame width
   * @param height frame height
   * @param panX horizontal camera motion per frame, in background pixels
   * @param panY vertical camera motion per frame
   * @param zoom scale of the viewed region per frame (below 1 zooms in)
   * @param objectVx horizontal motion of the square per frame, in frame pixels
   * @param objectVy vertical motion of the square per frame
   */
  public SyntheticVideo(BufferedImage still, int width, int height, double panX, double panY, double zoom,
      double objectVx, double objectVy) {
    this.bgWidth = still.getWidth();
    this.bgHeight = still.getHeight();
    this.background = new float[3][bgWidth * bgHeight];
    int[] rgb = still.getRGB(0, 0, bgWidth, bgHeight, null, 0, bgWidth);
    for (int i = 0; i < rgb.length; i++) {
      for (int c = 0; c < 3; c++) {
        background[c][i] = (rgb[i] >> (16 - 8 * c)) & 0xff;
      }
    }
    this.width = width;
    this.height = height;
    this.panX = panX;
    this.panY = panY;
    this.zoom = zoom;
    this.objectSide = Math.min(width, height) * 0.3;
    this.objectX = width * 0.15;
    this.objectY = height * 0.45;
    this.objectVx = objectVx;
    this.objectVy = objectVy;
  }

  /** A smooth, colourful, deterministic texture of {@code w} x {@code h} to pan over. */
  public static BufferedImage texture(int w, int h, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] waves = new double[12][4];
    for (double[] wave : waves) {
      wave[0] = rnd.nextDouble(0.02, 0.25);
      wave[1] = rnd.nextDouble(0, 2 * Math.PI);
      wave[2] = rnd.nextDouble(0, Math.PI);
      wave[3] = rnd.nextInt(3);
    }
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double[] c = {128, 128, 128};
        for (double[] wave : waves) {
          double t = wave[0] * (x * Math.cos(wave[2]) + y * Math.sin(wave[2])) + wave[1];
          c[(int) wave[3]] += 30 * Math.sin(t);
        }
        int rgb = 0;
        for (int k = 0; k < 3; k++) {
          rgb = (rgb << 8) | (int) Math.max(0, Math.min(255, Math.round(c[k])));
        }
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  /** Frame width. */
  public int width() {
    return width;
  }

  /** Frame height. */
  public int height() {
    return height;
  }

  /** Frame {@code t}, from 0. */
  public BufferedImage frame(int t) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = 0;
        double[] o = objectCoordinates(t, x, y);
        for (int c = 0; c < 3; c++) {
          double v;
          if (o != null) {
            v = 128 + 110 * Math.sin(o[0] / (3.0 + c) + c) * Math.cos(o[1] / (4.0 + c));
          } else {
            double[] b = camera(t, x, y);
            v = sample(background[c], b[0], b[1]);
          }
          rgb = (rgb << 8) | (int) Math.max(0, Math.min(255, Math.round(v)));
        }
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  /** The true flow of frame {@code t} into frame {@code t + step} (step -1: backward, +1: forward). */
  public Flow flow(int t, int step) {
    float[] u = new float[width * height];
    float[] v = new float[width * height];
    for (int y = 0, i = 0; y < height; y++) {
      for (int x = 0; x < width; x++, i++) {
        if (objectCoordinates(t, x, y) != null) {
          u[i] = (float) (objectVx * step);
          v[i] = (float) (objectVy * step);
        } else {
          double[] b = camera(t, x, y);
          double s = Math.pow(zoom, t + step);
          double qx = width / 2.0 + (b[0] - bgWidth / 2.0 - (t + step) * panX) / s;
          double qy = height / 2.0 + (b[1] - bgHeight / 2.0 - (t + step) * panY) / s;
          u[i] = (float) (qx - x);
          v[i] = (float) (qy - y);
        }
      }
    }
    return Flow.of(Plane.of(width, height, u), Plane.of(width, height, v));
  }

  private double[] camera(int t, double x, double y) {
    double s = Math.pow(zoom, t);
    return new double[] {bgWidth / 2.0 + s * (x - width / 2.0) + t * panX, bgHeight / 2.0 + s * (y - height / 2.0) + t * panY};
  }

  /** Coordinates inside the square at frame t, or null when (x, y) shows the background. */
  private double[] objectCoordinates(int t, double x, double y) {
    double ox = x - (objectX + t * objectVx);
    double oy = y - (objectY + t * objectVy);
    return ox >= 0 && ox < objectSide && oy >= 0 && oy < objectSide ? new double[] {ox, oy} : null;
  }

  private double sample(float[] plane, double x, double y) {
    double cx = Math.min(Math.max(x, 0), bgWidth - 1);
    double cy = Math.min(Math.max(y, 0), bgHeight - 1);
    int x0 = (int) cx;
    int y0 = (int) cy;
    int x1 = Math.min(x0 + 1, bgWidth - 1);
    int y1 = Math.min(y0 + 1, bgHeight - 1);
    double ax = cx - x0;
    double ay = cy - y0;
    double top = plane[y0 * bgWidth + x0] * (1 - ax) + plane[y0 * bgWidth + x1] * ax;
    double bottom = plane[y1 * bgWidth + x0] * (1 - ax) + plane[y1 * bgWidth + x1] * ax;
    return top * (1 - ay) + bottom * ay;
  }
}
