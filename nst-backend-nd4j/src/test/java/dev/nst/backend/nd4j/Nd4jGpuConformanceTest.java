package dev.nst.backend.nd4j;

import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.Device;
import org.junit.jupiter.api.Tag;

/**
 * The ND4J backend against the conformance suite on its CUDA backend, with the features of
 * {@link Nd4jConformanceTest}. ND4J loads one backend per process, nd4j-native on this module's
 * test classpath, so every test is skipped here with the provider's reason; with nd4j-cuda and a
 * GPU it runs, and it fails if the backend opens on the CPU instead.
 *
 * <p>Tagged {@code gpu}: on a GPU machine, {@code ./mvnw -B -Pnd4j-cuda -pl nst-backend-nd4j -am test -Dgroups=gpu}
 * runs this suite alone with nd4j-cuda on the test class path (tools/gpu_check.sh does).
 */
@Tag("gpu")
class Nd4jGpuConformanceTest extends Nd4jConformanceTest {
  @Override
  protected BackendOptions options() {
    return new BackendOptions(Device.GPU, 0);
  }
}
