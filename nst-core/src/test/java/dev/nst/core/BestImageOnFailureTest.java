package dev.nst.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.ContentLoss;
import dev.nst.api.DivergenceException;
import dev.nst.api.InputConvention;
import dev.nst.api.LossBreakdown;
import dev.nst.api.LossValue;
import dev.nst.api.RunFailedException;
import dev.nst.core.color.ColorControl;
import dev.nst.core.color.Colors;
import dev.nst.core.image.Images;
import dev.nst.core.image.Preprocessing;
import dev.nst.core.loss.ClassicContentLoss;
import dev.nst.core.optim.Adam;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that fails after it had a good image writes that image to its output, made as a
 * finished run's image is (colour control included), and says so. Before: the image existed
 * only as a tensor in the network's input space inside the exception, and the command line
 * threw it away. Runs on the host through {@link HostTestBackend}; failures come from a content
 * loss that throws at a chosen evaluation.
 */
class BestImageOnFailureTest {
  @TempDir Path dir;

  private Path out() {
    return dir.resolve("out.png");
  }

  /** The classic content loss, throwing {@code failure} at the evaluations {@code when} picks (1-based). */
  private static ContentLoss failing(IntPredicate when, RuntimeException failure, Error error) {
    ClassicContentLoss classic = new ClassicContentLoss();
    int[] calls = {0};
    return (g, t) -> {
      if (when.test(++calls[0])) {
        if (error != null) {
          throw error;
        }
        throw failure;
      }
      return classic.evaluate(g, t);
    };
  }

  private StyleTransfer.Builder base(List<LossBreakdown> losses) {
    return StyleTransfer.builder().backend(HostTestBackend.NAME).model(HostTestBackend.network())
        .contentLayers("conv1_1").styleLayers("conv1_1").content(OutputChecksTest.image(1))
        .style(OutputChecksTest.image(3)).size(16).iterations(30).optimizer(Adam.withLearningRate(0.05))
        .listener(e -> losses.add(e.losses()));
  }

  private static int lowest(List<LossBreakdown> losses) {
    int best = 0;
    for (int i = 1; i < losses.size(); i++) {
      best = losses.get(i).total() < losses.get(best).total() ? i : best;
    }
    return best + 1;
  }

  private static void assertSamePixels(BufferedImage actual, BufferedImage expected) {
    assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
    assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
    for (int y = 0; y < expected.getHeight(); y++) {
      for (int x = 0; x < expected.getWidth(); x++) {
        assertThat(actual.getRGB(x, y) & 0xffffff).isEqualTo(expected.getRGB(x, y) & 0xffffff);
      }
    }
  }

  @Test
  void aBackendFailureWritesTheBestImageAndSaysWhere() {
    List<LossBreakdown> losses = new ArrayList<>();
    ContentLoss lost = failing(n -> n == 6, new RunFailedException("the device was lost"), null);
    assertThatThrownBy(() -> base(losses).contentLoss(lost).output(out()).build().run())
        .isExactlyInstanceOf(RunFailedException.class)
        .satisfies(t -> {
          RunFailedException e = (RunFailedException) t;
          assertThat(losses).hasSize(5);
          assertThat(e.getMessage()).startsWith("the device was lost (at iteration 6; the exception holds the best "
              + "image so far); wrote the best image so far (iteration " + lowest(losses) + ") to " + out());
          assertSamePixels(Images.read(out()), Preprocessing.toImage(e.bestImage().orElseThrow(), InputConvention.UNIT));
        });
  }

  /** An OutOfMemoryError inside an evaluation no longer loses the run: it becomes a failure holding the image. */
  @Test
  void theHeapRunningOutInAnEvaluationKeepsTheBestImage() {
    List<LossBreakdown> losses = new ArrayList<>();
    ContentLoss hungry = failing(n -> n == 4, null, new OutOfMemoryError("Java heap space"));
    assertThatThrownBy(() -> base(losses).contentLoss(hungry).output(out()).build().run())
        .isExactlyInstanceOf(RunFailedException.class)
        .satisfies(t -> {
          RunFailedException e = (RunFailedException) t;
          assertThat(e.getMessage()).startsWith("the Java heap ran out at iteration 4 (Java heap space); raise the "
              + "heap limit (-Xmx").contains("; wrote the best image so far (iteration " + lowest(losses) + ") to ");
          assertThat(e.getCause().getCause()).isInstanceOf(OutOfMemoryError.class);
          assertSamePixels(Images.read(out()), Preprocessing.toImage(e.bestImage().orElseThrow(), InputConvention.UNIT));
        });
  }

  /** The image written is the output image: with keep-content colours, the content's colours over the best luminance. */
  @Test
  void colourControlAppliesToTheImageWritten() {
    List<LossBreakdown> losses = new ArrayList<>();
    assertThatThrownBy(() -> base(losses).optimizer(Adam.withLearningRate(1000)).iterations(200)
        .colorControl(ColorControl.KEEP_CONTENT_COLORS).output(out()).build().run())
        .isInstanceOfSatisfying(DivergenceException.class, e -> {
          assertThat(e.getMessage()).contains("the learning rate of adam (1000.0) is too large")
              .endsWith("; wrote the best image so far (iteration " + lowest(losses) + ") to " + out());
          BufferedImage best = Preprocessing.toImage(e.bestImage().orElseThrow(), InputConvention.UNIT);
          BufferedImage content = Images.resize(OutputChecksTest.image(1), best.getWidth(), best.getHeight());
          assertSamePixels(Images.read(out()), Colors.combineLuminanceAndColor(best, content));
        });
  }

  @Test
  void aFailureBeforeAnyGoodImageWritesNothing() {
    ContentLoss broken = failing(n -> true, new RunFailedException("the device was lost"), null);
    assertThatThrownBy(() -> base(new ArrayList<>()).contentLoss(broken).output(out()).build().run())
        .isInstanceOf(RunFailedException.class)
        .hasMessage("the device was lost (at iteration 1; the exception holds the best image so far)");
    assertThat(out()).doesNotExist();
  }

  /** When the second scale fails before a good image of its own, the first scale's result is what there is. */
  @Test
  void aFailureAtTheStartOfALaterScaleWritesTheEarlierScalesResult() {
    List<LossBreakdown> losses = new ArrayList<>();
    ClassicContentLoss classic = new ClassicContentLoss();
    ContentLoss failsAtTheSecondScale = (g, t) -> {
      if (g.dim(3) == 16) {
        throw new RunFailedException("the device was lost");
      }
      return classic.evaluate(g, t);
    };
    assertThatThrownBy(() -> base(losses).contentLoss(failsAtTheSecondScale)
        .scales(new Scales(List.of(12, 16), List.of(5, 5))).output(out()).build().run())
        .isInstanceOf(RunFailedException.class)
        .hasMessageEndingWith("; wrote the best image so far (iteration " + lowest(losses) + ") to " + out());
    assertThat(losses).hasSize(5);
    assertThat(Images.read(out()).getWidth()).isEqualTo(12);
  }

  @Test
  void withoutAnOutputTheExceptionIsTheFirstReport() {
    List<LossBreakdown> losses = new ArrayList<>();
    ContentLoss lost = failing(n -> n == 3, new RunFailedException("the device was lost"), null);
    StyleTransfer noOutput = base(losses).contentLoss(lost).build();
    assertThatThrownBy(noOutput::run).isInstanceOf(RunFailedException.class)
        .hasMessage("the device was lost (at iteration 3; the exception holds the best image so far)")
        .satisfies(e -> assertThat(((RunFailedException) e).bestImage()).isPresent());
    assertThat(out()).doesNotExist();
  }
}
