package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.CancellationToken;
import dev.nst.api.LossBreakdown;
import dev.nst.api.ProgressListener;
import dev.nst.api.ProgressEvent;
import dev.nst.api.TileProgress;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import dev.nst.core.loss.ClassicContentLoss;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whole runs whose evaluations go tile by tile give the untiled run's losses and image. */
class TiledStyleTransferTest {

  private static StyleTransfer.Builder base() {
    return StyleTransferEndToEndTest.base().size(280).iterations(4);
  }

  @Test
  void aTiledRunFollowsTheUntiledOne() {
    List<TileProgress> tiles = new ArrayList<>();
    List<String> notices = new ArrayList<>();
    ProgressListener listener = new ProgressListener() {
      @Override
      public void onProgress(ProgressEvent event) {}

      @Override
      public void onTile(TileProgress progress) {
        tiles.add(progress);
      }

      @Override
      public void onNotice(String notice) {
        notices.add(notice);
      }
    };
    StyleTransferResult untiled = base().build().run();
    StyleTransferResult tiled = base().tileSize(240).listener(listener).build().run();

    assertThat(notices).singleElement().asString().contains("tiles of").contains("same as untiled");
    // 280x186: two tiles across, one down; each evaluation runs the statistics pass over the
    // second (the first tile's Gram matrices join its gradient pass) and the gradient pass over both
    assertThat(tiles).hasSize(4 * (1 + 2));
    assertThat(tiles.get(0)).isEqualTo(new TileProgress(1, 4, 1, 2, 2, 280, 186));
    assertThat(tiles.get(1)).isEqualTo(new TileProgress(1, 4, 2, 1, 2, 280, 186));
    assertThat(tiles.get(tiles.size() - 1)).isEqualTo(new TileProgress(4, 4, 2, 2, 2, 280, 186));

    // the same start gives the same loss; later iterates drift only by float rounding
    LossBreakdown a = untiled.history().get(0);
    LossBreakdown b = tiled.history().get(0);
    assertThat(b.total()).isCloseTo(a.total(), org.assertj.core.data.Percentage.withPercentage(1e-3));
    assertThat(tiled.bestLoss().total())
        .isCloseTo(untiled.bestLoss().total(), org.assertj.core.data.Percentage.withPercentage(0.5));
    assertThat(meanAbsoluteDifference(tiled.image(), untiled.image())).isLessThan(1.0);
  }

  @Test
  void cancellingInsideAnEvaluationStopsAtTheNextTile() {
    CancellationToken token = new CancellationToken();
    List<TileProgress> tiles = new ArrayList<>();
    ProgressListener listener = new ProgressListener() {
      @Override
      public void onProgress(ProgressEvent event) {}

      @Override
      public void onTile(TileProgress progress) {
        tiles.add(progress);
        if (progress.iteration() == 3 && progress.pass() == 2) {
          token.cancel();
        }
      }
    };
    StyleTransferResult r = base().iterations(10).tileSize(240).cancellation(token).listener(listener).build().run();
    assertThat(r.cancelled()).isTrue();
    assertThat(r.iterations()).isEqualTo(2); // iteration 3 never finished
    assertThat(tiles.get(tiles.size() - 1).pass()).isEqualTo(2);
    assertThat(tiles.get(tiles.size() - 1).tile()).isEqualTo(1); // the next tile checked the token
    assertThat(r.image().getWidth()).isEqualTo(280);
  }

  @Test
  void tilesTooSmallForTheHaloAreRefusedUpFront() {
    assertThatThrownBy(() -> base().tileSize(64).build().run())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs tiles of at least");
  }

  @Test
  void customLossesCannotRunInTiles() {
    assertThatThrownBy(() -> base().tileSize(240).contentLoss(new ClassicContentLoss()).build().run())
        .isInstanceOf(dev.nst.api.RunFailedException.class)
        .hasMessageContaining("custom losses");
  }

  static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
    double sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int s = 0; s < 24; s += 8) {
          sum += Math.abs(((p >> s) & 255) - ((q >> s) & 255));
        }
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }
}
