package dev.nst.api;

/** No backend module is on the classpath (or none is available on this machine). */
public class NoBackendException extends NstException {
  private static final long serialVersionUID = 1L;

  public NoBackendException(String message) {
    super(message);
  }

  public NoBackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
