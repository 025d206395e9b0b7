package dev.nst.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.ContentLoss;
import dev.nst.api.DivergenceException;
import dev.nst.api.InputConvention;
import dev.nst.api.LossBreakdown;
import dev.nst.api.LossValue;
import dev.nst.api.NstException;
import dev.nst.api.NumericalFailureException;
import dev.nst.api.Optimizer;
import dev.nst.api.RunFailedException;
import dev.nst.api.Tensor;
import dev.nst.core.image.Images;
import dev.nst.core.image.Preprocessing;
import dev.nst.core.loss.ClassicContentLoss;
import dev.nst.core.optim.Adam;
import dev.nst.core.optim.Lbfgs;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "A bad learning rate is reported": real runs of {@link StyleTransfer} on the host (through
 * {@link HostTestBackend}: a 1x1 convolution, content and style loss on its output, host
 * objective) with Adam and L-BFGS at their defaults and at learning rates far too large.
 */
class DivergenceTest {
  @TempDir Path dir;

  private static BufferedImage image(int seed) {
    BufferedImage img = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 12; y++) {
      for (int x = 0; x < 16; x++) {
        int r = (x * 16 + seed * 40) & 255;
        int g = ((x + y) * 9 * seed) & 255;
        int b = (y * 21 + (x % 3) * 60) & 255;
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return img;
  }

  private StyleTransfer.Builder run(Optimizer o, int iterations, List<LossBreakdown> losses) {
    return StyleTransfer.builder().backend(HostTestBackend.NAME).model(HostTestBackend.network())
        .contentLayers("conv1_1").styleLayers("conv1_1").content(image(1)).style(image(3)).size(16)
        .optimizer(o).iterations(iterations).output(dir.resolve("out.png")).listener(e -> losses.add(e.losses()));
  }

  @Test
  void theRunsThreadBudgetAndWorkArraysReachTheOptimiser() {
    // a batch worker or Spark task given one thread: L-BFGS must be told, or it splits its passes
    // over the JVM's common pool beside the other workers
    for (int threads : new int[] {1, 3}) {
      int[] told = {-1};
      Optimizer recording = new Optimizer() {
        @Override
        public String name() {
          return "recording";
        }

        @Override
        public void minimize(dev.nst.api.DifferentiableFunction f, float[] x, IterationCallback callback) {
          throw new AssertionError("the run must pass its workspace");
        }

        @Override
        public void minimize(dev.nst.api.DifferentiableFunction f, float[] x, IterationCallback callback,
            Workspace workspace) {
          told[0] = workspace.threads();
          assertThat(workspace.floats(5)).hasSizeGreaterThanOrEqualTo(5);
          Lbfgs.defaults().minimize(f, x, callback, workspace);
        }
      };
      run(recording, 2, new java.util.ArrayList<>()).threads(threads).build().run();
      assertThat(told[0]).isEqualTo(threads);
    }
  }

  /** Checks what every divergence report holds, against the losses the listener saw. */
  private static void assertReport(DivergenceException e, List<LossBreakdown> losses, String learningRate,
      int iterationsAbove) {
    assertThat(e).isInstanceOf(RunFailedException.class).isInstanceOf(NstException.class);
    double first = losses.get(0).total();
    assertThat(e.bestLoss()).isEqualTo(losses.stream().mapToDouble(LossBreakdown::total).min().orElseThrow())
        .isLessThanOrEqualTo(first);
    assertThat(e.loss()).isEqualTo(losses.get(losses.size() - 1).total())
        .isGreaterThan(IterationLoop.DIVERGENCE_FACTOR * e.bestLoss()).isGreaterThan(first);
    assertThat(e.iteration()).isEqualTo(losses.size()).isLessThan(50);
    assertThat(e.getMessage())
        .startsWith("the loss diverged: it is " + String.format(Locale.ROOT, "%.4g", e.loss()) + " at iteration "
            + e.iteration() + " and has stayed above 10 times the best loss ("
            + String.format(Locale.ROOT, "%.4g", e.bestLoss()) + ", at iteration ")
        .contains("for " + iterationsAbove + " iterations: the learning rate of " + learningRate
            + " is too large for this problem; lower it (the exception holds the best image so far)");
    assertThat(e.bestImage()).isPresent();
    assertThat(e.bestImage().get().shape()).containsExactly(1, 3, 12, 16);
  }

  /**
   * Before: the run configured with an output wrote nothing when it failed, and the best image
   * lived only in the exception, as a tensor. Now it is written there as a finished run's image
   * would be, and the message says so with the iteration of the lowest loss.
   */
  private void assertBestImageWritten(RunFailedException e, List<LossBreakdown> losses) {
    Path out = dir.resolve("out.png");
    int best = 0;
    for (int i = 1; i < losses.size(); i++) {
      best = losses.get(i).total() < losses.get(best).total() ? i : best;
    }
    assertThat(e.getMessage()).endsWith("; wrote the best image so far (iteration " + (best + 1) + ") to " + out);
    BufferedImage expected = Preprocessing.toImage(e.bestImage().orElseThrow(), InputConvention.UNIT);
    BufferedImage written = Images.read(out);
    assertThat(written.getWidth()).isEqualTo(16);
    assertThat(written.getHeight()).isEqualTo(12);
    for (int y = 0; y < 12; y++) {
      for (int x = 0; x < 16; x++) {
        assertThat(written.getRGB(x, y)).isEqualTo(expected.getRGB(x, y));
      }
    }
    assertThat(e.getCause()).as("the first report").isInstanceOf(e.getClass());
  }

  /** Adam's steps are bounded by the learning rate, so its loss stays high rather than exploding: the 20-iteration rule. */
  @Test
  void adamWithATooLargeLearningRateStopsAfterTwentyIterationsFarAboveTheBest() {
    List<LossBreakdown> losses = new ArrayList<>();
    assertThatThrownBy(() -> run(Adam.withLearningRate(3), 200, losses).build().run())
        .isInstanceOfSatisfying(DivergenceException.class, e -> {
          assertReport(e, losses, "adam (3.0)", IterationLoop.DIVERGENCE_PATIENCE);
          assertBestImageWritten(e, losses);
        });
    assertThat(losses).hasSize(IterationLoop.DIVERGENCE_PATIENCE + 1);
  }

  /** A loss growing by orders of magnitude stops after 3 iterations, long before it overflows into a NaN. */
  @Test
  void adamWithAHugeLearningRateStopsAsSoonAsTheLossExplodes() {
    List<LossBreakdown> losses = new ArrayList<>();
    assertThatThrownBy(() -> run(Adam.withLearningRate(1000), 200, losses).build().run())
        .isInstanceOfSatisfying(DivergenceException.class, e -> {
          assertReport(e, losses, "adam (1000.0)", IterationLoop.DIVERGENCE_FAST_PATIENCE);
          assertBestImageWritten(e, losses);
        });
    assertThat(losses).hasSize(IterationLoop.DIVERGENCE_FAST_PATIENCE + 1);
  }

  @Test
  void lbfgsWithAHugeLearningRateIsReportedToo() {
    List<LossBreakdown> losses = new ArrayList<>();
    assertThatThrownBy(() -> run(Lbfgs.defaults().withLearningRate(100), 200, losses).build().run())
        .isInstanceOfSatisfying(DivergenceException.class,
            e -> assertReport(e, losses, "lbfgs (100.0)", IterationLoop.DIVERGENCE_FAST_PATIENCE));
  }

  /**
   * Before: a gradient that overflowed float while the loss was still finite made the optimiser
   * stop at once, and the run returned its best image as if it had converged.
   */
  @Test
  void aGradientThatOverflowsIsANumericalFailure() {
    int[] calls = {0};
    ClassicContentLoss classic = new ClassicContentLoss();
    ContentLoss poisoned = (g, t) -> {
      LossValue v = classic.evaluate(g, t);
      if (++calls[0] < 4) {
        return v;
      }
      float[] inf = v.gradient().toArray();
      inf[0] = Float.POSITIVE_INFINITY;
      return new LossValue(v.value(), Tensor.adopt(inf, v.gradient().shape()));
    };
    List<LossBreakdown> losses = new ArrayList<>();
    assertThatThrownBy(() -> run(Lbfgs.defaults(), 20, losses).contentLoss(poisoned).build().run())
        .isInstanceOfSatisfying(NumericalFailureException.class, e -> {
          assertThat(e.getMessage()).startsWith("the gradient became infinite or NaN (the loss is ")
              .contains("at iteration 4; lower the learning rate or the loss weights");
          assertThat(e.lastGoodImage()).isPresent();
          assertBestImageWritten(e, losses);
        });
    assertThat(losses).hasSize(3);
  }

  @Test
  void theDefaultsRunToTheEndWithoutDiverging() {
    for (Optimizer o : List.of(Adam.defaults(), Adam.withLearningRate(0.2), Lbfgs.defaults(),
        Lbfgs.defaults().withLineSearch(Lbfgs.LineSearch.BACKTRACKING))) {
      List<LossBreakdown> losses = new ArrayList<>();
      var result = run(o, 200, losses).build().run();
      assertThat(losses).as(o.toString()).hasSize(result.history().size());
      assertThat(losses.get(losses.size() - 1).total()).as(o.toString()).isLessThan(losses.get(0).total());
    }
  }
}
