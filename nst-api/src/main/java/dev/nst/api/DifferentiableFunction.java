package dev.nst.api;

/** A scalar function with its gradient, as optimisers see it. */
@FunctionalInterface
public interface DifferentiableFunction {
  /**
   * Returns f(x) and writes the gradient into {@code gradient} (same length as x).
   *
   * @param x the point, not modified
   * @param gradient receives df/dx; its previous contents are overwritten
   * @return f(x)
   */
  double evaluate(float[] x, float[] gradient);
}
