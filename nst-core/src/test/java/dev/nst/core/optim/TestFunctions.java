package dev.nst.core.optim;

import dev.nst.api.DifferentiableFunction;

/** Test problems: a 5-dimensional convex quadratic and the Rosenbrock function. */
final class TestFunctions {
  private TestFunctions() {}

  static final double[][] A = {
    {4.0, 1.0, 0.5, 0.0, 0.2},
    {1.0, 3.0, 0.3, 0.1, 0.0},
    {0.5, 0.3, 2.0, 0.4, 0.1},
    {0.0, 0.1, 0.4, 1.5, 0.2},
    {0.2, 0.0, 0.1, 0.2, 0.8}};
  static final double[] B = {1.0, -2.0, 0.5, 3.0, -1.0};
  /** A^-1 b (numpy float64). */
  static final double[] MINIMUM = {0.5981721290381313, -0.9314158865988226, -0.1333220123562046,
      2.360721344651976, -1.9730581168780013};
  static final double MINIMUM_VALUE = -5.724782523445802;

  static float[] quadraticStart() {
    return new float[] {0.3f, -0.7f, 1.1f, 0.4f, -0.2f};
  }

  /** f(x) = 0.5 x^T A x - b^T x, counting evaluations. */
  static final class Quadratic implements DifferentiableFunction {
    int evaluations;

    @Override
    public double evaluate(float[] x, float[] gradient) {
      evaluations++;
      double f = 0;
      for (int i = 0; i < 5; i++) {
        double ax = 0;
        for (int j = 0; j < 5; j++) {
          ax += A[i][j] * x[j];
        }
        gradient[i] = (float) (ax - B[i]);
        f += 0.5 * x[i] * ax - B[i] * x[i];
      }
      return f;
    }
  }

  /** f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1). */
  static final class Rosenbrock implements DifferentiableFunction {
    int evaluations;

    @Override
    public double evaluate(float[] p, float[] gradient) {
      evaluations++;
      double x = p[0];
      double y = p[1];
      double r = y - x * x;
      gradient[0] = (float) (-2 * (1 - x) - 400 * x * r);
      gradient[1] = (float) (200 * r);
      return (1 - x) * (1 - x) + 100 * r * r;
    }
  }
}
