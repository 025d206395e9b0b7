package dev.nst.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nst.api.InputConvention;
import dev.nst.core.image.Preprocessing;
import dev.nst.video.flow.Plane;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TemporalLossTest {
  private static final int W = 5;
  private static final int H = 4;
  private static final int[] SHAPE = {1, 3, H, W};

  private static float[] random(int n, long seed, double scale) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (rnd.nextDouble(-1, 1) * scale);
    }
    return a;
  }

  private static Plane mask(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] m = new float[W * H];
    for (int i = 0; i < m.length; i++) {
      m[i] = rnd.nextInt(3) == 0 ? 0 : 1;
    }
    return Plane.of(W, H, m);
  }

  private static TemporalLoss loss(InputConvention convention, double weight) {
    return TemporalLoss.of(convention, weight, List.of(
        new TemporalLoss.Target(random(3 * W * H, 1, 1), mask(2)),
        new TemporalLoss.Target(random(3 * W * H, 3, 1), mask(4))));
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    for (InputConvention convention : InputConvention.values()) {
      TemporalLoss loss = loss(convention, 7.5);
      double[] x = new double[3 * W * H];
      float[] image = random(x.length, 5, 1);
      float[] gradient = new float[x.length];
      loss.addTo(image, SHAPE, gradient);
      for (int i = 0; i < image.length; i++) {
        double h = 1e-2;
        float[] plus = image.clone();
        float[] minus = image.clone();
        plus[i] += (float) h;
        minus[i] -= (float) h;
        double fd = (loss.addTo(plus, SHAPE, new float[x.length]) - loss.addTo(minus, SHAPE, new float[x.length]))
            / (plus[i] - minus[i]);
        assertThat(gradient[i]).as("%s, value %s", convention, i)
            .isCloseTo((float) fd, within((float) (1e-3 * Math.abs(fd) + 1e-6)));
      }
    }
  }

  @Test
  void valueIsTheMaskedMeanSquaredPixelDifferenceTimesTheWeight() {
    // two 1 x 2 images that differ by 10 pixel levels in one value; D = 6
    BufferedImage a = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    BufferedImage b = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    a.setRGB(0, 0, 0x406080);
    a.setRGB(1, 0, 0x102030);
    b.setRGB(0, 0, 0x406080 + 0x0a0000);
    b.setRGB(1, 0, 0x102030);
    for (InputConvention convention : InputConvention.values()) {
      float[] target = Preprocessing.toTensor(a, convention).toArray();
      float[] image = Preprocessing.toTensor(b, convention).toArray();
      TemporalLoss loss = TemporalLoss.of(convention, 3,
          List.of(new TemporalLoss.Target(target, Plane.of(2, 1, new float[] {1, 1}))));
      assertThat(loss.addTo(image, new int[] {1, 3, 1, 2}, new float[6])).as("%s", convention)
          .isCloseTo(3.0 * 100 / 6, within(1e-3));
      TemporalLoss masked = TemporalLoss.of(convention, 3,
          List.of(new TemporalLoss.Target(target, Plane.of(2, 1, new float[] {0, 1}))));
      float[] gradient = new float[6];
      assertThat(masked.addTo(image, new int[] {1, 3, 1, 2}, gradient)).isZero();
      assertThat(gradient).containsOnly(0f);
    }
  }

  @Test
  void addsToTheGradientAndSkipsOtherSizes() {
    TemporalLoss loss = loss(InputConvention.UNIT, 1);
    float[] gradient = new float[3 * W * H];
    Arrays.fill(gradient, 2f);
    float[] fresh = new float[3 * W * H];
    float[] image = random(gradient.length, 9, 1);
    loss.addTo(image, SHAPE, fresh);
    loss.addTo(image, SHAPE, gradient);
    for (int i = 0; i < gradient.length; i++) {
      assertThat(gradient[i]).isCloseTo(fresh[i] + 2f, within(1e-5f));
    }
    float[] other = new float[3 * 8 * 8];
    assertThat(loss.addTo(new float[other.length], new int[] {1, 3, 8, 8}, other)).isZero();
    assertThat(other).containsOnly(0f);
  }

  @Test
  void refusesBadArguments() {
    assertThatThrownBy(() -> loss(InputConvention.UNIT, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> TemporalLoss.of(InputConvention.UNIT, 1, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    assertThatThrownBy(() -> TemporalLoss.of(InputConvention.UNIT, 1,
        List.of(new TemporalLoss.Target(new float[5], mask(1))))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 x 4 x 5");
    assertThatThrownBy(() -> new TemporalLoss.Target(null, mask(1))).isInstanceOf(NullPointerException.class);
  }
}
