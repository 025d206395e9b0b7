package dev.nst.backend.nd4j;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.nst.api.DeviceUnavailableException;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.Pooling;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.Device;
import dev.nst.api.spi.MemoryModel;
import dev.nst.api.spi.TileObjective;
import dev.nst.api.spi.TileSpec;
import dev.nst.core.spi.AbstractBackend;
import dev.nst.core.spi.ObjectiveFeature;
import dev.nst.core.spi.ObjectivePlan;
import java.util.EnumSet;
import java.util.Optional;

/**
 * An opened ND4J backend. ND4J's backend and thread pool are process-wide, so this object holds
 * no native state of its own: the graphs belong to the extractors and objectives it creates.
 * Closing it forbids creating more and using its feature extractors; compiled objectives keep
 * working until they are closed themselves (as with the ONNX backend).
 */
final class Nd4jBackend extends AbstractBackend {
  private final Nd4jRuntime runtime;

  Nd4jBackend(BackendOptions options) {
    super(EnumSet.allOf(ObjectiveFeature.class));
    checkNotNull(options, "options");
    Nd4jRuntime loaded;
    try {
      loaded = Nd4jRuntime.load();
    } catch (Throwable e) { // UnsatisfiedLinkError and friends
      throw new DeviceUnavailableException(Nd4jRuntime.loadFailure(e), e);
    }
    if (options.device() == Device.GPU && loaded.device() != Device.GPU) {
      throw new DeviceUnavailableException("the ND4J backend was asked for a GPU, but ND4J runs on the CPU in this "
          + "JVM (" + loaded.backendClass() + "); replace org.nd4j:nd4j-native by org.nd4j:nd4j-cuda-11.6 with the "
          + "linux-x86_64 classifier (see Nd4jBackendProvider's documentation), or use Device.CPU / AUTO");
    }
    if (options.device() == Device.CPU && loaded.device() != Device.CPU) {
      throw new DeviceUnavailableException("the ND4J backend was asked for the CPU, but ND4J loaded its CUDA backend ("
          + loaded.backendClass() + ") and has one backend per process; use Device.GPU / AUTO, remove nd4j-cuda from "
          + "the classpath, or start the JVM with the environment variable BACKEND_PRIORITY_CPU higher than "
          + "BACKEND_PRIORITY_GPU");
    }
    if (options.deviceIndex() != 0 && loaded.device() == Device.GPU) {
      // ND4J binds devices to threads, not to a backend instance: one backend cannot own GPU n.
      throw new DeviceUnavailableException("the ND4J backend was asked for GPU " + options.deviceIndex()
          + ", but it runs on ND4J's default device for the thread; use the ONNX backend, which opens any GPU by "
          + "index, or give this process one GPU (CUDA_VISIBLE_DEVICES)");
    }
    if (options.threads() > 0 && loaded.device() == Device.CPU) {
      Nd4jRuntime.setThreads(options.threads());
      loaded = Nd4jRuntime.load();
    }
    this.runtime = loaded;
  }

  @Override
  public String name() {
    return Nd4jBackendProvider.NAME;
  }

  @Override
  public Device device() {
    return runtime.device();
  }

  @Override
  public String description() {
    return runtime.describe();
  }

  @Override
  protected Objective newObjective(ObjectivePlan plan) {
    return new Nd4jObjective(plan, false); // its NetworkGraph refuses layers this backend cannot run
  }

  @Override
  protected Objective newLeanObjective(ObjectivePlan plan) {
    return new Nd4jObjective(plan, true);
  }

  @Override
  public Optional<TileObjective> compileTile(Network network, TileSpec spec) {
    return compileTile(network, spec, false);
  }

  @Override
  protected Optional<TileObjective> compileLeanTile(Network network, TileSpec spec) {
    return compileTile(network, spec, true);
  }

  private Optional<TileObjective> compileTile(Network network, TileSpec spec, boolean lean) {
    requireOpen();
    return Optional.of(new Nd4jTileObjective(java.util.Objects.requireNonNull(network, "network"),
        java.util.Objects.requireNonNull(spec, "spec"), lean));
  }

  /**
   * Measured on full-width VGG-19 to relu5_1 (peak resident memory of one evaluation at 512 and
   * 1024 px, docs/benchmarks.md): about 5 KB per pixel above a fixed part, 7.2 bytes per
   * activation value; 10 keeps a margin.
   */
  @Override
  public MemoryModel memoryModel() {
    return MEMORY;
  }

  private static final MemoryModel MEMORY = new MemoryModel(10, 16, 16);

  /**
   * Intermediate arrays freed at once instead of cached (docs/benchmarks.md, "ND4J's lean mode"):
   * the first evaluation of VGG-19 to relu5_1 peaks at 1.08 GiB at 512 px and 2.81 GiB at
   * 1024 px (the default mode: 1.75 and 6.2 GiB), 3.9 bytes per activation value above a fixed
   * part; malloc's heap then keeps some freed memory, and after 40 and 20 evaluations the peaks
   * were 1.43 and 3.31 GiB. 6 covers those.
   */
  @Override
  public Optional<MemoryModel> leanMemoryModel() {
    return Optional.of(LEAN_MEMORY);
  }

  private static final MemoryModel LEAN_MEMORY = new MemoryModel(6, 16, 16);

  /**
   * The bytes of released arrays a default-mode graph of {@code network} at {@code height x width}
   * keeps for reuse: the default model's margin over the lean one (4 bytes, one float, per
   * activation value), so that the cache stays inside the estimate the memory plan counted.
   */
  static long cacheBytes(Network network, int height, int width) {
    return Math.max(0, MEMORY.bytes(network, height, width) - LEAN_MEMORY.bytes(network, height, width));
  }

  @Override
  protected FeatureExtractor newFeatureExtractor(Network network, Pooling pooling) {
    return new Nd4jFeatureExtractor(this, network, pooling);
  }
}
