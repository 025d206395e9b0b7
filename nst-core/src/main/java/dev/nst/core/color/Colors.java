package dev.nst.core.color;

import java.awt.image.BufferedImage;

/**
 * Colour operations on RGB images for {@link ColorControl}: YIQ conversion, luminance and
 * chrominance recombination, and linear colour matching of mean and covariance.
 */
public final class Colors {
  // NTSC YIQ (FCC 1953 coefficients) and its inverse.
  private static final double[][] RGB_TO_YIQ = {
    {0.299, 0.587, 0.114},
    {0.595716, -0.274453, -0.321263},
    {0.211456, -0.522591, 0.311135}};
  private static final double[][] YIQ_TO_RGB = invert3(RGB_TO_YIQ);

  private Colors() {}

  /** Pixels as (3, H*W) doubles in 0..255, RGB rows. */
  static double[][] channels(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    double[][] c = new double[3][w * h];
    int[] px = img.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < px.length; i++) {
      c[0][i] = (px[i] >> 16) & 255;
      c[1][i] = (px[i] >> 8) & 255;
      c[2][i] = px[i] & 255;
    }
    return c;
  }

  static BufferedImage image(double[][] c, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] px = new int[w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = clip(c[0][i]) << 16 | clip(c[1][i]) << 8 | clip(c[2][i]);
    }
    out.setRGB(0, 0, w, h, px, 0, w);
    return out;
  }

  private static int clip(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  static double[][] toYiq(double[][] rgb) {
    return multiply(RGB_TO_YIQ, rgb);
  }

  static double[][] toRgb(double[][] yiq) {
    return multiply(YIQ_TO_RGB, yiq);
  }

  /** Luminance of {@code luminanceSource}, chrominance of {@code colorSource} (same size). */
  public static BufferedImage combineLuminanceAndColor(BufferedImage luminanceSource, BufferedImage colorSource) {
    requireSameSize(luminanceSource, colorSource);
    double[][] y = toYiq(channels(luminanceSource));
    double[][] c = toYiq(channels(colorSource));
    double[][] out = {y[0], c[1], c[2]};
    return image(toRgb(out), luminanceSource.getWidth(), luminanceSource.getHeight());
  }

  /** A grey RGB image of the YIQ luminance. */
  public static BufferedImage luminance(BufferedImage img) {
    double[] y = toYiq(channels(img))[0];
    return image(new double[][] {y, y, y}, img.getWidth(), img.getHeight());
  }

  /**
   * The grey luminance of {@code style} with its mean and standard deviation matched to those
   * of {@code content}'s luminance (Gatys et al. 2017, eq. 7).
   */
  public static BufferedImage matchedLuminance(BufferedImage style, BufferedImage content) {
    double[] ys = toYiq(channels(style))[0];
    double[] yc = toYiq(channels(content))[0];
    double ms = mean(ys);
    double mc = mean(yc);
    double ss = Math.sqrt(variance(ys, ms));
    double sc = Math.sqrt(variance(yc, mc));
    double k = ss > 1e-9 ? sc / ss : 1;
    double[] out = new double[ys.length];
    for (int i = 0; i < ys.length; i++) {
      out[i] = k * (ys[i] - ms) + mc;
    }
    return image(new double[][] {out, out, out}, style.getWidth(), style.getHeight());
  }

  /**
   * {@code style} with its colours transformed by x' = A (x - mu_s) + mu_c, where
   * A = Cov_c^(1/2) Cov_s^(-1/2), so that mean and covariance equal the content's.
   */
  public static BufferedImage matchColors(BufferedImage style, BufferedImage content) {
    double[][] s = channels(style);
    double[][] c = channels(content);
    double[] ms = {mean(s[0]), mean(s[1]), mean(s[2])};
    double[] mc = {mean(c[0]), mean(c[1]), mean(c[2])};
    double[][] a = multiply(SymmetricEigen.power(covariance(c, mc), 0.5), SymmetricEigen.power(covariance(s, ms), -0.5));
    double[][] out = new double[3][s[0].length];
    for (int i = 0; i < s[0].length; i++) {
      for (int r = 0; r < 3; r++) {
        double v = mc[r];
        for (int k = 0; k < 3; k++) {
          v += a[r][k] * (s[k][i] - ms[k]);
        }
        out[r][i] = v;
      }
    }
    return image(out, style.getWidth(), style.getHeight());
  }

  /** Channel means in RGB order (0..255). */
  public static double[] means(BufferedImage img) {
    double[][] c = channels(img);
    return new double[] {mean(c[0]), mean(c[1]), mean(c[2])};
  }

  /** 3x3 RGB covariance. */
  public static double[][] covariance(BufferedImage img) {
    double[][] c = channels(img);
    return covariance(c, new double[] {mean(c[0]), mean(c[1]), mean(c[2])});
  }

  /** Mean I and Q (chrominance) of the image in YIQ. */
  public static double[] meanChrominance(BufferedImage img) {
    double[][] yiq = toYiq(channels(img));
    return new double[] {mean(yiq[1]), mean(yiq[2])};
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double variance(double[] v, double m) {
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return s / v.length;
  }

  private static double[][] covariance(double[][] c, double[] m) {
    double[][] cov = new double[3][3];
    int n = c[0].length;
    for (int i = 0; i < n; i++) {
      for (int r = 0; r < 3; r++) {
        double dr = c[r][i] - m[r];
        for (int k = r; k < 3; k++) {
          cov[r][k] += dr * (c[k][i] - m[k]);
        }
      }
    }
    for (int r = 0; r < 3; r++) {
      for (int k = r; k < 3; k++) {
        cov[r][k] /= n;
        cov[k][r] = cov[r][k];
      }
      cov[r][r] += 1e-6; // a flat channel must not make the matrix singular
    }
    return cov;
  }

  static double[][] multiply(double[][] a, double[][] b) {
    int cols = b[0].length;
    double[][] out = new double[a.length][cols];
    for (int r = 0; r < a.length; r++) {
      for (int k = 0; k < b.length; k++) {
        double v = a[r][k];
        for (int j = 0; j < cols; j++) {
          out[r][j] += v * b[k][j];
        }
      }
    }
    return out;
  }

  private static double[][] invert3(double[][] m) {
    double a = m[0][0], b = m[0][1], c = m[0][2];
    double d = m[1][0], e = m[1][1], f = m[1][2];
    double g = m[2][0], h = m[2][1], i = m[2][2];
    double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    return new double[][] {
      {(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det},
      {(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det},
      {(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det}};
  }

  private static void requireSameSize(BufferedImage a, BufferedImage b) {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      throw new IllegalArgumentException("images differ in size: " + a.getWidth() + "x" + a.getHeight() + " and "
          + b.getWidth() + "x" + b.getHeight());
    }
  }
}
