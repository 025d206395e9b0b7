package dev.nst.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.LayerWeight;
import dev.nst.api.PaddingMode;
import dev.nst.api.StyleLossKind;
import dev.nst.core.model.ModelRegistry;
import dev.nst.core.optim.Adam;
import dev.nst.core.optim.Lbfgs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The quality preset's settings, the sqrt(2) schedule, and presets following each other. */
class QualityPresetTest {

  private static StyleTransfer.Builder base() {
    return StyleTransfer.builder().content(Path.of("c.png")).style(Path.of("s.png")).model("darknet-tiny");
  }

  @Test
  void qualitySetsCrowsonkbsRecipeOnTheModelsOwnLayers() {
    Settings s = base().preset(Preset.QUALITY).build().settings();
    assertThat(s.losses().styleLoss()).isEqualTo(StyleLossKind.W2);
    assertThat(s.losses().alpha()).isEqualTo(0.015);
    assertThat(s.losses().beta()).isEqualTo(1);
    assertThat(s.padding()).isEqualTo(PaddingMode.REPLICATE);
    assertThat(s.schedule().averageDecay()).isEqualTo(0.99);
    assertThat(s.schedule().optimizer()).isEqualTo(Adam.quality());
    assertThat(s.schedule().scales()).isEqualTo(Scales.progressive(512, 300));
    List<LayerWeight> model = ModelRegistry.builtIn().get("darknet-tiny").styleLayers();
    assertThat(s.layers().style()).extracting(LayerWeight::layer)
        .containsExactlyElementsOf(model.stream().map(LayerWeight::layer).toList());
    // 64:16:4:1, normalised
    assertThat(s.layers().style()).extracting(LayerWeight::weight)
        .containsExactly(64.0 / 85, 16.0 / 85, 4.0 / 85, 1.0 / 85);
    assertThat(s.layers().contentFromModel()).isTrue();
  }

  @Test
  void aClassicPresetAfterQualityRestoresEverything() {
    Settings s = base().preset(Preset.QUALITY).preset(Preset.CLASSIC).build().settings();
    assertThat(s.losses().styleLoss()).isEqualTo(StyleLossKind.GRAM);
    assertThat(s.padding()).isEqualTo(PaddingMode.ZEROS);
    assertThat(s.schedule().averageDecay()).isZero();
    assertThat(s.schedule().optimizer()).isEqualTo(Lbfgs.defaults());
    assertThat(s.schedule().scales()).isEqualTo(Scales.single(512, 300));
    // the builder's defaults, so that classic suits every model (Darknet Tiny has no relu5_1)
    assertThat(s).isEqualTo(base().build().settings());
  }

  @Test
  void laterSettersOverrideThePresetAndSurviveToBuilder() {
    StyleTransfer t = base().preset(Preset.QUALITY).styleLoss(StyleLossKind.HISTOGRAM).averageIterates(0)
        .padding(PaddingMode.REFLECT).build();
    Settings s = t.toBuilder().build().settings();
    assertThat(s).isEqualTo(t.settings());
    assertThat(s.losses().styleLoss()).isEqualTo(StyleLossKind.HISTOGRAM);
    assertThat(s.schedule().averageDecay()).isZero();
    assertThat(s.padding()).isEqualTo(PaddingMode.REFLECT);
    assertThat(s.layers().styleDecay()).isEqualTo(4);
  }

  @Test
  void progressiveScalesGrowBySqrtTwoAndSpendTheBudget() {
    Scales s = Scales.progressive(512, 200);
    assertThat(s.longSides()).containsExactly(128, 181, 256, 362, 512);
    assertThat(s.iterations()).containsExactly(200, 100, 100, 100, 100);
    double cost = 0;
    for (int i = 0; i < s.longSides().size(); i++) {
      cost += s.iterations().get(i) * Math.pow(s.longSides().get(i) / 512.0, 2);
    }
    assertThat(cost).isCloseTo(200, org.assertj.core.api.Assertions.within(0.1)); // 181 and 362 are rounded
    assertThat(Scales.progressive(100, 50).longSides()).containsExactly(100);
    assertThat(Scales.progressive(100, 50).iterations()).containsExactly(50);
  }
}
