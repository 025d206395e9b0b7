package dev.nst.api;

import java.time.Duration;

/**
 * Sent after every iteration of a run.
 *
 * @param iteration 1-based iteration number
 * @param iterations the iteration budget of the run (or of the current scale)
 * @param losses the loss terms at this iteration
 * @param elapsed time since the optimisation started
 */
public record ProgressEvent(int iteration, int iterations, LossBreakdown losses, Duration elapsed) {

  /**
   * A linear estimate of the time left.
   *
   * @return elapsed time per iteration times the iterations left; zero before the first
   */
  public Duration estimatedRemaining() {
    if (iteration <= 0) {
      return Duration.ZERO;
    }
    return elapsed.multipliedBy(iterations - iteration).dividedBy(iteration);
  }
}
