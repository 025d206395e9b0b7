package dev.nst.backend.onnx;

import static com.google.common.base.Preconditions.checkNotNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.nst.api.DeviceUnavailableException;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.RunFailedException;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.Device;
import dev.nst.api.spi.MemoryModel;
import dev.nst.api.spi.TileObjective;
import dev.nst.api.spi.TileSpec;
import dev.nst.core.spi.AbstractBackend;
import dev.nst.core.spi.ObjectiveFeature;
import dev.nst.core.spi.ObjectivePlan;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An opened ONNX Runtime backend: session options shared by every graph it compiles. Its
 * {@link ObjectiveGraph} compiles every {@link ObjectiveFeature}. Sessions belong to the
 * extractors and objectives; the environment is process-wide, so closing holds nothing to free.
 */
final class OnnxBackend extends AbstractBackend {
  private final OrtEnvironment env;
  private final Device device;
  private final int threads;
  private final int gpu;

  OnnxBackend(BackendOptions options) {
    super(EnumSet.allOf(ObjectiveFeature.class));
    this.env = OrtEnvironment.getEnvironment();
    boolean cuda = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    if (options.device() == Device.GPU && !cuda) {
      throw new DeviceUnavailableException("the ONNX backend was asked for a GPU, but this ONNX Runtime has no CUDA "
          + "execution provider; depend on dev.nst:nst-backend-onnx-gpu (or com.microsoft.onnxruntime:onnxruntime_gpu "
          + "instead of onnxruntime) and install CUDA, or use Device.CPU / AUTO");
    }
    this.device = options.device() == Device.CPU || !cuda ? Device.CPU : Device.GPU;
    this.threads = options.effectiveThreads();
    this.gpu = options.deviceIndex();
  }

  @Override
  public String name() {
    return OnnxBackendProvider.NAME;
  }

  @Override
  public Device device() {
    return device;
  }

  @Override
  public String description() {
    return "ONNX Runtime " + env.getVersion() + " on " + (device == Device.GPU ? "CUDA GPU " + gpu : "CPU, " + threads + " threads");
  }

  @Override
  protected FeatureExtractor newFeatureExtractor(Network network, Pooling pooling) {
    return new OnnxFeatureExtractor(this, network, pooling);
  }

  @Override
  protected Objective newObjective(ObjectivePlan plan) {
    return new OnnxObjective(this, new ObjectiveGraph(plan));
  }

  @Override
  public Optional<TileObjective> compileTile(Network network, TileSpec spec) {
    return compileTile(network, spec, WinogradConv.DEFAULT);
  }

  /** The lean mode: direct convolutions, no Winograd planes or transformed kernels. */
  @Override
  protected Objective newLeanObjective(ObjectivePlan plan) {
    return new OnnxObjective(this, new ObjectiveGraph(plan, WinogradConv.Choice.never()));
  }

  @Override
  protected Optional<TileObjective> compileLeanTile(Network network, TileSpec spec) {
    return compileTile(network, spec, WinogradConv.Choice.never());
  }

  private Optional<TileObjective> compileTile(Network network, TileSpec spec, WinogradConv.Choice winograd) {
    requireOpen();
    checkNotNull(network, "network");
    checkNotNull(spec, "spec");
    return Optional.of(new OnnxTileObjective(this, new TileGraphs(network, spec, winograd), spec,
        network.inputChannels()));
  }

  /**
   * Measured on full-width VGG-19 to relu5_1 (peak resident memory of one evaluation at 256 to
   * 1024 px, docs/benchmarks.md): about 3 KB per pixel above a fixed part, 4.5 bytes per
   * activation value; 6 keeps a margin for other networks and the arena's rounding. Per weight:
   * what the session keeps after constant folding, the kernel and its rotated copy for the
   * backward pass, or for Winograd F(4x4, 3x3) layers the transformed kernel both passes read
   * (4x the kernel, 16 bytes); 24 leaves room for the folding itself while the session is built
   * (before the backward pass read the forward's kernels: 32 bytes kept, 40 counted; the peak
   * after setup fell by the 0.2 GiB the difference makes for VGG-19).
   */
  @Override
  public MemoryModel memoryModel() {
    return MEMORY;
  }

  private static final MemoryModel MEMORY = new MemoryModel(6, 24, 16);

  /**
   * The lean mode, direct convolutions (docs/benchmarks.md, "The ONNX backend's lean mode"):
   * measured as above, 1.8 KB per pixel above a fixed part, 3.45 bytes per activation value (the
   * default mode's 4.5 less the Winograd planes); 4.5 keeps the default model's margin. Per
   * weight: the kernel, its rotated copy for the backward pass, and room for the folding.
   */
  @Override
  public Optional<MemoryModel> leanMemoryModel() {
    return Optional.of(LEAN_MEMORY);
  }

  private static final MemoryModel LEAN_MEMORY = new MemoryModel(4.5, 16, 16);

  OrtEnvironment env() {
    return env;
  }

  /**
   * Creates a session for a generated graph with this backend's device and threads.
   *
   * @param what what the graph computes, for the message when ONNX Runtime refuses it
   * @throws RunFailedException when ONNX Runtime refuses the graph
   */
  OrtSession session(GraphBuilder.Generated graph, String what) {
    requireOpen();
    Map<String, OnnxTensorLike> weights = new HashMap<>();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      for (Map.Entry<String, Tensor> w : graph.weights().entrySet()) {
        // ONNX Runtime copies these while it builds the session; then they can go
        weights.put(w.getKey(), OnnxTensor.createTensor(env, w.getValue().buffer(),
            Resources.longs(w.getValue().shape())));
      }
      if (!weights.isEmpty()) {
        o.addExternalInitializers(weights);
      }
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      o.setIntraOpNumThreads(threads);
      o.setInterOpNumThreads(1);
      // The memory pattern pre-plans one block for every tensor of a run; off, the arena reuses
      // freed buffers as the run goes: peak memory of a 512 px VGG-19 evaluation 2.86 -> 1.82 GiB.
      o.setMemoryPatternOptimization(false);
      if (device == Device.GPU) {
        o.addCUDA(gpu);
      }
      return env.createSession(graph.model().toByteArray(), o);
    } catch (OrtException e) {
      throw new RunFailedException("ONNX Runtime " + env.getVersion() + " could not create a session for the graph "
          + "generated for " + what + " (" + e.getMessage() + "). If the message speaks of memory, use a smaller "
          + "image; if of an operator or opset, use an ONNX Runtime that supports opset " + GraphBuilder.OPSET
          + "; otherwise report the network and image size, as the backend generated a graph it should not have", e);
    } finally {
      for (OnnxTensorLike t : weights.values()) {
        t.close();
      }
    }
  }
}
