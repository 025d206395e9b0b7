package dev.nst.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nst.core.StyleTransfer;
import dev.nst.core.image.Images;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real local Spark (two task slots, a retry allowed) on Darknet Tiny at 64 px: seven images and
 * a corrupt one give what the single-machine API gives, pixel for pixel, and one error row. The
 * retry test is tagged slow (run it with -Dnst.spark.excludedGroups=); one session serves both.
 */
class SparkStyleTransferTest {
  static final int SIZE = 64;
  static final int ITERATIONS = 8;

  @TempDir static Path dir;
  static SparkSession spark;
  static Path model;
  static Path in;
  static Path style;
  static int loadsBefore;

  @BeforeAll
  static void start() throws Exception {
    Path shared = Path.of(System.getProperty("nst.shared.dir", "../shared"));
    model = shared.resolve("models/darknet-tiny/model.json");
    assumeTrue(Files.isRegularFile(model), model + " is absent (a fresh clone without ../shared): skipping");
    in = Files.createDirectories(dir.resolve("in"));
    List<Path> sources = Stream.concat(
        Stream.of("tubingen.jpg", "starry_night.jpg", "the_scream.jpg", "shipwreck.jpg", "woman-with-hat-matisse.jpg")
            .map(n -> shared.resolve("images").resolve(n)),
        Stream.of("chelsea.jpg", "coffee.jpg").map(n -> Path.of("../examples/images", n))).toList();
    for (Path p : sources) {
      String name = p.getFileName().toString().replace(".jpg", ".png");
      Images.write(Images.resizeToLongSide(Images.read(p), 80), in.resolve(name));
    }
    Files.writeString(in.resolve("broken.jpg"), "not a JPEG at all");
    style = dir.resolve("mosaic.png");
    Images.write(Images.resizeToLongSide(Images.read(Path.of("../examples/images/mosaic.png")), 80), style);
    ExecutorSessions.clear();
    loadsBefore = ExecutorSessions.modelLoads();
    spark = SparkSession.builder().master("local[2,2]").appName("nst-spark tests")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    ExecutorSessions.clear();
  }

  static TransferSettings settings() {
    return TransferSettings.builder().model(model.toString()).size(SIZE).iterations(ITERATIONS).seed(7).build();
  }

  /** The image the single-machine API makes of {@code content}, on one thread as a task runs. */
  static BufferedImage alone(Path content) {
    return StyleTransfer.builder().model(model).size(SIZE).iterations(ITERATIONS).seed(7).threads(1)
        .content(content).style(style).build().run().image();
  }

  @Test
  void sevenImagesEqualTheSingleMachineRunsOneCorruptImageIsAnErrorRowAndTheModelLoadsOnce() throws Exception {
    Dataset<Row> images = spark.read().format("binaryFile").load(in.toString());
    List<Row> rows = SparkStyleTransfer.builder(settings()).style(style.toString()).partitions(4).build()
        .transform(images).select("path", "style", "stylized", "status", "error", "loss").collectAsList();

    assertThat(rows).hasSize(8);
    Map<String, Row> byName = rows.stream().collect(Collectors.toMap(
        r -> Path.of(r.getString(0).replace("file:", "")).getFileName().toString(), r -> r));
    Row broken = byName.get("broken.jpg");
    assertThat(broken.getString(3)).isEqualTo("failed");
    assertThat(broken.getString(4)).contains("broken.jpg").contains("Cannot read image");
    assertThat(broken.isNullAt(2)).isTrue();
    Map<String, BufferedImage> stylized = new HashMap<>();
    for (Row r : rows) {
      if (r != broken) {
        assertThat(r.getString(1)).isEqualTo("mosaic");
        assertThat(r.getString(3)).as(r.getString(4)).isEqualTo("done");
        assertThat(r.getDouble(5)).isPositive();
        stylized.put(Path.of(r.getString(0).replace("file:", "")).getFileName().toString(),
            ImageIO.read(new ByteArrayInputStream((byte[]) r.get(2))));
      }
    }
    assertThat(stylized).hasSize(7);
    for (Map.Entry<String, BufferedImage> e : stylized.entrySet()) {
      assertThat(pixels(e.getValue())).as(e.getKey()).isEqualTo(pixels(alone(in.resolve(e.getKey()))));
    }
    assertThat(ExecutorSessions.modelLoads() - loadsBefore).as("model loads in this executor JVM").isEqualTo(1);

    // the job over the same folder: files instead of bytes, the same images, still one model load
    Path out = dir.resolve("job");
    StylizeJob.Summary s = StylizeJob.run(spark.sparkContext(), "--input", in.toString(), "--output",
        out.toString(), "--style", style.toString(), "--model", model.toString(), "--size", String.valueOf(SIZE),
        "--iterations", String.valueOf(ITERATIONS), "--seed", "7");
    assertThat(s.done()).isEqualTo(7);
    assertThat(s.failed()).isEqualTo(1);
    assertThat(listing(out)).containsExactlyInAnyOrder("batch-report.json", "chelsea_mosaic.png",
        "coffee_mosaic.png", "shipwreck_mosaic.png", "starry_night_mosaic.png", "the_scream_mosaic.png",
        "tubingen_mosaic.png", "woman-with-hat-matisse_mosaic.png");
    assertThat(pixels(Images.read(out.resolve("coffee_mosaic.png")))).isEqualTo(pixels(stylized.get("coffee.png")));
    assertThat(Files.readString(out.resolve("batch-report.json"))).contains("\"failed\": 1")
        .contains("broken.jpg: Cannot read image");
    assertThat(ExecutorSessions.modelLoads() - loadsBefore).isEqualTo(1);
  }

