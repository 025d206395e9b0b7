package dev.nst.core;

import dev.nst.api.LossBreakdown;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;

/**
 * What a run produced.
 *
 * @param image the stylised image (the lowest-loss iterate), at the output size
 * @param history the loss terms of every iteration, in order
 * @param setupTime loading, preprocessing, targets and graph compilation
 * @param optimisationTime the iterations themselves
 * @param cancelled true when a {@link dev.nst.api.CancellationToken} stopped the run early
 * @param backend the backend and device that computed it
 * @param compiled true when the backend's compiled objective ran (level 2), false for the host
 *     losses over level-1 features
 * @param scales the long sides optimised, in order (one entry unless coarse-to-fine)
 * @param bestIteration the 1-based iteration, counted over the whole run, whose image is
 *     {@code image} (the best of the last scale); 0 when no iteration ran
 */
public record StyleTransferResult(
    BufferedImage image,
    List<LossBreakdown> history,
    Duration setupTime,
    Duration optimisationTime,
    boolean cancelled,
    String backend,
    boolean compiled,
    List<Integer> scales,
    int bestIteration) {

  /** Copies the lists. */
  public StyleTransferResult {
    history = List.copyOf(history);
    scales = List.copyOf(scales);
    if (bestIteration < 0) {
      throw new IllegalArgumentException("bestIteration must be >= 0, got " + bestIteration);
    }
  }

  /**
   * A result whose best iteration is the one with the lowest total loss in {@code history}
   * (right for a run of one scale).
   */
  public StyleTransferResult(BufferedImage image, List<LossBreakdown> history, Duration setupTime,
      Duration optimisationTime, boolean cancelled, String backend, boolean compiled, List<Integer> scales) {
    this(image, history, setupTime, optimisationTime, cancelled, backend, compiled, scales, lowest(history));
  }

  private static int lowest(List<LossBreakdown> history) {
    int best = 0;
    for (int i = 0; i < history.size(); i++) {
      if (best == 0 || history.get(i).total() < history.get(best - 1).total()) {
        best = i + 1;
      }
    }
    return best;
  }

  /** Iterations run. */
  public int iterations() {
    return history.size();
  }

  /** The loss terms at the first iteration, or null when none ran. */
  public LossBreakdown initialLoss() {
    return history.isEmpty() ? null : history.get(0);
  }

  /** The lowest total loss seen, or null when none ran. */
  public LossBreakdown bestLoss() {
    LossBreakdown best = null;
    for (LossBreakdown l : history) {
      if (best == null || l.total() < best.total()) {
        best = l;
      }
    }
    return best;
  }

  /** Mean time per iteration. */
  public Duration timePerIteration() {
    return history.isEmpty() ? Duration.ZERO : optimisationTime.dividedBy(history.size());
  }
}
