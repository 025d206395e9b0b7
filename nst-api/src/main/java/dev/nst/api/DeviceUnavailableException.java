package dev.nst.api;

/** The requested device (for example a GPU) cannot be used by the chosen backend. */
public class DeviceUnavailableException extends NstException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   */
  public DeviceUnavailableException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what happened and how to fix it
   * @param cause the failure that led to this one
   */
  public DeviceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
