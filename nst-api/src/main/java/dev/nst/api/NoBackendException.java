package dev.nst.api;

/** No backend module is on the classpath (or none is available on this machine). */
public class NoBackendException extends NstException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   */
  public NoBackendException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   * @param cause the failure that led to this one
   */
  public NoBackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
