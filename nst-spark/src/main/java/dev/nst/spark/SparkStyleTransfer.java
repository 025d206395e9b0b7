package dev.nst.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.hash.Hashing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Neural style transfer as a Dataset transformation: every image row, in every style, gains the
 * stylised image (PNG bytes, or the path of a file written atomically) and its outcome.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").load("hdfs:///photos");
 * Dataset<Row> painted = SparkStyleTransfer.builder(TransferSettings.builder().model("vgg19").size(512).build())
 *     .style("hdfs:///styles/starry_night.jpg")
 *     .outputPath("hdfs:///painted")          // or none: a binary column "stylized" with the PNG
 *     .build()
 *     .transform(images);                     // or images.transform(stylizer::transform)
 * }</pre>
 *
 * <p>The input is a DataFrame of images in one of three forms, found by column type (or named by
 * {@link Builder#inputColumn}): encoded bytes (the {@code binaryFile} source's {@code content}),
 * Spark's {@code image} source struct, or a string column of paths/URIs read through Hadoop's
 * FileSystem API. Rows are named by {@link Builder#nameColumn} (default {@code path}, else the
 * image's {@code origin}); the output of a row is {@code <name>_<style>.png}, so names must be
 * unique within a job.
 *
 * <p>Added columns: {@code style} (the style's name; one row per image and style),
 * {@code stylized} (binary PNG) or {@code output} (the written file), {@code status}
 * ({@code done}, {@code skipped} when the output existed, {@code failed}), {@code error} (why it
 * failed), {@code loss} and {@code seconds}. A bad image fails its row, not the job.
 *
 * <p>Why not a Spark ML {@code Transformer}: that API lives in spark-mllib, a dependency as large
 * as Spark SQL itself, and offers a pipeline stage that fits nothing here (stylising is not a
 * feature for a model). This class keeps the Transformer's contract (a {@link #transform} from
 * Dataset to Dataset that adds columns, and {@link #transformSchema}) on Spark SQL alone.
 *
 * <p>On the executors the model and backend are loaded once per JVM ({@link ExecutorSessions})
 * and each style's targets are computed once per executor, lazily: computing them on the driver
 * and broadcasting them would make the driver load the model and a backend (often without the
 * executors' GPU) for what costs one forward pass per style on each executor, next to hundreds of
 * iterations per image.
 */
public final class SparkStyleTransfer {
  /** The styles' names: letters, digits, '.', '_' and '-'. */
  private static final String NAME_CHARS = "[A-Za-z0-9._-]+";

  private final TransferSettings settings;
  private final List<String> styleOrder;
  private final Map<String, String> styleUris;
  private final Map<String, byte[]> styleData;
  private final String inputColumn;
  private final String nameColumn;
  private final String outputPath;
  private final boolean overwrite;
  private final int partitions;
  private final boolean failFirstAttempt;

  private SparkStyleTransfer(Builder b) {
    this.settings = b.settings;
    this.styleUris = Map.copyOf(b.styleUris);
    this.styleData = Map.copyOf(b.styleData);
    this.inputColumn = b.inputColumn;
    this.nameColumn = b.nameColumn;
    this.outputPath = b.outputPath;
    this.overwrite = b.overwrite;
    this.partitions = b.partitions;
    this.failFirstAttempt = b.failFirstAttempt;
    this.styleOrder = List.copyOf(b.styleOrder);
  }

  /**
   * Starts a configuration.
   *
   * @param settings the transfer settings, as plain values that travel to the executors
   * @return a builder
   */
  public static Builder builder(TransferSettings settings) {
    return new Builder(checkNotNull(settings, "settings"));
  }

  /**
   * The output file name of an image in a style: {@code <file name without extension>_<style>.png}.
   *
   * @param source the image's path, URI or name
   * @param style the style's name
   * @return the file name
   */
  public static String outputName(String source, String style) {
    String name = source.substring(source.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    String stem = (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9._-]", "-");
    return (stem.isEmpty() ? "image" : stem) + "_" + style + ".png";
  }

  /**
   * The schema {@link #transform} gives {@code input}.
   *
   * @param input the images' schema
   * @return it with the added columns
   * @throws IllegalArgumentException when no column holds images or an added column exists already
   */
  public StructType transformSchema(StructType input) {
    columns(input);
    StructType out = input.add("style", DataTypes.StringType, false);
    for (String c : List.of(outputColumn(), "status", "error", "loss", "seconds")) {
      checkArgument(!Arrays.asList(input.fieldNames()).contains(c), "the input already has a column '%s'; "
          + "rename it, as the transformation adds one of that name", c);
    }
    checkArgument(!Arrays.asList(input.fieldNames()).contains("style"), "the input already has a column 'style'");
    return out.add(outputColumn(), outputPath == null ? DataTypes.BinaryType : DataTypes.StringType, true)
        .add("status", DataTypes.StringType, false)
        .add("error", DataTypes.StringType, true)
        .add("loss", DataTypes.DoubleType, true)
        .add("seconds", DataTypes.DoubleType, false);
  }

  private String outputColumn() {
    return outputPath == null ? "stylized" : "output";
  }

  /**
   * Stylises every image in every style. Lazy, as Spark transformations are: the work runs when
   * the result is used (collected, written, counted).
   *
   * @param images a DataFrame of images (see the class documentation)
   * @return one row per image and style with the added columns
   */
  public Dataset<Row> transform(Dataset<Row> images) {
    checkNotNull(images, "images");
    StructType schema = transformSchema(images.schema());
    // every image with every style as a column expression, not a cross join: a join of a
    // broadcast table runs a Spark job of its own before the first image starts
    Column[] names = styleOrder.stream().map(functions::lit).toArray(Column[]::new);
    Dataset<Row> pairs = images.withColumn("style", names.length == 1 ? names[0] : functions.explode(functions.array(names)));
    if (partitions > 0) {
      pairs = pairs.repartition(partitions);
    }
    StylizePartition stylize = stylizer(images.sparkSession().sparkContext(), columns(pairs.schema()));
    return pairs.mapPartitions(stylize, Encoders.row(schema));
  }

  /**
   * Every path in every style, on Spark's RDD API: what {@link StylizeJob} runs. The same work
   * per row as {@link #transform} on a column of paths, without Spark SQL, whose first plan and
   * code generation take seconds of a job's start (on two cores, 11-15 s to stylise one image
   * against 5.5-7.3 s this way).
   *
   * @param sc the application's context
   * @param paths the images
   * @param slices how many partitions: 0 as Spark slices the paths; fewer than the paths, each
   *     gets a share of the paths in every style; more, the (path, style) pairs are dealt out
   * @return rows of path, style, output (the file, or PNG bytes without an output path), status,
   *     error, loss and seconds
   */
  JavaRDD<Row> transformPaths(SparkContext sc, List<String> paths, int slices) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    List<String> styles = styleOrder;
    JavaRDD<Row> pairs;
    if (slices > paths.size()) {
      List<Row> all = new ArrayList<>(paths.size() * styles.size());
      for (String p : paths) {
        styles.forEach(s -> all.add(RowFactory.create(p, s)));
      }
      pairs = jsc.parallelize(all, Math.min(slices, all.size()));
    } else {
      JavaRDD<String> sliced = slices > 0 ? jsc.parallelize(paths, slices) : jsc.parallelize(paths);
      pairs = sliced.flatMap(p -> styles.stream().map(s -> RowFactory.create(p, s)).iterator());
    }
    StylizePartition stylize = stylizer(sc, new StylizePartition.Columns(0, StylizePartition.InputKind.PATH, 0, 1));
    return pairs.mapPartitions(stylize::call);
  }

  /**
   * The function each partition runs: the style images are read and decoded here once, so that
   * a bad style image fails the job before any task, and go to the executors as one broadcast.
   */
  private StylizePartition stylizer(SparkContext sc, StylizePartition.Columns cols) {
    Map<String, byte[]> bytes = new HashMap<>();
    Map<String, String> digests = new LinkedHashMap<>();
    HadoopFiles files = HadoopFiles.of(sc.hadoopConfiguration());
    for (String name : styleOrder) {
      byte[] data = styleData.containsKey(name) ? styleData.get(name) : files.read(styleUris.get(name));
      ImageBytes.decode(data, name + ".png");
      String sha = Hashing.sha256().hashBytes(data).toString();
      bytes.put(sha, data);
      digests.put(name, sha);
    }
    Broadcast<Map<String, byte[]>> broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(bytes);
    return new StylizePartition(settings, broadcast, digests, cols, outputPath, overwrite, failFirstAttempt);
  }

  /** Which columns hold the image and the name, by the rules of the class documentation. */
  private StylizePartition.Columns columns(StructType schema) {
    List<String> fields = Arrays.asList(schema.fieldNames());
    String input = inputColumn;
    if (input == null) {
      input = fields.contains("content") ? "content" : fields.contains("image") ? "image" : "path";
    }
    checkArgument(fields.contains(input), "no column '%s' with images among %s; name the column with "
        + "inputColumn(name)", input, fields);
    DataType type = schema.apply(input).dataType();
    StylizePartition.InputKind kind;
    if (type instanceof BinaryType) {
      kind = StylizePartition.InputKind.BYTES;
    } else if (type instanceof StringType) {
      kind = StylizePartition.InputKind.PATH;
    } else if (type instanceof StructType s && Arrays.asList(s.fieldNames()).containsAll(
        List.of("origin", "height", "width", "nChannels", "data"))) {
      kind = StylizePartition.InputKind.IMAGE;
    } else {
      throw new IllegalArgumentException("column '" + input + "' is " + type.simpleString() + "; images come as "
          + "binary (encoded files), a string (paths) or the image source's struct");
    }
    String name = nameColumn;
    int nameIndex;
    if (name == null && !fields.contains("path") && kind == StylizePartition.InputKind.IMAGE) {
      nameIndex = -1; // the image struct's origin, read per row
    } else {
      name = name == null ? "path" : name;
      checkArgument(fields.contains(name), "no column '%s' names the images; name one with nameColumn(name)", name);
      nameIndex = schema.fieldIndex(name);
    }
    int style = fields.contains("style") ? schema.fieldIndex("style") : -1;
    return new StylizePartition.Columns(schema.fieldIndex(input), kind, nameIndex, style);
  }

  /** Configures a {@link SparkStyleTransfer}; every setter validates its argument at once. */
  public static final class Builder {
    private final TransferSettings settings;
    private final List<String> styleOrder = new ArrayList<>();
    private final Map<String, String> styleUris = new HashMap<>();
    private final Map<String, byte[]> styleData = new HashMap<>();
    private String inputColumn;
    private String nameColumn;
    private String outputPath;
    private boolean overwrite;
    private int partitions;
    private boolean failFirstAttempt;

    private Builder(TransferSettings settings) {
      this.settings = settings;
    }

    /**
     * Adds a style image, read on the driver (any Hadoop file system: a local path, hdfs://,
     * s3a://...) and sent to the executors once as a broadcast; named after its file.
     *
     * @param uri the style image
     * @return this builder
     */
    public Builder style(String uri) {
      checkNotNull(uri, "style");
      String name = outputName(uri, "x");
      return style(name.substring(0, name.length() - "_x.png".length()), uri);
    }

    /**
     * Adds a style image under the name its outputs carry.
     *
     * @param name letters, digits, '.', '_' and '-'
     * @param uri the style image
     * @return this builder
     */
    public Builder style(String name, String uri) {
      addName(name);
      styleUris.put(name, checkNotNull(uri, "uri"));
      return this;
    }

    /**
     * Adds a style image given as encoded bytes (PNG, JPEG...).
     *
     * @param name letters, digits, '.', '_' and '-'
     * @param encoded the image file's bytes
     * @return this builder
     */
    public Builder style(String name, byte[] encoded) {
      addName(name);
      styleData.put(name, checkNotNull(encoded, "encoded").clone());
      return this;
    }

    private void addName(String name) {
      checkNotNull(name, "name");
      checkArgument(name.matches(NAME_CHARS), "a style name may hold letters, digits, '.', '_' and '-' only, got '%s'",
          name);
      checkArgument(!styleOrder.contains(name), "two styles are named '%s'; name one with style(name, uri)", name);
      styleOrder.add(name);
    }

    /**
     * The column holding the images (default: {@code content}, else {@code image}, else {@code path}).
     *
     * @param column a binary, image-struct or string column
     * @return this builder
     */
    public Builder inputColumn(String column) {
      inputColumn = checkNotNull(column, "column");
      return this;
    }

    /**
     * The column whose value (a path or name) names each image's output (default {@code path};
     * for the image source without one, the image's origin).
     *
     * @param column a string column
     * @return this builder
     */
    public Builder nameColumn(String column) {
      nameColumn = checkNotNull(column, "column");
      return this;
    }

    /**
     * Writes each output to {@code <path>/<name>_<style>.png} (atomically, so retries and
     * speculative tasks leave one complete file) and returns its path in the column
     * {@code output}, instead of PNG bytes in {@code stylized}. Outputs that exist are kept
     * ({@code status} skipped), so a rerun resumes; see {@link #overwrite}.
     *
     * @param path a folder on any Hadoop file system every executor can write
     * @return this builder
     */
    public Builder outputPath(String path) {
      outputPath = checkNotNull(path, "outputPath");
      return this;
    }

    /**
     * Redoes outputs that exist (default false).
     *
     * @param on whether to redo them
     * @return this builder
     */
    public Builder overwrite(boolean on) {
      overwrite = on;
      return this;
    }

    /**
     * Spreads the (image, style) rows over this many partitions before stylising (default 0:
     * as the input comes). The binaryFile source packs many small files into one partition, which
     * then runs on one core; a few partitions per core balance the load.
     *
     * @param n at least 0
     * @return this builder
     */
    public Builder partitions(int n) {
      checkArgument(n >= 0, "partitions must be >= 0, got %s", n);
      partitions = n;
      return this;
    }

    /** Test hook: the first attempt of partition 0 fails after its first image, so that a retry can be checked. */
    Builder failFirstAttempt() {
      failFirstAttempt = true;
      return this;
    }

    /**
     * The transformation.
     *
     * @return the configured transformation
     * @throws IllegalStateException when no style was added
     */
    public SparkStyleTransfer build() {
      checkState(!styleOrder.isEmpty(), "no style: call style(uri) at least once");
      return new SparkStyleTransfer(this);
    }
  }
}
