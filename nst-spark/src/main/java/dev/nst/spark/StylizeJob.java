package dev.nst.spark;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.nst.api.spi.Device;
import dev.nst.core.MemoryEstimate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Row;

/**
 * A Spark job that stylises every image under an input path with every given style into an
 * output path, for {@code spark-submit} on a cluster or a plain {@code java} on one machine
 * ({@code local[*]} when no master is set):
 *
 * <pre>
 * spark-submit --class dev.nst.spark.StylizeJob nst-spark-job.jar \
 *     --input hdfs:///photos --output hdfs:///painted \
 *     --style hdfs:///styles/starry_night.jpg --style hdfs:///styles/the_scream.jpg \
 *     --model vgg19 --size 512 --iterations 300
 * </pre>
 *
 * Outputs are {@code <output>/<image>_<style>.png}, written atomically; outputs that exist are kept
 * (a rerun finishes an interrupted job) unless {@code --overwrite}. {@code <output>/batch-report.json}
 * lists every image's outcome. Exit code 0 when every image is done, {@value #SOME_FAILED} when some
 * failed (the others are written), 2 for a usage error.
 *
 * <p>The job runs {@link SparkStyleTransfer}'s partition function on Spark's RDD API from a
 * {@link SparkContext}, without Spark SQL: a {@code SparkSession}'s first plan and generated code
 * took about 5 s of every run, which the job, a list of paths in and a list of outcomes out, does
 * not need.
 */
public final class StylizeJob {
  /** The exit code when some images failed, as {@code nst batch}'s. */
  public static final int SOME_FAILED = 8;

  /** The most tasks the default partitioning makes. */
  static final int MOST_TASKS = 10_000;

  /** The file names the input listing takes: the image formats Java decodes. */
  static final String IMAGE_FILES = "*.{png,PNG,jpg,JPG,jpeg,JPEG,gif,GIF,bmp,BMP,tif,TIF,tiff,TIFF}";

  private static final String USAGE = "usage: StylizeJob --input PATH --output PATH --style FILE [--style FILE]... "
      + "[--model NAME|FILE] [--convention torch|caffe|unit] [--size PIXELS] [--iterations N] [--seed N] "
      + "[--backend NAME] [--device auto|cpu|gpu] [--threads N] [--memory SIZE] [--partitions N] [--recursive] [--overwrite]";

  private StylizeJob() {}

  /**
   * What a job did.
   *
   * @param done images stylised and written
   * @param skipped outputs that existed and were kept
   * @param failed images that could not be stylised
   * @param rows every row's input, style, output, status, error, loss and seconds
   */
  public record Summary(int done, int skipped, int failed, List<Row> rows) {
    /** Copies the rows. */
    public Summary {
      rows = List.copyOf(rows);
    }
  }

  /**
   * Runs the job and exits with its code.
   *
   * @param args see the class documentation; {@code --help} prints the options
   */
  public static void main(String[] args) {
    Map<String, List<String>> options;
    try {
      options = parse(args);
      if (!options.containsKey("help")) { // refused before Spark takes seconds to start
        settings(options);
        partitions(options);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("StylizeJob: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (options.containsKey("help")) {
      System.out.println(USAGE);
      return;
    }
    SparkConf conf = new SparkConf().setAppName("nst stylize");
    if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]"); // spark-submit sets the master; a plain java run gets every local core
    }
    // a SparkContext, not a SparkSession: the job runs on the RDD API (see run)
    SparkContext sc = SparkContext.getOrCreate(conf);
    int code;
    try {
      code = run(sc, options).failed() > 0 ? SOME_FAILED : 0;
    } catch (IllegalArgumentException e) { // a missing input, two inputs of one output name...
      System.err.println("StylizeJob: " + e.getMessage());
      code = 2;
    } finally {
      sc.stop();
    }
    System.exit(code);
  }

  /**
   * Runs the job on {@code sc}.
   *
   * @param sc the application's context
   * @param args the job's arguments
   * @return what it did
   * @throws IllegalArgumentException for a usage error
   */
  public static Summary run(SparkContext sc, String... args) {
    return run(sc, parse(args));
  }

  private static Summary run(SparkContext sc, Map<String, List<String>> o) {
    String input = one(o, "input", null);
    String output = one(o, "output", null);
    List<String> styles = o.getOrDefault("style", List.of());
    if (input == null || output == null || styles.isEmpty()) {
      throw new IllegalArgumentException("--input, --output and at least one --style are needed");
    }
    TransferSettings settings = settings(o);
    Integer explicitPartitions = partitions(o);
    // listed on the driver: a binaryFile scan would run a Spark job (and its planning) only to list names
    List<String> paths = HadoopFiles.of(sc.hadoopConfiguration()).list(input, IMAGE_FILES, o.containsKey("recursive"));
    Map<String, String> names = new HashMap<>();
    for (String p : paths) {
      String other = names.put(SparkStyleTransfer.outputName(p, "x"), p);
      if (other != null) {
        throw new IllegalArgumentException("the inputs " + other + " and " + p + " would write the same outputs; "
            + "rename one or run them in separate jobs");
      }
    }
    int partitions = explicitPartitions != null ? explicitPartitions : defaultPartitions(paths.size() * styles.size());
    SparkStyleTransfer.Builder b = SparkStyleTransfer.builder(settings).outputPath(output)
        .overwrite(o.containsKey("overwrite"));
    styles.forEach(b::style);
    List<Row> result = paths.isEmpty() ? List.of() : b.build().transformPaths(sc, paths, partitions).collect();
    Summary summary = new Summary(count(result, "done"), count(result, "skipped"), count(result, "failed"), result);
    HadoopFiles.of(sc.hadoopConfiguration()).writeAtomically(output, "batch-report.json",
        report(summary).getBytes(StandardCharsets.UTF_8), "driver");
    for (Row r : result) {
      if ("failed".equals(r.getString(3))) {
        System.err.println("nst: " + r.getString(4));
      }
    }
    System.err.printf(Locale.ROOT, "StylizeJob: %d done, %d skipped (existed), %d failed; report %s/%s%n",
        summary.done(), summary.skipped(), summary.failed(), output, "batch-report.json");
    return summary;
  }

