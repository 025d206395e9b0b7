package dev.nst.api.spi;

/**
 * Service-provider interface, registered in {@code META-INF/services/dev.nst.api.spi.BackendProvider}.
 * Providers must be cheap to construct; native libraries load in {@link #probe()} or
 * {@link #open}.
 */
public interface BackendProvider {

  /** Stable lowercase name users select it by, such as "onnx" or "nd4j". */
  String name();

  /** Higher wins when several are available and none is named. */
  int priority();

  /** Whether this backend can run here. May load native code; must not throw on purpose. */
  Availability probe();

  /** Opens the backend. Throws {@link dev.nst.api.DeviceUnavailableException} for a device it lacks. */
  Backend open(BackendOptions options);
}
