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
   * As {@link #minimize(DifferentiableFunction, float[], IterationCallback)}, with what the run
   * lends its optimiser: a thread budget (with 1 thread an optimiser that splits its own work
   * keeps it on the calling thread: a batch worker or a Spark task given one core) and working
   * arrays. By default both are ignored.
   *
   * @param f the function and its gradient
   * @param x the starting point; holds the last iterate on return
   * @param callback told about every iteration; returning false stops the minimisation
   * @param workspace the run's threads and working arrays
   */
  default void minimize(DifferentiableFunction f, float[] x, IterationCallback callback, Workspace workspace) {
    minimize(f, x, callback);
  }

  /**
   * What a run lends its optimiser. A session that stylises image after image (nst batch, a
   * Spark task) lends every run the same working arrays, so that an optimiser's history
   * (L-BFGS: 2 x history x the image's values, most of what a run allocates) is allocated once
   * per session instead of once per image, where it would live for one image and then burden the
   * garbage collector.
   */
  interface Workspace {
    /**
     * The run's threads.
     *
     * @return 1 for the calling thread alone, 0 for every core, or the number of threads
     */
    int threads();

    /**
     * A float array of at least {@code length} values and unspecified contents (a previous run's
     * values, or zeros), the optimiser's until {@code minimize} returns: it must keep no reference
     * to it afterwards, and it uses only the first {@code length} values.
     *
     * @param length the values needed, at least 0
     * @return an array of at least {@code length} values
     */
    float[] floats(int length);

    /**
     * A workspace of {@code threads} threads that allocates every array anew (exactly
     * {@code length} long), for an optimiser used on its own.
     *
     * @param threads 1 for the calling thread alone, 0 for every core
     * @return the workspace
     */
    static Workspace of(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("threads must be >= 0, got " + threads);
      }
      return new Workspace() {
        @Override
        public int threads() {
          return threads;
        }

        @Override
        public float[] floats(int length) {
          return new float[length];
        }
      };
    }
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
