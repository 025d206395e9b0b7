package dev.nst.api;

/** An image could not be read, decoded or written, or is unusable (size, format). */
public class BadImageException extends NstException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   */
  public BadImageException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   * @param cause the failure that led to this one
   */
  public BadImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
