package dev.nst.core.tile;

import dev.nst.api.Network;
import dev.nst.api.StyleLossKind;
import dev.nst.core.loss.GaussianW2;
import dev.nst.core.loss.HistogramMatch;
import dev.nst.core.loss.StyleSums;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The objective's terms prepared for tiles: factors from the whole image's layer sizes, and, per
 * tile on demand, what the tile needs (its crop of a content target, its core mask times a style
 * term's region). Crops are cut into the caller's buffers when a tile runs rather than kept for
 * every tile, so the heap holds each target once whatever the number of tiles.
 */
final class TiledTerms {

  /** Where a term reads: its layer and the layer's size for the whole image and for a tile. */
  record Site(String layer, int layerIndex, int channels, int height, int width, int tileHeight, int tileWidth) {
    /** Values of one channel of the layer for a tile. */
    int tilePositions() {
      return tileHeight * tileWidth;
    }
  }

  /**
   * A content term: J = factor * sum((a - t)^2); its layer gradient is
   * {@code 2 factor strength (a - t)} on the core.
   *
   * @param target the whole image's target, (C, H, W) flattened
   */
  record Content(Site site, double factor, double strength, float[] target) {
    /** The factor on {@code m (a - t)} in the layer gradient. */
    float scale() {
      return (float) (2 * factor * strength);
    }
  }

  /**
   * A style term of any {@link StyleLossKind}, over the whole image's statistics. A Gram term:
   * J = factor * sum((G - target)^2) with G the Gram of the masked activation; its layer
   * gradient is {@code m (A (m a))} with A = 4 factor strength sym(D). W2 and histogram terms:
   * see {@link GaussianW2} and {@link HistogramMatch}, which hold their targets.
   *
   * @param target for a Gram term, the mean Gram times the layer's H W (what G is compared with); else null
   * @param region the term's region mask at the layer for the whole image, (H, W), or null
   * @param weight W, the sum of the squared region mask over the layer (H W without a region)
   */
  record Style(Site site, StyleLossKind kind, double factor, double strength, double[] target, float[] region,
      double weight, GaussianW2 w2, HistogramMatch histogram) {
    /** Length of the statistics of one tile (see {@link dev.nst.api.spi.TileObjective}). */
    int statisticsLength() {
      int c = site.channels();
      return switch (kind) {
        case GRAM -> c * c;
        case W2 -> c * c + c;
        case HISTOGRAM -> c * (histogram.bins() + 1);
      };
    }

    /** Length of the parameters of the gradient pass. */
    int parametersLength() {
      return kind == StyleLossKind.HISTOGRAM ? statisticsLength() + 1 : statisticsLength();
    }
  }

  final List<Content> content;
  final List<Style> style;
  /** The histogram terms' positions in {@link #style}, in order: their sums follow the content sums. */
  final int[] histogramTerms;
  private final TileLayout layout;

  TiledTerms(Network network, ObjectiveSpec spec, TileLayout layout) {
    this.layout = layout;
    List<int[]> full = network.shapes(spec.height(), spec.width());
    List<int[]> tiles = network.shapes(layout.tileHeight(), layout.tileWidth());
    List<Content> c = new ArrayList<>();
    for (ObjectiveSpec.ContentTarget t : spec.content()) {
      Site site = site(network, full, tiles, t.layer());
      requireShape(t.activation(), new int[] {1, site.channels(), site.height(), site.width()},
          "content target at " + t.layer(), spec);
      c.add(new Content(site, spec.normalization().contentFactor(site.channels(), site.height(), site.width()),
          spec.alpha() * t.weight(), t.activation().toArray()));
    }
    List<Style> st = new ArrayList<>();
    for (ObjectiveSpec.StyleTarget t : spec.style()) {
      Site site = site(network, full, tiles, t.layer());
      int ch = site.channels();
      if (t.hasMask()) {
        requireShape(t.mask(), new int[] {1, 1, site.height(), site.width()}, "mask at " + t.layer(), spec);
      }
      double hw = (double) site.height() * site.width();
      float[] region = t.hasMask() ? t.mask().toArray() : null;
      double weight = region == null ? hw : StyleSums.total(StyleSums.weights(region));
      double strength = spec.beta() * t.weight();
      st.add(switch (t.kind()) {
        case GRAM -> {
          requireShape(t.meanGram(), new int[] {ch, ch}, "mean Gram target at " + t.layer(), spec);
          float[] g = t.meanGram().toArray();
          double[] target = new double[g.length];
          for (int i = 0; i < g.length; i++) {
            target[i] = g[i] * hw;
          }
          yield new Style(site, t.kind(), spec.normalization().styleFactor(ch, site.height(), site.width()), strength,
              target, region, weight, null, null);
        }
        case W2 -> {
          requireShape(t.meanGram(), new int[] {ch, ch}, "mean Gram target at " + t.layer(), spec);
          requireShape(t.mean(), new int[] {ch}, "mean target at " + t.layer(), spec);
          yield new Style(site, t.kind(), 1.0 / ch, strength, null, region, weight,
              GaussianW2.target(t.mean(), t.meanGram()), null);
        }
        case HISTOGRAM -> {
          HistogramMatch h = HistogramMatch.target(t.histogram());
          requireShape(t.histogram(), new int[] {ch, h.bins() + 3}, "histogram target at " + t.layer(), spec);
          yield new Style(site, t.kind(), 1.0 / ch, strength, null, region, weight, null, h);
        }
      });
    }
    content = List.copyOf(c);
    style = List.copyOf(st);
    histogramTerms = java.util.stream.IntStream.range(0, style.size())
        .filter(i -> style.get(i).kind() == StyleLossKind.HISTOGRAM).toArray();
  }

  private static Site site(Network network, List<int[]> full, List<int[]> tiles, String layer) {
    int l = network.indexOf(layer);
    int[] s = full.get(l);
    int[] t = tiles.get(l);
    return new Site(layer, l, s[0], s[1], s[2], t[1], t[2]);
  }

  private static void requireShape(Tensor t, int[] expected, String what, ObjectiveSpec spec) {
    if (t == null || !t.hasShape(expected)) {
      throw new IllegalArgumentException(what + " has shape " + (t == null ? "null" : Arrays.toString(t.shape()))
          + " but a " + spec.height() + "x" + spec.width() + " image needs " + Arrays.toString(expected));
    }
  }

  /** What a backend compiles for tiles of {@code layout}'s size with these terms. */
  dev.nst.api.spi.TileSpec tileSpec(dev.nst.api.Pooling pooling) {
    return new dev.nst.api.spi.TileSpec(layout.tileHeight(), layout.tileWidth(), pooling,
        content.stream().map(c -> c.site().layer()).toList(),
        style.stream().map(s -> new dev.nst.api.spi.TileSpec.Style(s.site().layer(), s.kind(),
            s.histogram() == null ? null : s.histogram().binning(),
            s.histogram() == null ? 0 : s.histogram().bins())).toList());
  }

  /** Cuts content term {@code term}'s target to tile {@code tile}'s extent at its layer: (C, h, w) into {@code dst}. */
  void contentTarget(int term, int tile, float[] dst) {
    Content c = content.get(term);
    crop(c.target(), c.site(), c.site().channels(), layout.tiles().get(tile), dst);
  }

  /** 1 on tile {@code tile}'s core at content term {@code term}'s layer, 0 elsewhere: (h, w) into {@code dst}. */
  void contentMask(int term, int tile, float[] dst) {
    coreMask(content.get(term).site(), null, layout.tiles().get(tile), dst);
  }

  /** Tile {@code tile}'s core at style term {@code term}'s layer, times the term's region: (h, w) into {@code dst}. */
  void styleMask(int term, int tile, float[] dst) {
    Style s = style.get(term);
    coreMask(s.site(), s.region(), layout.tiles().get(tile), dst);
  }

  private void crop(float[] full, Site site, int channels, TileLayout.Tile tile, float[] dst) {
    int[] o = layout.offset(tile, site.layer());
    int th = site.tileHeight();
    int tw = site.tileWidth();
    if (o[0] + th > site.height() || o[1] + tw > site.width()) {
      throw new IllegalStateException("the tile at " + tile.top() + "," + tile.left() + " reaches past layer "
          + site.layer() + ": a tiling bug");
    }
    for (int ch = 0; ch < channels; ch++) {
      for (int y = 0; y < th; y++) {
        System.arraycopy(full, (ch * site.height() + o[0] + y) * site.width() + o[1], dst, (ch * th + y) * tw, tw);
      }
    }
  }

  private void coreMask(Site site, float[] region, TileLayout.Tile tile, float[] dst) {
    TileLayout.Region core = tile.cores().get(site.layer());
    int w = site.tileWidth();
    Arrays.fill(dst, 0, site.tilePositions(), 0f);
    if (region != null) {
      crop(region, site, 1, tile, dst);
    }
    for (int y = 0; y < site.tileHeight(); y++) {
      for (int x = 0; x < w; x++) {
        boolean inCore = y >= core.top() && y < core.top() + core.height() && x >= core.left()
            && x < core.left() + core.width();
        if (region == null) {
          dst[y * w + x] = inCore ? 1f : 0f;
        } else if (!inCore) {
          dst[y * w + x] = 0f;
        }
      }
    }
  }
}
