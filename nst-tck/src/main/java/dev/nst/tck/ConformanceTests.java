package dev.nst.tck;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.spi.Backend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInfo;

/**
 * Base of the suite's parts: each part gets the {@link BackendUnderTest} that
 * {@link BackendConformanceSuite} opened, and every test of a part is skipped, with the reason,
 * when that backend cannot run here (a GPU run without a GPU, for example).
 */
abstract class ConformanceTests {
  private final BackendUnderTest target;

  ConformanceTests(BackendUnderTest target) {
    this.target = checkNotNull(target, "target");
  }

  /**
   * Skips the test when the backend cannot run here. A test factory is let through: its dynamic
   * tests skip one by one, since each needs the backend, so that reports count them.
   */
  @BeforeEach
  final void skipWhenTheBackendCannotRunHere(TestInfo test) {
    boolean factory = test.getTestMethod().map(m -> m.isAnnotationPresent(TestFactory.class)).orElse(false);
    if (!factory) {
      target.assumeOpen();
    }
  }

  final BackendUnderTest target() {
    return target;
  }

  final Backend backend() {
    return target.backend();
  }

  final <T extends AutoCloseable> T track(T resource) {
    return target.track(resource);
  }

  /** See {@link BackendUnderTest#compiled}. */
  final Objective compiled(Network network, ObjectiveSpec spec) {
    return target.compiled(network, spec);
  }
}
