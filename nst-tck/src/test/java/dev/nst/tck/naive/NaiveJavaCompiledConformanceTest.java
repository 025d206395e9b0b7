package dev.nst.tck.naive;

import dev.nst.api.spi.BackendProvider;
import dev.nst.core.spi.ObjectiveFeature;
import dev.nst.tck.BackendConformanceSuite;
import java.util.EnumSet;
import java.util.Set;

/**
 * Runs the suite on the naive backend with its host-objective "compile" for every feature, so
 * that the suite's level-2 tests run too (they are skipped for {@link NaiveJavaConformanceTest}).
 */
class NaiveJavaCompiledConformanceTest extends BackendConformanceSuite {
  @Override
  protected BackendProvider provider() {
    return new NaiveJavaBackendProvider(EnumSet.allOf(ObjectiveFeature.class));
  }

  @Override
  protected Set<ObjectiveFeature> features() {
    return EnumSet.allOf(ObjectiveFeature.class);
  }

  /** Plain loops take minutes over full-width VGG-19; the real backends run that case. */
  @Override
  protected boolean fullWidthReferenceCases() {
    return false;
  }
}
