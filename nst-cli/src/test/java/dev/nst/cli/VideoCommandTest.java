package dev.nst.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nst.core.image.Images;
import dev.nst.core.model.cache.Environment;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nst video}: usage errors, help, and one tiny run on Darknet Tiny. */
class VideoCommandTest {
  @TempDir
  Path tmp;

  private UsageTest.Run nst(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = NstCommand.execute(Environment.of(Map.of(), Map.of("NST_CACHE_DIR", tmp.toString())), false,
        new PrintWriter(out), new PrintWriter(err), args);
    return new UsageTest.Run(code, out.toString(), err.toString());
  }

  /** Darknet Tiny's model.json from ../shared, or a skipped test. */
  private static String darknet() {
    Path json = Path.of(System.getProperty("nst.shared.dir", "../shared"), "models", "darknet-tiny", "model.json");
    assumeTrue(Files.isRegularFile(json), json + " is absent (a clone without ../shared): skipping the run");
    return json.toString();
  }

  /** Three 40 x 30 frames of a square moving right. */
  private Path frames() {
    Path dir = tmp.resolve("in");
    for (int t = 0; t < 3; t++) {
      BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 30; y++) {
        for (int x = 0; x < 40; x++) {
          boolean square = x >= 8 + 3 * t && x < 20 + 3 * t && y >= 9 && y < 21;
          img.setRGB(x, y, square ? 0xe04020 : ((x * 6) << 8) | (y * 8));
        }
      }
      Images.write(img, dir.resolve("f" + t + ".png"));
    }
    return dir;
  }

  @Test
  void helpListsTheVideoOptionsAndTheSharedOnes() {
    UsageTest.Run r = nst("video", "--help");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Usage: nst video IN -o OUT --style STYLE [OPTIONS]");
    String flat = r.out().replaceAll("\\s+", " ");
    assertThat(flat).contains("--temporal-weight=W").contains("--frames-dir=DIR").contains("--temporal-frames=K")
        .contains("--content-weight=ALPHA").contains("--device=DEVICE auto, cpu, gpu (default auto).")
        .contains("Audio is not carried over.");
  }

  @Test
  void aMissingStyleIsAUsageError() {
    UsageTest.Run r = nst("video", "in.mp4", "-o", "out.mp4");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("Missing required option: '--style=STYLE'")
        .contains("Try 'nst video --help' for more information.");
  }

  @Test
  void aMissingOutputIsAUsageError() {
    UsageTest.Run r = nst("video", "in.mp4", "--style", "s.png");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("Missing required option: '--output=OUT'");
  }

  @Test
  void aMalformedWeightIsAUsageError() {
    UsageTest.Run r = nst("video", "in.mp4", "-o", "out.mp4", "--style", "s.png", "--temporal-weight", "strong");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--temporal-weight").contains("strong");
  }

  @Test
  void anUnknownModelIsAModelProblem() {
    UsageTest.Run r = nst("video", "in.mp4", "-o", "out.mp4", "--style", "s.png", "--model", "nosuch");
    assertThat(r.code()).isEqualTo(NstCommand.MODEL_PROBLEM);
    assertThat(r.err()).startsWith("nst: --model nosuch is neither a registered model");
  }

  @Test
  void valuesTheRunRejectsAreBadInput() {
    String model = darknet();
    UsageTest.Run r = nst("video", frames().toString(), "-o", tmp.resolve("o.mp4").toString(), "--style",
        "s.png", "--model", model, "--temporal-weight", "-1");
    assertThat(r.code()).isEqualTo(NstCommand.BAD_INPUT);
    assertThat(r.err()).startsWith("nst: temporal weight must be finite and >= 0, got -1.0");
    r = nst("video", frames().toString(), "-o", tmp.resolve("o.mp4").toString(), "--style", "s.png", "--model",
        model, "--temporal-frames", "1,0");
    assertThat(r.code()).isEqualTo(NstCommand.BAD_INPUT);
    assertThat(r.err()).contains("temporal frame distances lie in 1..16, got 0");
  }

  @Test
  void aMissingInputIsBadInput() {
    String model = darknet();
    UsageTest.Run r = nst("video", tmp.resolve("none.mp4").toString(), "-o", tmp.resolve("o.mp4").toString(),
        "--style", frames().resolve("f0.png").toString(), "--model", model);
    assertThat(r.code()).isEqualTo(NstCommand.BAD_INPUT);
    assertThat(r.err()).startsWith("nst: No video at ").contains("none.mp4");
  }

  @Test
  void stylisesAFrameFolderIntoAnMp4AndResumes() {
    String model = darknet();
    Path in = frames();
    Path out = tmp.resolve("out.mp4");
    String[] args = {"video", in.toString(), "-o", out.toString(), "--style", in.resolve("f2.png").toString(),
        "--model", model, "-s", "40", "-n", "2", "--threads", "1", "--max-frames", "2"};
    UsageTest.Run r = nst(args);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(out).exists();
    assertThat(r.err()).contains("frame 1/2: ").contains("frame 2/2: ").contains("wrote " + out + ": 2 frames 40x30");
    assertThat(tmp.resolve("out_frames").resolve("frame_000002.png")).exists();
    args[args.length - 1] = "3";
    r = nst(args);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("frame 1/3: already in").contains("frame 3/3: ")
        .contains("3 frames 40x30 (1 stylised now, 2 from an earlier run)");
  }
}
