package dev.nst.core;

import static dev.nst.core.ToBuilderTest.image;
import static dev.nst.core.ToBuilderTest.onHost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.ImageLoss;
import dev.nst.api.LossBreakdown;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

/** Pixel-space losses join any objective: reported by name, in the total and in the gradient. */
class ImageLossTest {
  /** lambda * sum(x^2): pulls every value toward 0. */
  private static ImageLoss toZero(double lambda) {
    return (x, shape, g) -> {
      double sum = 0;
      for (int i = 0; i < x.length; i++) {
        sum += (double) x[i] * x[i];
        g[i] += (float) (2 * lambda * x[i]);
      }
      return lambda * sum;
    };
  }

  @Test
  void anImageLossIsReportedAddedToTheTotalAndOptimised() {
    StyleTransfer.Builder b = onHost().style(image(3, 20, 14)).iterations(8);
    StyleTransferResult plain = b.build().run();
    StyleTransferResult pulled = b.imageLoss("zero", toZero(5)).build().run();
    LossBreakdown first = pulled.history().get(0);
    LossBreakdown plainFirst = plain.history().get(0);
    assertThat(first.imageLosses()).containsOnlyKeys("zero");
    assertThat(first.total()).isCloseTo(plainFirst.total() + first.imageLosses().get("zero"),
        Percentage.withPercentage(1e-9));
    assertThat(plainFirst.imageLosses()).isEmpty();
    // its gradient acts: the image moves toward 0 in the network's input space
    double last = pulled.history().get(pulled.iterations() - 1).imageLosses().get("zero");
    assertThat(last).isLessThan(first.imageLosses().get("zero") / 2);
  }

  @Test
  void toBuilderKeepsImageLosses() {
    ImageLoss loss = toZero(1);
    StyleTransfer t = onHost().style(image(3, 20, 14)).imageLoss("zero", loss).build();
    assertThat(t.toBuilder().build().settings().losses().imageLosses()).containsEntry("zero", loss);
  }
}
