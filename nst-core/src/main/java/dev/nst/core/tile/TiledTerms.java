package dev.nst.core.tile;

import dev.nst.api.Network;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The objective's terms prepared for tiles, once per layout: factors from the whole image's
 * layer sizes, and for every tile the crops it needs (content targets, region masks combined
 * with the tile's core). Crops are small next to the image: content layers are deep.
 */
final class TiledTerms {

  /**
   * A content term: J = factor * sum((a - t)^2); its layer gradient is
   * {@code 2 factor strength (a - t)} on the core.
   *
   * @param targets per tile, the target cropped to the tile's extent at the layer
   * @param masks per tile, 1 on the core and 0 elsewhere, (1, 1, h, w)
   */
  record Content(String layer, int channels, double factor, double strength, List<Tensor> targets,
      List<Tensor> masks) {}

  /**
   * A style term: J = factor * sum((G - target)^2) with G the Gram of the masked activation over
   * the whole image; its layer gradient is {@code m (A (m a))} with A = 4 factor strength sym(D).
   *
   * @param target the mean Gram times the layer's H W: what G is compared with
   * @param masks per tile, the core (times the region mask of a guided term), (1, 1, h, w)
   */
  record Style(String layer, int channels, double factor, double strength, double[] target, List<Tensor> masks) {}

  final List<Content> content;
  final List<Style> style;
  /** (C, H, W) of every layer of the network for the tile size. */
  final List<int[]> tileShapes;

  TiledTerms(Network network, ObjectiveSpec spec, TileLayout layout) {
    List<int[]> full = network.shapes(spec.height(), spec.width());
    tileShapes = network.shapes(layout.tileHeight(), layout.tileWidth());
    List<Content> c = new ArrayList<>();
    for (ObjectiveSpec.ContentTarget t : spec.content()) {
      int l = network.indexOf(t.layer());
      int[] s = full.get(l);
      requireShape(t.activation(), new int[] {1, s[0], s[1], s[2]}, "content target at " + t.layer(), spec);
      List<Tensor> targets = new ArrayList<>();
      List<Tensor> masks = new ArrayList<>();
      for (TileLayout.Tile tile : layout.tiles()) {
        targets.add(crop(t.activation(), layout, tile, l, network));
        masks.add(coreMask(tile, t.layer(), tileShapes.get(l), null, layout, l, network));
      }
      c.add(new Content(t.layer(), s[0], spec.normalization().contentFactor(s[0], s[1], s[2]),
          spec.alpha() * t.weight(), List.copyOf(targets), List.copyOf(masks)));
    }
    List<Style> st = new ArrayList<>();
    for (ObjectiveSpec.StyleTarget t : spec.style()) {
      int l = network.indexOf(t.layer());
      int[] s = full.get(l);
      requireShape(t.meanGram(), new int[] {s[0], s[0]}, "mean Gram target at " + t.layer(), spec);
      if (t.hasMask()) {
        requireShape(t.mask(), new int[] {1, 1, s[1], s[2]}, "mask at " + t.layer(), spec);
      }
      double hw = (double) s[1] * s[2];
      float[] g = t.meanGram().toArray();
      double[] target = new double[g.length];
      for (int i = 0; i < g.length; i++) {
        target[i] = g[i] * hw;
      }
      List<Tensor> masks = new ArrayList<>();
      for (TileLayout.Tile tile : layout.tiles()) {
        masks.add(coreMask(tile, t.layer(), tileShapes.get(l), t.mask(), layout, l, network));
      }
      st.add(new Style(t.layer(), s[0], spec.normalization().styleFactor(s[0], s[1], s[2]),
          spec.beta() * t.weight(), target, List.copyOf(masks)));
    }
    content = List.copyOf(c);
    style = List.copyOf(st);
  }

  private static void requireShape(Tensor t, int[] expected, String what, ObjectiveSpec spec) {
    if (t == null || !t.hasShape(expected)) {
      throw new IllegalArgumentException(what + " has shape " + (t == null ? "null" : Arrays.toString(t.shape()))
          + " but a " + spec.height() + "x" + spec.width() + " image needs " + Arrays.toString(expected));
    }
  }

  /** {@code full} (1, C, H, W) cut to the tile's extent at layer {@code l}. */
  private Tensor crop(Tensor full, TileLayout layout, TileLayout.Tile tile, int l, Network network) {
    int[] o = layout.offset(tile, network.layers().get(l).name());
    int[] ts = tileShapes.get(l);
    int c = full.dim(1);
    int fh = full.dim(2);
    int fw = full.dim(3);
    if (o[0] + ts[1] > fh || o[1] + ts[2] > fw) {
      throw new IllegalStateException("tile at " + tile.top() + "," + tile.left() + " reaches past layer "
          + network.layers().get(l).name() + ": a tiling bug");
    }
    float[] src = full.toArray();
    float[] dst = new float[c * ts[1] * ts[2]];
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < ts[1]; y++) {
        System.arraycopy(src, (ch * fh + o[0] + y) * fw + o[1], dst, (ch * ts[1] + y) * ts[2], ts[2]);
      }
    }
    return Tensor.adopt(dst, 1, c, ts[1], ts[2]);
  }

  /** 1 on the tile's core at the layer (times the region mask, cropped), 0 elsewhere. */
  private Tensor coreMask(TileLayout.Tile tile, String layer, int[] tileShape, Tensor regionMask,
      TileLayout layout, int l, Network network) {
    TileLayout.Region core = tile.cores().get(layer);
    int h = tileShape[1];
    int w = tileShape[2];
    float[] m = new float[h * w];
    float[] region = regionMask == null ? null : crop(regionMask, layout, tile, l, network).toArray();
    for (int y = core.top(); y < core.top() + core.height(); y++) {
      for (int x = core.left(); x < core.left() + core.width(); x++) {
        m[y * w + x] = region == null ? 1f : region[y * w + x];
      }
    }
    return Tensor.adopt(m, 1, 1, h, w);
  }
}
