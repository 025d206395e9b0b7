package dev.nst.tck.naive;

import dev.nst.api.spi.BackendProvider;
import dev.nst.tck.BackendConformanceSuite;

/** Runs the conformance suite on the naive backend, as a backend module would. */
class NaiveJavaConformanceTest extends BackendConformanceSuite {
  @Override
  protected BackendProvider provider() {
    return new NaiveJavaBackendProvider();
  }
}
