package dev.nst.backend.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.nst.api.DeviceUnavailableException;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.NstException;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.Device;
import dev.nst.core.model.format.proto.ModelProto;
import java.util.Optional;

/** An opened ONNX Runtime backend: session options shared by every graph it compiles. */
final class OnnxBackend implements Backend {
  private final OrtEnvironment env;
  private final Device device;
  private final int threads;
  private volatile boolean closed;

  OnnxBackend(BackendOptions options) {
    this.env = OrtEnvironment.getEnvironment();
    boolean cuda = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    if (options.device() == Device.GPU && !cuda) {
      throw new DeviceUnavailableException("the ONNX backend was asked for a GPU, but this ONNX Runtime has no CUDA "
          + "execution provider; depend on dev.nst:nst-backend-onnx-gpu (or com.microsoft.onnxruntime:onnxruntime_gpu "
          + "instead of onnxruntime) and install CUDA, or use Device.CPU / AUTO");
    }
    this.device = options.device() == Device.CPU || !cuda ? Device.CPU : Device.GPU;
    this.threads = options.effectiveThreads();
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
    return "ONNX Runtime " + env.getVersion() + " on " + (device == Device.GPU ? "CUDA GPU 0" : "CPU, " + threads + " threads");
  }

  @Override
  public FeatureExtractor featureExtractor(Network network, Pooling pooling) {
    requireOpen();
    return new OnnxFeatureExtractor(this, network, pooling);
  }

  @Override
  public Optional<Objective> compile(Network network, ObjectiveSpec spec) {
    requireOpen();
    network.requireLayers(spec.layers());
    return Optional.of(new OnnxObjective(this, new ObjectiveGraph(network, spec), spec));
  }

  OrtEnvironment env() {
    return env;
  }

  /** Creates a session for a generated graph with this backend's device and threads. */
  OrtSession session(ModelProto model) {
    requireOpen();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      o.setIntraOpNumThreads(threads);
      o.setInterOpNumThreads(1);
      if (device == Device.GPU) {
        o.addCUDA(0);
      }
      return env.createSession(model.toByteArray(), o);
    } catch (OrtException e) {
      throw new NstException("ONNX Runtime refused the generated graph: " + e.getMessage(), e);
    }
  }

  void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this ONNX backend is closed");
    }
  }

  @Override
  public void close() {
    // Sessions belong to the extractors and objectives; the environment is process-wide.
    closed = true;
  }
}
