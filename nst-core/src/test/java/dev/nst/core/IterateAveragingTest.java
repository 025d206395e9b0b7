package dev.nst.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nst.api.InputConvention;
import dev.nst.api.LossBreakdown;
import dev.nst.api.Objective;
import dev.nst.api.spi.Device;
import dev.nst.core.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IterationLoop's iterate averaging and pixel box, on a 1x1 image with a quadratic objective. */
class IterateAveragingTest {
  private static final float[] TARGET = {0.9f, -3f, 0.2f}; // channel 1 lies below the box of unit inputs

  /** sum (x - target)^2 over a (1, 3, 1, 1) image. */
  private static final class Quadratic implements Objective {
    final List<float[]> seen = new ArrayList<>();

    @Override
    public int[] imageShape() {
      return new int[] {1, 3, 1, 1};
    }

    @Override
    public LossBreakdown evaluate(float[] image, float[] gradient) {
      seen.add(image.clone());
      double f = 0;
      for (int i = 0; i < 3; i++) {
        double d = image[i] - TARGET[i];
        f += d * d;
        gradient[i] = (float) (2 * d);
      }
      return new LossBreakdown(f, f, 0, 0, Map.of(), Map.of());
    }

    @Override
    public void close() {}
  }

  private static IterationLoop loop(Quadratic q, Adam adam, int iterations, double decay) {
    return new IterationLoop(q, InputConvention.UNIT, adam, iterations, System.nanoTime(), new Settings.Output(null, 0, 0.95f),
        new Settings.Execution(null, Device.CPU, 0, 0, 0, 0, List.of(), null), decay, null,
        dev.nst.api.Optimizer.Workspace.of(0));
  }

  @Test
  void theResultIsTheBiasCorrectedMovingAverageOfTheIterates() {
    Quadratic q = new Quadratic();
    float[] x = {0.5f, 0.5f, 0.5f};
    float[] out = loop(q, Adam.withLearningRate(0.1), 30, 0.9).minimize(x);
    double[] a = new double[3];
    double weight = 0;
    for (int k = 0; k < 30; k++) {
      for (int i = 0; i < 3; i++) {
        a[i] = 0.9 * a[i] + 0.1 * q.seen.get(k)[i];
      }
      weight = 1 - Math.pow(0.9, k + 1);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(out[i]).isCloseTo((float) (a[i] / weight), within(1e-6f));
    }
    assertThat(out).as("not the last iterate").isNotEqualTo(q.seen.get(29));
  }

  @Test
  void withTheBoxAdamKeepsEveryPixelInRange() {
    Quadratic q = new Quadratic();
    float[] out = loop(q, Adam.quality().inInputSpaceOf(InputConvention.UNIT), 200, 0).minimize(new float[] {0.5f,
        0.5f, 0.5f});
    for (float[] p : q.seen) {
      for (float v : p) {
        assertThat(v).isBetween(0f, 1f);
      }
    }
    assertThat(out[1]).as("pinned at the lower bound of unit inputs").isZero();
    assertThat(out[0]).isCloseTo(0.9f, within(0.02f));
  }
}
