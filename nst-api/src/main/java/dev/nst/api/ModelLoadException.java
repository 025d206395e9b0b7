package dev.nst.api;

/** A model file could not be found, read, parsed or mapped onto supported layers. */
public class ModelLoadException extends NstException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   */
  public ModelLoadException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   * @param cause the failure that led to this one
   */
  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
