package dev.nst.api;

/** A backend was asked for by name but is missing or unavailable. */
public class BackendNotFoundException extends NstException {
  private static final long serialVersionUID = 1L;

  public BackendNotFoundException(String message) {
    super(message);
  }

  public BackendNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
