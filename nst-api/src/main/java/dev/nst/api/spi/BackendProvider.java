package dev.nst.api.spi;

/**
 * Service-provider interface, registered in {@code META-INF/services/dev.nst.api.spi.BackendProvider}.
 * Providers must be cheap to construct; native libraries load in {@link #probe()} or
 * {@link #open}.
 */
public interface BackendProvider {

  /**
   * Stable lowercase name users select it by, such as "onnx" or "nd4j".
   *
   * @return the name
   */
  String name();

  /**
   * Higher wins when several are available and none is named.
   *
   * @return the priority
   */
  int priority();

  /**
   * Whether this backend can run here. May load native code; must not throw on purpose.
   *
   * @return what the probe found
   */
  Availability probe();

  /**
   * Opens the backend.
   *
   * @param options the device and threads to use
   * @return an open backend the caller closes
   * @throws dev.nst.api.DeviceUnavailableException for a device it lacks
   */
  Backend open(BackendOptions options);
}
