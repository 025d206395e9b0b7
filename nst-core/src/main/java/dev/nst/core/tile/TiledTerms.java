package dev.nst.core.tile;

import dev.nst.api.Network;
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
   * A style term: J = factor * sum((G - target)^2) with G the Gram of the masked activation over
   * the whole image; its layer gradient is {@code m (A (m a))} with A = 4 factor strength sym(D).
   *
   * @param target the mean Gram times the layer's H W: what G is compared with
   * @param region the term's region mask at the layer for the whole image, (H, W), or null
   */
  record Style(Site site, double factor, double strength, double[] target, float[] region) {}

  final List<Content> content;
  final List<Style> style;
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
      requireShape(t.meanGram(), new int[] {ch, ch}, "mean Gram target at " + t.layer(), spec);
      if (t.hasMask()) {
        requireShape(t.mask(), new int[] {1, 1, site.height(), site.width()}, "mask at " + t.layer(), spec);
      }
      double hw = (double) site.height() * site.width();
      float[] g = t.meanGram().toArray();
      double[] target = new double[g.length];
      for (int i = 0; i < g.length; i++) {
        target[i] = g[i] * hw;
      }
      st.add(new Style(site, spec.normalization().styleFactor(ch, site.height(), site.width()),
          spec.beta() * t.weight(), target, t.hasMask() ? t.mask().toArray() : null));
    }
    content = List.copyOf(c);
    style = List.copyOf(st);
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
