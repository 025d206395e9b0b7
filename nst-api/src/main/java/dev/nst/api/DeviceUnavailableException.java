package dev.nst.api;

/** The requested device (for example a GPU) cannot be used by the chosen backend. */
public class DeviceUnavailableException extends NstException {
  private static final long serialVersionUID = 1L;

  public DeviceUnavailableException(String message) {
    super(message);
  }

  public DeviceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
