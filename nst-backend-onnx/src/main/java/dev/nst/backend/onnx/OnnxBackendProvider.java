package dev.nst.backend.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.nst.api.spi.Availability;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.BackendProvider;
import dev.nst.api.spi.Device;
import java.util.EnumSet;
import java.util.Set;

/**
 * ONNX Runtime backend. CPU with {@code com.microsoft.onnxruntime:onnxruntime}; CUDA when the
 * classpath holds {@code onnxruntime_gpu} instead (the dependency swap, never a code change).
 */
public final class OnnxBackendProvider implements BackendProvider {
  /** The name users select this backend by. */
  public static final String NAME = "onnx";

  /** Creates the provider (ServiceLoader does); nothing native loads before {@link #probe()}. */
  public OnnxBackendProvider() {}

  @Override
  public Backend open(BackendOptions options) {
    return new OnnxBackend(options);
  }

  /**
   * Loads ONNX Runtime's native library and lists its execution providers. Never throws: a
   * library that does not load ({@link UnsatisfiedLinkError} and friends) is reported as
   * unavailable with the reason.
   */
  @Override
  public Availability probe() {
    try {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
      Set<Device> devices = providers.contains(OrtProvider.CUDA) ? Set.of(Device.CPU, Device.GPU) : Set.of(Device.CPU);
      return Availability.available(devices, "ONNX Runtime " + env.getVersion() + ", execution providers " + providers);
    } catch (Throwable e) { // native loading fails with Errors, not Exceptions: report, never crash discovery
      return Availability.unavailable("ONNX Runtime's native library did not load: " + e);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return 100;
  }
}
