package dev.nst.core.loss;

import java.util.stream.IntStream;

/**
 * Eigendecomposition of a real symmetric matrix in double precision, and the dense products
 * around it: the C x C work of the Wasserstein-2 style loss ({@link GaussianW2}).
 *
 * <p>The classic two steps (EISPACK's tred2 and tql2): Householder reduction to tridiagonal form
 * with the transformations accumulated, then the implicit QL algorithm with Wilkinson shifts.
 * Both are written on the transposed eigenvector matrix, so that every inner loop runs along
 * one row array (contiguous, which HotSpot vectorises) instead of down a column. About 9 n^3
 * flops; exact to rounding whatever the conditioning, unlike a fixed number of Newton-Schulz
 * iterations.
 */
final class SymmetricEigen {
  private SymmetricEigen() {}

  /**
   * Eigenvalues and eigenvectors of the symmetric matrix {@code a} (n x n, row-major; only
   * read).
   *
   * @param values receives the n eigenvalues
   * @return the eigenvectors as rows: row i belongs to {@code values[i]}
   */
  static double[][] decompose(double[] a, int n, double[] values) {
    double[][] w = new double[n][n]; // w = V^T: w[j][k] is V[k][j]
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        w[j][i] = 0.5 * (a[i * n + j] + a[j * n + i]);
      }
    }
    double[] e = new double[n];
    tridiagonalize(w, values, e, n);
    ql(w, values, e, n);
    return w;
  }

  /** Householder reduction (tred2) of the symmetric matrix held in {@code w}, on the transpose. */
  private static void tridiagonalize(double[][] w, double[] d, double[] e, int n) {
    for (int j = 0; j < n; j++) {
      d[j] = w[j][n - 1];
    }
    for (int i = n - 1; i > 0; i--) {
      double scale = 0;
      double h = 0;
      for (int k = 0; k < i; k++) {
        scale += Math.abs(d[k]);
      }
      if (scale == 0) {
        e[i] = d[i - 1];
        for (int j = 0; j < i; j++) {
          d[j] = w[j][i - 1];
          w[j][i] = 0;
          w[i][j] = 0;
        }
      } else {
        for (int k = 0; k < i; k++) {
          d[k] /= scale;
          h += d[k] * d[k];
        }
        double f = d[i - 1];
        double g = Math.sqrt(h);
        if (f > 0) {
          g = -g;
        }
        e[i] = scale * g;
        h -= f * g;
        d[i - 1] = f - g;
        for (int j = 0; j < i; j++) {
          e[j] = 0;
        }
        for (int j = 0; j < i; j++) {
          f = d[j];
          w[i][j] = f;
          double[] wj = w[j];
          g = e[j] + wj[j] * f;
          for (int k = j + 1; k <= i - 1; k++) {
            g += wj[k] * d[k];
            e[k] += wj[k] * f;
          }
          e[j] = g;
        }
        f = 0;
        for (int j = 0; j < i; j++) {
          e[j] /= h;
          f += e[j] * d[j];
        }
        double hh = f / (h + h);
        for (int j = 0; j < i; j++) {
          e[j] -= hh * d[j];
        }
        for (int j = 0; j < i; j++) {
          f = d[j];
          g = e[j];
          double[] wj = w[j];
          for (int k = j; k <= i - 1; k++) {
            wj[k] -= f * e[k] + g * d[k];
          }
          d[j] = wj[i - 1];
          wj[i] = 0;
        }
      }
      d[i] = h;
    }
    // accumulate the transformations
    for (int i = 0; i < n - 1; i++) {
      w[i][n - 1] = w[i][i];
      w[i][i] = 1;
      double h = d[i + 1];
      double[] wi1 = w[i + 1];
      if (h != 0) {
        for (int k = 0; k <= i; k++) {
          d[k] = wi1[k] / h;
        }
        for (int j = 0; j <= i; j++) {
          double[] wj = w[j];
          double g = 0;
          for (int k = 0; k <= i; k++) {
            g += wi1[k] * wj[k];
          }
          for (int k = 0; k <= i; k++) {
            wj[k] -= g * d[k];
          }
        }
      }
      for (int k = 0; k <= i; k++) {
        wi1[k] = 0;
      }
    }
    for (int j = 0; j < n; j++) {
      d[j] = w[j][n - 1];
      w[j][n - 1] = 0;
    }
    w[n - 1][n - 1] = 1;
    e[0] = 0;
  }

  /** Implicit QL with shifts (tql2) of the tridiagonal (d, e), rotating the rows of {@code w}. */
  private static void ql(double[][] w, double[] d, double[] e, int n) {
    for (int i = 1; i < n; i++) {
      e[i - 1] = e[i];
    }
    e[n - 1] = 0;
    double f = 0;
    double tst1 = 0;
    double eps = Math.ulp(1.0);
    for (int l = 0; l < n; l++) {
      tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
      int m = l;
      while (m < n && Math.abs(e[m]) > eps * tst1) {
        m++;
      }
      if (m > l) {
        int iterations = 0;
        do {
          if (++iterations > 60) {
            throw new ArithmeticException("the symmetric eigensolver did not converge (a matrix with NaN or "
                + "infinite entries?)");
          }
          double g = d[l];
          double p = (d[l + 1] - g) / (2 * e[l]);
          double r = Math.hypot(p, 1);
          if (p < 0) {
            r = -r;
          }
          d[l] = e[l] / (p + r);
          d[l + 1] = e[l] * (p + r);
          double dl1 = d[l + 1];
          double h = g - d[l];
          for (int i = l + 2; i < n; i++) {
            d[i] -= h;
          }
          f += h;
          p = d[m];
          double c = 1;
          double c2 = c;
          double c3 = c;
          double el1 = e[l + 1];
          double s = 0;
          double s2 = 0;
          for (int i = m - 1; i >= l; i--) {
            c3 = c2;
            c2 = c;
            s2 = s;
            g = c * e[i];
            h = c * p;
            r = Math.hypot(p, e[i]);
            e[i + 1] = s * r;
            s = e[i] / r;
            c = p / r;
            p = c * d[i] - s * g;
            d[i + 1] = h + s * (c * g + s * d[i]);
            rotate(w[i], w[i + 1], c, s, n);
          }
          p = -s * s2 * c3 * el1 * e[l] / dl1;
          e[l] = s * p;
          d[l] = c * p;
        } while (Math.abs(e[l]) > eps * tst1);
      }
      d[l] += f;
      e[l] = 0;
    }
  }

  /** (a, b) = (c a - s b, s a + c b), elementwise. */
  private static void rotate(double[] a, double[] b, double c, double s, int n) {
    for (int k = 0; k < n; k++) {
      double h = b[k];
      b[k] = s * a[k] + c * h;
      a[k] = c * a[k] - s * h;
    }
  }

  /** {@code a b} for n x n row-major matrices; rows in parallel when the product is large. */
  static double[] multiply(double[] a, double[] b, int n) {
    double[] out = new double[n * n];
    IntStream rows = IntStream.range(0, n);
    (n >= 128 ? rows.parallel() : rows).forEach(i -> {
      int o = i * n;
      for (int k = 0; k < n; k++) {
        double aik = a[i * n + k];
        if (aik == 0) {
          continue;
        }
        int bk = k * n;
        for (int j = 0; j < n; j++) {
          out[o + j] += aik * b[bk + j];
        }
      }
    });
    return out;
  }

  /**
   * {@code sum_i f(values[i]) v_i v_i^T} for the eigenvectors v_i (rows of {@code vectors}),
   * each pre-multiplied by {@code left} when it is not null: {@code left V diag(f) V^T left^T}.
   */
  static double[] synthesize(double[][] vectors, double[] scaled, double[] left, int n) {
    double[][] u = vectors;
    if (left != null) {
      double[][] lu = new double[n][];
      IntStream ids = IntStream.range(0, n);
      (n >= 128 ? ids.parallel() : ids).forEach(i -> {
        double[] row = new double[n];
        double[] v = vectors[i];
        for (int a = 0; a < n; a++) {
          double sum = 0;
          int la = a * n;
          for (int b = 0; b < n; b++) {
            sum += left[la + b] * v[b];
          }
          row[a] = sum;
        }
        lu[i] = row;
      });
      u = lu;
    }
    double[][] uu = u;
    double[] out = new double[n * n];
    IntStream rows = IntStream.range(0, n);
    (n >= 128 ? rows.parallel() : rows).forEach(a -> {
      int o = a * n;
      for (int i = 0; i < n; i++) {
        double f = scaled[i] * uu[i][a];
        if (f == 0) {
          continue;
        }
        double[] ui = uu[i];
        for (int b = 0; b < n; b++) {
          out[o + b] += f * ui[b];
        }
      }
    });
    return out;
  }
}
