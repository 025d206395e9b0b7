package dev.nst.backend.onnx;

import dev.nst.api.spi.BackendProvider;
import dev.nst.core.spi.ObjectiveFeature;
import dev.nst.tck.BackendConformanceSuite;
import java.util.EnumSet;
import java.util.Set;

/**
 * The ONNX Runtime backend against the conformance suite on the CPU (every reference case, both
 * poolings). Its generated graph compiles every feature.
 */
class OnnxConformanceTest extends BackendConformanceSuite {
  @Override
  protected BackendProvider provider() {
    return new OnnxBackendProvider();
  }

  @Override
  protected Set<ObjectiveFeature> features() {
    return EnumSet.allOf(ObjectiveFeature.class);
  }
}
