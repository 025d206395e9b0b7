package dev.nst.core.batch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of a batch: one result per item, in the batch's order.
 *
 * @param items every item's outcome
 * @param elapsed the batch's wall-clock time
 * @param report where the machine-readable report was written ({@code batch-report.json})
 */
public record BatchResult(List<BatchItemResult> items, Duration elapsed, Path report) {
  /** Copies the list. */
  public BatchResult {
    items = List.copyOf(items);
  }

  /**
   * True when every item was stylised or already there: nothing failed and nothing was cancelled.
   *
   * @return whether the batch is complete
   */
  public boolean succeeded() {
    return items.stream().allMatch(r -> r.status() == BatchItemResult.Status.DONE
        || r.status() == BatchItemResult.Status.SKIPPED);
  }

  /**
   * The items with {@code status}.
   *
   * @param status the status to select
   * @return those items, in the batch's order
   */
  public List<BatchItemResult> withStatus(BatchItemResult.Status status) {
    return items.stream().filter(r -> r.status() == status).toList();
  }

  /**
   * How many items have {@code status}.
   *
   * @param status the status to count
   * @return the count
   */
  public int count(BatchItemResult.Status status) {
    return (int) items.stream().filter(r -> r.status() == status).count();
  }
}
