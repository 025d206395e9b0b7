package dev.nst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.core.image.Images;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NstCommandTest {
  static final String MODEL = Path.of(System.getProperty("nst.testdata.dir"), "reference/case01_default/model.onnx").toString();
  static final String CONTENT = "../examples/images/chelsea.jpg";
  static final String STYLE = "../examples/images/mosaic.png";

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalErr;

  @BeforeEach
  void captureErr() {
    originalErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreErr() {
    System.setErr(originalErr);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void stylizeWritesTheImageAndReportsTheRun(@TempDir Path dir) {
    Path out = dir.resolve("out.png");
    int code = NstCommand.execute("stylize", CONTENT, STYLE, "-o", out.toString(), "--model", MODEL,
        "--size", "48", "-n", "5", "--print-every", "5", "--preset", "classic", "--tv-weight", "0.001", "--pooling", "avg",
        "--style-layers", "relu1_1:0.5,relu2_1:0.5", "--content-layers", "relu3_1");
    assertThat(code).as(err()).isZero();
    assertThat(Images.read(out).getWidth()).isEqualTo(48);
    assertThat(err()).contains("iteration 5/5").contains("wrote " + out);
  }

  @Test
  void aTiledRunShowsItsTilesInTheLog(@TempDir Path dir) {
    Path out = dir.resolve("tiled.png");
    int code = NstCommand.execute("stylize", CONTENT, STYLE, "-o", out.toString(), "--model", MODEL,
        "--size", "280", "-n", "2", "--tile", "240", "--memory", "6g");
    assertThat(code).as(err()).isZero();
    assertThat(Images.read(out).getWidth()).isEqualTo(280);
    assertThat(err()).contains("wrote " + out);
  }

  @Test
  void unreadableContentIsExitCode3WithTheFileNamed(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.png"), "not an image");
    int code = NstCommand.execute("stylize", bad.toString(), STYLE, "-o", dir.resolve("o.png").toString(), "--model", MODEL);
    assertThat(code).isEqualTo(NstCommand.BAD_INPUT);
    assertThat(err()).contains("bad.png");
    assertThat(dir.resolve("o.png")).doesNotExist();
  }

  @Test
  void unknownLayerIsExitCode3ListingTheLayers(@TempDir Path dir) {
    int code = NstCommand.execute("stylize", CONTENT, STYLE, "-o", dir.resolve("o.png").toString(), "--model", MODEL,
        "--size", "32", "--content-layers", "relu9_9");
    assertThat(code).isEqualTo(NstCommand.BAD_INPUT);
    assertThat(err()).contains("relu9_9").contains("relu4_2");
  }

  @Test
  void missingModelIsExitCode4(@TempDir Path dir) {
    int code = NstCommand.execute("stylize", CONTENT, STYLE, "-o", dir.resolve("o.png").toString(),
        "--model", dir.resolve("nope.onnx").toString());
    assertThat(code).isEqualTo(NstCommand.MODEL_PROBLEM);
    assertThat(err()).contains("nope.onnx");
  }

  @Test
  void unknownBackendIsExitCode5ListingWhatWasFound(@TempDir Path dir) {
    int code = NstCommand.execute("stylize", CONTENT, STYLE, "-o", dir.resolve("o.png").toString(), "--model", MODEL,
        "--size", "32", "--backend", "tpu");
    assertThat(code).isEqualTo(NstCommand.BACKEND_PROBLEM);
    assertThat(err()).contains("tpu").contains("onnx");
  }

  @Test
  void backendsListsBothBackendsAndTheyAreWhatBackendAccepts() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(NstCommand.execute("backends")).isZero();
    } finally {
      System.setOut(original);
    }
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("onnx (priority 100, available on [CPU]: ONNX Runtime ");
    assertThat(lines.get(1)).startsWith("nd4j (priority 50, available on [CPU]: ND4J ");
    assertThat(new Choices.BackendNames()).containsExactly("onnx", "nd4j");
  }

  @Test
  void stylizeRunsOnNd4j(@TempDir Path dir) {
    Path out = dir.resolve("nd4j.png");
    int code = NstCommand.execute("stylize", CONTENT, STYLE, "-o", out.toString(), "--model", MODEL,
        "--size", "32", "-n", "2", "--backend", "nd4j", "--device", "cpu");
    assertThat(code).as(err()).isZero();
    assertThat(Images.read(out).getWidth()).isEqualTo(32);
    assertThat(err()).contains("wrote " + out).contains("on ND4J ");
  }
}
