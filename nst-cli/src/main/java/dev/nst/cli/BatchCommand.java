package dev.nst.cli;

import dev.nst.api.CancellationToken;
import dev.nst.core.Preset;
import dev.nst.core.batch.BatchItemResult;
import dev.nst.core.batch.BatchProgress;
import dev.nst.core.batch.BatchResult;
import dev.nst.core.batch.BatchStyleTransfer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code nst batch INPUT... -o DIR --style S...}: many images in one or more styles
 * ({@link BatchStyleTransfer}), with the transfer options of {@code stylize}.
 */
@Command(name = "batch", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false, customSynopsis = "nst batch INPUT... -o DIR --style FILE [--style FILE]... [OPTIONS]",
    description = {"Paint every INPUT image in every style: one output DIR/<image>_<style>.png each, and "
        + "DIR/" + BatchStyleTransfer.REPORT_FILE + " with every image's outcome.",
        "Outputs that exist are kept, so running the command again finishes an interrupted batch; an image "
            + "that cannot be stylised is reported and the others go on (exit code "
            + NstCommand.SOME_FAILED + ")."})
final class BatchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  NstCommand nst;

  @Parameters(arity = "1..*", paramLabel = "INPUT",
      description = "A folder (its PNG, JPEG, GIF, BMP and TIFF files), a list file (.txt, .lst, .list: one path "
          + "per line, relative to the list), an image, or a quoted glob such as 'photos/**/*.jpg'.")
  List<String> inputs;

  @Option(names = {"-o", "--output-dir"}, required = true, paramLabel = "DIR",
      description = "Where the outputs and the report go (created when needed).")
  Path outputDir;

  @Option(names = "--style", required = true, paramLabel = "FILE",
      description = "A style image; repeat for several styles (one output per image and style, named after the "
          + "style's file).")
  List<Path> styles;

  @Option(names = "--workers", paramLabel = "N",
      description = "Images stylised at once, each by a worker with its own backend (default: one per GPU with "
          + "--gpus, else " + "up to 2; see docs/benchmarks.md).")
  Integer workers;

  @Option(names = "--gpus", paramLabel = "N", defaultValue = "0",
      description = "Run on N GPUs, worker i on GPU i mod N (default ${DEFAULT-VALUE}: --device decides).")
  int gpus;

  @Option(names = "--force", description = "Redo outputs that exist.")
  boolean force;

  @Mixin
  TransferOptions transfer;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    DownloadBar downloads = new DownloadBar(err, nst.terminal());
    BatchStyleTransfer.Builder b = BatchStyleTransfer.builder(t -> transfer.applyTo(t, nst, downloads, Preset.QUALITY))
        .outputDir(outputDir).force(force).gpus(gpus);
    for (String in : inputs) {
      Path path = Path.of(in);
      if (Files.exists(path) || !isGlob(in)) {
        b.input(path);
      } else {
        b.glob(in);
      }
    }
    styles.forEach(b::style);
    if (workers != null) {
      b.workers(workers);
    }
    if (transfer.threads > 0) {
      b.threadsPerWorker(transfer.threads);
    }
    if (transfer.memory != null) {
      b.memoryLimit(transfer.memory); // the batch's budget, shared by its workers; each run gets its share
    }
    BatchLine line = new BatchLine(err, nst.terminal());
    b.listener(line);
    BatchStyleTransfer batch;
    try {
      batch = b.build();
    } finally {
      downloads.finish();
    }
    // Ctrl-C: no new image starts, those in flight stop without writing; the report is written.
    CancellationToken token = new CancellationToken();
    InterruptGuard guard = new InterruptGuard(token);
    BatchResult r;
    try {
      r = batch.run(token);
    } finally {
      line.finish();
      guard.release();
    }
    int stylised = r.count(BatchItemResult.Status.DONE);
    double minutes = r.elapsed().toNanos() / 60e9;
    err.printf(Locale.ROOT, "batch: %d done, %d skipped (existed), %d failed%s in %s on %d worker(s), %.1f images/min;"
            + " report %s%n", stylised, r.count(BatchItemResult.Status.SKIPPED),
        r.count(BatchItemResult.Status.FAILED), r.count(BatchItemResult.Status.CANCELLED) > 0
            ? ", " + r.count(BatchItemResult.Status.CANCELLED) + " cancelled" : "",
        ProgressBar.format(r.elapsed()), batch.workers(), minutes > 0 ? stylised / minutes : 0.0, r.report());
    err.flush();
    return r.succeeded() ? 0 : NstCommand.SOME_FAILED;
  }

  private static boolean isGlob(String s) {
    return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  /** Images done / total, failures and ETA on one line (redrawn on a terminal), and a line per failure. */
  private static final class BatchLine implements dev.nst.core.batch.BatchListener {
    private final PrintWriter out;
    private final boolean terminal;
    private boolean drawn;

    BatchLine(PrintWriter out, boolean terminal) {
      this.out = out;
      this.terminal = terminal;
    }

    @Override
    public void onProgress(BatchProgress p) {
      BatchItemResult last = p.last();
      if (last != null && last.status() == BatchItemResult.Status.FAILED) {
        clear();
        out.printf(Locale.ROOT, "nst: %s in style %s failed: %s%n", last.item().input().getFileName(),
            last.item().style(), last.error());
      }
      String eta = p.eta().map(ProgressBar::format).orElse("?");
      String text = String.format(Locale.ROOT, "%d/%d images, %d failed, %d skipped, ETA %s", p.finished(),
          p.total(), p.failed(), p.skipped(), eta);
      if (terminal) {
        out.print("\r" + text + "   ");
        drawn = true;
      } else if (last != null && last.status() != BatchItemResult.Status.SKIPPED) {
        out.println(text + ": " + last.item().output().getFileName() + " " + last.status().name()
            .toLowerCase(Locale.ROOT));
      }
      out.flush();
    }

    private void clear() {
      if (drawn) {
        out.print("\r" + " ".repeat(70) + "\r");
        drawn = false;
      }
    }

    void finish() {
      if (drawn) {
        out.println();
        drawn = false;
      }
      out.flush();
    }
  }
}
