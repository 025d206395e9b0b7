package dev.nst.tck.naive;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.spi.Availability;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.BackendProvider;
import dev.nst.api.spi.Device;
import dev.nst.core.spi.ObjectiveFeature;
import dev.nst.tck.BackendConformanceSuite;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Suites whose backend does not do what they declare, or cannot run where they ask to, for
 * {@link ConformanceSuiteVerdictsTest} to run and judge. Their names keep Surefire from running
 * them on its own.
 */
final class MisdeclaredSuites {
  /** Every feature but masks and normalised gradients. */
  static final Set<ObjectiveFeature> WITHOUT_MASKS_AND_NORMALIZED = EnumSet.complementOf(
      EnumSet.of(ObjectiveFeature.STYLE_MASKS, ObjectiveFeature.NORMALIZED_GRADIENTS));

  private MisdeclaredSuites() {}

  /** Declares every feature, but compile returns empty for masks and normalised gradients. */
  static class SilentFallback extends BackendConformanceSuite {
    @Override
    protected BackendProvider provider() {
      return new NaiveJavaBackendProvider(WITHOUT_MASKS_AND_NORMALIZED);
    }

    @Override
    protected Set<ObjectiveFeature> features() {
      return EnumSet.allOf(ObjectiveFeature.class);
    }
  }

  /** Compiles every feature, but declares neither masks nor normalised gradients. */
  static class Undeclared extends BackendConformanceSuite {
    @Override
    protected BackendProvider provider() {
      return new NaiveJavaBackendProvider(EnumSet.allOf(ObjectiveFeature.class));
    }

    @Override
    protected Set<ObjectiveFeature> features() {
      return WITHOUT_MASKS_AND_NORMALIZED;
    }
  }

  /** Declares every feature, but its compile drops masks and gradient normalisation. */
  static class CarelessCompile extends BackendConformanceSuite {
    @Override
    protected BackendProvider provider() {
      return new CarelessProvider();
    }

    @Override
    protected Set<ObjectiveFeature> features() {
      return EnumSet.allOf(ObjectiveFeature.class);
    }
  }

  /** Asks the CPU-only naive backend for a GPU: its probe offers the CPU only. */
  static class GpuOfCpuOnlyBackend extends BackendConformanceSuite {
    @Override
    protected BackendProvider provider() {
      return new NaiveJavaBackendProvider();
    }

    @Override
    protected Set<ObjectiveFeature> features() {
      return EnumSet.noneOf(ObjectiveFeature.class);
    }

    @Override
    protected BackendOptions options() {
      return new BackendOptions(Device.GPU, 0);
    }
  }

  /** Its probe offers a GPU, but open throws DeviceUnavailableException (no device found). */
  static class GpuThatDoesNotOpen extends GpuOfCpuOnlyBackend {
    @Override
    protected BackendProvider provider() {
      return new ProbeClaimsGpu(false);
    }
  }

  /** Its probe offers a GPU, and open quietly returns a backend on the CPU. */
  static class GpuOpenedOnCpu extends GpuOfCpuOnlyBackend {
    @Override
    protected BackendProvider provider() {
      return new ProbeClaimsGpu(true);
    }
  }

  /** The naive backend behind a probe that claims a GPU. */
  private static final class ProbeClaimsGpu implements BackendProvider {
    private final NaiveJavaBackendProvider naive = new NaiveJavaBackendProvider();
    private final boolean fallBackToCpu;

    ProbeClaimsGpu(boolean fallBackToCpu) {
      this.fallBackToCpu = fallBackToCpu;
    }

    @Override
    public String name() {
      return naive.name();
    }

    @Override
    public int priority() {
      return naive.priority();
    }

    @Override
    public Availability probe() {
      return Availability.available(Set.of(Device.CPU, Device.GPU), "claims a GPU it may not have");
    }

    @Override
    public Backend open(BackendOptions options) {
      return naive.open(fallBackToCpu ? new BackendOptions(Device.CPU, options.threads()) : options);
    }
  }

  /** The naive backend compiling every spec as if it had neither masks nor normalised gradients. */
  private static final class CarelessProvider implements BackendProvider {
    private final NaiveJavaBackendProvider naive = new NaiveJavaBackendProvider(EnumSet.allOf(ObjectiveFeature.class));

    @Override
    public String name() {
      return naive.name();
    }

    @Override
    public int priority() {
      return naive.priority();
    }

    @Override
    public Availability probe() {
      return naive.probe();
    }

    @Override
    public Backend open(BackendOptions options) {
      Backend b = naive.open(options);
      return new Backend() {
        @Override
        public String name() {
          return b.name();
        }

        @Override
        public Device device() {
          return b.device();
        }

        @Override
        public String description() {
          return b.description();
        }

        @Override
        public FeatureExtractor featureExtractor(Network network, Pooling pooling) {
          return b.featureExtractor(network, pooling);
        }

        @Override
        public Optional<Objective> compile(Network network, ObjectiveSpec spec) {
          return b.compile(network, new ObjectiveSpec(spec.content(), spec.style().stream()
              .map(t -> t.withWeightAndMask(t.weight(), null)).toList(),
              spec.alpha(), spec.beta(), spec.gamma(), spec.pooling(), spec.height(), spec.width(),
              spec.normalization(), false));
        }

        @Override
        public void close() {
          b.close();
        }
      };
    }
  }
}
