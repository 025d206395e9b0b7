package dev.nst.spark;

import dev.nst.core.MemoryEstimate;
import dev.nst.api.BackendNotFoundException;
import dev.nst.api.DeviceUnavailableException;
import dev.nst.api.ModelLoadException;
import dev.nst.api.NoBackendException;
import dev.nst.api.UnknownLayerException;
import dev.nst.core.StyleTransferResult;
import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

/**
 * What runs on the executors: stylises the rows of one partition (one image in one style each)
 * on a session borrowed from {@link ExecutorSessions} for the task, and adds the outcome columns.
 * Holds only plain values and a broadcast: settings, column positions, the output path.
 */
final class StylizePartition implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** How the input column holds the image. */
  enum InputKind {
    /** Encoded file bytes, as the binaryFile source's {@code content}. */
    BYTES,
    /** A decoded image struct of the image source. */
    IMAGE,
    /** A path or URI to read through Hadoop's FileSystem API. */
    PATH
  }

  /**
   * Where a row's image, name (-1: the image struct's origin, its first field) and style's name are.
   */
  record Columns(int input, InputKind kind, int name, int style) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private final TransferSettings settings;
  private final Broadcast<Map<String, byte[]>> styleBytes;
  private final Map<String, String> styleDigests;
  private final Columns columns;
  private final String outputPath;
  private final boolean overwrite;
  private final boolean failFirstAttempt;

  /**
   * @param styleBytes encoded style images by SHA-256
   * @param styleDigests each style name's SHA-256
   * @param outputPath where outputs are written, or null to return PNG bytes
   * @param failFirstAttempt test hook: the first attempt of partition 0 fails after its first image
   */
  StylizePartition(TransferSettings settings, Broadcast<Map<String, byte[]>> styleBytes,
      Map<String, String> styleDigests, Columns columns, String outputPath, boolean overwrite,
      boolean failFirstAttempt) {
    this.settings = settings;
    this.styleBytes = styleBytes;
    this.styleDigests = Map.copyOf(styleDigests);
    this.columns = columns;
    this.outputPath = outputPath;
    this.overwrite = overwrite;
    this.failFirstAttempt = failFirstAttempt;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return rows;
    }
    TaskContext task = TaskContext.get();
    int threads = task == null ? 0 : task.cpus();
    int gpu = task == null ? -1 : gpuAddress(task);
    long executorBudget = settings.executorMemory() > 0 ? settings.executorMemory() : MemoryEstimate.defaultLimit();
    long memory = task == null || SparkEnv.get() == null ? executorBudget
        : taskMemoryLimit(executorBudget, task.cpus(), executorCores(SparkEnv.get().conf()));
    String firstStyle = styleDigests.values().iterator().next();
    ExecutorSessions.Lease lease =
        ExecutorSessions.borrow(settings, () -> decodedStyle(firstStyle), threads, gpu, memory);
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) t -> lease.close());
    }
    HadoopFiles files = HadoopFiles.fromSpark();
    String attempt = task == null ? "local" : task.stageId() + "-" + task.partitionId() + "-" + task.attemptNumber();
    boolean hook = failFirstAttempt && task != null && task.partitionId() == 0 && task.attemptNumber() == 0;
    return new Iterator<>() {
      private int done;

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        if (hook && done == 1) {
          throw new IllegalStateException("test hook: the first attempt of partition 0 fails after one image");
        }
        Row out = stylize(rows.next(), lease, files, attempt);
        done++;
        return out;
      }
    };
  }

  /** The first GPU address Spark assigned this task, or -1 when it assigned none. */
  /**
   * A task's share of its executor's memory budget: the tasks of an executor run at once in one
   * JVM, each a run with a budget of its own, so each gets the share its CPUs are of the
   * executor's (as {@code nst batch} splits its budget between workers).
   *
   * @param executorBudget the executor's budget ({@link TransferSettings#executorMemory()}, by
   *     default {@link MemoryEstimate#defaultLimit()})
   * @param taskCpus the task's CPUs ({@code spark.task.cpus})
   * @param executorCores the executor's cores ({@link #executorCores})
   * @return the task's budget in bytes
   */
  static long taskMemoryLimit(long executorBudget, int taskCpus, int executorCores) {
    int slots = Math.max(1, executorCores / Math.max(1, taskCpus));
    return executorBudget / slots;
  }

  /**
   * The executor's cores: {@code spark.executor.cores} where set, N for a {@code local[N]} master
   * (the driver is the executor), else the cores the JVM sees.
   */
  static int executorCores(SparkConf conf) {
    int all = Runtime.getRuntime().availableProcessors();
    if (conf.contains("spark.executor.cores")) {
      return Math.max(1, conf.getInt("spark.executor.cores", all));
    }
    java.util.regex.Matcher local = java.util.regex.Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?])?")
        .matcher(conf.get("spark.master", ""));
    if (local.matches()) {
      String n = local.group(1);
      return n == null ? 1 : n.equals("*") ? all : Math.max(1, Integer.parseInt(n));
    }
    return all;
  }

  private static int gpuAddress(TaskContext task) {
    ResourceInformation gpu = task.resourcesJMap().get("gpu");
    if (gpu == null || gpu.addresses().length == 0) {
      return -1;
    }
    try {
      return Integer.parseInt(gpu.addresses()[0].trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Spark assigned this task the GPU '" + gpu.addresses()[0] + "', not a "
          + "CUDA device number; the GPU discovery script must print numeric addresses", e);
    }
  }

  private BufferedImage decodedStyle(String sha256) {
    return ImageBytes.decode(styleBytes.value().get(sha256), "style-" + sha256.substring(0, 12) + ".png");
  }

  /** One row: its image in its style, and the outcome columns. */
  private Row stylize(Row row, ExecutorSessions.Lease lease, HadoopFiles files, String attempt) {
    long start = System.nanoTime();
    String source = columns.name() < 0 ? row.getStruct(columns.input()).getString(0)
        : row.isNullAt(columns.name()) ? "" : row.get(columns.name()).toString();
    String style = row.getString(columns.style());
    String fileName = SparkStyleTransfer.outputName(source, style);
    try {
      if (outputPath != null && !overwrite && files.exists(outputPath, fileName)) {
        return withOutcome(row, files.writtenPath(outputPath, fileName), "skipped", null, null, start);
      }
      BufferedImage content = content(row, source, files);
      BufferedImage styleImage = lease.style(styleDigests.get(style), this::decodedStyle);
      StyleTransferResult r = lease.session().run(b -> b.content(content).clearStyles().style(styleImage));
      byte[] png = ImageBytes.png(r.image());
      Object output = outputPath == null ? png : files.writeAtomically(outputPath, fileName, png, attempt);
      return withOutcome(row, output, "done", null, r.bestLoss().total(), start);
    } catch (RuntimeException e) {
      if (fatal(e)) {
        throw e; // the same for every image: the task fails, and Spark reports it
      }
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      return withOutcome(row, null, "failed", source + ": " + message, null, start);
    }
  }

  private BufferedImage content(Row row, String source, HadoopFiles files) {
    String name = source.substring(source.lastIndexOf('/') + 1);
    return switch (columns.kind()) {
      case BYTES -> ImageBytes.decode(row.getAs(columns.input()), name);
      case IMAGE -> ImageBytes.fromImageRow(row.getStruct(columns.input()));
      case PATH -> ImageBytes.decode(files.read(row.getString(columns.input())), name);
    };
  }

  private static Row withOutcome(Row row, Object output, String status, String error, Double loss, long start) {
    List<Object> values = new ArrayList<>(row.size() + 5);
    for (int i = 0; i < row.size(); i++) {
      values.add(row.get(i));
    }
    values.add(output);
    values.add(status);
    values.add(error);
    values.add(loss);
    values.add((System.nanoTime() - start) / 1e9);
    return RowFactory.create(values.toArray());
  }

  /** Failures of every image alike (no backend, a model that does not load): not worth a row each. */
  private static boolean fatal(RuntimeException e) {
    return e instanceof NoBackendException || e instanceof BackendNotFoundException
        || e instanceof DeviceUnavailableException || e instanceof ModelLoadException
        || e instanceof UnknownLayerException;
  }
}
