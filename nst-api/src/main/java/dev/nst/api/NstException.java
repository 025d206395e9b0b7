package dev.nst.api;

/**
 * Root of every exception nst throws on purpose. Messages say what happened and how to fix it.
 */
public class NstException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NstException(String message) {
    super(message);
  }

  public NstException(String message, Throwable cause) {
    super(message, cause);
  }
}
