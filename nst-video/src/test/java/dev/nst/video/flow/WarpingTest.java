package dev.nst.video.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class WarpingTest {
  private static Plane ramp(int w, int h) {
    float[] a = new float[w * h];
    for (int i = 0; i < a.length; i++) {
      a[i] = (i * 37) % 101;
    }
    return Plane.of(w, h, a);
  }

  @Test
  void identityFlowReturnsTheSameValues() {
    Plane p = ramp(7, 5);
    assertThat(Warping.warp(p, Flow.uniform(7, 5, 0, 0)).values()).containsExactly(p.values());
  }

  @Test
  void integerShiftMovesEverySampleThatStaysInside() {
    Plane p = ramp(9, 6);
    Plane shifted = Warping.warp(p, Flow.uniform(9, 6, 2, -1));
    for (int y = 1; y < 6; y++) {
      for (int x = 0; x < 7; x++) {
        assertThat(shifted.get(x, y)).as("(%s, %s)", x, y).isEqualTo(p.get(x + 2, y - 1));
      }
    }
    // outside the source the border sample repeats
    assertThat(shifted.get(8, 0)).isEqualTo(p.get(8, 0));
  }

  @Test
  void halfPixelShiftAveragesNeighbours() {
    Plane p = Plane.of(3, 1, new float[] {0, 10, 30});
    assertThat(Warping.warp(p, Flow.uniform(3, 1, 0.5f, 0)).values()).containsExactly(5f, 20f, 30f);
  }

  @Test
  void rgbImagesWarpPerChannel() {
    BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 4; x++) {
      img.setRGB(x, 0, 0x102030 * (x + 1));
      img.setRGB(x, 1, 0x010203 * (x + 5));
    }
    BufferedImage out = Warping.warp(img, Flow.uniform(4, 2, 1, 0));
    assertThat(out.getRGB(0, 0) & 0xffffff).isEqualTo(0x102030 * 2);
    assertThat(out.getRGB(2, 1) & 0xffffff).isEqualTo(0x010203 * 8);
  }

  @Test
  void channelsOfAFloatImageWarpAlike() {
    float[] chw = new float[2 * 3 * 2];
    for (int i = 0; i < chw.length; i++) {
      chw[i] = i;
    }
    float[] out = Warping.warpChannels(chw, 2, Flow.uniform(3, 2, 1, 0));
    assertThat(out).containsExactly(1, 2, 2, 4, 5, 5, 7, 8, 8, 10, 11, 11);
  }

  @Test
  void sizesMustAgree() {
    assertThatThrownBy(() -> Warping.warp(ramp(4, 4), Flow.uniform(4, 3, 0, 0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 x 4").hasMessageContaining("4 x 3");
  }
}