  /**
   * The transfer settings the arguments give.
   *
   * @throws IllegalArgumentException for a number that is not one, an unknown device, or a value
   *     the settings refuse, with a message that names the option
   */
  static TransferSettings settings(Map<String, List<String>> o) {
    String device = one(o, "device", "auto");
    Device d;
    try {
      d = Device.valueOf(device.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--device is auto, cpu or gpu, got '" + device + "'");
    }
    TransferSettings.Builder t = TransferSettings.builder()
        .size((int) number(o, "size", 512, Integer.MIN_VALUE, Integer.MAX_VALUE))
        .iterations((int) number(o, "iterations", 300, Integer.MIN_VALUE, Integer.MAX_VALUE))
        .seed(number(o, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE))
        .device(d)
        .threads((int) number(o, "threads", 0, Integer.MIN_VALUE, Integer.MAX_VALUE))
        .executorMemory(memory(one(o, "memory", "0")));
    if (o.containsKey("model")) {
      t.model(one(o, "model", null));
    }
    if (o.containsKey("convention")) {
      t.convention(one(o, "convention", null));
    }
    if (o.containsKey("backend")) {
      t.backend(one(o, "backend", null));
    }
    return t.build();
  }

  /** A memory size such as 8g, 1500m or 20GiB (binary units), or bytes; 0 for the default. */
  static long memory(String value) {
    try {
      return MemoryEstimate.parseSize(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--memory: " + e.getMessage(), e);
    }
  }

  /**
   * One task per image and style, up to {@value #MOST_TASKS} tasks: an image takes seconds to
   * minutes and a task's scheduling milliseconds, so single-image tasks cost nothing and keep every
   * slot busy to the end (larger tasks leave slots idle while the last ones finish); beyond that
   * many the driver's bookkeeping grows for no gain.
   *
   * @param rows images times styles
   * @return the partitions
   */
  static int defaultPartitions(int rows) {
    return Math.max(1, Math.min(rows, MOST_TASKS));
  }

  /**
   * The {@code --partitions} given (0: as Spark slices the input), or null for the default.
   *
   * @throws IllegalArgumentException when it is not a whole number of at least 0
   */
  static Integer partitions(Map<String, List<String>> o) {
    return o.containsKey("partitions") ? (int) number(o, "partitions", 0, 0, Integer.MAX_VALUE) : null;
  }

  /** The whole number {@code --key} gives (or {@code fallback}), checked against [min, max]. */
  private static long number(Map<String, List<String>> o, String key, long fallback, long min, long max) {
    String v = one(o, key, null);
    if (v == null) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " needs a whole number, got '" + v + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("--" + key + " must be between " + min + " and " + max + ", got " + v);
    }
    return n;
  }

  private static int count(List<Row> rows, String status) {
    return (int) rows.stream().filter(r -> status.equals(r.getString(3))).count();
  }

  /** The same report as {@code nst batch}'s: counts and one entry per image and style. */
  static String report(Summary s) {
    JsonObject root = new JsonObject();
    root.addProperty("total", s.rows().size());
    root.addProperty("done", s.done());
    root.addProperty("skipped", s.skipped());
    root.addProperty("failed", s.failed());
    root.addProperty("succeeded", s.failed() == 0);
    JsonArray items = new JsonArray();
    for (Row r : s.rows()) {
      JsonObject item = new JsonObject();
      item.addProperty("input", r.getString(0));
      item.addProperty("style", r.getString(1));
      item.addProperty("output", r.getString(2));
      item.addProperty("status", r.getString(3));
      item.addProperty("seconds", r.getDouble(6));
      item.addProperty("loss", r.isNullAt(5) ? null : r.getDouble(5));
      item.addProperty("error", r.getString(4));
      items.add(item);
    }
    root.add("items", items);
    return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root) + "\n";
  }

  private static String one(Map<String, List<String>> o, String key, String fallback) {
    List<String> v = o.get(key);
    if (v == null) {
      return fallback;
    }
    if (v.size() > 1) {
      throw new IllegalArgumentException("--" + key + " is given " + v.size() + " times");
    }
    return v.get(0);
  }

  /** {@code --key value} pairs (repeatable) and the flags --recursive, --overwrite, --help. */
  static Map<String, List<String>> parse(String... args) {
    List<String> flags = List.of("recursive", "overwrite", "help");
    List<String> valued = List.of("input", "output", "style", "model", "convention", "size", "iterations", "seed",
        "backend", "device", "threads", "memory", "partitions");
    Map<String, List<String>> o = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String key = a.startsWith("--") ? a.substring(2) : "";
      if (flags.contains(key)) {
        o.put(key, List.of());
      } else if (valued.contains(key)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        o.computeIfAbsent(key, k -> new ArrayList<>()).add(args[++i]);
      } else {
        throw new IllegalArgumentException("unknown argument '" + a + "'");
      }
    }
    return o;
  }
}
