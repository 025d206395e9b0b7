package dev.nst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.core.model.cache.Environment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quiet by default, --verbose for nst's log, notices as note: lines either way. */
class LoggingTest {
  @TempDir
  Path tmp;

  /** Standard error of one stylize run of 3 iterations at 32 px, with {@code extra} options. */
  private String stylize(String... extra) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] base = {"stylize", NstCommandTest.CONTENT, NstCommandTest.STYLE, "-o", tmp.resolve("o.png").toString(),
        "--model", NstCommandTest.MODEL, "--size", "32", "-n", "3", "--backend", "onnx"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    int code = NstCommand.execute(Environment.of(Map.of(), Map.of("NST_CACHE_DIR", tmp.toString())), false,
        new PrintWriter(out), new PrintWriter(err), args);
    assertThat(code).as(err.toString()).isZero();
    return err.toString();
  }

  @Test
  void aRoutineRunPrintsProgressAndTheResultOnly() {
    String err = stylize();
    assertThat(err).contains("wrote ").doesNotContain("debug:").doesNotContain("Using nst backend")
        .doesNotContain("INFO");
    assertThat(err.lines()).allSatisfy(l -> assertThat(l).matches("\\d+/\\d+ .*|wrote .*"));
  }

  @Test
  void verboseAddsTheBackendChoiceAndEachScaleAsDebugLines() {
    String err = stylize("--verbose");
    assertThat(err).contains("debug: Using nst backend 'onnx' (requested explicitly)")
        .contains("debug: nst: 32x21 on ONNX Runtime")
        .contains("wrote ");
  }

  @Test
  void warningsAreWarningLinesWhenQuiet() {
    StringWriter err = new StringWriter();
    try (CliLogging quiet = CliLogging.quiet(new PrintWriter(err))) {
      System.getLogger("dev.nst.core.backend.Backends").log(System.Logger.Level.WARNING, "Skipping an nst backend");
      System.getLogger("dev.nst.core.backend.Backends").log(System.Logger.Level.INFO, "an INFO line");
    }
    assertThat(err.toString()).isEqualTo("warning: Skipping an nst backend" + System.lineSeparator());
  }

  @Test
  void theLogIsAsBeforeAfterARun() {
    Logger nst = Logger.getLogger("dev.nst");
    Level before = nst.getLevel();
    stylize("-v");
    assertThat(nst.getLevel()).isEqualTo(before);
    assertThat(nst.getHandlers()).isEmpty();
    assertThat(nst.getUseParentHandlers()).isTrue();
  }

  @Test
  void noticesArePrintedAsNotes() {
    StringWriter err = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(err), false, 0);
    bar.onNotice("the L-BFGS history is 20 pairs instead of 100 to fit the memory budget");
    assertThat(err.toString()).isEqualTo("note: the L-BFGS history is 20 pairs instead of 100 to fit the memory budget"
        + System.lineSeparator());
  }

  @Test
  void levelsAreLowerCaseWords() {
    assertThat(CliLogging.label(Level.SEVERE)).isEqualTo("error");
    assertThat(CliLogging.label(Level.WARNING)).isEqualTo("warning");
    assertThat(CliLogging.label(Level.INFO)).isEqualTo("info");
    assertThat(CliLogging.label(Level.FINE)).isEqualTo("debug");
    assertThat(CliLogging.label(Level.FINEST)).isEqualTo("finest");
  }
}
