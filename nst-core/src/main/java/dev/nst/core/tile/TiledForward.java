package dev.nst.core.tile;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Tensor;
import dev.nst.api.StyleLossKind;
import dev.nst.core.loss.GramKernel;
import dev.nst.core.loss.HistogramMatch;
import dev.nst.core.loss.StyleSums;
import dev.nst.core.loss.Targets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forward passes of images too large for one, tile by tile with the same layouts as
 * {@link TiledObjective}: activations assembled from the tiles' cores (for content targets, whose
 * layers are deep and small), and mean Gram matrices summed over the cores (for style targets,
 * without ever holding a whole activation).
 */
public final class TiledForward {
  private TiledForward() {}

  /** A layout function: the tiles for an image of the given size and loss layers. */
  @FunctionalInterface
  public interface Layouts {
    /** The layout for {@code height x width} reading {@code layers}. */
    TileLayout of(int height, int width, List<String> layers);
  }

  /** The activations of {@code image} (1, C, H, W) at {@code layers}, each assembled from the tiles' cores. */
  public static Map<String, Tensor> activations(FeatureExtractor extractor, Tensor image, List<String> layers,
      Layouts layouts) {
    int h = image.dim(2);
    int w = image.dim(3);
    TileLayout layout = layouts.of(h, w, layers);
    if (layout.isSingleTile()) {
      return extractor.forward(image, layers);
    }
    Network net = layout.network();
    List<int[]> full = net.shapes(h, w);
    Map<String, float[]> out = new LinkedHashMap<>();
    forEachTile(extractor, image, layers, layout, (t, l, a, core) -> {
      int[] s = full.get(net.indexOf(l));
      float[] dst = out.computeIfAbsent(l, k -> new float[s[0] * s[1] * s[2]]);
      int[] off = layout.offset(t, l);
      int th = a.dim(2);
      int tw = a.dim(3);
      float[] src = a.toArray();
      for (int c = 0; c < s[0]; c++) {
        for (int y = core.top(); y < core.top() + core.height(); y++) {
          System.arraycopy(src, (c * th + y) * tw + core.left(), dst,
              (c * s[1] + y + off[0]) * s[2] + core.left() + off[1], core.width());
        }
      }
    });
    Map<String, Tensor> result = new LinkedHashMap<>();
    for (String l : layers) {
      int[] s = full.get(net.indexOf(l));
      result.put(l, Tensor.adopt(out.get(l), 1, s[0], s[1], s[2]));
    }
    return result;
  }

  /**
   * Mean Gram matrices (Gram / (nH nW)) of images, whole when their layout has one tile, else
   * summed over the tiles' cores: {@link Targets.MeanGrams} for style images of any size.
   */
  public static Targets.MeanGrams meanGrams(FeatureExtractor extractor, Layouts layouts) {
    return (image, layers) -> {
      Map<String, Targets.LayerStatistics> s = statistics(extractor, layouts).of(image, layers, StyleLossKind.GRAM);
      Map<String, Tensor> out = new LinkedHashMap<>();
      s.forEach((l, v) -> out.put(l, v.meanGram()));
      return out;
    };
  }

