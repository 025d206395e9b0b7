package dev.nst.video.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.video.SyntheticVideo;
import org.junit.jupiter.api.Test;

class TvL1FlowTest {
  /** Pan (1.5, 0.7) px, zoom 1% and a square moving (2.5, -1) px per frame over a smooth texture. */
  private static final SyntheticVideo VIDEO =
      new SyntheticVideo(SyntheticVideo.texture(260, 200, 7), 128, 96, 1.5, 0.7, 0.99, 2.5, -1);

  @Test
  void endPointErrorOnAKnownFlowIsSmall() {
    Plane f1 = Plane.luma(VIDEO.frame(1));
    Plane f2 = Plane.luma(VIDEO.frame(2));
    Flow truth = VIDEO.flow(2, -1);
    Flow estimated = TvL1Flow.defaults().estimate(f2, f1);
    Plane consistent = Consistency.mask(truth, VIDEO.flow(1, 1));
    double epe = estimated.endPointError(truth, consistent);
    double zero = Flow.uniform(128, 96, 0, 0).endPointError(truth, consistent);
    System.out.printf("TV-L1 end-point error %.3f px on consistent pixels (zero flow: %.3f px), all pixels %.3f px%n",
        epe, zero, estimated.endPointError(truth, null));
    assertThat(zero).isGreaterThan(1.5);
    assertThat(epe).isLessThan(0.35);
  }

  @Test
  void aUniformIntegerShiftIsRecovered() {
    Plane a = Plane.luma(SyntheticVideo.texture(80, 60, 3));
    Plane shifted = Warping.warp(a, Flow.uniform(80, 60, 3, -2));
    // shifted(p) = a(p + (3, -2)): shifted's pixels are found in a at +(3, -2)
    Flow estimated = TvL1Flow.defaults().estimate(shifted, a);
    float[] inside = new float[80 * 60];
    for (int y = 6; y < 54; y++) {
      for (int x = 6; x < 70; x++) {
        inside[y * 80 + x] = 1;
      }
    }
    assertThat(estimated.endPointError(Flow.uniform(80, 60, 3, -2), Plane.of(80, 60, inside))).isLessThan(0.1);
  }

  @Test
  void badSettingsAndMismatchedFramesAreRefused() {
    assertThatThrownBy(() -> new TvL1Flow(0, 10, 0.15, 0.3, 16, 5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("warps");
    Plane a = Plane.of(8, 8, new float[64]);
    Plane b = Plane.of(8, 9, new float[72]);
    assertThatThrownBy(() -> TvL1Flow.defaults().estimate(a, b)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("8 x 9");
  }
}
