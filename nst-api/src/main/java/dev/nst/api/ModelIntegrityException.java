package dev.nst.api;

/** A model file's size or checksum differs from the published one. */
public class ModelIntegrityException extends ModelLoadException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   */
  public ModelIntegrityException(String message) {
    super(message);
  }
}
