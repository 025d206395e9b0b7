package dev.nst.backend.nd4j;

import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.Device;

/**
 * The ND4J backend against the conformance suite on its CUDA backend, with the features of
 * {@link Nd4jConformanceTest}. ND4J loads one backend per process, nd4j-native on this module's
 * test classpath, so every test is skipped here with the provider's reason; with nd4j-cuda and a
 * GPU it runs, and it fails if the backend opens on the CPU instead.
 */
class Nd4jGpuConformanceTest extends Nd4jConformanceTest {
  @Override
  protected BackendOptions options() {
    return new BackendOptions(Device.GPU, 0);
  }
}
