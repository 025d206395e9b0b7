package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.CancellationToken;
import dev.nst.api.ProgressEvent;
import dev.nst.core.Init;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import dev.nst.core.image.Images;
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
}
