package dev.nst.backend.nd4j;

import dev.nst.api.spi.BackendProvider;
import dev.nst.core.spi.ObjectiveFeature;
import dev.nst.tck.BackendConformanceSuite;
import java.util.EnumSet;
import java.util.Set;

/**
 * The ND4J backend against the conformance suite on the CPU (every reference case, both
 * poolings). Its SameDiff graph has no guided Grams and no normalised gradients yet: compile
 * returns empty for them, and runs use the host objective.
 */
class Nd4jConformanceTest extends BackendConformanceSuite {
  @Override
  protected BackendProvider provider() {
    return new Nd4jBackendProvider();
  }

  @Override
  protected Set<ObjectiveFeature> features() {
    return EnumSet.of(ObjectiveFeature.CONTENT, ObjectiveFeature.GRAM_STYLE, ObjectiveFeature.TOTAL_VARIATION);
  }
}
