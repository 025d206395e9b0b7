package dev.nst.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.core.image.Images;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickStartTest {
  @TempDir
  Path tmp;

  @Test
  void paintsTheSampleAndTheLossFalls() {
    Path output = tmp.resolve("painted.png");
    String printed = new ExampleRunner(tmp.resolve("cache")).run(QuickStart::main, Map.of(
        "example.model", "darknet-tiny", "example.size", "64", "example.iterations", "6",
        "example.output", output.toString()));

    BufferedImage image = Images.read(output);
    int[] size = ExampleRunner.contentSizeAt(64);
    assertThat(new int[] {image.getWidth(), image.getHeight()}).containsExactly(size);
    // the listener's lines: "iteration total", one per iteration
    List<String> lines = printed.lines().toList();
    assertThat(lines.subList(0, 6)).allMatch(l -> l.matches("\\d+ [0-9.eE+-]+"));
    assertThat(lines.subList(0, 6)).extracting(l -> l.split(" ")[0]).containsExactly("1", "2", "3", "4", "5", "6");
    List<Double> losses = ExampleRunner.numbers(printed,
        "painted " + size[0] + "x" + size[1] + " on ONNX Runtime [^:]*: loss ([0-9.e+-]+) -> ([0-9.e+-]+) in 6 iterations");
    assertThat(losses.get(1)).isLessThan(losses.get(0) * 0.9);
  }
}
