package dev.nst.core.batch;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a batch stands, told to {@link BatchListener}s after every item.
 *
 * @param finished items finished so far: done, skipped or failed
 * @param total items in the batch
 * @param failed items that failed so far
 * @param skipped items skipped so far because their output existed
 * @param elapsed time since the batch started
 * @param last the item that just finished, or null in the first report
 */
public record BatchProgress(int finished, int total, int failed, int skipped, Duration elapsed, BatchItemResult last) {

  /**
   * The expected time to the end: the elapsed time per item stylised so far (skipped ones cost
   * nothing; workers in parallel show as a shorter time per item) times the items left.
   *
   * @return the estimate, or empty when nothing has been stylised yet
   */
  public Optional<Duration> eta() {
    int stylised = finished - skipped;
    if (stylised <= 0) {
      return Optional.empty();
    }
    double perItem = (double) elapsed.toNanos() / stylised;
    return Optional.of(Duration.ofNanos((long) (perItem * (total - finished))));
  }
}
