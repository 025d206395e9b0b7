package dev.nst.api;

import java.util.Optional;

/**
 * A style-transfer run could not finish (numerical failure, divergence, backend error). When
 * the run had already found a good image, the exception carries the best one so far, so that
 * nothing the run achieved is lost.
 */
public class RunFailedException extends NstException {
  private static final long serialVersionUID = 1L;

  private final transient Tensor bestImage;

  public RunFailedException(String message) {
    this(message, null, null);
  }

  public RunFailedException(String message, Throwable cause) {
    this(message, cause, null);
  }

  /**
   * @param bestImage the image (1, C, H, W) with the lowest loss so far, in the network's input
   *     space; null when there is none
   */
  public RunFailedException(String message, Throwable cause, Tensor bestImage) {
    super(message, cause);
    this.bestImage = bestImage;
  }

  /**
   * The image (1, C, H, W) with the lowest loss before the failure, in the network's input
   * space, when the run had one.
   */
  public Optional<Tensor> bestImage() {
    return Optional.ofNullable(bestImage);
  }
}
