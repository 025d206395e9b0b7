package dev.nst.core.batch;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.nst.api.CancellationToken;
import dev.nst.core.MemoryEstimate;
import dev.nst.core.StyleTransfer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Stylises many images with one or more styles into an output folder: one output per image and
 * style, {@code <image name>_<style name>.png}.
 *
 * <pre>{@code
 * BatchResult r = BatchStyleTransfer.builder(b -> b.model("vgg19").size(512).iterations(300))
 *     .input(Path.of("photos"))                 // a folder, a list file, an image; or glob("photos/*.jpg")
 *     .style(Path.of("starry_night.jpg"))
 *     .style(Path.of("the_scream.jpg"))
 *     .outputDir(Path.of("out"))
 *     .listener(p -> System.err.println(p.finished() + "/" + p.total()))
 *     .build()
 *     .run();
 * }</pre>
 *
 * <ul>
 *   <li><b>Once:</b> the model is loaded once for all workers, each worker opens one backend
 *       ({@link dev.nst.core.StyleTransferSession#fork}), and each style's targets are computed once per output
 *       size for all of them. Items run style by style, so a style's targets are reused while hot.
 *   <li><b>Bounded:</b> {@link Builder#workers} threads, each with its share of the cores
 *       ({@link Builder#threadsPerWorker}) and of the memory budget ({@link Builder#memoryLimit}).
 *   <li><b>Resumable:</b> outputs are written atomically (a file under its final name is
 *       complete), so a rerun skips the outputs that exist; {@link Builder#force} redoes them.
 *   <li><b>One bad image fails alone:</b> it is reported, the others go on, and the result says
 *       that some failed. Problems of the whole batch (no backend, a model that does not load, a
 *       bad style image) stop it with their exception.
 *   <li><b>Reported:</b> {@code batch-report.json} in the output folder lists every item with its
 *       status, output, time, loss and error.
 *   <li><b>Cancellable:</b> {@link #run(CancellationToken)}; items in flight stop at their next
 *       iteration and leave no file behind.
 * </ul>
 *
 * An instance is immutable; every {@link #run} reads the inputs afresh.
 */
public final class BatchStyleTransfer {
  /** The report's file name in the output folder. */
  public static final String REPORT_FILE = BatchReport.FILE_NAME;

  private final StyleTransfer template;
  private final List<Style> styles;
  private final List<Input> inputs;
  private final Path outputDir;
  private final int workers;
  private final int threadsPerWorker;
  private final int gpus;
  private final long memoryLimit;
  private final boolean force;
  private final List<BatchListener> listeners;

  private BatchStyleTransfer(Builder b, StyleTransfer template) {
    this.template = template;
    this.styles = List.copyOf(b.styles);
    this.inputs = List.copyOf(b.inputs);
    this.outputDir = b.outputDir;
    this.gpus = b.gpus;
    this.memoryLimit = b.memoryLimit;
    this.workers = b.workers > 0 ? b.workers : defaultWorkers(Runtime.getRuntime().availableProcessors(), gpus,
        memoryLimit);
    this.threadsPerWorker = b.threadsPerWorker > 0 ? b.threadsPerWorker
        : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
    this.force = b.force;
    this.listeners = List.copyOf(b.listeners);
  }

  /**
   * A batch with the settings of {@code transfer}; its content image and style images are
   * replaced by the batch's, and output and snapshots are the batch's business.
   *
   * @param transfer a configured transfer (model, size, iterations, weights...)
   * @return a builder for the rest
   */
  public static Builder builder(StyleTransfer transfer) {
    return new Builder(checkNotNull(transfer, "transfer"), null);
  }

  /**
   * A batch whose settings are made by {@code settings} on a fresh {@link StyleTransfer#builder()},
   * e.g. {@code b -> b.model("vgg19").size(512)}; content and style images come from the batch.
   *
   * @param settings sets the model, size, iterations, weights...
   * @return a builder for the rest
   */
  public static Builder builder(UnaryOperator<StyleTransfer.Builder> settings) {
    return new Builder(null, checkNotNull(settings, "settings"));
  }

  /**
   * The workers a batch uses when none is set: one per GPU when {@link Builder#gpus} is set;
   * on the CPU, {@value #CPU_WORKERS} (docs/benchmarks.md, "Many images", has the measurement
   * behind it), bounded by the cores and by the memory budget at {@value #MIN_WORKER_MEMORY_MIB}
   * MiB per worker.
   *
   * @param cores the cores of the machine
   * @param gpus GPUs given to the batch, 0 for none
   * @param memoryLimit the batch's memory budget in bytes, 0 for none
   * @return the number of workers
   */
  public static int defaultWorkers(int cores, int gpus, long memoryLimit) {
    checkArgument(cores >= 1 && gpus >= 0 && memoryLimit >= 0, "cores %s, gpus %s, memoryLimit %s", cores, gpus,
        memoryLimit);
    int n = gpus > 0 ? gpus : Math.min(cores, CPU_WORKERS);
    if (memoryLimit > 0) {
      n = (int) Math.max(1, Math.min(n, memoryLimit / (MIN_WORKER_MEMORY_MIB << 20)));
    }
    return n;
  }

  /** Workers on the CPU by default; see {@link #defaultWorkers}. */
  static final int CPU_WORKERS = 2;

  /** The least memory budget a worker gets before the default gives fewer workers. */
  static final long MIN_WORKER_MEMORY_MIB = 1024;

  /**
   * The workers this batch runs.
   *
   * @return the number of worker threads (fewer run when there are fewer items)
   */
  public int workers() {
    return workers;
  }

  /**
   * The backend threads each worker uses.
   *
   * @return intra-op threads per worker
   */
  public int threadsPerWorker() {
    return threadsPerWorker;
  }

  /**
   * Every item of the batch, style by style, in the inputs' order: reads the inputs (folders and
   * list files) now.
   *
   * @return the items, each with its output file
   * @throws IllegalArgumentException when an input does not exist or two inputs would write the same output
   */
  public List<BatchItem> plan() {
    Set<Path> files = new LinkedHashSet<>();
    for (Input in : inputs) {
      for (Path p : in.files()) {
        files.add(p.toAbsolutePath().normalize());
      }
    }
    Map<Path, Path> writers = new HashMap<>();
    List<BatchItem> items = new ArrayList<>();
    for (Style style : styles) {
      for (Path file : files) {
        Path output = outputDir.resolve(safe(Inputs.stem(file)) + "_" + style.name() + ".png");
        Path other = writers.putIfAbsent(output, file);
        checkArgument(other == null, "the inputs %s and %s would both write %s; rename one or run them in separate "
            + "batches", other, file, output.getFileName());
        items.add(new BatchItem(file, style.name(), output));
      }
    }
    return items;
  }

  /**
   * Runs the batch until every item is done, skipped or failed.
   *
   * @return every item's outcome
   */
  public BatchResult run() {
    return run(new CancellationToken());
  }

  /**
   * Runs the batch; cancelling {@code token} starts no further item and stops the items in
   * flight at their next iteration, writing nothing for them (they are reported as cancelled).
   *
   * @param token cancels the batch
   * @return every item's outcome, also written to {@value #REPORT_FILE} in the output folder
   * @throws dev.nst.api.NstException when the batch as a whole cannot run: no backend, a model that
   *     does not load, a bad style image (after writing the report)
   */
  public BatchResult run(CancellationToken token) {
    checkNotNull(token, "token");
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    List<BatchItem> items = plan();
    BatchItemResult[] results = new BatchItemResult[items.size()];
    List<Integer> toRun = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      BatchItem item = items.get(i);
      BatchRunner.removePartial(item);
      if (!force && Files.isRegularFile(item.output())) {
        results[i] = new BatchItemResult(item, BatchItemResult.Status.SKIPPED, Duration.ZERO, Double.NaN, null);
      } else {
        toRun.add(i);
      }
    }
    BatchRunner.Progress progress = new BatchRunner.Progress(items.size(), items.size() - toRun.size(), t0, listeners);
    progress.report(null);
    RuntimeException fatal = toRun.isEmpty() ? null
        : new BatchRunner(template, styles, threadsPerWorker, gpus, memoryLimit / workers)
            .runAll(Math.min(workers, toRun.size()), items, toRun, results, progress, token);
    for (int i = 0; i < results.length; i++) {
      if (results[i] == null) {
        results[i] = new BatchItemResult(items.get(i), BatchItemResult.Status.CANCELLED, Duration.ZERO, Double.NaN,
            null);
      }
    }
    Path report = outputDir.resolve(REPORT_FILE);
    BatchResult result = new BatchResult(Arrays.asList(results), Duration.ofNanos(System.nanoTime() - t0), report);
    BatchReport.write(BatchReport.json(result, started, workers), report);
    if (fatal != null) {
      throw fatal;
    }
    return result;
  }

  /** A name safe in a file name on every system: letters, digits, '.', '_' and '-'. */
  static String safe(String name) {
    String s = name.replaceAll("[^A-Za-z0-9._-]", "-");
    return s.isEmpty() ? "image" : s;
  }

  /**
   * A style of the batch.
   *
   * @param name the name in output file names ({@code photo_<name>.png}): letters, digits, '.', '_', '-'
   * @param file the style image
   */
  public record Style(String name, Path file) {
    /** Checks the name. */
    public Style {
      checkNotNull(name, "name");
      checkNotNull(file, "file");
      checkArgument(!name.isEmpty() && name.equals(safe(name)),
          "a style name may hold letters, digits, '.', '_' and '-' only, got '%s'", name);
    }
  }

  /** An input: a file, folder or list file, or a glob. */
  private record Input(Path path, String glob) {
    List<Path> files() {
      return glob != null ? Inputs.glob(glob) : Inputs.of(path);
    }
  }

  /** Configures a {@link BatchStyleTransfer}; every setter validates its argument at once. */
  public static final class Builder {
    private final StyleTransfer transfer;
    private final UnaryOperator<StyleTransfer.Builder> settings;
    private final List<Style> styles = new ArrayList<>();
    private final List<Input> inputs = new ArrayList<>();
    private final List<BatchListener> listeners = new ArrayList<>();
    private Path outputDir;
    private int workers;
    private int threadsPerWorker;
    private int gpus;
    private long memoryLimit = MemoryEstimate.defaultLimit();
    private boolean force;

    private Builder(StyleTransfer transfer, UnaryOperator<StyleTransfer.Builder> settings) {
      this.transfer = transfer;
      this.settings = settings;
    }

    /**
     * Adds images: every image directly in a folder (PNG, JPEG, GIF, BMP, TIFF; sorted by name),
     * the files a list file names ({@code .txt}, {@code .lst}, {@code .list}: one path per line,
     * relative to the list's folder, # for comments), or an image file. Read when the batch runs.
     *
     * @param input a folder, list file or image
     * @return this builder
     */
    public Builder input(Path input) {
      inputs.add(new Input(checkNotNull(input, "input"), null));
      return this;
    }

    /**
     * Adds the images matching a glob, e.g. {@code photos/*.jpg} or {@code photos/**}{@code /*.png}
     * (the folder before the first wildcard is searched). Read when the batch runs.
     *
     * @param pattern the glob
     * @return this builder
     */
    public Builder glob(String pattern) {
      checkNotNull(pattern, "pattern");
      checkArgument(Inputs.isGlob(pattern), "'%s' has no wildcard (* ? [ {); use input(path) for a file or folder",
          pattern);
      inputs.add(new Input(null, pattern));
      return this;
    }

    /**
     * Adds a style named after its file ({@code starry_night.jpg}: outputs {@code photo_starry_night.png}).
     *
     * @param file the style image
     * @return this builder
     */
    public Builder style(Path file) {
      checkNotNull(file, "style");
      return style(safe(Inputs.stem(file)), file);
    }

    /**
     * Adds a style with the name its outputs carry.
     *
     * @param name letters, digits, '.', '_' and '-'
     * @param file the style image
     * @return this builder
     */
    public Builder style(String name, Path file) {
      Style s = new Style(name, file);
      checkArgument(styles.stream().noneMatch(o -> o.name().equals(name)),
          "two styles are named '%s'; give one another name with style(name, file)", name);
      styles.add(s);
      return this;
    }

    /**
     * The folder the outputs and the report go to; created when needed.
     *
     * @param dir the output folder
     * @return this builder
     */
    public Builder outputDir(Path dir) {
      outputDir = checkNotNull(dir, "outputDir");
      return this;
    }

    /**
     * Images stylised at once, each by a worker with a backend of its own (default
     * {@link #defaultWorkers}).
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder workers(int n) {
      checkArgument(n >= 1, "workers must be >= 1, got %s", n);
      workers = n;
      return this;
    }

    /**
     * Backend threads of each worker (default: the cores divided among the workers, at least 1),
     * so that workers do not fight over cores. Replaces the transfer's own threads setting.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder threadsPerWorker(int n) {
      checkArgument(n >= 1, "threadsPerWorker must be >= 1, got %s", n);
      threadsPerWorker = n;
      return this;
    }

    /**
     * Runs on {@code n} GPUs, worker i on GPU i mod n (and one worker per GPU by default).
     *
     * @param n GPUs, 0 for the transfer's own device setting (default)
     * @return this builder
     */
    public Builder gpus(int n) {
      checkArgument(n >= 0, "gpus must be >= 0, got %s", n);
      gpus = n;
      return this;
    }

    /**
     * The memory budget of the whole batch in bytes (default
     * {@link MemoryEstimate#defaultLimit()}), shared equally by the workers: each run gets its
     * share as its {@link StyleTransfer.Builder#memoryLimit}, replacing the transfer's own; 0
     * checks nothing.
     *
     * @param bytes at least 0
     * @return this builder
     */
    public Builder memoryLimit(long bytes) {
      checkArgument(bytes >= 0, "memoryLimit must be >= 0 (0 = no check), got %s", bytes);
      memoryLimit = bytes;
      return this;
    }

    /**
     * Redoes outputs that exist (default false: they are kept and reported as skipped).
     *
     * @param on whether to redo existing outputs
     * @return this builder
     */
    public Builder force(boolean on) {
      force = on;
      return this;
    }

    /**
     * Adds a listener told before the first item and after every item.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(BatchListener listener) {
      listeners.add(checkNotNull(listener, "listener"));
      return this;
    }

    /**
     * Checks the settings together and freezes them.
     *
     * @return the batch
     * @throws IllegalStateException naming the call that is missing
     */
    public BatchStyleTransfer build() {
      checkState(!inputs.isEmpty(), "no input: call input(folder, list file or image) or glob(pattern)");
      checkState(!styles.isEmpty(), "no style: call style(file) at least once");
      checkState(outputDir != null, "no output folder: call outputDir(dir)");
      // the batch sets each run's content; this placeholder is never read
      StyleTransfer template = transfer != null
          ? transfer.toBuilder().clearStyles().style(styles.get(0).file()).build()
          : Objects.requireNonNull(settings.apply(StyleTransfer.builder()), "settings returned null")
              .content(styles.get(0).file()).clearStyles().style(styles.get(0).file()).build();
      return new BatchStyleTransfer(this, template);
    }
  }
}
