package dev.nst.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nst.core.image.Images;
import dev.nst.video.codec.FrameFolder;
import dev.nst.video.flow.Consistency;
import dev.nst.video.flow.Plane;
import dev.nst.video.tools.ConsistencyEvaluation;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The goal of the module, on Darknet Tiny: consistent stylisation flickers at most 0.3 times as
 * much as stylising every frame on its own (mean squared difference between frame t and frame
 * t-1 warped by the true flow, over consistent pixels), with the style term no weaker. Skipped
 * without ../shared (model and style image).
 */
class TemporalConsistencyTest {
  @TempDir
  Path dir;

  private static Path shared(String... names) {
    Path p = Path.of(System.getProperty("nst.shared.dir", "../shared"), names);
    assumeTrue(Files.exists(p), p + " is absent (a clone without ../shared): skipping");
    return p;
  }

  private record Outcome(double instability, double meanStyle) {}

  private Outcome run(SyntheticVideo video, Path input, boolean temporal, int frames, int iterations) {
    Path model = shared("models", "darknet-tiny", "model.json");
    Path style = shared("images", "starry_night.jpg");
    List<Double> styleTerms = new ArrayList<>();
    Path out = dir.resolve(temporal ? "consistent" : "independent");
    VideoStyleTransfer.builder().transfer(b -> b.model(model).style(style).backend("onnx").threads(1))
        .input(input).output(out).size(video.width()).iterations(iterations).temporal(temporal)
        .listener(f -> styleTerms.add(f.styleLoss())).build().run();
    double sum = 0;
    for (int t = 1; t < frames; t++) {
      BufferedImage a = Images.read(FrameFolder.frameFile(out, t));
      BufferedImage b = Images.read(FrameFolder.frameFile(out, t - 1));
      Plane mask = Consistency.mask(video.flow(t, -1), video.flow(t - 1, 1));
      sum += ConsistencyEvaluation.instability(a, b, video.flow(t, -1), mask);
    }
    return new Outcome(sum / (frames - 1), styleTerms.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
  }

  private void check(int width, int height, int frames, int iterations) {
    // the tests run in nst-video/; the photograph is the repository's own (CC0)
    BufferedImage still = Images.resize(Images.read(Path.of("..", "examples", "images", "coffee.jpg")), width * 3 / 2,
        height * 3 / 2);
    double s = width / 256.0;
    SyntheticVideo video = new SyntheticVideo(still, width, height, 1.2 * s, 0.4 * s, 0.995, 2.5 * s, s);
    Path input = dir.resolve("input");
    for (int t = 0; t < frames; t++) {
      Images.write(video.frame(t), FrameFolder.frameFile(input, t));
    }
    Outcome independent = run(video, input, false, frames, iterations);
    Outcome consistent = run(video, input, true, frames, iterations);
    System.out.printf("%dx%d, %d frames: instability independent %.1f, consistent %.1f (ratio %.3f); "
            + "mean style term independent %.4g, consistent %.4g%n", width, height, frames, independent.instability(),
        consistent.instability(), consistent.instability() / independent.instability(), independent.meanStyle(),
        consistent.meanStyle());
    assertThat(consistent.instability()).isLessThanOrEqualTo(0.3 * independent.instability());
    assertThat(consistent.meanStyle()).isLessThanOrEqualTo(1.25 * independent.meanStyle());
  }

  @Test
  void consistentFramesFlickerLessAtTinySize() {
    check(96, 64, 5, 30);
  }

  @Test
  @Tag("slow")
  void consistentFramesFlickerLessAt256Pixels() {
    check(256, 170, 12, 100);
  }
}
