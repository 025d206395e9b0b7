package dev.nst.api;

/** A backend was asked for by name but is missing or unavailable. */
public class BackendNotFoundException extends NstException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   */
  public BackendNotFoundException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   * @param cause the failure that led to this one
   */
  public BackendNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
