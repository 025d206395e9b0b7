package dev.nst.backend.nd4j;

import dev.nst.api.spi.BackendProvider;
import dev.nst.tck.BackendConformanceSuite;

/** The ND4J backend against the conformance suite (every reference case, both poolings). */
class Nd4jConformanceTest extends BackendConformanceSuite {
  @Override
  protected BackendProvider provider() {
    return new Nd4jBackendProvider();
  }
}
