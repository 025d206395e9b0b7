package dev.nst.api;

/**
 * The loss diverged: it stayed far above the best loss of the run for several iterations in a
 * row, which is what a learning rate (step size) too large for the problem does. The run
 * stopped; the exception carries the numbers and the image with the best loss so far.
 */
public class DivergenceException extends RunFailedException {
  private static final long serialVersionUID = 1L;

  /** The lowest loss of the run. */
  private final double bestLoss;
  /** The loss where the run stopped. */
  private final double loss;
  /** The 1-based iteration where the run stopped. */
  private final int iteration;

  /**
   * Creates the exception with the run's numbers and its best image.
   *
   * @param message what happened and how to fix it
   * @param bestLoss the lowest loss of the run
   * @param loss the loss at {@code iteration}, where the run stopped
   * @param iteration the 1-based iteration where the run stopped
   * @param bestImage the image (1, C, H, W) with {@code bestLoss}, in the network's input space; may be null
   */
  public DivergenceException(String message, double bestLoss, double loss, int iteration, Tensor bestImage) {
    this(message, bestLoss, loss, iteration, bestImage, null);
  }

  /**
   * The same with a cause, for example the first report of this divergence when the best image
   * was written afterwards and the message says where.
   *
   * @param message what happened and what to do
   * @param bestLoss the lowest loss of the run
   * @param loss the loss at {@code iteration}, where the run stopped
   * @param iteration the 1-based iteration where the run stopped
   * @param bestImage the image (1, C, H, W) with {@code bestLoss}, in the network's input space; may be null
   * @param cause the cause; may be null
   */
  public DivergenceException(String message, double bestLoss, double loss, int iteration, Tensor bestImage,
      Throwable cause) {
    super(message, cause, bestImage);
    this.bestLoss = bestLoss;
    this.loss = loss;
    this.iteration = iteration;
  }

  /**
   * The lowest loss of the run.
   *
   * @return the loss
   */
  public double bestLoss() {
    return bestLoss;
  }

  /**
   * The loss at {@link #iteration()}, where the run stopped.
   *
   * @return the loss
   */
  public double loss() {
    return loss;
  }

  /**
   * The 1-based iteration where the run stopped.
   *
   * @return the iteration
   */
  public int iteration() {
    return iteration;
  }
}
