package dev.nst.backend.nd4j;

import dev.nst.api.spi.BackendProvider;
import dev.nst.core.spi.ObjectiveFeature;
import dev.nst.tck.BackendConformanceSuite;
import java.util.EnumSet;
import java.util.Set;

/**
 * The ND4J backend against the conformance suite on the CPU (every reference case, both
 * poolings). Its SameDiff graph compiles every objective feature.
 */
class Nd4jConformanceTest extends BackendConformanceSuite {
  @Override
  protected BackendProvider provider() {
    return new Nd4jBackendProvider();
  }

  @Override
  protected Set<ObjectiveFeature> features() {
    return EnumSet.allOf(ObjectiveFeature.class);
  }
}
