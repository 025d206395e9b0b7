package dev.nst.core.color;

/** Powers of small symmetric positive-definite matrices by Jacobi eigendecomposition. */
final class SymmetricEigen {
  private SymmetricEigen() {}

  /** V diag(lambda^p) V^T for a symmetric positive-definite {@code m}. */
  static double[][] power(double[][] m, double p) {
    int n = m.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = m[i].clone();
    }
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          off += a[i][j] * a[i][j];
        }
      }
      if (off < 1e-30) {
        break;
      }
      for (int pI = 0; pI < n; pI++) {
        for (int q = pI + 1; q < n; q++) {
          if (Math.abs(a[pI][q]) < 1e-300) {
            continue;
          }
          double theta = (a[q][q] - a[pI][pI]) / (2 * a[pI][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) {
            double akp = a[k][pI];
            double akq = a[k][q];
            a[k][pI] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) {
            double apk = a[pI][k];
            double aqk = a[q][k];
            a[pI][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
          for (int k = 0; k < n; k++) {
            double vkp = v[k][pI];
            double vkq = v[k][q];
            v[k][pI] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    double[][] out = new double[n][n];
    for (int k = 0; k < n; k++) {
      double l = Math.pow(Math.max(a[k][k], 1e-12), p);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          out[i][j] += v[i][k] * l * v[j][k];
        }
      }
    }
    return out;
  }
}
