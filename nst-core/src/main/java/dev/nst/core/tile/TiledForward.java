package dev.nst.core.tile;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Tensor;
import dev.nst.core.loss.GramKernel;
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
    float[] pixels = image.toArray();
    float[] tile = new float[image.dim(1) * layout.tileHeight() * layout.tileWidth()];
    for (TileLayout.Tile t : layout.tiles()) {
      cut(pixels, image.dim(1), h, w, t, layout, tile);
      Map<String, Tensor> acts = extractor.forward(Tensor.of(tile, 1, image.dim(1), layout.tileHeight(),
          layout.tileWidth()), layers);
      for (String l : layers) {
        int[] s = full.get(net.indexOf(l));
        float[] dst = out.computeIfAbsent(l, k -> new float[s[0] * s[1] * s[2]]);
        Tensor a = acts.get(l);
        TileLayout.Region core = t.cores().get(l);
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
      }
    }
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
      int h = image.dim(2);
      int w = image.dim(3);
      TileLayout layout = layouts.of(h, w, layers);
      Network net = layout.network();
      List<int[]> full = net.shapes(h, w);
      Map<String, double[]> sums = new LinkedHashMap<>();
      float[] pixels = image.toArray();
      float[] tile = new float[image.dim(1) * layout.tileHeight() * layout.tileWidth()];
      for (TileLayout.Tile t : layout.tiles()) {
        cut(pixels, image.dim(1), h, w, t, layout, tile);
        Map<String, Tensor> acts = extractor.forward(Tensor.of(tile, 1, image.dim(1), layout.tileHeight(),
            layout.tileWidth()), layers);
        for (String l : layers) {
          Tensor a = acts.get(l);
          int c = a.dim(1);
          TileLayout.Region core = t.cores().get(l);
          if (core.isEmpty()) {
            continue;
          }
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
          double[] g = new double[c * c];
          GramKernel.gram(coreValues, c, (int) core.size(), g);
          double[] acc = sums.computeIfAbsent(l, k -> new double[c * c]);
          for (int i = 0; i < g.length; i++) {
            acc[i] += g[i];
          }
        }
      }
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (String l : layers) {
        int[] s = full.get(net.indexOf(l));
        double n = (double) s[1] * s[2];
        double[] acc = sums.get(l);
        float[] mean = new float[acc.length];
        for (int i = 0; i < mean.length; i++) {
          mean[i] = (float) (acc[i] / n);
        }
        out.put(l, Tensor.adopt(mean, s[0], s[0]));
      }
      return out;
    };
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