  @Test
  void everyImageInEveryStyleOnceWithNoJoinOrShuffleBeforeTheWork() throws Exception {
    Path two = Files.createDirectories(dir.resolve("two"));
    for (String name : List.of("chelsea.png", "coffee.png")) {
      Files.copy(in.resolve(name), two.resolve(name));
    }
    Path starry = in.resolve("starry_night.png");
    SparkStyleTransfer transfer = SparkStyleTransfer.builder(settings()).style(style.toString()).style(starry.toString())
        .build();
    Dataset<Row> pairs = transfer.transform(spark.read().format("binaryFile").load(two.toString()));
    String plan = pairs.queryExecution().executedPlan().toString();
    assertThat(plan).doesNotContainIgnoringCase("join").doesNotContain("Exchange");
    assertThat(pairs.select("style").collectAsList()).extracting(r -> r.getString(0))
        .containsExactlyInAnyOrder("mosaic", "starry_night", "mosaic", "starry_night");

    // the job: its paths dealt out to partitions (more partitions than images: spread after the styles are
    // added; 0: as Spark slices the list)
    for (String partitions : List.of("0", "2", "3", "4")) {
      Path out = dir.resolve("two-styles-" + partitions);
      StylizeJob.Summary s = StylizeJob.run(spark.sparkContext(), "--input", two.toString(), "--output",
          out.toString(), "--style", style.toString(), "--style", starry.toString(), "--model", model.toString(),
          "--size", String.valueOf(SIZE), "--iterations", String.valueOf(ITERATIONS), "--seed", "7",
          "--partitions", partitions);
      assertThat(s.done()).as("partitions " + partitions).isEqualTo(4);
      assertThat(listing(out)).containsExactlyInAnyOrder("batch-report.json", "chelsea_mosaic.png",
          "chelsea_starry_night.png", "coffee_mosaic.png", "coffee_starry_night.png");
    }
    assertThat(pixels(Images.read(dir.resolve("two-styles-4/coffee_mosaic.png"))))
        .isEqualTo(pixels(Images.read(dir.resolve("two-styles-3/coffee_mosaic.png"))))
        .isEqualTo(pixels(Images.read(dir.resolve("two-styles-2/coffee_mosaic.png"))))
        .isEqualTo(pixels(Images.read(dir.resolve("two-styles-0/coffee_mosaic.png"))))
        .isEqualTo(pixels(alone(two.resolve("coffee.png"))));
  }

  @Test
  @Tag("slow")
  void aTaskThatFailsItsFirstAttemptIsRetriedWithoutDuplicateOrPartialFiles() throws Exception {
    Path out = dir.resolve("retried");
    Dataset<Row> paths = spark.read().format("binaryFile").load(in.toString()).select("path");
    List<Row> rows = SparkStyleTransfer.builder(settings()).style(style.toString()).outputPath(out.toString())
        .partitions(2).failFirstAttempt().build().transform(paths).select("path", "output", "status").collectAsList();

    assertThat(rows).hasSize(8);
    assertThat(rows).filteredOn(r -> r.getString(2).equals("failed")).hasSize(1);
    // the image the failed attempt wrote is found complete by the retry
    assertThat(rows).filteredOn(r -> !r.getString(2).equals("failed"))
        .allSatisfy(r -> assertThat(r.getString(2)).isIn("done", "skipped"));
    assertThat(rows).filteredOn(r -> r.getString(2).equals("skipped")).hasSize(1);
    List<String> files = listing(out);
    assertThat(files).hasSize(7).allMatch(f -> f.endsWith("_mosaic.png") && !f.startsWith("."));
    for (Row r : rows) {
      if (!r.getString(2).equals("failed")) {
        assertThat(r.getString(1)).startsWith("file:").endsWith("_mosaic.png");
      }
    }
  }

