package dev.nst.tck;

import static com.google.common.base.Preconditions.checkNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Lists;
import com.google.common.collect.Sets;
import dev.nst.api.DeviceUnavailableException;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.spi.Availability;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.BackendProvider;
import dev.nst.api.spi.Device;
import dev.nst.core.spi.ObjectiveFeature;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/**
 * The backend the suite runs against, opened once for all its parts: the provider, the options,
 * the features its conformance test declares, and every resource the parts leave open, closed
 * together at the end. When the backend cannot run here (the provider is unavailable, or lacks
 * the device asked for) it holds the reason instead, and every test is skipped with it.
 */
final class BackendUnderTest implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(BackendUnderTest.class.getName());

  private final BackendProvider provider;
  private final BackendOptions options;
  private final Set<ObjectiveFeature> declared;
  private final Backend backend;
  private final String skipReason;
  private final List<AutoCloseable> resources = new ArrayList<>();

  private BackendUnderTest(BackendProvider provider, BackendOptions options, Set<ObjectiveFeature> declared,
      Backend backend, String skipReason) {
    this.provider = provider;
    this.options = options;
    this.declared = declared;
    this.backend = backend;
    this.skipReason = skipReason;
  }

  /**
   * Opens the provider's backend with the options, or records why it cannot run here.
   *
   * @throws AssertionError when the backend opens on another device than the one asked for, so
   *     that a GPU run never passes on the CPU
   */
  static BackendUnderTest open(BackendProvider provider, BackendOptions options, Set<ObjectiveFeature> declared) {
    checkNotNull(provider, "provider() returned null");
    checkNotNull(options, "options() returned null");
    Set<ObjectiveFeature> features = Sets.immutableEnumSet(checkNotNull(declared, "features() returned null"));
    String name = provider.name();
    Availability a = provider.probe();
    if (!a.available()) {
      return skipped(provider, options, features,
          "backend '" + name + "' is not available here, so the conformance suite is skipped: " + a.detail());
    }
    Device device = options.device();
    if (device != Device.AUTO && !a.devices().contains(device)) {
      return skipped(provider, options, features, "backend '" + name + "' offers " + a.devices() + " here, not the "
          + device + " this conformance run asks for, so it is skipped (" + a.detail() + ")");
    }
    Backend b;
    try {
      b = provider.open(options);
    } catch (DeviceUnavailableException e) {
      return skipped(provider, options, features, "backend '" + name + "' cannot open " + device
          + " here, so the conformance suite is skipped: " + e.getMessage());
    }
    Device opened = b.device();
    if (device != Device.AUTO && opened != device) {
      String description = b.description();
      b.close();
      throw new AssertionError("backend '" + name + "' was asked for " + device + " but opened on " + opened
          + " (" + description + "); it must run on the device asked for or throw DeviceUnavailableException");
    }
    LOG.log(System.Logger.Level.INFO, "conformance suite for backend {0}: {1}; declared features {2}", name,
        b.description(), features);
    return new BackendUnderTest(provider, options, features, b, null);
  }

  private static BackendUnderTest skipped(BackendProvider provider, BackendOptions options,
      Set<ObjectiveFeature> declared, String reason) {
    LOG.log(System.Logger.Level.INFO, reason);
    return new BackendUnderTest(provider, options, declared, null, reason);
  }

  /** Aborts the calling test, with the reason, when the backend cannot run here. */
  void assumeOpen() {
    Assumptions.assumeTrue(backend != null, skipReason);
  }

  BackendProvider provider() {
    return provider;
  }

  BackendOptions options() {
    return options;
  }

  Backend backend() {
    assumeOpen();
    return backend;
  }

  /** The backend and the device it was asked for, as messages name it: "backend 'onnx' on GPU". */
  String label() {
    return "backend '" + provider.name() + "' on " + options.device();
  }

  /** The features the backend's conformance test declares its {@code compile} supports. */
  Set<ObjectiveFeature> declared() {
    return declared;
  }

  /** Keeps {@code resource} open until the suite ends, then closes it (in reverse order of tracking). */
  <T extends AutoCloseable> T track(T resource) {
    synchronized (resources) {
      resources.add(resource);
    }
    return resource;
  }

  /**
   * The compiled objective of {@code spec}, held to the declaration: when the backend declares
   * every feature the spec needs, {@code compile} must return an objective (a test fails
   * otherwise); when it does not, {@code compile} must return empty, and the calling test is
   * then skipped, since level 1 covers such specs.
   */
  Objective compiled(Network network, ObjectiveSpec spec) {
    Set<ObjectiveFeature> needed = SpecFeatures.required(spec);
    Set<ObjectiveFeature> undeclared = ImmutableSet.copyOf(Sets.difference(needed, declared));
    Optional<Objective> o = backend().compile(network, spec);
    if (!undeclared.isEmpty()) {
      o.ifPresent(Objective::close);
      assertTrue(o.isEmpty(), () -> SpecFeatures.compiledUndeclared(label(), undeclared));
      Assumptions.abort(label() + " does not declare " + undeclared
          + ", so compile returns empty for this spec and level 1 covers it");
    }
    assertTrue(o.isPresent(), () -> SpecFeatures.declaredButEmpty(label(), needed));
    return o.get();
  }

  /** Closes every tracked resource, newest first, then the backend; failures are logged. */
  @Override
  public void close() {
    List<AutoCloseable> open;
    synchronized (resources) {
      open = Lists.reverse(new ArrayList<>(resources));
      resources.clear();
    }
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "closing " + c + " failed", e);
      }
    }
    if (backend != null) {
      backend.close();
    }
  }
}
