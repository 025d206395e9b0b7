package dev.nst.api;

/** An image could not be read, decoded or written, or is unusable (size, format). */
public class BadImageException extends NstException {
  private static final long serialVersionUID = 1L;

  public BadImageException(String message) {
    super(message);
  }

  public BadImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
