package dev.nst.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nst.api.BadImageException;
import dev.nst.api.CancellationToken;
import dev.nst.core.HostTestBackend;
import dev.nst.core.StyleTransfer;
import dev.nst.core.image.Images;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches on nst-core's host test backend: outputs, resumption, failures and the report. */
class BatchStyleTransferTest {
  @TempDir Path dir;
  private Path photos;
  private Path out;
  private Path starry;
  private Path scream;

  /** Small settings: a 1x1 convolution at 16 px, a few iterations. */
  static final UnaryOperator<StyleTransfer.Builder> SETTINGS = b -> b.backend(HostTestBackend.NAME)
      .model(HostTestBackend.network()).contentLayers("conv1_1").styleLayers("conv1_1").size(16).iterations(4);

  static BufferedImage image(int seed, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, ((x * 16 + seed * 40) & 255) << 16 | (((x + y) * 9 * seed) & 255) << 8 | ((y * 21) & 255));
      }
    }
    return img;
  }

  @BeforeEach
  void images() throws Exception {
    photos = Files.createDirectories(dir.resolve("photos"));
    Images.write(image(1, 18, 12), photos.resolve("a.png"));
    Images.write(image(2, 12, 18), photos.resolve("b.jpg"));
    Images.write(image(3, 20, 20), photos.resolve("c.png"));
    Files.writeString(photos.resolve("notes.md"), "not an image, not an input");
    starry = dir.resolve("starry.png");
    scream = dir.resolve("scream.png");
    Images.write(image(5, 23, 13), starry); // 16 x 9 at size 16
    Images.write(image(7, 14, 25), scream); // 9 x 16
    out = dir.resolve("out");
  }

  private BatchStyleTransfer.Builder batch() {
    return BatchStyleTransfer.builder(SETTINGS).input(photos).style(starry).style(scream).outputDir(out).workers(2);
  }

  @Test
  void everyImageInEveryStyleEqualsItsSingleRunAndEachStyleIsComputedOnce() throws Exception {
    int starryBefore = HostTestBackend.forwards(9, 16);
    int screamBefore = HostTestBackend.forwards(16, 9);
    List<BatchProgress> reports = new ArrayList<>();
    BatchResult r = batch().listener(reports::add).build().run();

    assertThat(HostTestBackend.forwards(9, 16) - starryBefore).as("starry's forward passes").isEqualTo(1);
    assertThat(HostTestBackend.forwards(16, 9) - screamBefore).as("scream's forward passes").isEqualTo(1);
    assertThat(r.succeeded()).isTrue();
    assertThat(r.items()).extracting(i -> i.item().output().getFileName().toString()).containsExactly(
        "a_starry.png", "b_starry.png", "c_starry.png", "a_scream.png", "b_scream.png", "c_scream.png");
    assertThat(r.count(BatchItemResult.Status.DONE)).isEqualTo(6);
    for (BatchItemResult item : r.items()) {
      Path style = item.item().style().equals("starry") ? starry : scream;
      BufferedImage alone = SETTINGS.apply(StyleTransfer.builder()).content(item.item().input()).style(style).build()
          .run().image();
      assertThat(pixels(Images.read(item.item().output()))).as(item.item().toString()).isEqualTo(pixels(alone));
      assertThat(item.loss()).isPositive();
    }
    assertThat(reports).hasSize(7);
    assertThat(reports.get(0).finished()).isZero();
    assertThat(reports.get(6).finished()).isEqualTo(6);
    assertThat(reports.get(6).eta()).contains(java.time.Duration.ZERO);
    assertThat(hiddenFiles()).isEmpty();
  }

  @Test
  void aCorruptImageFailsAloneAndTheReportSaysWhy() throws Exception {
    Files.writeString(photos.resolve("broken.jpg"), "this is not a JPEG");
    BatchResult r = batch().build().run();

    assertThat(r.succeeded()).isFalse();
    assertThat(r.withStatus(BatchItemResult.Status.FAILED)).hasSize(2)
        .allSatisfy(f -> assertThat(f.error()).contains("broken.jpg"));
    assertThat(r.count(BatchItemResult.Status.DONE)).isEqualTo(6);
    assertThat(out.resolve("broken_starry.png")).doesNotExist();

    JsonObject report = JsonParser.parseString(Files.readString(out.resolve("batch-report.json"))).getAsJsonObject();
    assertThat(report.get("total").getAsInt()).isEqualTo(8);
    assertThat(report.get("done").getAsInt()).isEqualTo(6);
    assertThat(report.get("failed").getAsInt()).isEqualTo(2);
    assertThat(report.get("succeeded").getAsBoolean()).isFalse();
    JsonObject broken = report.getAsJsonArray("items").get(2).getAsJsonObject();
    assertThat(broken.get("input").getAsString()).endsWith("broken.jpg");
    assertThat(broken.get("style").getAsString()).isEqualTo("starry");
    assertThat(broken.get("status").getAsString()).isEqualTo("failed");
    assertThat(broken.get("loss").isJsonNull()).isTrue();
    assertThat(broken.get("error").getAsString()).contains("broken.jpg");
    JsonObject done = report.getAsJsonArray("items").get(0).getAsJsonObject();
    assertThat(done.get("status").getAsString()).isEqualTo("done");
    assertThat(done.get("output").getAsString()).endsWith("a_starry.png");
    assertThat(done.get("loss").getAsDouble()).isEqualTo(r.items().get(0).loss());
    assertThat(done.get("seconds").getAsDouble()).isGreaterThanOrEqualTo(0);
    assertThat(done.get("error").isJsonNull()).isTrue();
  }

  @Test
  void aRerunAfterCancellationDoesOnlyWhatIsMissingAndForceRedoesAll() throws Exception {
    CancellationToken token = new CancellationToken();
    BatchResult first = batch().workers(1).listener(p -> {
      if (p.finished() == 2) {
        token.cancel();
      }
    }).build().run(token);
    assertThat(first.count(BatchItemResult.Status.DONE)).isEqualTo(2);
    assertThat(first.count(BatchItemResult.Status.CANCELLED)).isEqualTo(4);
    assertThat(first.succeeded()).isFalse();
    assertThat(hiddenFiles()).as("nothing half-written").isEmpty();
    FileTime kept = Files.getLastModifiedTime(out.resolve("a_starry.png"));
    Files.setLastModifiedTime(out.resolve("a_starry.png"), FileTime.fromMillis(kept.toMillis() - 60_000));
    Files.writeString(out.resolve(".c_scream.png.partial.png"), "left by a killed run");
    Files.writeString(out.resolve("..c_scream.png.partial.png.1f2e.tmp"), "left by a killed write");

    BatchResult second = batch().build().run();
    assertThat(second.withStatus(BatchItemResult.Status.SKIPPED)).extracting(i -> i.item().output().getFileName()
        .toString()).containsExactly("a_starry.png", "b_starry.png");
    assertThat(second.count(BatchItemResult.Status.DONE)).isEqualTo(4);
    assertThat(second.succeeded()).isTrue();
    assertThat(Files.getLastModifiedTime(out.resolve("a_starry.png")).toMillis()).isEqualTo(kept.toMillis() - 60_000);
    assertThat(hiddenFiles()).isEmpty();

    BatchResult forced = batch().force(true).build().run();
    assertThat(forced.count(BatchItemResult.Status.DONE)).isEqualTo(6);
    assertThat(Files.getLastModifiedTime(out.resolve("a_starry.png")).toMillis()).isGreaterThan(kept.toMillis() - 60_000);
  }

  @Test
  void listFilesAndGlobsNameTheInputs() throws Exception {
    Path list = Files.writeString(dir.resolve("todo.txt"), "# two of them\nphotos/c.png\n\nphotos/a.png\n");
    BatchStyleTransfer fromList = BatchStyleTransfer.builder(SETTINGS).input(list).style(starry).outputDir(out).build();
    assertThat(fromList.plan()).extracting(i -> i.input().getFileName().toString()).containsExactly("c.png", "a.png");
    BatchStyleTransfer fromGlob = BatchStyleTransfer.builder(SETTINGS).glob(dir + "/phot*/*.png").style("van-gogh",
        starry).outputDir(out).build();
    assertThat(fromGlob.plan()).extracting(i -> i.output().getFileName().toString())
        .containsExactly("a_van-gogh.png", "c_van-gogh.png");
  }

  @Test
  void inputsThatWouldWriteOneOutputAreRefusedBeforeAnyRun() throws Exception {
    Images.write(image(4, 10, 10), photos.resolve("a.jpg"));
    assertThatThrownBy(() -> batch().build().run()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a.jpg").hasMessageContaining("a.png").hasMessageContaining("a_starry.png");
    assertThat(out).doesNotExist();
  }

  @Test
  void aBadStyleStopsTheWholeBatchAndTheSettingsAreChecked() throws Exception {
    Files.writeString(scream, "not a PNG");
    assertThatThrownBy(() -> batch().build().run()).isInstanceOf(BadImageException.class)
        .hasMessageContaining("scream.png");
    assertThatThrownBy(() -> BatchStyleTransfer.builder(SETTINGS).style(starry).outputDir(out).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("input");
    assertThatThrownBy(() -> batch().style(dir.resolve("other/starry.jpg")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("style(name, file)");
    assertThatThrownBy(() -> batch().workers(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void workersFollowGpusCoresAndTheMemoryBudget() {
    assertThat(BatchStyleTransfer.defaultWorkers(8, 3, 0)).isEqualTo(3);
    assertThat(BatchStyleTransfer.defaultWorkers(1, 0, 0)).isEqualTo(1);
    assertThat(BatchStyleTransfer.defaultWorkers(16, 0, 1L << 30)).isEqualTo(1);
    BatchStyleTransfer b = batch().workers(2).build();
    assertThat(b.threadsPerWorker()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
  }

  private List<Path> hiddenFiles() throws Exception {
    if (!Files.isDirectory(out)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(out)) {
      return files.filter(f -> f.getFileName().toString().startsWith(".")).toList();
    }
  }

  static long[] pixels(BufferedImage img) {
    long[] px = new long[img.getWidth() * img.getHeight()];
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        px[y * img.getWidth() + x] = img.getRGB(x, y);
      }
    }
    return px;
  }
}
