package dev.nst.cli;

import dev.nst.api.CancellationToken;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C during a long command: cancels the token, then holds the JVM (up to a minute) until
 * {@link #release()} says that what the command owes the user is out: the best image, the
 * finished frames, the batch report, and the line saying where they went.
 */
final class InterruptGuard {
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;

  InterruptGuard(CancellationToken token) {
    hook = new Thread(() -> {
      token.cancel();
      try {
        finished.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Lets a pending Ctrl-C end the JVM, or, without one, takes the hook away. */
  void release() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // the JVM is already shutting down (Ctrl-C): the hook lets it go now
    }
  }
}