  /**
   * The style statistics of images for any kind of style loss, over the tiles' cores (whole when
   * their layout has one tile): Gram matrices and first moments are summed over the cores; a
   * histogram target's range and CDF need every value of a layer, which is gathered from the cores
   * (one activation of that layer in memory, not the whole network's).
   */
  public static Targets.StyleStatistics statistics(FeatureExtractor extractor, Layouts layouts) {
    return (image, layers, kind) -> {
      int h = image.dim(2);
      int w = image.dim(3);
      TileLayout layout = layouts.of(h, w, layers);
      List<int[]> full = layout.network().shapes(h, w);
      Map<String, double[]> grams = new LinkedHashMap<>();
      Map<String, double[]> firsts = new LinkedHashMap<>();
      Map<String, float[]> values = new LinkedHashMap<>();
      Map<String, int[]> filled = new LinkedHashMap<>();
      forEachCore(extractor, image, layers, layout, (layer, core, c, n) -> {
        int[] s = full.get(layout.network().indexOf(layer));
        if (kind == StyleLossKind.HISTOGRAM) {
          // channel by channel into (C, H W), in the order the cores come
          float[] all = values.computeIfAbsent(layer, k -> new float[s[0] * s[1] * s[2]]);
          int[] at = filled.computeIfAbsent(layer, k -> new int[1]);
          for (int ch = 0; ch < c; ch++) {
            System.arraycopy(core, ch * n, all, ch * s[1] * s[2] + at[0], n);
          }
          at[0] += n;
          return;
        }
        double[] g = new double[c * c];
        GramKernel.gram(core, c, n, g);
        double[] acc = grams.computeIfAbsent(layer, k -> new double[c * c]);
        for (int i = 0; i < g.length; i++) {
          acc[i] += g[i];
        }
        if (kind == StyleLossKind.W2) {
          double[] first = StyleSums.firstMoment(core, StyleSums.weights(null, n), c, n);
          double[] f = firsts.computeIfAbsent(layer, k -> new double[c]);
          for (int i = 0; i < c; i++) {
            f[i] += first[i];
          }
        }
      });
      Map<String, Targets.LayerStatistics> out = new LinkedHashMap<>();
      for (String l : layers) {
        int[] s = full.get(layout.network().indexOf(l));
        int n = s[1] * s[2];
        if (kind == StyleLossKind.HISTOGRAM) {
          out.put(l, new Targets.LayerStatistics(null, null,
              HistogramMatch.histogram(values.get(l), s[0], n, StyleLossKind.HISTOGRAM_BINS)));
          continue;
        }
        out.put(l, new Targets.LayerStatistics(divided(grams.get(l), n, s[0], s[0]),
            kind == StyleLossKind.W2 ? divided(firsts.get(l), n, s[0]) : null, null));
      }
      return out;
    };
  }

  private static Tensor divided(double[] sums, double n, int... shape) {
    float[] v = new float[sums.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (sums[i] / n);
    }
    return Tensor.adopt(v, shape);
  }

  /** Receives the activation values of one tile's core at one layer: (C, positions) row-major. */
  @FunctionalInterface
  private interface CoreVisitor {
    void accept(String layer, float[] core, int channels, int positions);
  }

  /** Receives one tile's activation at one layer with the tile's core there (never empty). */
  @FunctionalInterface
  private interface TileVisitor {
    void accept(TileLayout.Tile tile, String layer, Tensor activation, TileLayout.Region core);
  }

  /** Runs every tile of {@code layout} forward and hands each layer's activation and core to {@code visitor}. */
  private static void forEachTile(FeatureExtractor extractor, Tensor image, List<String> layers, TileLayout layout,
      TileVisitor visitor) {
    int h = image.dim(2);
    int w = image.dim(3);
    float[] pixels = image.toArray();
    float[] tile = new float[image.dim(1) * layout.tileHeight() * layout.tileWidth()];
    for (TileLayout.Tile t : layout.tiles()) {
      cut(pixels, image.dim(1), h, w, t, layout, tile);
      Map<String, Tensor> acts = extractor.forward(Tensor.of(tile, 1, image.dim(1), layout.tileHeight(),
          layout.tileWidth()), layers);
      for (String l : layers) {
        TileLayout.Region core = t.cores().get(l);
        if (!core.isEmpty()) {
          visitor.accept(t, l, acts.get(l), core);
        }
      }
    }
  }

  /** Runs every tile of {@code layout} forward and hands each layer's core values to {@code visitor}. */
  private static void forEachCore(FeatureExtractor extractor, Tensor image, List<String> layers, TileLayout layout,
      CoreVisitor visitor) {
    forEachTile(extractor, image, layers, layout, (t, l, a, core) -> {
      int c = a.dim(1);
      float[] src = a.toArray();
      float[] coreValues = new float[(int) (c * core.size())];
      int th = a.dim(2);
      int tw = a.dim(3);
      for (int ch = 0; ch < c; ch++) {
        for (int y = 0; y < core.height(); y++) {
          System.arraycopy(src, (ch * th + core.top() + y) * tw + core.left(), coreValues,
              (ch * core.height() + y) * core.width(), core.width());
        }
      }
      visitor.accept(l, coreValues, c, (int) core.size());
    });
  }

  /** Copies the pixels of tile {@code t} out of an image of {@code channels x h x w}. */
  static void cut(float[] image, int channels, int h, int w, TileLayout.Tile t, TileLayout layout, float[] tile) {
    int th = layout.tileHeight();
    int tw = layout.tileWidth();
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < th; y++) {
        System.arraycopy(image, (c * h + t.top() + y) * w + t.left(), tile, (c * th + y) * tw, tw);
      }
    }
  }
}
