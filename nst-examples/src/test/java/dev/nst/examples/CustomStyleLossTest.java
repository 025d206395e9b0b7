package dev.nst.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nst.api.LossValue;
import dev.nst.api.Tensor;
import dev.nst.core.image.Images;
import dev.nst.core.loss.ClassicStyleLoss;
import dev.nst.examples.CustomStyleLoss.WeightedGramLoss;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomStyleLossTest {
  @TempDir
  Path tmp;

  /** A (1, c, h, w) activation of ReLU-like values in [0, 1). */
  static Tensor activation(long seed, int c, int h, int w) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[c * h * w];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextDouble();
    }
    return Tensor.of(values, 1, c, h, w);
  }

  /** The mean Gram matrix of {@code a}, a style target as nst computes it. */
  static Tensor meanGram(Tensor a) {
    Tensor g = new ClassicStyleLoss().gram(a);
    float[] m = g.toArray();
    for (int i = 0; i < m.length; i++) {
      m[i] /= a.dim(2) * a.dim(3);
    }
    return Tensor.of(m, g.shape());
  }

  @Test
  void withOffDiagonalWeightOneItIsTheClassicStyleLoss() {
    Tensor generated = activation(1, 5, 4, 3);
    Tensor target = meanGram(activation(2, 5, 6, 6));
    LossValue mine = new WeightedGramLoss(1).evaluate(generated, target);
    LossValue classic = new ClassicStyleLoss().evaluate(generated, target);

    assertThat(mine.value()).isCloseTo(classic.value(), within(1e-6 * classic.value()));
    float[] g = mine.gradient().toArray();
    float[] expected = classic.gradient().toArray();
    for (int i = 0; i < g.length; i++) {
      assertThat(g[i]).as("gradient %d", i).isCloseTo(expected[i], within(1e-5f * Math.abs(expected[i]) + 1e-9f));
    }
    float[] gram = new WeightedGramLoss(1).gram(generated).toArray();
    float[] classicGram = new ClassicStyleLoss().gram(generated).toArray();
    assertThat(gram).containsExactly(classicGram, within(1e-5f));
  }

  @Test
  void theGradientMatchesCentralDifferences() {
    Tensor generated = activation(3, 4, 3, 3);
    Tensor target = meanGram(activation(4, 4, 5, 5));
    WeightedGramLoss loss = new WeightedGramLoss(0.3);
    float[] x = generated.toArray();
    float[] gradient = loss.evaluate(generated, target).gradient().toArray();
    double h = 1e-2;
    for (int i = 0; i < x.length; i++) {
      float[] plus = x.clone();
      float[] minus = x.clone();
      plus[i] += (float) h;
      minus[i] -= (float) h;
      double numeric = (loss.evaluate(Tensor.of(plus, generated.shape()), target).value()
          - loss.evaluate(Tensor.of(minus, generated.shape()), target).value()) / (2 * h);
      assertThat(gradient[i]).as("dJ/dx[%d]", i).isCloseTo((float) numeric, within((float) (1e-3 * Math.abs(numeric) + 1e-7)));
    }
  }

  @Test
  void withOffDiagonalWeightZeroOnlyTheChannelEnergiesCount() {
    Tensor generated = activation(5, 3, 4, 4);
    float[] target = meanGram(generated).toArray();
    target[1] += 0.5f; // a correlation the loss must now ignore
    target[3] += 0.5f;
    double all = new WeightedGramLoss(1).evaluate(generated, Tensor.of(target, 3, 3)).value();
    double diagonalOnly = new WeightedGramLoss(0).evaluate(generated, Tensor.of(target, 3, 3)).value();
    assertThat(all).isGreaterThan(1e-3);
    assertThat(diagonalOnly).isLessThan(all * 1e-9); // rounding of the float target only
  }

  @Test
  void aNegativeWeightIsRefused() {
    assertThatThrownBy(() -> new WeightedGramLoss(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the off-diagonal weight must be finite and >= 0, got -1.0");
  }

  @Test
  void mainPaintsWithTheCustomLossOnTheHost() {
    Path output = tmp.resolve("custom.png");
    String printed = new ExampleRunner(tmp.resolve("cache")).run(CustomStyleLoss::main, Map.of(
        "example.model", "darknet-tiny", "example.size", "64", "example.iterations", "5",
        "example.output", output.toString()));

    BufferedImage image = Images.read(output);
    int[] size = ExampleRunner.contentSizeAt(64);
    assertThat(new int[] {image.getWidth(), image.getHeight()}).containsExactly(size);
    List<Double> losses = ExampleRunner.numbers(printed, "painted " + size[0] + "x" + size[1]
        + " with WeightedGramLoss\\[offDiagonalWeight=0.5\\] on [^(]*\\(host objective\\): "
        + "loss ([0-9.e+-]+) -> ([0-9.e+-]+) in 5 iterations");
    assertThat(losses.get(1)).isLessThan(losses.get(0) * 0.9);
  }
}
