package dev.nst.core.tile;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.Tensor;
import dev.nst.core.loss.GramKernel;
import java.util.ArrayList;
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

  FeatureTileEngine(FeatureExtractor extractor, TiledTerms terms, int channels, int tileHeight, int tileWidth) {
    this.extractor = extractor;
    this.terms = terms;
    this.tileShape = new int[] {1, channels, tileHeight, tileWidth};
    LinkedHashSet<String> style = new LinkedHashSet<>();
    terms.style.forEach(s -> style.add(s.layer()));
    LinkedHashSet<String> all = new LinkedHashSet<>();
    terms.content.forEach(c -> all.add(c.layer()));
    all.addAll(style);
    this.styleLayers = List.copyOf(style);
    this.allLayers = List.copyOf(all);
  }

  @Override
  public void addStatistics(float[] tile, int tileIndex, double[][] grams) {
    Map<String, Tensor> acts = extractor.forward(Tensor.of(tile, tileShape), styleLayers);
    for (int i = 0; i < terms.style.size(); i++) {
      TiledTerms.Style s = terms.style.get(i);
      Tensor a = acts.get(s.layer());
      float[] masked = masked(a, s.masks().get(tileIndex));
      double[] g = new double[s.channels() * s.channels()];
      GramKernel.gram(masked, s.channels(), a.dim(2) * a.dim(3), g);
      for (int k = 0; k < g.length; k++) {
        grams[i][k] += g[k];
      }
    }
  }

  @Override
  public void gradient(float[] tile, int tileIndex, float[][] styleGradients, double[] contentSums, float[] gradient) {
    Tensor x = Tensor.of(tile, tileShape);
    Map<String, Tensor> acts = extractor.forward(x, allLayers);
    Map<String, float[]> layerGradients = new LinkedHashMap<>();
    for (int i = 0; i < terms.content.size(); i++) {
      TiledTerms.Content c = terms.content.get(i);
      float[] a = acts.get(c.layer()).toArray();
      float[] t = c.targets().get(tileIndex).toArray();
      Tensor m = c.masks().get(tileIndex);
      int hw = m.size();
      float[] g = layerGradients.computeIfAbsent(c.layer(), k -> new float[a.length]);
      float k = (float) (2 * c.factor() * c.strength());
      double sum = 0;
      for (int p = 0; p < a.length; p++) {
        double d = ((double) a[p] - t[p]) * m.get(p % hw);
        sum += d * d;
        g[p] += (float) (k * d);
      }
      contentSums[i] += sum;
    }
    for (int i = 0; i < terms.style.size(); i++) {
      TiledTerms.Style s = terms.style.get(i);
      Tensor a = acts.get(s.layer());
      Tensor m = s.masks().get(tileIndex);
      float[] masked = masked(a, m);
      int hw = a.dim(2) * a.dim(3);
      float[] product = new float[masked.length];
      GramKernel.multiply(styleGradients[i], masked, s.channels(), hw, product);
      float[] g = layerGradients.computeIfAbsent(s.layer(), k -> new float[masked.length]);
      for (int p = 0; p < product.length; p++) {
        g[p] += product[p] * m.get(p % hw);
      }
    }
    List<String> layers = new ArrayList<>(layerGradients.keySet());
    if (layers.isEmpty()) {
      java.util.Arrays.fill(gradient, 0f);
      return;
    }
    Map<String, Tensor> pulled = new LinkedHashMap<>();
    for (String l : layers) {
      Tensor a = acts.get(l);
      pulled.put(l, Tensor.adopt(layerGradients.get(l), a.shape()));
    }
    extractor.backward(x, pulled).copyTo(gradient);
  }

  /** The activation times the (1, 1, H, W) mask at every channel. */
  private static float[] masked(Tensor activation, Tensor mask) {
    float[] a = activation.toArray();
    int hw = mask.size();
    for (int p = 0; p < a.length; p++) {
      a[p] *= mask.get(p % hw);
    }
    return a;
  }

  @Override
  public void close() {
    // the extractor belongs to the caller
  }
}
