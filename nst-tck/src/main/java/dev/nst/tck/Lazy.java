package dev.nst.tck;

import java.util.function.Supplier;

/**
 * A value computed on first use and kept, so that dynamic tests of one variant share one
 * forward pass. A failure is kept too and rethrown to every test that needs the value.
 */
final class Lazy<T> implements Supplier<T> {
  private final Supplier<T> supplier;
  private T value;
  private RuntimeException failure;
  private boolean done;

  Lazy(Supplier<T> supplier) {
    this.supplier = supplier;
  }

  @Override
  public synchronized T get() {
    if (!done) {
      try {
        value = supplier.get();
      } catch (RuntimeException e) {
        failure = e;
      }
      done = true;
    }
    if (failure != null) {
      throw failure;
    }
    return value;
  }
}
