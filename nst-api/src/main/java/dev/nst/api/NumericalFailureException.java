package dev.nst.api;

import java.util.Optional;

/**
 * The loss or gradient became NaN or infinite; the run stopped. The exception carries the last
 * image whose loss was finite (in the network's input space), when there was one.
 */
public class NumericalFailureException extends RunFailedException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   */
  public NumericalFailureException(String message) {
    this(message, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   * @param lastGoodImage the last image (1, C, H, W) with a finite loss, in the network's input space; null when there is none
   */
  public NumericalFailureException(String message, Tensor lastGoodImage) {
    this(message, lastGoodImage, null);
  }

  /**
   * The same with a cause, for example the first report of this failure when the last good
   * image was written afterwards and the message says where.
   *
   * @param message what happened and what to do
   * @param lastGoodImage the last image (1, C, H, W) with a finite loss; may be null
   * @param cause the cause; may be null
   */
  public NumericalFailureException(String message, Tensor lastGoodImage, Throwable cause) {
    super(message, cause, lastGoodImage);
  }

  /**
   * The last image (1, C, H, W) with a finite loss, in the network's input space.
   *
   * @return the image, or empty when no iteration had a finite loss
   */
  public Optional<Tensor> lastGoodImage() {
    return bestImage();
  }
}
