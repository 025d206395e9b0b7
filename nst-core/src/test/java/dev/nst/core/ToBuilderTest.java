package dev.nst.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.CancellationToken;
import dev.nst.api.LayerWeight;
import dev.nst.api.LossBreakdown;
import dev.nst.api.LossNormalization;
import dev.nst.api.Pooling;
import dev.nst.api.ProgressEvent;
import dev.nst.api.spi.Device;
import dev.nst.core.color.ColorControl;
import dev.nst.core.image.Images;
import dev.nst.core.loss.ClassicContentLoss;
import dev.nst.core.loss.SquaredTotalVariation;
import dev.nst.core.optim.Adam;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StyleTransfer#toBuilder()}: a copy that behaves as the original and changes apart from it. */
class ToBuilderTest {
  @TempDir Path dir;

  static BufferedImage image(int seed, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = (x * 16 + seed * 40) & 255;
        int g = ((x + y) * 9 * seed) & 255;
        int b = (y * 21 + (x % 3) * 60) & 255;
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return img;
  }

  static BufferedImage filled(int w, int h, int rgb) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  /** White on the left half, black on the right. */
  static BufferedImage leftHalf(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w / 2; x++) {
        img.setRGB(x, y, 0xffffff);
      }
    }
    return img;
  }

  static StyleTransfer.Builder onHost() {
    return StyleTransfer.builder().backend(HostTestBackend.NAME).model(HostTestBackend.network())
        .contentLayers("conv1_1").styleLayers("conv1_1").content(image(1, 16, 12)).size(16);
  }

  /** Every setting away from its default, so that a setting lost on the way shows. */
  StyleTransfer.Builder everySetting() {
    return onHost()
        .style(image(3, 20, 14), 2.0)
        .style(image(5, 9, 9), 0.5, leftHalf(8, 6))
        .colorControl(ColorControl.MATCH_STYLE_TO_CONTENT)
        .pooling(Pooling.AVERAGE)
        .alpha(3).beta(70).gamma(0.25)
        .normalization(LossNormalization.GRAM_BY_ELEMENTS)
        .normalizeGradients(true)
        .resolutionInvariant(true)
        .totalVariationLoss(new SquaredTotalVariation())
        .styleScale(0.75)
        .init(Init.noise()).seed(42)
        .optimizer(Adam.withLearningRate(0.05))
        .iterations(9)
        .output(dir.resolve("out.png")).saveEvery(4)
        .device(Device.CPU).threads(1).memoryLimit(1L << 30)
        .listener(e -> {})
        .cancellation(new CancellationToken());
  }

  static long[] pixels(BufferedImage img) {
    long[] out = new long[img.getWidth() * img.getHeight()];
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        out[y * img.getWidth() + x] = img.getRGB(x, y);
      }
    }
    return out;
  }

  @Test
  void theCopyRunsToTheSameImageAndLosses() {
    StyleTransfer original = everySetting().build();
    StyleTransferResult a = original.run();
    BufferedImage written = Images.read(dir.resolve("out.png"));
    StyleTransferResult b = original.toBuilder().build().run();
    assertThat(a.history()).hasSize(9);
    assertThat(b.history()).isEqualTo(a.history());
    assertThat(pixels(b.image())).isEqualTo(pixels(a.image()));
    assertThat(pixels(Images.read(dir.resolve("out.png")))).isEqualTo(pixels(written));
    assertThat(dir.resolve("out_iter4.png")).exists();
    assertThat(a.compiled()).isFalse();
  }

  @Test
  void theCopyHoldsEverySetting() {
    StyleTransfer original = everySetting().build();
    assertThat(original.toBuilder().build().settings()).isEqualTo(original.settings());
    StyleTransfer scaled = everySetting().scales(new Scales(List.of(8, 16), List.of(3, 2))).build();
    assertThat(scaled.toBuilder().build().settings()).isEqualTo(scaled.settings());
    StyleTransfer plain = onHost().style(image(3, 20, 14)).build();
    assertThat(plain.toBuilder().build().settings()).isEqualTo(plain.settings());
    assertThat(plain.settings().losses().custom()).isNull();
  }

  @Test
  void aSingleScaleComesBackAsSizeAndIterations() {
    StyleTransfer original = onHost().style(image(3, 20, 14)).size(40).iterations(7).build();
    StyleTransfer.Builder copy = original.toBuilder();
    assertThat(copy.build().settings().schedule().scales()).isEqualTo(Scales.single(40, 7));
    assertThat(copy.size(24).build().settings().schedule().scales()).isEqualTo(Scales.single(24, 7));
  }

  @Test
  void changingTheCopyLeavesTheOriginalAsItWas() {
    List<ProgressEvent> originalEvents = new ArrayList<>();
    List<ProgressEvent> copyEvents = new ArrayList<>();
    StyleTransfer original = onHost().style(image(3, 20, 14)).iterations(3).listener(originalEvents::add).build();
    Settings before = original.settings();
    StyleTransfer copy = original.toBuilder().alpha(1).style(image(7, 10, 10), 4.0).listener(copyEvents::add)
        .contentLoss(new ClassicContentLoss()).contentLayers(List.of(new LayerWeight("conv1_1", 0.5))).iterations(2).build();

    assertThat(original.settings()).isSameAs(before);
    assertThat(original.settings().losses().alpha()).isEqualTo(10);
    assertThat(original.settings().styles()).hasSize(1);
    assertThat(original.settings().execution().listeners()).hasSize(1);
    assertThat(original.settings().losses().custom()).isNull();
    assertThat(original.settings().layers().content()).containsExactly(new LayerWeight("conv1_1", 1.0));
    assertThat(copy.settings().losses().alpha()).isEqualTo(1);
    assertThat(copy.settings().styles()).hasSize(2);
    assertThat(copy.settings().execution().listeners()).hasSize(2);

    List<LossBreakdown> history = original.run().history();
    assertThat(history).hasSize(3);
    assertThat(originalEvents).hasSize(3);
    assertThat(copyEvents).as("the copy's own listener is not the original's").isEmpty();
    copy.run();
    assertThat(copyEvents).hasSize(2);
    assertThat(originalEvents).as("the copy keeps the original's listener").hasSize(5);
  }

  @Test
  void changingTheBuilderAfterBuildLeavesTheBuiltTransferAsItWas() {
    StyleTransfer.Builder builder = onHost().style(image(3, 20, 14));
    StyleTransfer built = builder.build();
    Settings before = built.settings();
    builder.style(image(4, 8, 8)).beta(1).listener(e -> {}).size(8);
    assertThat(built.settings()).isEqualTo(before);
    assertThat(built.settings().styles()).hasSize(1);
    assertThat(built.settings().losses().beta()).isEqualTo(40);
    assertThat(built.settings().schedule().scales()).isEqualTo(Scales.single(16, 300));
    assertThat(builder.build().settings().styles()).hasSize(2);
  }

  @Test
  void aWhiteMaskIsTheWholeImageAndABlackMaskRemovesTheStyle() {
    BufferedImage style = image(3, 20, 14);
    double plain = onHost().style(style).iterations(1).build().run().initialLoss().style();
    double white = onHost().style(style, 1.0, filled(5, 3, 0xffffff)).iterations(1).build().run().initialLoss().style();
    double black = onHost().style(style, 1.0, filled(5, 3, 0)).iterations(1).build().run().initialLoss().style();
    assertThat(plain).isPositive();
    assertThat(white).isCloseTo(plain, Percentage.withPercentage(1e-4));
    assertThat(black).isZero();
  }
}
