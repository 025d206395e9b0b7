package dev.nst.backend.onnx;

import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.Device;

/**
 * The ONNX Runtime backend against the conformance suite on CUDA GPU 0, with the features of
 * {@link OnnxConformanceTest}. With the CPU build of ONNX Runtime (this module's own test
 * classpath) every test is skipped with the provider's reason; with onnxruntime_gpu and a GPU
 * it runs, and it fails if the backend opens on the CPU instead.
 */
class OnnxGpuConformanceTest extends OnnxConformanceTest {
  @Override
  protected BackendOptions options() {
    return new BackendOptions(Device.GPU, 0);
  }
}
