package dev.nst.examples;

import dev.nst.api.CancellationToken;
import dev.nst.api.LossBreakdown;
import dev.nst.api.ProgressListener;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watching a run and stopping it early. A {@link ProgressListener} prints every iteration's loss
 * terms and the estimated time left; a {@link CancellationToken} stops the run after a number of
 * iterations (from the listener) or after a number of seconds (from a timer thread), whichever
 * comes first. A cancelled run still returns, and writes, the best image so far.
 *
 * <p>Run it from the repository root:
 *
 * <pre>
 * ./mvnw -B -q -pl nst-examples -am -DskipTests package -Dexample=ProgressAndCancellation
 * </pre>
 *
 * System properties: {@code example.model} (a registered model name, default
 * {@code darknet-tiny}), {@code example.size} (256), {@code example.iterations} (300),
 * {@code example.stopAfterIterations} (50), {@code example.stopAfterSeconds} (60) and
 * {@code example.output} ({@code cancelled.png}).
 */
public final class ProgressAndCancellation {
  private ProgressAndCancellation() {}

  /**
   * Runs up to {@code example.iterations} iterations and cancels at the first limit reached.
   *
   * @param args not used; settings come from the system properties above
   */
  public static void main(String[] args) {
    int iterations = Integer.getInteger("example.iterations", 300);
    int stopAfterIterations = Integer.getInteger("example.stopAfterIterations", 50);
    long stopAfterSeconds = Long.getLong("example.stopAfterSeconds", 60);

    CancellationToken token = new CancellationToken();
    ProgressListener progress = e -> {
      LossBreakdown l = e.losses();
      System.out.printf(Locale.ROOT, "iteration %d/%d: loss %.4g (content %.4g, style %.4g), about %d s left%n",
          e.iteration(), e.iterations(), l.total(), l.content(), l.style(), e.estimatedRemaining().toSeconds());
      if (e.iteration() >= stopAfterIterations) {
        token.cancel(); // the run stops before its next evaluation
      }
    };
    // Any thread may cancel: here a timer does, as a user interface's "stop" button would.
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    timer.schedule(token::cancel, stopAfterSeconds, TimeUnit.SECONDS);
    StyleTransferResult result;
    try {
      result = StyleTransfer.builder()
          .model(System.getProperty("example.model", "darknet-tiny"))
          .content(Path.of("examples/images/chelsea.jpg"))
          .style(Path.of("examples/images/mosaic.png"))
          .size(Integer.getInteger("example.size", 256))
          .iterations(iterations)
          .listener(progress)
          .cancellation(token)
          .output(Path.of(System.getProperty("example.output", "cancelled.png")))
          .build()
          .run();
    } finally {
      timer.shutdownNow();
    }
    if (result.iterations() == 0) {
      System.out.println("cancelled before the first iteration; the output is the initial image");
      return;
    }
    System.out.printf(Locale.ROOT, "%s after %d of %d iterations: loss %.4g -> %.4g%n",
        result.cancelled() ? "cancelled" : "finished", result.iterations(), iterations,
        result.initialLoss().total(), result.bestLoss().total());
  }
}
