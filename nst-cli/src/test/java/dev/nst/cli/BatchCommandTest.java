package dev.nst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nst.core.image.Images;
import dev.nst.core.model.cache.Environment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nst batch} on the small reference network: outputs, exit codes, resumption and the report. */
class BatchCommandTest {
  @TempDir Path dir;

  /** The outcome of one CLI run. */
  record Run(int code, String err) {}

  Run nst(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = NstCommand.execute(Environment.of(Map.of(), Map.of("NST_CACHE_DIR", dir.resolve("cache").toString())),
        false, new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, err.toString());
  }

  Run batch(Path in, Path out, String... more) {
    String[] base = {"batch", in.toString(), "-o", out.toString(), "--style", NstCommandTest.STYLE, "--style",
        dir.resolve("dots.png").toString(), "--model", NstCommandTest.MODEL, "--size", "32", "-n", "3",
        "--workers", "2"};
    return nst(Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new));
  }

  @Test
  void theMemoryBudgetIsTheBatchsSharedByItsWorkers() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.copy(Path.of(NstCommandTest.CONTENT), in.resolve("chelsea.jpg"));
    Images.write(Images.resize(Images.read(Path.of("../examples/images/mask_left.png")), 40, 30),
        dir.resolve("dots.png"));
    // 300 MB for two workers is less than the runtime's own allowance: every run is refused
    // before its work, which shows the budget reached the runs
    Run tight = batch(in, dir.resolve("out"), "--memory", "300m");
    assertThat(tight.code()).as(tight.err()).isEqualTo(NstCommand.SOME_FAILED);
    assertThat(tight.err()).contains("does not fit the memory budget of 0.15 GiB")
        .contains("batch: 0 done, 0 skipped (existed), 2 failed");
  }

  @Test
  void aCorruptImageIsExitCode7WithEveryOtherOutputWrittenAndARerunDoesWhatIsMissing() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.copy(Path.of(NstCommandTest.CONTENT), in.resolve("chelsea.jpg"));
    Files.copy(Path.of("../examples/images/coffee.jpg"), in.resolve("coffee.jpg"));
    Files.writeString(in.resolve("zz-corrupt.png"), "not a PNG");
    Images.write(Images.resize(Images.read(Path.of("../examples/images/mask_left.png")), 40, 30),
        dir.resolve("dots.png"));
    Path out = dir.resolve("out");

    Run first = batch(in, out);
    assertThat(first.code()).as(first.err()).isEqualTo(NstCommand.SOME_FAILED);
    assertThat(first.err()).contains("zz-corrupt.png in style mosaic failed: Cannot read image")
        .contains("batch: 4 done, 0 skipped (existed), 2 failed");
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted()).containsExactly("batch-report.json",
          "chelsea_dots.png", "chelsea_mosaic.png", "coffee_dots.png", "coffee_mosaic.png");
    }
    assertThat(Images.read(out.resolve("coffee_dots.png")).getWidth()).isEqualTo(32);
    JsonObject report = JsonParser.parseString(Files.readString(out.resolve("batch-report.json"))).getAsJsonObject();
    JsonArray items = report.getAsJsonArray("items");
    assertThat(items).hasSize(6);
    assertThat(report.get("failed").getAsInt()).isEqualTo(2);
    JsonObject corrupt = items.get(2).getAsJsonObject();
    assertThat(corrupt.get("status").getAsString()).isEqualTo("failed");
    assertThat(corrupt.get("output").getAsString()).endsWith("zz-corrupt_mosaic.png");
    assertThat(corrupt.get("error").getAsString()).contains("zz-corrupt.png");

    Files.delete(out.resolve("coffee_dots.png"));
    Files.delete(in.resolve("zz-corrupt.png"));
    Run second = batch(in, out);
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.err()).contains("batch: 1 done, 3 skipped (existed), 0 failed");
    assertThat(Images.read(out.resolve("coffee_dots.png")).getHeight()).isEqualTo(21);

    Run forced = batch(in, out, "--force");
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(forced.err()).contains("batch: 4 done, 0 skipped");
  }

  @Test
  void usageErrorsAreExitCode2AndAMissingInputIs3() throws Exception {
    assertThat(nst("batch", dir.toString(), "-o", dir.resolve("o").toString()).code()).isEqualTo(2);
    Run missing = nst("batch", dir.resolve("nope").toString(), "-o", dir.resolve("o").toString(), "--style",
        NstCommandTest.STYLE, "--model", NstCommandTest.MODEL);
    assertThat(missing.code()).isEqualTo(NstCommand.BAD_INPUT);
    assertThat(missing.err()).contains("nope").contains("does not exist");
  }
}
