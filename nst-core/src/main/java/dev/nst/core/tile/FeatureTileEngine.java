package dev.nst.core.tile;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.Tensor;
import dev.nst.api.StyleLossKind;
import dev.nst.core.loss.GramKernel;
import dev.nst.core.loss.StyleSums;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Tiles on level 1 of any backend: activations are copied to the host, where the style
 * statistics and layer gradients are formed, and the backend's vector-Jacobian product pulls them back.
 * Costs three forward passes and one backward per tile (a compiled engine needs two and one;
 * both one fewer for a tile whose passes join), so it is the fallback for backends that do not
 * compile tiles.
 */
final class FeatureTileEngine implements TileEngine {
  private final FeatureExtractor extractor;
  private final TiledTerms terms;
  private final int[] tileShape;
  private final List<String> styleLayers;
  private final List<String> allLayers;
  private final TileBuffers buffers;
  /** Per Gram or W2 style term, a tile's own Gram matrix, C x C, reused from tile to tile. */
  private final double[][] tileGrams;
  /** Per Gram style term, a joined tile's matrix A_i + s_i G_i, C x C. */
  private final float[][] joinedMatrices;

  FeatureTileEngine(FeatureExtractor extractor, TiledTerms terms, int channels, int tileHeight, int tileWidth) {
    this.extractor = extractor;
    this.terms = terms;
    this.tileShape = new int[] {1, channels, tileHeight, tileWidth};
    LinkedHashSet<String> style = new LinkedHashSet<>();
    terms.style.forEach(s -> style.add(s.site().layer()));
    LinkedHashSet<String> all = new LinkedHashSet<>();
    terms.content.forEach(c -> all.add(c.site().layer()));
    all.addAll(style);
    this.styleLayers = List.copyOf(style);
    this.allLayers = List.copyOf(all);
    this.buffers = new TileBuffers(terms);
    this.tileGrams = new double[terms.style.size()][];
    this.joinedMatrices = new float[terms.style.size()][];
    for (int i = 0; i < tileGrams.length; i++) {
      TiledTerms.Style s = terms.style.get(i);
      int c = s.site().channels();
      if (s.kind() != StyleLossKind.HISTOGRAM) {
        tileGrams[i] = new double[c * c];
      }
      if (s.kind() == StyleLossKind.GRAM) {
        joinedMatrices[i] = new float[c * c];
      }
    }
  }

  @Override
  public void addStatistics(float[] tile, int tileIndex, double[][] grams) {
    Map<String, Tensor> acts = extractor.forward(Tensor.of(tile, tileShape), styleLayers);
    buffers.fillStyleMasks(tileIndex);
    for (int i = 0; i < terms.style.size(); i++) {
      TiledTerms.Style s = terms.style.get(i);
      int c = s.site().channels();
      int n = s.site().tilePositions();
      float[] mask = buffers.styleMasks[i];
      float[] a = acts.get(s.site().layer()).toArray();
      if (s.kind() == StyleLossKind.HISTOGRAM) {
        StyleSums.deposit(a, StyleSums.weights(mask), s.histogram(), n, grams[i]);
        continue;
      }
      double[] g = tileGrams[i];
      GramKernel.gram(masked(a, mask, n), c, n, g);
      for (int k = 0; k < g.length; k++) {
        grams[i][k] += g[k];
      }
      if (s.kind() == StyleLossKind.W2) {
        double[] first = StyleSums.firstMoment(a, StyleSums.weights(mask), c, n);
        for (int k = 0; k < c; k++) {
          grams[i][c * c + k] += first[k];
        }
      }
    }
  }

  @Override
  public void gradient(float[] tile, int tileIndex, float[][] styleGradients, double[] contentSums, float[] gradient) {
    Tensor x = Tensor.of(tile, tileShape);
    Map<String, Tensor> acts = extractor.forward(x, allLayers);
    buffers.fill(tileIndex);
    pullBack(x, acts, styleGradients, contentSums, gradient);
  }

