package dev.nst.core.color;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ColorsTest {

  /** Mid-range random colours around a given mean, so that matching seldom clips. */
  static BufferedImage random(long seed, int r, int g, int b, int spread) {
    SplittableRandom rnd = new SplittableRandom(seed);
    BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        int common = rnd.nextInt(-spread, spread + 1);
        int rr = r + common + rnd.nextInt(-spread / 2, spread / 2 + 1);
        int gg = g + common / 2 + rnd.nextInt(-spread / 2, spread / 2 + 1);
        int bb = b - common / 3 + rnd.nextInt(-spread / 2, spread / 2 + 1);
        img.setRGB(x, y, rr << 16 | gg << 8 | bb);
      }
    }
    return img;
  }

  @Test
  void symmetricPowersInvertEachOther() {
    double[][] m = {{4, 1, 0.5}, {1, 3, 0.2}, {0.5, 0.2, 2}};
    double[][] half = SymmetricEigen.power(m, 0.5);
    double[][] back = Colors.multiply(half, half);
    double[][] id = Colors.multiply(Colors.multiply(SymmetricEigen.power(m, -0.5), m), SymmetricEigen.power(m, -0.5));
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertThat(back[i][j]).isCloseTo(m[i][j], within(1e-9));
        assertThat(id[i][j]).isCloseTo(i == j ? 1 : 0, within(1e-9));
      }
    }
  }

  @Test
  void matchedStyleHasTheContentsColourMeanAndCovariance() {
    BufferedImage content = random(1, 150, 110, 90, 40);
    BufferedImage style = random(2, 80, 120, 170, 30);
    BufferedImage matched = Colors.matchColors(style, content);
    double[] mc = Colors.means(content);
    double[] mm = Colors.means(matched);
    double[][] cc = Colors.covariance(content);
    double[][] cm = Colors.covariance(matched);
    for (int i = 0; i < 3; i++) {
      assertThat(mm[i]).isCloseTo(mc[i], within(1.0)); // rounding to 8 bits
      for (int j = 0; j < 3; j++) {
        assertThat(cm[i][j]).isCloseTo(cc[i][j], within(0.05 * Math.sqrt(cc[i][i] * cc[j][j]) + 1));
      }
    }
    assertThat(Colors.means(style)[2]).isGreaterThan(mc[2] + 50); // it really was different before
  }

  @Test
  void luminanceFromOneImageColourFromTheOther() {
    BufferedImage grey = random(3, 120, 120, 120, 50);
    BufferedImage colourful = random(4, 200, 80, 60, 20);
    BufferedImage out = Colors.combineLuminanceAndColor(grey, colourful);
    double[] yOut = Colors.toYiq(Colors.channels(out))[0];
    double[] yGrey = Colors.toYiq(Colors.channels(grey))[0];
    double err = 0;
    for (int i = 0; i < yOut.length; i++) {
      err = Math.max(err, Math.abs(yOut[i] - yGrey[i]));
    }
    assertThat(err).isLessThan(3.0); // rounding and a little clipping
    double[] chOut = Colors.meanChrominance(out);
    double[] chColour = Colors.meanChrominance(colourful);
    assertThat(chOut[0]).isCloseTo(chColour[0], within(2.0));
    assertThat(chOut[1]).isCloseTo(chColour[1], within(2.0));
    assertThat(Math.abs(Colors.meanChrominance(grey)[0])).isLessThan(10);
  }

  @Test
  void matchedLuminanceTakesTheContentsMeanAndDeviation() {
    BufferedImage content = random(5, 100, 100, 100, 30);
    BufferedImage style = random(6, 200, 190, 180, 10);
    BufferedImage m = Colors.matchedLuminance(style, content);
    double[] y = Colors.toYiq(Colors.channels(m))[0];
    double[] yc = Colors.toYiq(Colors.channels(content))[0];
    assertThat(Colors.mean(y)).isCloseTo(Colors.mean(yc), within(0.6));
    assertThat(Colors.meanChrominance(m)[0]).isCloseTo(0, within(0.5)); // grey
  }
}
