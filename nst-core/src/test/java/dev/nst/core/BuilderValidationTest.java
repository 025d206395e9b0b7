package dev.nst.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.LayerWeight;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder refuses bad values at once, and its messages carry the value. */
class BuilderValidationTest {
  static final BufferedImage IMAGE = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);

  @Test
  void badNumbersAreIllegalArgumentsNamingTheValue() {
    StyleTransfer.Builder b = StyleTransfer.builder();
    assertThatThrownBy(() -> b.size(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size must be positive, got 0");
    assertThatThrownBy(() -> b.iterations(-2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("iterations must be >= 1, got -2");
    assertThatThrownBy(() -> b.alpha(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alpha must be finite and >= 0, got NaN");
    assertThatThrownBy(() -> b.gamma(-0.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gamma must be finite and >= 0, got -0.5");
    assertThatThrownBy(() -> b.styleScale(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("style scale must be positive, got Infinity");
    assertThatThrownBy(() -> b.style(IMAGE, 0.0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("style blend weight must be positive and finite, got 0.0");
    assertThatThrownBy(() -> b.memoryLimit(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("memoryLimit must be >= 0 (0 = no check), got -1");
    assertThatThrownBy(() -> b.saveEvery(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("saveEvery must be >= 0, got -1");
    assertThatThrownBy(() -> b.threads(-3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threads must be >= 0, got -3");
    assertThatThrownBy(() -> b.styleLayers(List.<LayerWeight>of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at least one style layer is needed");
    assertThatThrownBy(() -> b.contentLayers((List<LayerWeight>) null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at least one content layer is needed");
  }

  @Test
  void nullsAreNullPointersNamingTheArgument() {
    StyleTransfer.Builder b = StyleTransfer.builder();
    assertThatThrownBy(() -> b.content((Path) null)).isInstanceOf(NullPointerException.class).hasMessage("content");
    assertThatThrownBy(() -> b.model((String) null)).isInstanceOf(NullPointerException.class).hasMessage("model name");
    assertThatThrownBy(() -> b.optimizer(null)).isInstanceOf(NullPointerException.class).hasMessage("optimizer");
  }

  @Test
  void aStyleWithoutItsMaskIsNotAdded() {
    StyleTransfer.Builder b = StyleTransfer.builder().model(HostTestBackend.network()).content(IMAGE);
    assertThatThrownBy(() -> b.style(IMAGE, 1.0, null)).isInstanceOf(NullPointerException.class)
        .hasMessage("regionMask");
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessage("no style image: call style(path) or style(image) at least once");
  }

  @Test
  void buildSaysWhichCallIsMissing() {
    assertThatThrownBy(() -> StyleTransfer.builder().style(IMAGE).model(HostTestBackend.network()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no content image: call content(path) or content(image)");
    assertThatThrownBy(() -> StyleTransfer.builder().content(IMAGE).style(IMAGE).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no model: call model(\"vgg19\") for a registered model, model(path to a model file) or model(network)");
    assertThatThrownBy(() -> StyleTransfer.builder().content(IMAGE).style(IMAGE).model(HostTestBackend.network())
        .saveEvery(5).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("saveEvery needs output(path) to know where to write the snapshots");
  }
}
