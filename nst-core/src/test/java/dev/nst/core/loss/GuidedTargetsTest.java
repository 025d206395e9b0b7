package dev.nst.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nst.api.LayerWeight;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Spatial control: {@link Targets#guidedStyle} and the {@link Masks} it samples. */
class GuidedTargetsTest {
  static final int H = 6;
  static final int W = 8;
  static final List<LayerWeight> LAYERS = List.of(new LayerWeight("mix", 0.6), new LayerWeight("pool", 1.5));

  final LinearFeatureExtractor fx = new LinearFeatureExtractor(21);
  final Random random = new Random(22);
  final Tensor first = Tensor.of(ClassicLossesTest.random(random, 3 * 8 * 10), 1, 3, 8, 10);
  final Tensor second = Tensor.of(ClassicLossesTest.random(random, 3 * 4 * 6), 1, 3, 4, 6);

  /** Weight 1 on the left half of the columns, 0 on the right. */
  static Tensor leftHalf(int h, int w) {
    float[] v = new float[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w / 2; x++) {
        v[y * w + x] = 1f;
      }
    }
    return Tensor.adopt(v, 1, 1, h, w);
  }

  @Test
  void wholeRegionsKeepEachImagesTargetsWithItsShareOfTheWeight() {
    List<ObjectiveSpec.StyleTarget> t = Targets.guidedStyle(fx, fx.network(), List.of(first, second),
        new double[] {1, 3}, List.of(Masks.Region.whole(), Masks.Region.whole()), LAYERS, H, W);
    List<ObjectiveSpec.StyleTarget> a = Targets.style(fx, first, LAYERS);
    List<ObjectiveSpec.StyleTarget> b = Targets.style(fx, second, LAYERS);
    assertThat(t).extracting(ObjectiveSpec.StyleTarget::layer).containsExactly("mix", "pool", "mix", "pool");
    assertThat(t).extracting(ObjectiveSpec.StyleTarget::weight)
        .containsExactly(0.6 * 0.25, 1.5 * 0.25, 0.6 * 0.75, 1.5 * 0.75);
    assertThat(t.get(0).meanGram()).isEqualTo(a.get(0).meanGram());
    assertThat(t.get(1).meanGram()).isEqualTo(a.get(1).meanGram());
    assertThat(t.get(2).meanGram()).isEqualTo(b.get(0).meanGram());
    assertThat(t.get(3).meanGram()).isEqualTo(b.get(1).meanGram());
    assertThat(t.get(0).mask()).isEqualTo(Masks.ones(H, W));
    assertThat(t.get(1).mask()).isEqualTo(Masks.ones(H / 2, W / 2));
  }

  @Test
  void aRegionIsSampledAtEachLayersResolutionAndScalesTheTargetByItsCoverage() {
    List<int[]> asked = new ArrayList<>();
    Masks.Region half = (h, w) -> {
      asked.add(new int[] {h, w});
      return leftHalf(h, w);
    };
    List<ObjectiveSpec.StyleTarget> t = Targets.guidedStyle(fx, fx.network(), List.of(first), new double[] {2},
        List.of(half), LAYERS, H, W);
    assertThat(asked).containsExactly(new int[] {H, W}, new int[] {H / 2, W / 2});
    List<ObjectiveSpec.StyleTarget> whole = Targets.style(fx, first, LAYERS);
    for (int l = 0; l < 2; l++) {
      assertThat(t.get(l).weight()).isEqualTo(LAYERS.get(l).weight());
      assertThat(t.get(l).mask()).isEqualTo(leftHalf(l == 0 ? H : H / 2, l == 0 ? W : W / 2));
      Tensor g = whole.get(l).meanGram();
      for (int i = 0; i < g.size(); i++) {
        assertThat(t.get(l).meanGram().get(i)).isCloseTo(0.5f * g.get(i), within(1e-6f * Math.abs(g.get(i))));
      }
    }
  }

  @Test
  void everyStyleImageNeedsAWeightAndARegion() {
    assertThatThrownBy(() -> Targets.guidedStyle(fx, fx.network(), List.of(first, second), new double[] {1, 1},
        List.of(Masks.Region.whole()), LAYERS, H, W))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("got 2 style images, 2 blend weights and 1 regions; give one of each per image");
  }

  @Test
  void greyMasksAreTheMeanOfTheChannels() {
    Tensor m = Masks.grey(new int[] {0xffffff, 0x000000, 0x808080, 0xff102030}, 2, 2);
    assertThat(m.shape()).containsExactly(1, 1, 2, 2);
    assertThat(m.toArray()).containsExactly(1f, 0f, 384f / 765f, 96f / 765f);
    assertThatThrownBy(() -> Masks.grey(new int[3], 2, 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("got 3 pixels for a 2x2 mask");
  }

  @Test
  void theWholeRegionIsOnesAtAnySize() {
    assertThat(Masks.Region.whole().at(2, 3)).isEqualTo(Tensor.of(new float[] {1, 1, 1, 1, 1, 1}, 1, 1, 2, 3));
    assertThat(Masks.coverage(Masks.ones(4, 5))).isEqualTo(1.0);
    assertThat(Masks.coverage(leftHalf(4, 6))).isEqualTo(0.5);
  }
}
