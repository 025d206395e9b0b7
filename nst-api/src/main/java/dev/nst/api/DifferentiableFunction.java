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

  /**
   * Moves {@code x} into the function's domain, in place: for an image, the box of valid pixel
   * values. Optimisers with a box constraint call it after every step. By default every point
   * is in the domain and nothing changes.
   *
   * @param x the point, changed in place
   */
  default void constrain(float[] x) {}
}
