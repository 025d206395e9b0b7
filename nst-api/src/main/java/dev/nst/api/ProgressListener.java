package dev.nst.api;

/**
 * Receives an event after every iteration, and optionally finer progress inside long
 * evaluations and the decisions a run makes on its own. Runs on the optimising thread: keep it
 * quick.
 */
@FunctionalInterface
public interface ProgressListener {
  /**
   * Called after every iteration.
   *
   * @param event the iteration's number, losses and timing
   */
  void onProgress(ProgressEvent event);

  /**
   * Called before each tile of an evaluation that runs in tiles (images too large to evaluate
   * at once), so that an iteration that takes minutes still shows movement. Ignored by default.
   *
   * @param progress which tile of how many, in which iteration
   */
  default void onTile(TileProgress progress) {}

  /**
   * Called when the run decides something on its own that changes how it runs: evaluating in
   * tiles, a smaller L-BFGS history to fit the memory budget, a coarse-to-fine schedule for a
   * large output. One sentence. Ignored by default.
   *
   * @param notice the decision, one sentence
   */
  default void onNotice(String notice) {}
}
