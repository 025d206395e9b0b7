package dev.nst.tck;

import dev.nst.api.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Comparisons and random data for the suite. */
final class Numerics {
  private Numerics() {}

  /** ||actual - ref||_2 / ||ref||_2 in double. */
  static double relNorm(float[] actual, double[] ref) {
    if (actual.length != ref.length) {
      throw new AssertionError("sizes differ: " + actual.length + " values vs " + ref.length + " in the reference");
    }
    double num = 0;
    double den = 0;
    for (int i = 0; i < actual.length; i++) {
      double d = actual[i] - ref[i];
      num += d * d;
      den += ref[i] * ref[i];
    }
    return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
  }

  static double relNorm(float[] actual, float[] ref) {
    double[] r = new double[ref.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = ref[i];
    }
    return relNorm(actual, r);
  }

  static double norm(float[] v) {
    double s = 0;
    for (float f : v) {
      s += (double) f * f;
    }
    return Math.sqrt(s);
  }

  static float[] gaussian(Random r, int n, double scale) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (r.nextGaussian() * scale);
    }
    return f;
  }

  static Tensor gaussian(Random r, double scale, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return Tensor.adopt(gaussian(r, n, scale), shape);
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
