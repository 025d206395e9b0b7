package dev.nst.core.batch;

import static com.google.common.base.Preconditions.checkNotNull;

import java.time.Duration;

/**
 * What became of one {@link BatchItem}.
 *
 * @param item the image and style
 * @param status done, skipped (its output existed), failed or cancelled
 * @param time the time the item took (zero when skipped or never started)
 * @param loss the best total loss of the run, NaN when none ran to the end
 * @param error why it failed, null unless {@link Status#FAILED}
 */
public record BatchItemResult(BatchItem item, Status status, Duration time, double loss, String error) {
  /** Checks that no part but the error is null. */
  public BatchItemResult {
    checkNotNull(item, "item");
    checkNotNull(status, "status");
    checkNotNull(time, "time");
  }

  /** What became of an item. */
  public enum Status {
    /** Stylised and written. */
    DONE,
    /** Its output existed already (complete, as outputs are written atomically) and was kept. */
    SKIPPED,
    /** Its image could not be stylised; {@link #error()} says why. Other items went on. */
    FAILED,
    /** The batch was cancelled before the item finished; nothing was written for it. */
    CANCELLED
  }
}
