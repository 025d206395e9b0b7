package dev.nst.backend.onnx;

import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.Device;
import org.junit.jupiter.api.Tag;

/**
 * The ONNX Runtime backend against the conformance suite on CUDA GPU 0, with the features of
 * {@link OnnxConformanceTest}. With the CPU build of ONNX Runtime (this module's own test
 * classpath) every test is skipped with the provider's reason; with onnxruntime_gpu and a GPU
 * it runs, and it fails if the backend opens on the CPU instead.
 *
 * <p>Tagged {@code gpu}: on a GPU machine, {@code ./mvnw -B -Ponnx-gpu -pl nst-backend-onnx -am test -Dgroups=gpu}
 * runs this suite alone with onnxruntime_gpu on the test class path (tools/gpu_check.sh does).
 */
@Tag("gpu")
class OnnxGpuConformanceTest extends OnnxConformanceTest {
  @Override
  protected BackendOptions options() {
    return new BackendOptions(Device.GPU, 0);
  }
}