  @Override
  public void gradientWithOwnStatistics(float[] tile, int tileIndex, float[][] matrices, float[] selfScales,
      double[][] grams, double[] contentSums, float[] gradient) {
    Tensor x = Tensor.of(tile, tileShape);
    Map<String, Tensor> acts = extractor.forward(x, allLayers);
    buffers.fill(tileIndex);
    for (int i = 0; i < joinedMatrices.length; i++) {
      TiledTerms.Style s = terms.style.get(i);
      int c = s.site().channels();
      int n = s.site().tilePositions();
      double[] g = tileGrams[i];
      GramKernel.gram(masked(acts.get(s.site().layer()).toArray(), buffers.styleMasks[i], n), c, n, g);
      float[] joined = joinedMatrices[i];
      for (int k = 0; k < g.length; k++) {
        grams[i][k] += g[k];
        joined[k] = (float) (matrices[i][k] + selfScales[i] * g[k]);
      }
    }
    pullBack(x, acts, joinedMatrices, contentSums, gradient);
  }

  /** Pass 2 on the tile's activations: the layer gradients, pulled back to its pixels. */
  private void pullBack(Tensor x, Map<String, Tensor> acts, float[][] styleGradients, double[] contentSums,
      float[] gradient) {
    Map<String, float[]> layerGradients = new LinkedHashMap<>();
    for (int i = 0; i < terms.content.size(); i++) {
      TiledTerms.Content c = terms.content.get(i);
      float[] a = acts.get(c.site().layer()).toArray();
      float[] t = buffers.contentTargets[i];
      float[] m = buffers.contentMasks[i];
      int hw = c.site().tilePositions();
      float[] g = layerGradients.computeIfAbsent(c.site().layer(), k -> new float[a.length]);
      float k = c.scale();
      double sum = 0;
      for (int p = 0; p < a.length; p++) {
        double d = ((double) a[p] - t[p]) * m[p % hw];
        sum += d * d;
        g[p] += (float) (k * d);
      }
      contentSums[i] += sum;
    }
    int histogram = terms.content.size();
    for (int i = 0; i < terms.style.size(); i++) {
      TiledTerms.Style s = terms.style.get(i);
      float[] m = buffers.styleMasks[i];
      float[] a = acts.get(s.site().layer()).toArray();
      int c = s.site().channels();
      int hw = s.site().tilePositions();
      float[] g = layerGradients.computeIfAbsent(s.site().layer(), k -> new float[a.length]);
      float[] p = styleGradients[i];
      switch (s.kind()) {
        case HISTOGRAM -> contentSums[histogram++] += StyleSums.remap(a, StyleSums.weights(m), s.histogram(),
            Arrays.copyOf(p, p.length - 1), p[p.length - 1], hw, g);
        case W2 -> StyleSums.affine(a, StyleSums.weights(m), Arrays.copyOf(p, c * c),
            Arrays.copyOfRange(p, c * c, c * c + c), c, hw, g);
        default -> {
          float[] masked = masked(a, m, hw);
          float[] product = new float[masked.length];
          GramKernel.multiply(p, masked, c, hw, product);
          for (int q = 0; q < product.length; q++) {
            g[q] += product[q] * m[q % hw];
          }
        }
      }
    }
    if (layerGradients.isEmpty()) {
      Arrays.fill(gradient, 0f);
      return;
    }
    Map<String, Tensor> pulled = new LinkedHashMap<>();
    layerGradients.forEach((l, g) -> pulled.put(l, Tensor.adopt(g, acts.get(l).shape())));
    extractor.backward(x, pulled).copyTo(gradient);
  }

  /** The (C, H W) activation times the (H W) mask at every channel, as a copy. */
  private static float[] masked(float[] activation, float[] mask, int hw) {
    float[] a = activation.clone();
    for (int p = 0; p < a.length; p++) {
      a[p] *= mask[p % hw];
    }
    return a;
  }

  @Override
  public void close() {
    // the extractor belongs to the caller
  }
}
