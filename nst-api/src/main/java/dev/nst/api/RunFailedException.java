package dev.nst.api;

/** A style-transfer run could not finish (numerical failure, backend error). */
public class RunFailedException extends NstException {
  private static final long serialVersionUID = 1L;

  public RunFailedException(String message) {
    super(message);
  }

  public RunFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
