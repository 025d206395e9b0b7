package dev.nst.core.spi;

import static dev.nst.core.spi.TinyNetworks.ramp;
import static dev.nst.core.spi.TinyNetworks.tiny;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.nst.api.Layer;
import dev.nst.api.LossBreakdown;
import dev.nst.api.LossNormalization;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.ObjectiveSpec.ContentTarget;
import dev.nst.api.ObjectiveSpec.StyleTarget;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.UnknownLayerException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectivePlanTest {
  private static final Tensor MASK = ramp(0, 1, 1, 3, 4);

  /** Content at r2 (w 0.5); style at r1 (w 2) and, guided, at r2 (w 1); alpha 10, beta 100, gamma 0.25; 6x8. */
  private static ObjectiveSpec spec(LossNormalization normalization, boolean normalizeGradients) {
    return new ObjectiveSpec(
        List.of(new ContentTarget("r2", 0.5, Tensor.zeros(1, 4, 3, 4))),
        List.of(new StyleTarget("r1", 2.0, ramp(1, 3, 3)), new StyleTarget("r2", 1.0, ramp(0.5f, 4, 4), MASK)),
        10, 100, 0.25, Pooling.AVERAGE, 6, 8, normalization, normalizeGradients);
  }

  @Test
  void networkIsCutAfterTheDeepestLayerAndPooledAsTheSpecSays() {
    ObjectivePlan plan = ObjectivePlan.of(tiny(), spec(LossNormalization.CLASSIC, false));
    assertThat(plan.network().layerNames()).containsExactly("c1", "r1", "p1", "c2", "r2");
    assertThat(((Layer.Pool) plan.network().layers().get(2)).kind()).isEqualTo(Pooling.AVERAGE);
    assertThat(plan.imageShape()).containsExactly(1, 2, 6, 8);
    assertThat(plan.imageSize()).isEqualTo(96);
  }

  @Test
  void classicFactorsAreTheHandComputedOnes() {
    ObjectivePlan plan = ObjectivePlan.of(tiny(), spec(LossNormalization.CLASSIC, false));

    ContentTerm c = plan.content().get(0);
    assertThat(c.site()).isEqualTo(new LayerSite("r2", 4, 4, 3, 4));
    assertThat(c.lossFactor()).isCloseTo(1.0 / 192, withinPercentage(1e-10)); // 1 / (4 C H W)
    assertThat(c.strength()).isEqualTo(5.0); // alpha w
    assertThat(c.gradientFactor()).isCloseTo(2.0 * 5 / 192, withinPercentage(1e-10));

    StyleTerm s1 = plan.style().get(0);
    assertThat(s1.site()).isEqualTo(new LayerSite("r1", 1, 3, 6, 8));
    assertThat(s1.statistic()).isEqualTo(StyleStatistic.GRAM);
    assertThat(s1.lossFactor()).isCloseTo(1.0 / (4 * 9 * 48 * 48), withinPercentage(1e-10)); // 1 / (4 C^2 (HW)^2)
    assertThat(s1.strength()).isEqualTo(200.0); // beta w
    assertThat(s1.gradientFactor()).isCloseTo(4.0 * 200 / (4 * 9 * 48 * 48), withinPercentage(1e-10));
    assertThat(s1.hasMask()).isFalse();

    StyleTerm s2 = plan.style().get(1);
    assertThat(s2.index()).isEqualTo(1);
    assertThat(s2.site().layerIndex()).isEqualTo(4);
    assertThat(s2.lossFactor()).isCloseTo(1.0 / (4 * 16 * 12 * 12), withinPercentage(1e-10));
    assertThat(s2.gradientFactor()).isCloseTo(4.0 * 100 / (4 * 16 * 12 * 12), withinPercentage(1e-10));
    assertThat(s2.mask()).isSameAs(MASK);

    assertThat(plan.totalVariationGradientFactor()).isEqualTo(0.5);
    assertThat(plan.differentiatesTotalVariation()).isTrue();
    assertThat(plan.normalizesGradients()).isFalse();
  }

  @Test
  void otherNormalisationsChangeTheLossFactors() {
    ObjectivePlan plan = ObjectivePlan.of(tiny(), spec(LossNormalization.GRAM_BY_ELEMENTS, false));
    assertThat(plan.content().get(0).lossFactor()).isCloseTo(1.0 / 48, withinPercentage(1e-10)); // 1 / (C H W)
    assertThat(plan.style().get(0).lossFactor()).isCloseTo(1.0 / (81 * 48 * 48), withinPercentage(1e-10)); // 1 / (C^4 (HW)^2)
  }

  @Test
  void normalisedGradientsKeepTheUnweightedFactorAndTheStrength() {
    ObjectivePlan plan = ObjectivePlan.of(tiny(), spec(LossNormalization.CLASSIC, true));
    assertThat(plan.normalizesGradients()).isTrue();
    assertThat(plan.content().get(0).gradientFactor()).isCloseTo(2.0 / 192, withinPercentage(1e-10));
    assertThat(plan.content().get(0).strength()).isEqualTo(5.0);
    assertThat(plan.style().get(0).gradientFactor()).isCloseTo(4.0 / (4 * 9 * 48 * 48), withinPercentage(1e-10));
    assertThat(plan.style().get(0).strength()).isEqualTo(200.0);
  }

  @Test
  void styleTargetsAreTheMeanGramTimesTheGeneratedLayersPositions() {
    ObjectiveSpec spec = spec(LossNormalization.CLASSIC, false);
    ObjectivePlan plan = ObjectivePlan.of(tiny(), spec);
    assertThat(plan.style().get(0).target().toArray()).containsExactly(48, 96, 144, 192, 240, 288, 336, 384, 432);
    float[] r2 = plan.style().get(1).target().toArray();
    assertThat(plan.style().get(1).target().shape()).containsExactly(4, 4);
    for (int i = 0; i < r2.length; i++) {
      assertThat(r2[i]).as("value %d", i).isEqualTo((0.5f + i) * 12);
    }
    // the content target is fed as it is
    assertThat(plan.content().get(0).target()).isSameAs(spec.content().get(0).activation());
    assertThat(spec.style().get(0).meanGram().get(0)).as("the spec's target is left alone").isEqualTo(1f);
  }

  @Test
  void termsListContentThenStyleAndBreakdownWeighsThem() {
    ObjectivePlan plan = ObjectivePlan.of(tiny(), spec(LossNormalization.CLASSIC, false));
    assertThat(plan.terms()).containsExactly(plan.content().get(0), plan.style().get(0), plan.style().get(1));
    LossBreakdown b = plan.breakdown(new double[] {1, 2, 3}, 4);
    assertThat(b.content()).isEqualTo(0.5); // w 0.5 times 1
    assertThat(b.style()).isEqualTo(7.0); // 2 * 2 + 1 * 3
    assertThat(b.total()).isEqualTo(10 * 0.5 + 100 * 7 + 0.25 * 4);
    assertThat(b.styleByLayer()).containsEntry("r1", 2.0).containsEntry("r2", 3.0);
    assertThatThrownBy(() -> plan.breakdown(new double[] {1, 2}, 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("got 2 term losses for 3 terms");
  }

  @Test
  void requiresNamesEveryFeatureTheSpecUses() {
    assertThat(ObjectivePlan.of(tiny(), spec(LossNormalization.CLASSIC, false)).requires()).containsExactlyInAnyOrder(
        ObjectiveFeature.CONTENT, ObjectiveFeature.GRAM_STYLE, ObjectiveFeature.TOTAL_VARIATION,
        ObjectiveFeature.STYLE_MASKS);
    assertThat(ObjectivePlan.of(tiny(), spec(LossNormalization.CLASSIC, true)).requires()).containsExactlyInAnyOrder(
        ObjectiveFeature.CONTENT, ObjectiveFeature.GRAM_STYLE, ObjectiveFeature.TOTAL_VARIATION,
        ObjectiveFeature.STYLE_MASKS, ObjectiveFeature.NORMALIZED_GRADIENTS);
    ObjectiveSpec styleOnly = new ObjectiveSpec(List.of(), List.of(new StyleTarget("r1", 1, ramp(1, 3, 3))), 1, 1, 0,
        Pooling.MAX, 6, 8);
    assertThat(ObjectivePlan.of(tiny(), styleOnly).requires())
        .containsExactlyInAnyOrder(ObjectiveFeature.GRAM_STYLE, ObjectiveFeature.TOTAL_VARIATION);
  }

  @Test
  void totalVariationOnlyPlansKeepTheFirstLayerAndSkipOnePixelAxes() {
    ObjectiveSpec tvOnly = new ObjectiveSpec(List.of(), List.of(), 1, 1, 2, Pooling.MAX, 1, 8);
    ObjectivePlan plan = ObjectivePlan.of(tiny(), tvOnly);
    assertThat(plan.terms()).isEmpty();
    assertThat(plan.network().layerNames()).containsExactly("c1");
    assertThat(plan.requires()).containsExactly(ObjectiveFeature.TOTAL_VARIATION);
    assertThat(plan.totalVariationAxes()).containsExactly(3); // one row: no vertical pairs
    assertThat(plan.totalVariationGradientFactor()).isEqualTo(4.0);
    assertThat(ObjectivePlan.of(tiny(), spec(LossNormalization.CLASSIC, false)).totalVariationAxes()).containsExactly(2, 3);
    assertThat(ObjectivePlan.of(tiny(), new ObjectiveSpec(List.of(), List.of(), 1, 1, 2, Pooling.MAX, 1, 1))
        .totalVariationAxes()).isEmpty();
  }

  @Test
  void zeroWeightsAndGammaAreNotDifferentiated() {
    ObjectiveSpec spec = new ObjectiveSpec(List.of(new ContentTarget("r2", 0, Tensor.zeros(1, 4, 3, 4))),
        List.of(new StyleTarget("r1", 1, ramp(1, 3, 3))), 1, 0, 0, Pooling.MAX, 6, 8);
    ObjectivePlan plan = ObjectivePlan.of(tiny(), spec);
    assertThat(plan.content().get(0).differentiated()).isFalse();
    assertThat(plan.style().get(0).differentiated()).isFalse();
    assertThat(plan.differentiatesTotalVariation()).isFalse();
  }

  @Test
  void aContentTargetOfTheWrongShapeSaysWhatTheLayerNeeds() {
    ObjectiveSpec spec = new ObjectiveSpec(List.of(new ContentTarget("r2", 1, Tensor.zeros(1, 4, 3, 5))), List.of(),
        1, 1, 0, Pooling.MAX, 6, 8);
    assertThatThrownBy(() -> ObjectivePlan.of(tiny(), spec)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the content target at layer r2 has shape [1, 4, 3, 5] but a 6x8 image needs [1, 4, 3, 4] there; "
            + "compute the content target from a content image of the generated image's size");
  }

  @Test
  void aStyleTargetOfTheWrongShapeSaysWhatTheLayerNeeds() {
    ObjectiveSpec spec = new ObjectiveSpec(List.of(), List.of(new StyleTarget("r1", 1, Tensor.zeros(4, 4))),
        1, 1, 0, Pooling.MAX, 6, 8);
    assertThatThrownBy(() -> ObjectivePlan.of(tiny(), spec)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the style target (mean Gram) at layer r1 has shape [4, 4] but a 6x8 image needs [3, 3] there; "
            + "compute style targets with the same network");
  }

  @Test
  void aMaskOfTheWrongShapeSaysWhatTheLayerNeeds() {
    ObjectiveSpec spec = new ObjectiveSpec(List.of(), List.of(new StyleTarget("r2", 1, Tensor.zeros(4, 4),
        Tensor.zeros(1, 1, 6, 8))), 1, 1, 0, Pooling.MAX, 6, 8);
    assertThatThrownBy(() -> ObjectivePlan.of(tiny(), spec)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the mask at layer r2 has shape [1, 1, 6, 8] but a 6x8 image needs [1, 1, 3, 4] there; "
            + "resize the mask to the layer's resolution");
  }

  @Test
  void anImageTooSmallForTheNetworkNamesTheLayerThatRunsOut() {
    ObjectiveSpec spec = new ObjectiveSpec(List.of(), List.of(new StyleTarget("c3", 1, Tensor.zeros(5, 5))),
        1, 1, 0, Pooling.MAX, 2, 8);
    assertThatThrownBy(() -> ObjectivePlan.of(tiny(), spec)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an input of 2x8 (height x width) is too small for network tiny: layer c3 would have no pixels "
            + "left; it needs at least 6x6");
  }

  @Test
  void unknownLayersAndMissingTargetsAreRefused() {
    ObjectiveSpec unknown = new ObjectiveSpec(List.of(), List.of(new StyleTarget("r9", 1, Tensor.zeros(4, 4))),
        1, 1, 0, Pooling.MAX, 6, 8);
    assertThatThrownBy(() -> ObjectivePlan.of(tiny(), unknown)).isInstanceOf(UnknownLayerException.class)
        .hasMessageContaining("r9");
    ObjectiveSpec missing = new ObjectiveSpec(List.of(new ContentTarget("r2", 1, null)), List.of(), 1, 1, 0,
        Pooling.MAX, 6, 8);
    assertThatThrownBy(() -> ObjectivePlan.of(tiny(), missing)).isInstanceOf(NullPointerException.class)
        .hasMessage("the content target at layer r2 is null");
    assertThatThrownBy(() -> ObjectivePlan.of(null, missing)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void termListsAreImmutable() {
    ObjectivePlan plan = ObjectivePlan.of(tiny(), spec(LossNormalization.CLASSIC, false));
    assertThatThrownBy(() -> plan.style().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> plan.requires().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(plan.imageShape()).isNotSameAs(plan.imageShape());
  }
}
