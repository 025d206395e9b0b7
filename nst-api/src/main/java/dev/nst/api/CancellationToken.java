package dev.nst.api;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lets another thread stop a run. The run checks it before every evaluation and returns the
 * best image so far, marked as cancelled.
 */
public final class CancellationToken {
  private final AtomicBoolean cancelled = new AtomicBoolean();

  /** A token not yet cancelled; hand it to the run and keep it to cancel. */
  public CancellationToken() {}

  /** Asks the run to stop; it finishes the current evaluation first. Calling it again does nothing. */
  public void cancel() {
    cancelled.set(true);
  }

  /**
   * Whether {@link #cancel()} was called.
   *
   * @return true once cancelled
   */
  public boolean isCancelled() {
    return cancelled.get();
  }
}
