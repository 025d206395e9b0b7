package dev.nst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.core.model.cache.Environment;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --jpeg-quality}: the quality of a JPEG output, refused where it means nothing. */
class JpegQualityTest {
  @TempDir
  Path tmp;

  private final StringWriter err = new StringWriter();

  private int stylize(Path output, String quality) {
    return NstCommand.execute(Environment.of(Map.of(), Map.of("NST_CACHE_DIR", tmp.toString())), false,
        new PrintWriter(new StringWriter()), new PrintWriter(err), "stylize", NstCommandTest.CONTENT,
        NstCommandTest.STYLE, "-o", output.toString(), "--model", NstCommandTest.MODEL, "--size", "64", "-n", "2",
        "--jpeg-quality", quality);
  }

  @Test
  void lowerQualityWritesASmallerJpeg() throws IOException {
    assertThat(stylize(tmp.resolve("q20.jpg"), "20")).as(err.toString()).isZero();
    assertThat(stylize(tmp.resolve("q100.jpg"), "100")).as(err.toString()).isZero();
    assertThat(Files.size(tmp.resolve("q20.jpg"))).isLessThan(Files.size(tmp.resolve("q100.jpg")) / 2);
  }

  @Test
  void aPngOutputRefusesIt() {
    assertThat(stylize(tmp.resolve("out.png"), "80")).isEqualTo(2);
    assertThat(err.toString()).contains("--jpeg-quality applies to a .jpg or .jpeg output, not out.png");
    assertThat(tmp.resolve("out.png")).doesNotExist();
  }

  @Test
  void aQualityOutsideOneToHundredIsRefused() {
    assertThat(stylize(tmp.resolve("out.jpg"), "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--jpeg-quality must be 1 to 100, got 0");
  }
}
