package dev.nst.api;

/**
 * Root of every exception nst throws on purpose. Messages say what happened and how to fix it.
 */
public class NstException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   */
  public NstException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   * @param cause the failure that led to this one
   */
  public NstException(String message, Throwable cause) {
    super(message, cause);
  }
}
