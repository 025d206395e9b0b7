package dev.nst.core.tile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.Layer;
import dev.nst.api.Network;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TileLayoutTest {

  private static Network vgg19() {
    return TestNetworks.vgg19(new int[] {1, 1, 1, 1, 1});
  }

  private static Network odd() {
    return TestNetworks.odd();
  }

  @Test
  void coresPartitionEveryLossLayerAndTilesSeeTheirReceptiveFields() {
    Network vgg = vgg19();
    List<String> layers = List.of("relu1_1", "relu2_1", "relu3_1", "relu4_2", "relu5_1");
    int checked = 0;
    for (int h = 300; h < 300 + 16; h++) {
      for (int max : new int[] {190, 200, 233, 260}) {
        TileLayout layout = TileLayout.plan(vgg, layers, h, 2 * h + 5, max, max + 17).orElseThrow();
        assertExact(layout, 16);
        assertThat(layout.tiles().size()).isGreaterThan(1);
        checked++;
      }
    }
    Network odd = odd();
    for (int h = 40; h < 70; h++) {
      for (int max : new int[] {24, 30, 41}) {
        TileLayout.plan(odd, List.of("r1", "r2", "c4"), h, h + 3, max, max).ifPresent(l -> assertExact(l, 4));
        checked++;
      }
    }
    assertThat(checked).isEqualTo(16 * 4 + 30 * 3);
  }

  @Test
  void tilesAreTheShortestTheirNumberAllows() {
    Network vgg = vgg19();
    List<String> layers = List.of("relu1_1", "relu2_1", "relu3_1", "relu4_2", "relu5_1");
    // 1024 px in tiles of at most 768: two per side, each shorter than 768 (the halos of a 1024 px
    // image cut in two need about 600)
    TileLayout l1024 = TileLayout.plan(vgg, layers, 1024, 1024, 768, 768).orElseThrow();
    assertThat(l1024.grid()).containsExactly(2, 2);
    assertThat(l1024.tileHeight()).isBetween(512 + 78, 512 + 78 + 32);
    assertExact(l1024, 16);
    for (int length = 700; length < 2400; length += 37) {
      for (int max : new int[] {300, 517, 768, 1100}) {
        TileLayout l = TileLayout.plan(vgg, layers, length, length, max, max).orElseThrow();
        assertExact(l, 16);
        int tile = l.tileHeight();
        if (l.isSingleTile()) {
          continue;
        }
        // no fewer tiles of any length up to the bound, and one unit shorter needs more (or none fits)
        for (int longer = tile; longer <= max; longer += 16) {
          assertThat(TileLayout.plan(vgg, layers, length, length, longer, longer).orElseThrow().grid()[0])
              .as("length %d, tiles of at most %d", length, longer).isEqualTo(l.grid()[0]);
        }
        java.util.Optional<TileLayout> shorter = TileLayout.plan(vgg, layers, length, length, tile - 16, tile - 16);
        if (shorter.isPresent()) {
          assertThat(shorter.get().grid()[0]).as("length %d, max %d", length, max).isGreaterThan(l.grid()[0]);
        }
      }
    }
  }

  @Test
  void oneTileWhenTheImageFits() {
    TileLayout layout = TileLayout.plan(vgg19(), List.of("relu4_2"), 100, 120, 128, 128).orElseThrow();
    assertThat(layout.isSingleTile()).isTrue();
    assertThat(layout.tileHeight()).isEqualTo(100);
    assertThat(layout.tileWidth()).isEqualTo(120);
    assertThat(layout.overlap()).isEqualTo(1.0);
    assertExact(layout, 8);
  }

  @Test
  void tooSmallATileLeavesNoCore() {
    int min = TileLayout.minimumTileSide(vgg19(), List.of("relu5_1"));
    // relu5_1 sees 78 pixels before and 77 after each position, and cores come in units of 16
    assertThat(min).isBetween(16 + 150, 16 + 200);
    for (int length = 2000; length < 2016; length++) {
      assertThat(TileLayout.plan(vgg19(), List.of("relu5_1"), length, length, min, min)).as("length %d", length)
          .isPresent();
      assertThat(TileLayout.plan(vgg19(), List.of("relu5_1"), length, length, min - 16, min - 16))
          .as("length %d", length).isEmpty();
    }
  }

  @Test
  void badArguments() {
    assertThatThrownBy(() -> TileLayout.plan(vgg19(), List.of("nope"), 100, 100, 50, 50))
        .isInstanceOf(dev.nst.api.UnknownLayerException.class);
    assertThatThrownBy(() -> TileLayout.plan(vgg19(), List.of(), 100, 100, 50, 50))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TileLayout.plan(vgg19(), List.of("relu5_1"), 8, 8, 50, 50))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too small");
  }

  /**
   * Checks, with an interval propagation written independently of the layout's (clipping at every
   * layer), that the cores partition each loss layer of the whole image, that tiles have one size,
   * start on the unit grid and lie in the image, and that every core position's inputs lie in its
   * tile.
   */
  private static void assertExact(TileLayout layout, int unit) {
    Network n = layout.network();
    List<int[]> full = n.shapes(layout.height(), layout.width());
    for (TileLayout.Tile t : layout.tiles()) {
      assertThat(t.top() % unit).isZero();
      assertThat(t.left() % unit).isZero();
      assertThat(t.top() + layout.tileHeight()).isLessThanOrEqualTo(layout.height());
      assertThat(t.left() + layout.tileWidth()).isLessThanOrEqualTo(layout.width());
    }
    for (String layer : layout.lossLayers()) {
      int l = n.indexOf(layer);
      int[] s = full.get(l);
      int[][] owner = new int[s[1]][s[2]];
      for (int[] row : owner) {
        java.util.Arrays.fill(row, -1);
      }
      for (int ti = 0; ti < layout.tiles().size(); ti++) {
        TileLayout.Tile t = layout.tiles().get(ti);
        TileLayout.Region core = t.cores().get(layer);
        int offY = t.top() / stride(n, l, true);
        int offX = t.left() / stride(n, l, false);
        for (int y = core.top(); y < core.top() + core.height(); y++) {
          for (int x = core.left(); x < core.left() + core.width(); x++) {
            assertThat(owner[y + offY][x + offX]).as("position %d,%d of %s owned twice", y + offY, x + offX, layer)
                .isEqualTo(-1);
            owner[y + offY][x + offX] = ti;
          }
        }
        if (core.isEmpty()) {
          continue;
        }
        int[] rows = inputs(n, l, true, core.top() + offY, core.top() + offY + core.height() - 1, layout.height());
        int[] cols = inputs(n, l, false, core.left() + offX, core.left() + offX + core.width() - 1, layout.width());
        assertThat(rows[0]).isGreaterThanOrEqualTo(t.top());
        assertThat(rows[1]).isLessThan(t.top() + layout.tileHeight());
        assertThat(cols[0]).isGreaterThanOrEqualTo(t.left());
        assertThat(cols[1]).isLessThan(t.left() + layout.tileWidth());
      }
      for (int[] row : owner) {
        for (int o : row) {
          assertThat(o).as("a position of %s no tile owns in %s", layer, layout).isNotEqualTo(-1);
        }
      }
    }
  }

  private static int stride(Network n, int layer, boolean vertical) {
    int s = 1;
    for (int i = 0; i <= layer; i++) {
      Layer l = n.layers().get(i);
      if (l instanceof Layer.Convolution c) {
        s *= c.stride();
      } else if (l instanceof Layer.Pool p) {
        s *= p.stride();
      }
    }
    return s;
  }

  /** Input positions [first, last] that positions [from, to] of layer {@code l} read, clipping at every layer. */
  private static int[] inputs(Network n, int l, boolean vertical, int from, int to, int length) {
    List<Integer> lengths = new ArrayList<>();
    lengths.add(length);
    for (int[] s : n.shapes(vertical ? length : 1000, vertical ? 1000 : length)) {
      lengths.add(vertical ? s[1] : s[2]);
    }
    int a = from;
    int b = to;
    for (int i = l; i >= 0; i--) {
      Layer layer = n.layers().get(i);
      int k = 1;
      int s = 1;
      int p = 0;
      if (layer instanceof Layer.Convolution c) {
        k = vertical ? c.kernelHeight() : c.kernelWidth();
        s = c.stride();
        p = vertical ? c.padding().top() : c.padding().left();
      } else if (layer instanceof Layer.Pool pool) {
        k = pool.kernel();
        s = pool.stride();
        p = vertical ? pool.padding().top() : pool.padding().left();
      }
      a = Math.max(0, a * s - p);
      b = Math.min(lengths.get(i) - 1, b * s - p + k - 1);
    }
    return new int[] {a, b};
  }
}
