package dev.nst.tck.naive;

import dev.nst.api.DeviceUnavailableException;
import dev.nst.api.spi.Availability;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.BackendProvider;
import dev.nst.api.spi.Device;
import dev.nst.core.spi.ObjectiveFeature;
import java.util.EnumSet;
import java.util.Set;

/**
 * A slow, obvious pure-Java backend that exists to prove the conformance suite right: direct
 * loops, no tricks. Its "compiled" objective, for the specs it is told to compile, is the host
 * objective over its own extractor, so the suite's level-2 tests run against known-good code.
 * Not registered as a service.
 */
public final class NaiveJavaBackendProvider implements BackendProvider {
  private final Set<ObjectiveFeature> compiled;

  /** A level-1 backend: {@code compile} always returns empty. */
  public NaiveJavaBackendProvider() {
    this(EnumSet.noneOf(ObjectiveFeature.class));
  }

  /**
   * A backend whose {@code compile} returns an objective for the specs that need only
   * {@code compiled} features, and empty for the others.
   *
   * @param compiled the features its compile supports
   */
  public NaiveJavaBackendProvider(Set<ObjectiveFeature> compiled) {
    this.compiled = Set.copyOf(compiled);
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
      throw new DeviceUnavailableException("the naive Java backend runs on the CPU only; ask for CPU or AUTO");
    }
    return new NaiveJavaBackend(compiled);
  }
}
