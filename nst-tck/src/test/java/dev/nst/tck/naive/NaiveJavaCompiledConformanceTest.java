package dev.nst.tck.naive;

import dev.nst.api.spi.BackendProvider;
import dev.nst.tck.BackendConformanceSuite;

/**
 * Runs the suite on the naive backend with its host-objective "compile", so that the suite's
 * level-2 tests run too (they are skipped for {@link NaiveJavaConformanceTest}).
 */
class NaiveJavaCompiledConformanceTest extends BackendConformanceSuite {
  @Override
  protected BackendProvider provider() {
    return new NaiveJavaBackendProvider(true);
  }
}
