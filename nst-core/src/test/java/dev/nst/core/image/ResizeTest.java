package dev.nst.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ResizeTest {
  private static BufferedImage filled(int w, int h, int rgb) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  private static BufferedImage grayRow(int... values) {
    BufferedImage img = new BufferedImage(values.length, 1, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < values.length; x++) {
      img.setRGB(x, 0, values[x] * 0x010101);
    }
    return img;
  }

  private static int[] grayValues(BufferedImage img) {
    int[] px = Preprocessing.rgbPixels(img);
    int[] out = new int[px.length];
    for (int i = 0; i < px.length; i++) {
      assertThat(px[i] >> 16).isEqualTo(px[i] & 0xff);
      out[i] = px[i] & 0xff;
    }
    return out;
  }

  @Test
  void longSideKeepsAspectRatio() {
    BufferedImage landscape = Images.resizeToLongSide(filled(400, 300, 0), 200);
    assertThat(landscape.getWidth()).isEqualTo(200);
    assertThat(landscape.getHeight()).isEqualTo(150);
    BufferedImage portrait = Images.resizeToLongSide(filled(300, 400, 0), 200);
    assertThat(portrait.getWidth()).isEqualTo(150);
    assertThat(portrait.getHeight()).isEqualTo(200);
    BufferedImage up = Images.resizeToLongSide(filled(30, 20, 0), 61);
    assertThat(up.getWidth()).isEqualTo(61);
    assertThat(up.getHeight()).isEqualTo(41); // 40.67 rounded
    BufferedImage thin = Images.resizeToLongSide(filled(1000, 1, 0), 10);
    assertThat(thin.getWidth()).isEqualTo(10);
    assertThat(thin.getHeight()).isEqualTo(1);
    BufferedImage thinner = Images.resizeToLongSide(filled(1000, 3, 0), 10);
    assertThat(thinner.getHeight()).isEqualTo(1); // 0.03 rounds to 0, kept at 1
  }

  @Test
  void exactSizeAndType() {
    BufferedImage r = Images.resize(filled(100, 50, 0x102030), 33, 17);
    assertThat(r.getWidth()).isEqualTo(33);
    assertThat(r.getHeight()).isEqualTo(17);
    assertThat(r.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
  }

  @Test
  void constantImageStaysConstantWhenShrinkingEnlargingOrBoth() {
    int c = 0x7b2dc8;
    BufferedImage src = filled(37, 23, c);
    for (int[] size : new int[][] {{10, 7}, {80, 51}, {80, 5}, {3, 60}, {37, 23}, {1, 1}}) {
      BufferedImage r = Images.resize(src, size[0], size[1]);
      assertThat(Preprocessing.rgbPixels(r)).as("%dx%d", size[0], size[1]).containsOnly(c);
    }
  }

  @Test
  void boxAverageOfACheckerboardIsMidGrey() {
    BufferedImage board = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        board.setRGB(x, y, (x + y) % 2 == 0 ? 0xffffff : 0);
      }
    }
    // 127.5 rounds half up.
    assertThat(grayValues(Images.resize(board, 2, 2))).containsExactly(128, 128, 128, 128);
  }

  @Test
  void fractionalBoxWeightsFollowCoveredArea() {
    // 3 -> 2: each output covers 1.5 source pixels.
    assertThat(grayValues(Images.resize(grayRow(0, 90, 180), 2, 1))).containsExactly(30, 150);
    assertThat(grayValues(Images.resize(grayRow(0, 90, 180), 1, 1))).containsExactly(90);
    // 4 -> 2 along x only, rows independent.
    assertThat(grayValues(Images.resize(grayRow(10, 20, 200, 100), 2, 1))).containsExactly(15, 150);
  }

  @Test
  void bicubicEnlargementReproducesALinearRamp() {
    int[] ramp = new int[8];
    for (int i = 0; i < 8; i++) {
      ramp[i] = 30 * i;
    }
    int[] out = grayValues(Images.resize(grayRow(ramp), 16, 1));
    // Output pixel i samples source position i/2 - 0.25; away from the edges cubic is exact there.
    for (int i = 3; i <= 12; i++) {
      assertThat(out[i]).as("pixel %d", i).isEqualTo((int) Math.floor(30 * (i / 2.0 - 0.25) + 0.5));
    }
    // Beyond the outer pixel centres the edge is replicated, and Catmull-Rom overshoots a little
    // (as PIL's bicubic does): 210 + 30 * 0.0703 at the right end, clipped to 0 at the left.
    assertThat(out[0]).isEqualTo(0);
    assertThat(out[15]).isEqualTo(212);
  }

  @Test
  void enlargingAStepIsSymmetricMonotoneAndClipped() {
    int[] out = grayValues(Images.resize(grayRow(0, 255), 4, 1));
    assertThat(out[0] + out[3]).isEqualTo(255);
    assertThat(out[1] + out[2]).isEqualTo(255);
    assertThat(out).isSorted();
    assertThat(out[0]).isBetween(0, 30);
  }

  @Test
  void subImagesAndNonRgbImagesAreHandled() {
    BufferedImage big = ImagesTest.gradient(20, 20);
    BufferedImage sub = big.getSubimage(5, 6, 4, 3);
    BufferedImage same = Images.resize(sub, 4, 3);
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 4; x++) {
        assertThat(same.getRGB(x, y)).isEqualTo(big.getRGB(x + 5, y + 6));
      }
    }
    BufferedImage argb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
    assertThat(Preprocessing.rgbPixels(Images.resize(argb, 2, 2))).containsOnly(0xffffff);
  }

  @Test
  void isDeterministic() {
    BufferedImage src = ImagesTest.gradient(97, 61);
    assertThat(Preprocessing.rgbPixels(Images.resize(src, 40, 130)))
        .isEqualTo(Preprocessing.rgbPixels(Images.resize(src, 40, 130)));
  }

  @Test
  void rejectsEmptySizes() {
    BufferedImage src = filled(4, 4, 0);
    assertThatThrownBy(() -> Images.resize(src, 0, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 x 3");
    assertThatThrownBy(() -> Images.resizeToLongSide(src, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
