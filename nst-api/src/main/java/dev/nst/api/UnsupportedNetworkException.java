package dev.nst.api;

/**
 * The model loaded, but this backend cannot run one of its layers (for example a pool whose
 * windows overlap, which a backend's backward pass does not support). The message names the
 * layer and the way out: another backend, max pooling, or a network without that layer.
 */
public class UnsupportedNetworkException extends ModelLoadException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with the given message.
   *
   * @param message what the backend cannot run (naming the layer) and what to do instead
   */
  public UnsupportedNetworkException(String message) {
    super(message);
  }
}
