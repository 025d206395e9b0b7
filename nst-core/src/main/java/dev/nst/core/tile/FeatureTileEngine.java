package dev.nst.core.tile;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.Tensor;
import dev.nst.core.loss.GramKernel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Tiles on level 1 of any backend: activations are copied to the host, where the Gram matrices
 * and layer gradients are formed, and the backend's vector-Jacobian product pulls them back.
 * Costs three forward passes and one backward per tile (a compiled engine needs two and one),
 * so it is the fallback for backends that do not compile tiles.
 */
final class FeatureTileEngine implements TileEngine {
  private final FeatureExtractor extractor;
  private final TiledTerms terms;
  private final int[] tileShape;
  private final List<String> styleLayers;
  private final List<String> allLayers;
  private final TileBuffers buffers;

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
  }

  @Override
  public void addStatistics(float[] tile, int tileIndex, double[][] grams) {
    Map<String, Tensor> acts = extractor.forward(Tensor.of(tile, tileShape), styleLayers);
    buffers.fillStyleMasks(tileIndex);
    for (int i = 0; i < terms.style.size(); i++) {
      TiledTerms.Style s = terms.style.get(i);
      float[] masked = masked(acts.get(s.site().layer()), buffers.styleMasks[i]);
      double[] g = new double[s.site().channels() * s.site().channels()];
      GramKernel.gram(masked, s.site().channels(), s.site().tilePositions(), g);
      for (int k = 0; k < g.length; k++) {
        grams[i][k] += g[k];
      }
    }
  }

  @Override
  public void gradient(float[] tile, int tileIndex, float[][] styleGradients, double[] contentSums, float[] gradient) {
    Tensor x = Tensor.of(tile, tileShape);
    Map<String, Tensor> acts = extractor.forward(x, allLayers);
    buffers.fill(tileIndex);
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
    for (int i = 0; i < terms.style.size(); i++) {
      TiledTerms.Style s = terms.style.get(i);
      float[] m = buffers.styleMasks[i];
      float[] masked = masked(acts.get(s.site().layer()), m);
      int hw = s.site().tilePositions();
      float[] product = new float[masked.length];
      GramKernel.multiply(styleGradients[i], masked, s.site().channels(), hw, product);
      float[] g = layerGradients.computeIfAbsent(s.site().layer(), k -> new float[masked.length]);
      for (int p = 0; p < product.length; p++) {
        g[p] += product[p] * m[p % hw];
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

  /** The activation times the (H, W) mask at every channel. */
  private static float[] masked(Tensor activation, float[] mask) {
    float[] a = activation.toArray();
    int hw = activation.dim(2) * activation.dim(3);
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
