package dev.nst.api;

/**
 * A first-order minimiser on float arrays. Implementations are immutable configurations; each
 * {@link #minimize} call keeps its own state, so one instance may serve many runs and threads.
 */
public interface Optimizer {

  /**
   * Short name for logs and the CLI, such as "lbfgs" or "adam".
   *
   * @return the name
   */
  String name();

  /**
   * Names the setting that makes this optimiser's steps too large, with its value, for messages
   * such as "the loss diverged: ... is too large for this problem; lower it".
   *
   * @return for example "the learning rate of adam (1000.0)"; by default a description built
   *     from {@link #name()}, as this interface knows no learning rate
   */
  default String stepSizeDescription() {
    return "the learning rate (step size) of optimizer '" + name() + "'";
  }

  /**
   * Minimises {@code f} starting from {@code x}, which is updated in place. Calls
   * {@code callback} after every iteration; stops when it returns false.
   *
   * @param f the function and its gradient
   * @param x the starting point; holds the last iterate on return
   * @param callback told about every iteration; returning false stops the minimisation
   */
  void minimize(DifferentiableFunction f, float[] x, IterationCallback callback);

  /**
   * As {@link #minimize(DifferentiableFunction, float[], IterationCallback)}, within the run's
   * thread budget: with {@code threads} 1 an optimiser that splits its own work should keep it
   * on the calling thread (a batch worker or a Spark task given one core). By default the budget
   * is ignored.
   *
   * @param f the function and its gradient
   * @param x the starting point; holds the last iterate on return
   * @param callback told about every iteration; returning false stops the minimisation
   * @param threads the run's threads: 1 for the calling thread alone, 0 for every core
   */
  default void minimize(DifferentiableFunction f, float[] x, IterationCallback callback, int threads) {
    minimize(f, x, callback);
  }

  /** Called after every optimiser iteration. */
  @FunctionalInterface
  interface IterationCallback {
    /**
     * Reports one finished iteration.
     *
     * @param iteration 1-based iteration number
     * @param x the current point (do not modify)
     * @param value f at the current point
     * @return true to continue, false to stop
     */
    boolean onIteration(int iteration, float[] x, double value);
  }
}
