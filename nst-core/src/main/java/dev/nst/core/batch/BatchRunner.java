package dev.nst.core.batch;

import dev.nst.api.BackendNotFoundException;
import dev.nst.api.CancellationToken;
import dev.nst.api.DeviceUnavailableException;
import dev.nst.api.ModelLoadException;
import dev.nst.api.NoBackendException;
import dev.nst.api.UnknownLayerException;
import dev.nst.api.spi.Device;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import dev.nst.core.StyleTransferSession;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a batch's items on a fixed pool of workers, each with a {@link StyleTransferSession#fork}
 * of one root session (one model load, style targets shared), writing each image under its final
 * name only when its run finished.
 */
final class BatchRunner {
  private final StyleTransfer template;
  private final List<BatchStyleTransfer.Style> styles;
  private final int threadsPerWorker;
  private final int gpus;
  private final long memoryLimitPerWorker;

  BatchRunner(StyleTransfer template, List<BatchStyleTransfer.Style> styles, int threadsPerWorker, int gpus,
      long memoryLimitPerWorker) {
    this.template = template;
    this.styles = styles;
    this.threadsPerWorker = threadsPerWorker;
    this.gpus = gpus;
    this.memoryLimitPerWorker = memoryLimitPerWorker;
  }

  /** Runs the items {@code toRun} on the workers; returns the exception that stopped the batch, if any. */
  RuntimeException runAll(int n, List<BatchItem> items, List<Integer> toRun, BatchItemResult[] results,
      Progress progress, CancellationToken token) {
    AtomicInteger next = new AtomicInteger();
    AtomicReference<RuntimeException> fatal = new AtomicReference<>();
    // the root loads the model and the first style; the workers' forks share them and open a backend each
    try (StyleTransferSession root = template.toBuilder().clearStyles().style(styles.get(0).file()).build().open()) {
      for (BatchStyleTransfer.Style style : styles.subList(1, styles.size())) {
        // loads each style image once for all workers, so that a bad one stops the batch before any work
        root.fork(b -> b.clearStyles().style(style.file())).close();
      }
      ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
        Thread t = new Thread(r, "nst-batch-worker");
        t.setDaemon(true);
        return t;
      });
      try {
        for (int w = 0; w < n; w++) {
          int worker = w;
          pool.execute(() -> {
            try (StyleTransferSession session = root.fork(b -> workerSettings(b, worker))) {
              for (int k = next.getAndIncrement(); k < toRun.size(); k = next.getAndIncrement()) {
                if (token.isCancelled() || fatal.get() != null) {
                  return;
                }
                int i = toRun.get(k);
                BatchItemResult r = runItem(session, items.get(i), token);
                if (r == null) {
                  return; // cancelled in flight: reported as cancelled
                }
                results[i] = r;
                progress.report(r);
              }
            } catch (RuntimeException e) {
              fatal.compareAndSet(null, e);
            }
          });
        }
      } finally {
        pool.shutdown();
        awaitQuietly(pool, token);
      }
    } catch (RuntimeException e) {
      fatal.compareAndSet(null, e);
    }
    return fatal.get();
  }

  /** Waits for the workers; an interrupt cancels the batch, and the workers still finish their item's iteration. */
  private static void awaitQuietly(ExecutorService pool, CancellationToken token) {
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.DAYS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
        token.cancel();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private StyleTransfer.Builder workerSettings(StyleTransfer.Builder b, int worker) {
    b.threads(threadsPerWorker).memoryLimit(memoryLimitPerWorker);
    if (gpus > 0) {
      b.device(Device.GPU, worker % gpus);
    }
    return b;
  }

  /**
   * One item: the run writes to a hidden partial file, moved under the final name when the run
   * finished; returns null when it was cancelled (the partial file is removed).
   *
   * @throws RuntimeException when the batch as a whole cannot go on (see {@link #fatal})
   */
  private BatchItemResult runItem(StyleTransferSession session, BatchItem item, CancellationToken token) {
    long start = System.nanoTime();
    BatchStyleTransfer.Style style = styles.stream().filter(s -> s.name().equals(item.style())).findFirst().orElseThrow();
    Path partial = partialFile(item);
    try {
      StyleTransferResult r = session.run(b -> b.content(item.input()).clearStyles().style(style.file())
          .output(partial).saveEvery(0).cancellation(token));
      if (r.cancelled()) {
        Files.deleteIfExists(partial);
        return null;
      }
      moveIntoPlace(partial, item.output());
      return new BatchItemResult(item, BatchItemResult.Status.DONE, Duration.ofNanos(System.nanoTime() - start),
          r.bestLoss().total(), null);
    } catch (RuntimeException | IOException e) {
      removePartial(item);
      if (e instanceof RuntimeException re && fatal(re)) {
        throw re;
      }
      return new BatchItemResult(item, BatchItemResult.Status.FAILED, Duration.ofNanos(System.nanoTime() - start),
          Double.NaN, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /** True for failures of the whole batch rather than of one image: no point in trying the next image. */
  private static boolean fatal(RuntimeException e) {
    return e instanceof NoBackendException || e instanceof BackendNotFoundException
        || e instanceof DeviceUnavailableException || e instanceof ModelLoadException
        || e instanceof UnknownLayerException;
  }

  /** Where an item's image waits until it is complete: hidden, beside the output, never taken for an output. */
  private static Path partialFile(BatchItem item) {
    return item.output().resolveSibling("." + item.output().getFileName() + ".partial.png");
  }

  /** Removes what an interrupted earlier run may have left of {@code item}: its partial file and their temporaries. */
  static void removePartial(BatchItem item) {
    Path dir = item.output().getParent();
    if (!Files.isDirectory(dir)) {
      return;
    }
    // the partial file ".<name>.partial.png" and the temporary files of its atomic write, "..<name>.partial.png.*.tmp"
    String prefix = "." + item.output().getFileName() + ".";
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith(prefix)
          || f.getFileName().toString().startsWith("." + prefix)).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      // a leftover hidden file is harmless: it is never taken for an output
    }
  }

  private static void moveIntoPlace(Path partial, Path output) throws IOException {
    try {
      Files.move(partial, output, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Counts and tells the listeners, one report at a time. */
  static final class Progress {
    private final int total;
    private final long t0;
    private int finished;
    private int failed;
    private final int skipped;
    private final List<BatchListener> listeners;

    Progress(int total, int skipped, long t0, List<BatchListener> listeners) {
      this.listeners = listeners;
      this.total = total;
      this.skipped = skipped;
      this.finished = skipped;
      this.t0 = t0;
    }

    synchronized void report(BatchItemResult last) {
      if (last != null) {
        finished++;
        if (last.status() == BatchItemResult.Status.FAILED) {
          failed++;
        }
      }
      BatchProgress p = new BatchProgress(finished, total, failed, skipped, Duration.ofNanos(System.nanoTime() - t0),
          last);
      listeners.forEach(l -> l.onProgress(p));
    }
  }

}
