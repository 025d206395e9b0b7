package dev.nst.tck.naive;

import dev.nst.api.spi.BackendProvider;
import dev.nst.core.spi.ObjectiveFeature;
import dev.nst.tck.BackendConformanceSuite;
import java.util.EnumSet;
import java.util.Set;

/** Runs the conformance suite on the naive backend, as a backend module would; it compiles nothing. */
class NaiveJavaConformanceTest extends BackendConformanceSuite {
  @Override
  protected BackendProvider provider() {
    return new NaiveJavaBackendProvider();
  }

  @Override
  protected Set<ObjectiveFeature> features() {
    return EnumSet.noneOf(ObjectiveFeature.class);
  }

  /** Plain loops take minutes over full-width VGG-19; the real backends run that case. */
  @Override
  protected boolean fullWidthReferenceCases() {
    return false;
  }
}
