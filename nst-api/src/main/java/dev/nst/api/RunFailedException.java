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

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   */
  public RunFailedException(String message) {
    this(message, null, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   * @param cause the failure that led to this one
   */
  public RunFailedException(String message, Throwable cause) {
    this(message, cause, null);
  }

  /**
   * Creates the exception with the best image the run found.
   *
   * @param message what happened and how to fix it
   * @param cause the failure that led to this one; may be null
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
   *
   * @return the image, or empty when the run had none
   */
  public Optional<Tensor> bestImage() {
    return Optional.ofNullable(bestImage);
  }
}
