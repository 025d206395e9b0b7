package dev.nst.tck;

/**
 * Float64 sums over float32 values, the yardstick of the loss precision checks: exact products,
 * double accumulation. Used by {@link LossPrecisionTests} and by the benchmarks' precision
 * measurement, so that both compare with the same sums.
 */
public final class ExactSums {
  private ExactSums() {}

  /**
   * The inner product of two float arrays, in double.
   *
   * @param a the first array
   * @param b the second, as long
   * @return sum a_i b_i
   */
  public static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  /**
   * A A^T of an activation {@code a} of {@code rows} x {@code cols} (row-major), with exact
   * products and double sums: the float64 Gram of float32 activations.
   *
   * @param a the activation, rows x cols
   * @param rows channels
   * @param cols positions
   * @return the Gram matrix, rows x rows
   */
  public static double[] gram(float[] a, int rows, int cols) {
    double[] g = new double[rows * rows];
    java.util.stream.IntStream.range(0, rows).parallel().forEach(i -> {
      for (int j = i; j < rows; j++) {
        // four accumulators: independent additions pipeline; still exact products, double sums
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int oi = i * cols;
        int oj = j * cols;
        int k = 0;
        for (; k + 3 < cols; k += 4) {
          s0 += (double) a[oi + k] * a[oj + k];
          s1 += (double) a[oi + k + 1] * a[oj + k + 1];
          s2 += (double) a[oi + k + 2] * a[oj + k + 2];
          s3 += (double) a[oi + k + 3] * a[oj + k + 3];
        }
        for (; k < cols; k++) {
          s0 += (double) a[oi + k] * a[oj + k];
        }
        double s = (s0 + s1) + (s2 + s3);
        g[i * rows + j] = s;
        g[j * rows + i] = s;
      }
    });
    return g;
  }

  /**
   * The sum of squared differences, in double.
   *
   * @param a the first array
   * @param b the second, as long
   * @return sum (a_i - b_i)^2
   */
  public static double sumSquaredDifferences(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      s += d * d;
    }
    return s;
  }

  /**
   * The squared total variation of an image (1, channels, height, width), in double: squared
   * differences of vertical and horizontal neighbours.
   *
   * @param x the image, row-major
   * @param channels its channels
   * @param height its height
   * @param width its width
   * @return J_tv
   */
  public static double totalVariation(float[] x, int channels, int height, int width) {
    double s = 0;
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < height; y++) {
        for (int i = 0; i < width; i++) {
          int p = (c * height + y) * width + i;
          if (y + 1 < height) {
            double d = (double) x[p + width] - x[p];
            s += d * d;
          }
          if (i + 1 < width) {
            double d = (double) x[p + 1] - x[p];
            s += d * d;
          }
        }
      }
    }
    return s;
  }
}
