package dev.nst.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.core.image.Images;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressAndCancellationTest {
  @TempDir
  Path tmp;

  @Test
  void theListenerCancelsAfterTheGivenIterationsAndTheBestImageIsWritten() {
    Path output = tmp.resolve("cancelled.png");
    String printed = new ExampleRunner(tmp.resolve("cache")).run(ProgressAndCancellation::main, Map.of(
        "example.model", "darknet-tiny", "example.size", "64", "example.iterations", "50",
        "example.stopAfterIterations", "3", "example.stopAfterSeconds", "600", "example.output", output.toString()));

    List<String> progress = printed.lines().filter(l -> l.startsWith("iteration ")).toList();
    assertThat(progress).hasSize(3);
    assertThat(progress.get(0)).matches("iteration 1/50: loss \\S+ \\(content \\S+, style \\S+\\), about \\d+ s left");
    assertThat(progress.get(2)).startsWith("iteration 3/50: ");
    List<Double> losses = ExampleRunner.numbers(printed, "cancelled after 3 of 50 iterations: loss (\\S+) -> (\\S+)");
    assertThat(losses.get(1)).isLessThan(losses.get(0));
    assertThat(Images.read(output).getWidth()).isEqualTo(64);
  }

  @Test
  void theTimerCancelsALongRun() {
    Path output = tmp.resolve("timed.png");
    String printed = new ExampleRunner(tmp.resolve("cache")).run(ProgressAndCancellation::main, Map.of(
        "example.model", "darknet-tiny", "example.size", "64", "example.iterations", "100000",
        "example.stopAfterIterations", "100000", "example.stopAfterSeconds", "1", "example.output", output.toString()));

    // The timer fires after one second, during loading or after some iterations: never after 100000.
    assertThat(printed).containsPattern("cancelled before the first iteration|cancelled after \\d+ of 100000 iterations");
    assertThat(printed).doesNotContain("finished");
    assertThat(output).exists();
  }
}
