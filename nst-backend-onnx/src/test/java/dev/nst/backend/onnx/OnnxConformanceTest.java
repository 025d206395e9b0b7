package dev.nst.backend.onnx;

import dev.nst.api.spi.BackendProvider;
import dev.nst.tck.BackendConformanceSuite;

/** The ONNX Runtime backend against the conformance suite (every reference case, both poolings). */
class OnnxConformanceTest extends BackendConformanceSuite {
  @Override
  protected BackendProvider provider() {
    return new OnnxBackendProvider();
  }
}
