package dev.nst.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.core.image.Images;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChoosingABackendTest {
  @TempDir
  Path tmp;

  @ParameterizedTest
  @CsvSource({"onnx, ONNX Runtime ", "nd4j, ND4J "})
  void listsBothBackendsAndFallsBackToTheCpuExplicitly(String backend, String description) {
    Path output = tmp.resolve(backend + ".png");
    String printed = new ExampleRunner(tmp.resolve("cache")).run(ChoosingABackend::main, Map.of(
        "example.backend", backend, "example.device", "gpu", "example.model", "darknet-tiny",
        "example.size", "64", "example.iterations", "3", "example.output", output.toString()));

    List<String> lines = printed.lines().toList();
    assertThat(lines.get(0)).isEqualTo("backends on the classpath, preferred first:");
    assertThat(lines.get(1)).startsWith("  onnx (priority 100, available on [CPU]");
    assertThat(lines.get(2)).startsWith("  nd4j (priority 50, available on [CPU]");
    // both backends here are CPU builds: asking for a GPU fails, and the example says so
    assertThat(lines.get(3)).startsWith("no GPU for " + backend + ", running on the CPU instead: ");
    int[] size = ExampleRunner.contentSizeAt(64);
    List<Double> losses = ExampleRunner.numbers(printed, "painted " + size[0] + "x" + size[1] + " on "
        + description + ".*: loss (\\S+) -> (\\S+), \\d+ ms per iteration");
    assertThat(losses.get(1)).isLessThan(losses.get(0));
    BufferedImage image = Images.read(output);
    assertThat(new int[] {image.getWidth(), image.getHeight()}).containsExactly(size);
  }
}
