package dev.nst.api;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lets another thread stop a run. The run checks it before every evaluation and returns the
 * best image so far, marked as cancelled.
 */
public final class CancellationToken {
  private final AtomicBoolean cancelled = new AtomicBoolean();

  public void cancel() {
    cancelled.set(true);
  }

  public boolean isCancelled() {
    return cancelled.get();
  }
}
