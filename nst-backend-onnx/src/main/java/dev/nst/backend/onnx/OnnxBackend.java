package dev.nst.backend.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.nst.api.DeviceUnavailableException;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.Pooling;
import dev.nst.api.RunFailedException;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.Device;
import dev.nst.core.model.format.proto.ModelProto;
import dev.nst.core.spi.AbstractBackend;
import dev.nst.core.spi.ObjectiveFeature;
import dev.nst.core.spi.ObjectivePlan;
import java.util.EnumSet;

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

  OrtEnvironment env() {
    return env;
  }

  /**
   * Creates a session for a generated graph with this backend's device and threads.
   *
   * @param what what the graph computes, for the message when ONNX Runtime refuses it
   * @throws RunFailedException when ONNX Runtime refuses the graph
   */
  OrtSession session(ModelProto model, String what) {
    requireOpen();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      o.setIntraOpNumThreads(threads);
      o.setInterOpNumThreads(1);
      if (device == Device.GPU) {
        o.addCUDA(gpu);
      }
      return env.createSession(model.toByteArray(), o);
    } catch (OrtException e) {
      throw new RunFailedException("ONNX Runtime " + env.getVersion() + " could not create a session for the graph "
          + "generated for " + what + " (" + e.getMessage() + "). If the message speaks of memory, use a smaller "
          + "image; if of an operator or opset, use an ONNX Runtime that supports opset " + GraphBuilder.OPSET
          + "; otherwise report the network and image size, as the backend generated a graph it should not have", e);
    }
  }
}
