package dev.nst.api;

/** A model file's size or checksum differs from the published one. */
public class ModelIntegrityException extends ModelLoadException {
  private static final long serialVersionUID = 1L;

  public ModelIntegrityException(String message) {
    super(message);
  }
}
