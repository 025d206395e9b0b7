package dev.nst.tck.naive;

import dev.nst.api.spi.Availability;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.BackendProvider;
import dev.nst.api.spi.Device;
import java.util.Set;

/**
 * A slow, obvious pure-Java backend (level 1 only) that exists to prove the conformance suite
 * right: direct loops, no tricks. Not registered as a service.
 */
public final class NaiveJavaBackendProvider implements BackendProvider {
  private final boolean compiles;

  /** A level-1 backend: {@code compile} returns empty. */
  public NaiveJavaBackendProvider() {
    this(false);
  }

  /**
   * @param compiles when true, {@code compile} returns a host objective over the backend's own
   *     extractor, which lets the suite's level-2 tests run against known-good code
   */
  public NaiveJavaBackendProvider(boolean compiles) {
    this.compiles = compiles;
  }
  @Override
  public String name() {
    return "naive-java";
  }

  @Override
  public int priority() {
    return -100;
  }

  @Override
  public Availability probe() {
    return Availability.available(Set.of(Device.CPU), "pure Java, single thread");
  }

  @Override
  public Backend open(BackendOptions options) {
    if (options.device() == Device.GPU) {
      throw new dev.nst.api.DeviceUnavailableException("the naive Java backend runs on the CPU only; ask for CPU or AUTO");
    }
    return new NaiveJavaBackend(compiles);
  }
}
