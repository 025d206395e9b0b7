package dev.nst.api;

/** A model file could not be found, read, parsed or mapped onto supported layers. */
public class ModelLoadException extends NstException {
  private static final long serialVersionUID = 1L;

  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
