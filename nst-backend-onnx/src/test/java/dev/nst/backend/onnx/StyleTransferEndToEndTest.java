package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.CancellationToken;
import dev.nst.api.ProgressEvent;
import dev.nst.core.Init;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import dev.nst.core.image.Images;
import dev.nst.core.Preset;
import dev.nst.core.Scales;
import dev.nst.core.color.ColorControl;
import dev.nst.core.color.Colors;
import dev.nst.core.loss.ClassicContentLoss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on the ONNX backend with a reference network and the sample images. */
class StyleTransferEndToEndTest {
  static final Path CONTENT = Path.of("../examples/images/chelsea.jpg");
  static final Path STYLE = Path.of("../examples/images/mosaic.png");

  static StyleTransfer.Builder base() {
    return StyleTransfer.builder()
        .model(OnnxObjectiveSmokeTest.ref().resolve("case01_default/model.onnx"))
        .content(CONTENT)
        .style(STYLE)
        .size(64)
        .backend("onnx");
  }

  @Test
  void twentyLbfgsIterationsLowerTheLossAndWriteTheImage(@TempDir Path dir) throws Exception {
    List<ProgressEvent> events = new ArrayList<>();
    Path out = dir.resolve("out.png");
    StyleTransferResult r = base().iterations(20).listener(events::add).output(out).saveEvery(10).build().run();
    assertThat(r.compiled()).isTrue();
    assertThat(r.iterations()).isEqualTo(20);
    assertThat(events).hasSize(20);
    assertThat(events.get(19).iteration()).isEqualTo(20);
    assertThat(r.bestLoss().total()).isLessThan(r.initialLoss().total() / 3);
    assertThat(r.image().getWidth()).isEqualTo(64);
    assertThat(r.image().getHeight()).isEqualTo(43); // 451x300 scaled to a long side of 64
    assertThat(Images.read(out).getWidth()).isEqualTo(64);
    assertThat(dir.resolve("out_iter10.png")).exists();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("out.png", "out_iter10.png");
    }
  }

  @Test
  void cancellationStopsAfterTheCurrentIteration() {
    CancellationToken token = new CancellationToken();
    StyleTransferResult r = base().iterations(50).cancellation(token)
        .listener(e -> {
          if (e.iteration() == 3) {
            token.cancel();
          }
        }).build().run();
    assertThat(r.cancelled()).isTrue();
    assertThat(r.iterations()).isEqualTo(3);
  }

  @Test
  void customLossesRunOnTheHostAndAgreeWithTheCompiledObjective() {
    StyleTransferResult compiled = base().iterations(1).build().run();
    StyleTransferResult host = base().iterations(1).contentLoss(new ClassicContentLoss()).build().run();
    assertThat(host.compiled()).isFalse();
    assertThat(host.initialLoss().total())
        .isCloseTo(compiled.initialLoss().total(), org.assertj.core.data.Percentage.withPercentage(1e-2));
  }

  @Test
  void noiseInitIsSeededAndDiffersFromContentInit() {
    StyleTransferResult a = base().iterations(1).init(Init.noise()).seed(3).build().run();
    StyleTransferResult b = base().iterations(1).init(Init.noise()).seed(3).build().run();
    StyleTransferResult c = base().iterations(1).init(Init.content()).build().run();
    assertThat(a.initialLoss().total()).isEqualTo(b.initialLoss().total());
    assertThat(a.initialLoss().content()).isGreaterThan(c.initialLoss().content());
  }

  /** Mean colour distance (RGB, 0..255) between two images of the same size. */
  static double meanColourDistance(java.awt.image.BufferedImage a, java.awt.image.BufferedImage b) {
    double[] ma = Colors.means(a);
    double[] mb = Colors.means(b);
    return Math.sqrt(Math.pow(ma[0] - mb[0], 2) + Math.pow(ma[1] - mb[1], 2) + Math.pow(ma[2] - mb[2], 2));
  }

  static java.awt.image.BufferedImage contentAt(java.awt.image.BufferedImage out) {
    return Images.resize(Images.read(CONTENT), out.getWidth(), out.getHeight());
  }

  @Test
  void keepContentColoursGivesTheContentsChrominance() {
    var plain = base().iterations(15).build().run().image();
    var kept = base().iterations(15).colorControl(ColorControl.KEEP_CONTENT_COLORS).build().run().image();
    double[] want = Colors.meanChrominance(contentAt(kept));
    double[] got = Colors.meanChrominance(kept);
    double[] drifted = Colors.meanChrominance(plain);
    double keptError = Math.hypot(got[0] - want[0], got[1] - want[1]);
    double plainError = Math.hypot(drifted[0] - want[0], drifted[1] - want[1]);
    assertThat(keptError).isLessThan(1.5);
    assertThat(plainError).isGreaterThan(3 * keptError);
  }

  @Test
  void luminanceOnlyTransferKeepsTheContentsChrominance() {
    var out = base().iterations(15).colorControl(ColorControl.LUMINANCE_ONLY).build().run().image();
    double[] want = Colors.meanChrominance(contentAt(out));
    double[] got = Colors.meanChrominance(out);
    assertThat(Math.hypot(got[0] - want[0], got[1] - want[1])).isLessThan(1.5);
  }

  @Test
  void matchingTheStylesColoursKeepsTheOutputNearTheContentsColours() {
    var plain = base().iterations(15).build().run().image();
    var matched = base().iterations(15).colorControl(ColorControl.MATCH_STYLE_TO_CONTENT).build().run().image();
    assertThat(meanColourDistance(matched, contentAt(matched)))
        .isLessThan(meanColourDistance(plain, contentAt(plain)));
  }

  @Test
  void coarseToFineRunsEachScaleAndEndsAtTheFinalSize() {
    List<Integer> sizes = new ArrayList<>();
    List<String> notices = new ArrayList<>();
    StyleTransferResult r = base().scales(new Scales(List.of(32, 64), List.of(6, 4)))
        .listener(new dev.nst.api.ProgressListener() {
          @Override
          public void onProgress(ProgressEvent e) {
            sizes.add(e.iterations());
          }

          @Override
          public void onNotice(String notice) {
            notices.add(notice);
          }
        }).build().run();
    assertThat(r.scales()).containsExactly(32, 64);
    assertThat(r.iterations()).isEqualTo(10);
    assertThat(sizes).containsExactly(6, 6, 6, 6, 6, 6, 4, 4, 4, 4);
    // each scale is announced, since its iterations count from 1 again
    assertThat(notices).containsExactly("scale 1/2: 32x21, 6 iterations", "scale 2/2: 64x43, 4 iterations");
    assertThat(r.image().getWidth()).isEqualTo(64);
    // the fine scale starts from the upsampled coarse result, far below a cold start's loss
    StyleTransferResult direct = base().iterations(1).build().run();
    assertThat(r.history().get(6).total()).isLessThan(direct.initialLoss().total());
  }

  @Test
  void resolutionInvariantTvDividesGammaByThePixelCount() {
    StyleTransferResult plain = base().gamma(1).iterations(1).build().run();
    StyleTransferResult inv = base().gamma(1).iterations(1).resolutionInvariant(true).build().run();
    var l = plain.initialLoss();
    double withoutTv = l.total() - l.totalVariation();
    assertThat(inv.initialLoss().total()).isCloseTo(withoutTv + l.totalVariation() / (3.0 * 43 * 64),
        org.assertj.core.data.Percentage.withPercentage(1e-3));
  }

  @Test
  void presetsCompileOnOnnxAndAgreeWithTheHostLosses() {
    for (Preset p : Preset.values()) {
      StyleTransferResult compiled = base().preset(p).iterations(1).build().run();
      StyleTransferResult host = base().preset(p).iterations(1)
          .contentLoss(new ClassicContentLoss(p.normalization()))
          .styleLoss(new dev.nst.core.loss.ClassicStyleLoss(p.normalization())).build().run();
      assertThat(compiled.compiled()).isTrue();
      assertThat(host.compiled()).isFalse();
      assertThat(compiled.initialLoss().style()).as(p.name())
          .isCloseTo(host.initialLoss().style(), org.assertj.core.data.Percentage.withPercentage(1e-2));
      assertThat(compiled.initialLoss().total()).as(p.name())
          .isCloseTo(host.initialLoss().total(), org.assertj.core.data.Percentage.withPercentage(1e-2));
    }
  }

  @Test
  void aNonFiniteLossStopsTheRunWithTheLastGoodImage(@TempDir Path dir) {
    int[] calls = {0};
    ClassicContentLoss classic = new ClassicContentLoss();
    dev.nst.api.ContentLoss poisoned = (g, t) -> {
      var v = classic.evaluate(g, t);
      return ++calls[0] >= 4 ? new dev.nst.api.LossValue(Double.NaN, v.gradient()) : v;
    };
    Path out = dir.resolve("best.png");
    var run = base().iterations(10).contentLoss(poisoned).output(out).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(run::run)
        .isInstanceOfSatisfying(dev.nst.api.NumericalFailureException.class, e -> {
          assertThat(e.getMessage()).contains("iteration 4").contains("NaN")
              .containsPattern("; wrote the best image so far \\(iteration [1-3]\\) to ");
          assertThat(e.lastGoodImage()).isPresent();
          assertThat(e.lastGoodImage().get().shape()).containsExactly(1, 3, 43, 64);
        });
    // the last good image is the output, as a finished run's would be
    assertThat(dev.nst.core.image.Images.read(out).getWidth()).isEqualTo(64);
  }

  @Test
  void parallelRunsGiveTheSameImagesAsSequentialOnes() throws Exception {
    StyleTransfer st = base().iterations(5).threads(1).build();
    var alone = st.run().image();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var a = pool.submit(st::run);
      var b = pool.submit(st::run);
      for (var f : List.of(a, b)) {
        var img = f.get().image();
        for (int y = 0; y < img.getHeight(); y++) {
          for (int x = 0; x < img.getWidth(); x++) {
            assertThat(img.getRGB(x, y)).isEqualTo(alone.getRGB(x, y));
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void sizesThatCannotFitAreRefusedUpFrontWithTheEstimate() {
    // 20000 px needs more heap than any test JVM has for its image arrays alone
    var run = base().size(20000).memoryLimit(1L << 30).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(run::run)
        .isInstanceOf(dev.nst.api.RunFailedException.class)
        .hasMessageContaining("20000x13304")
        .hasMessageContaining("of Java heap")
        .hasMessageContaining("raise it");
    // 1200 px fits the heap, but a budget of 300 MiB leaves no room for even the smallest tile
    var small = base().size(1200).memoryLimit(300L << 20).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(small::run)
        .isInstanceOf(dev.nst.api.RunFailedException.class)
        .hasMessageContaining("1200x798")
        .hasMessageContaining("memory budget of 0.29 GiB")
        .hasMessageContaining("smallest tile");
  }

  static java.awt.image.BufferedImage flat(int rgb, int w, int h) {
    var img = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  static java.awt.image.BufferedImage halfMask(boolean left, int w, int h) {
    var img = flat(0, w, h);
    for (int y = 0; y < h; y++) {
      for (int x = left ? 0 : w / 2; x < (left ? w / 2 : w); x++) {
        img.setRGB(x, y, 0xffffff);
      }
    }
    return img;
  }

  /** Mean blue minus mean red over a column range. */
  static double blueness(java.awt.image.BufferedImage img, int x0, int x1) {
    double s = 0;
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = x0; x < x1; x++) {
        int rgb = img.getRGB(x, y);
        s += (rgb & 255) - ((rgb >> 16) & 255);
        n++;
      }
    }
    return s / n;
  }

  @Test
  void spatialControlAppliesEachStyleInsideItsRegion() {
    Path darknet = Path.of(System.getProperty("nst.shared.dir"), "models/darknet-tiny");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(darknet),
        "../shared/models/darknet-tiny is absent (a fresh clone): the random-weight reference networks barely "
            + "respond to colour, so this check needs the pretrained network");
    var content = Images.read(CONTENT);
    StyleTransferResult r = StyleTransfer.builder()
        .model(darknet, dev.nst.api.InputConvention.UNIT)
        .contentLayers("relu4_4").styleLayers("relu1_1", "relu2_1", "relu3_2")
        .content(content).size(64).backend("onnx").iterations(40)
        .style(flat(0x2040e0, 64, 64), 1, halfMask(true, 451, 300))
        .style(flat(0xe03020, 64, 64), 1, halfMask(false, 451, 300))
        .build().run();
    assertThat(r.compiled()).isTrue();
    var out = r.image();
    int w = out.getWidth();
    double left = blueness(out, 0, w / 2 - 4);
    double right = blueness(out, w / 2 + 4, w);
    assertThat(left).as("the blue style's region (content there: %s)", blueness(Images.resize(content, w, out.getHeight()), 0, w / 2))
        .isGreaterThan(right + 100);
  }

  @Test
  void guidedGramsCompileAndAgreeWithTheHostPath() {
    StyleTransfer.Builder guided = base().iterations(1)
        .style(flat(0x2040e0, 64, 64), 1, halfMask(true, 451, 300))
        .style(flat(0xe03020, 64, 64), 2, halfMask(false, 451, 300));
    StyleTransferResult compiled = guided.build().run();
    StyleTransferResult host = guided.contentLoss(new ClassicContentLoss()).build().run();
    assertThat(compiled.compiled()).isTrue();
    assertThat(host.compiled()).isFalse();
    assertThat(host.initialLoss().style())
        .isCloseTo(compiled.initialLoss().style(), org.assertj.core.data.Percentage.withPercentage(1e-2));
    // the masks matter: without them the same styles give another loss
    StyleTransferResult unguided = base().iterations(1).style(flat(0x2040e0, 64, 64), 1).style(flat(0xe03020, 64, 64), 2)
        .build().run();
    assertThat(unguided.initialLoss().style()).isNotCloseTo(compiled.initialLoss().style(),
        org.assertj.core.data.Percentage.withPercentage(5));
  }
}
