package dev.nst.api;

/**
 * A first-order minimiser on float arrays. Implementations are immutable configurations; each
 * {@link #minimize} call keeps its own state, so one instance may serve many runs and threads.
 */
public interface Optimizer {

  /** Short name for logs and the CLI, such as "lbfgs" or "adam". */
  String name();

  /**
   * Minimises {@code f} starting from {@code x}, which is updated in place. Calls
   * {@code callback} after every iteration; stops when it returns false.
   */
  void minimize(DifferentiableFunction f, float[] x, IterationCallback callback);

  /** Called after every optimiser iteration. */
  @FunctionalInterface
  interface IterationCallback {
    /**
     * @param iteration 1-based iteration number
     * @param x the current point (do not modify)
     * @param value f at the current point
     * @return true to continue, false to stop
     */
    boolean onIteration(int iteration, float[] x, double value);
  }
}