  @Test
  @Tag("slow")
  void aTaskOnTheJobsPathThatFailsItsFirstAttemptIsRetriedWithoutDuplicates() throws Exception {
    // the job's RDD path runs the same partition function: a failed first attempt is retried, and its one
    // complete output is kept, not written twice
    Path out = dir.resolve("retried-job");
    List<String> paths;
    try (Stream<Path> files = Files.list(in)) {
      // the first partition starts with an image that is written before the attempt fails
      paths = files.map(Path::toString).sorted(java.util.Comparator.reverseOrder()).toList();
    }
    List<Row> rows = SparkStyleTransfer.builder(settings()).style(style.toString()).outputPath(out.toString())
        .failFirstAttempt().build().transformPaths(spark.sparkContext(), paths, 2).collect();

    assertThat(rows).hasSize(8);
    assertThat(rows).extracting(r -> r.getString(3)).containsOnly("done", "skipped", "failed");
    assertThat(rows).filteredOn(r -> r.getString(3).equals("skipped")).hasSize(1);
    assertThat(rows).filteredOn(r -> r.getString(3).equals("failed")).singleElement()
        .satisfies(r -> assertThat(r.getString(4)).contains("broken.jpg"));
    assertThat(listing(out)).hasSize(7).allMatch(f -> f.endsWith("_mosaic.png") && !f.startsWith("."));
    assertThat(pixels(Images.read(out.resolve("coffee_mosaic.png")))).isEqualTo(pixels(alone(in.resolve("coffee.png"))));
  }

  @Test
  @Tag("slow")
  void imageStructsOfTheImageSourceGiveTheSameImages() throws Exception {
    // the image source's rows (it comes with spark-mllib, which this module does not bring): BGR bytes
    List<Row> structs = new java.util.ArrayList<>();
    for (String name : List.of("chelsea.png", "coffee.png")) {
      BufferedImage img = Images.read(in.resolve(name));
      byte[] bgr = new byte[img.getWidth() * img.getHeight() * 3];
      for (int y = 0, i = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++, i += 3) {
          int rgb = img.getRGB(x, y);
          bgr[i] = (byte) rgb;
          bgr[i + 1] = (byte) (rgb >> 8);
          bgr[i + 2] = (byte) (rgb >> 16);
        }
      }
      structs.add(RowFactory.create(RowFactory.create(in.resolve(name).toUri().toString(), img.getHeight(),
          img.getWidth(), 3, 16, bgr)));
    }
    StructType image = new StructType().add("origin", DataTypes.StringType).add("height", DataTypes.IntegerType)
        .add("width", DataTypes.IntegerType).add("nChannels", DataTypes.IntegerType)
        .add("mode", DataTypes.IntegerType).add("data", DataTypes.BinaryType);
    Dataset<Row> decoded = spark.createDataFrame(structs, new StructType().add("image", image));
    List<Row> fromImages = SparkStyleTransfer.builder(settings()).style("painting", style.toString()).build()
        .transform(decoded).select("image.origin", "style", "stylized", "status").collectAsList();
    assertThat(fromImages).hasSize(2); // chelsea and coffee
    for (Row r : fromImages) {
      assertThat(r.getString(1)).isEqualTo("painting");
      assertThat(r.getString(3)).isEqualTo("done");
      String name = Path.of(r.getString(0).replace("file:", "")).getFileName().toString();
      assertThat(pixels(ImageIO.read(new ByteArrayInputStream((byte[]) r.get(2))))).as(name)
          .isEqualTo(pixels(alone(in.resolve(name))));
    }
    assertThat(ExecutorSessions.modelLoads() - loadsBefore).isEqualTo(1);
  }

  private static List<String> listing(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(f -> f.getFileName().toString()).toList();
    }
  }

  static long[] pixels(BufferedImage img) {
    long[] px = new long[img.getWidth() * img.getHeight()];
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        px[y * img.getWidth() + x] = img.getRGB(x, y) & 0xffffff;
      }
    }
    return px;
  }
}
