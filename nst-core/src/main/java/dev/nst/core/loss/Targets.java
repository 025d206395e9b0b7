package dev.nst.core.loss;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.LayerWeight;
import dev.nst.api.Network;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.StyleLoss;
import dev.nst.api.StyleLossKind;
import dev.nst.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Computes objective targets once, before the optimisation, with one forward pass per image.
 *
 * <p>Style targets are mean Gram matrices (Gram / (nH nW) of the style activation, see
 * {@link StyleLoss}); several style images blend as {@code sum_i w_i gram(act_i) / (nH_i nW_i)}
 * with the weights normalised to sum 1, so images of different sizes mix fairly. Guided
 * targets ({@link #guidedStyle}) restrict each style image to a region of the output.
 */
public final class Targets {
  private Targets() {}

  /** Content targets: the content image's activation at each layer, keeping the weights. */
  public static List<ObjectiveSpec.ContentTarget> content(FeatureExtractor extractor, Tensor contentImage,
      List<LayerWeight> layers) {
    Objects.requireNonNull(extractor, "extractor");
    Objects.requireNonNull(contentImage, "contentImage");
    Map<String, Tensor> acts = extractor.forward(contentImage, distinctLayers(layers));
    List<ObjectiveSpec.ContentTarget> out = new ArrayList<>(layers.size());
    for (LayerWeight lw : layers) {
      out.add(new ObjectiveSpec.ContentTarget(lw.layer(), lw.weight(), acts.get(lw.layer())));
    }
    return out;
  }

  /** Style targets of one style image with the classic Gram matrix. */
  public static List<ObjectiveSpec.StyleTarget> style(FeatureExtractor extractor, Tensor styleImage,
      List<LayerWeight> layers) {
    return style(extractor, List.of(styleImage), new double[] {1.0}, layers, new ClassicStyleLoss());
  }

  /** Style targets blending several style images with the classic Gram matrix. */
  public static List<ObjectiveSpec.StyleTarget> style(FeatureExtractor extractor, List<Tensor> styleImages,
      double[] blendWeights, List<LayerWeight> layers) {
    return style(extractor, styleImages, blendWeights, layers, new ClassicStyleLoss());
  }

  /**
   * Style targets blending several style images: per layer {@code sum_i w_i gram(act_i) /
   * (nH_i nW_i)}, with {@code w} normalised to sum 1.
   *
   * @param blendWeights one finite weight &gt;= 0 per image, not all 0
   * @param gram the loss whose {@link StyleLoss#gram} defines the Gram matrix
   */
  public static List<ObjectiveSpec.StyleTarget> style(FeatureExtractor extractor, List<Tensor> styleImages,
      double[] blendWeights, List<LayerWeight> layers, StyleLoss gram) {
    return style(MeanGrams.whole(extractor, gram), styleImages, blendWeights, layers);
  }

  /**
   * The mean Gram matrices (Gram / (nH nW)) of one image at some layers. How they are computed
   * is the caller's choice: from one forward pass ({@link #whole}), or summed over tiles for
   * images too large for one.
   */
  @FunctionalInterface
  public interface MeanGrams {
    /** The mean Gram matrix (C, C) of {@code image} at each of {@code layers}. */
    Map<String, Tensor> of(Tensor image, List<String> layers);

    /** From one forward pass of the whole image, with {@code gram}'s Gram matrix. */
    static MeanGrams whole(FeatureExtractor extractor, StyleLoss gram) {
      Objects.requireNonNull(extractor, "extractor");
      Objects.requireNonNull(gram, "gram");
      return (image, layers) -> {
        Map<String, Tensor> acts = extractor.forward(image, layers);
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (String l : layers) {
          out.put(l, meanGram(gram, acts.get(l)));
        }
        return out;
      };
    }
  }

  /**
   * Style targets blending several style images, their mean Gram matrices computed by
   * {@code grams}: per layer {@code sum_i w_i meanGram_i}, with {@code w} normalised to sum 1.
   *
   * @param blendWeights one finite weight &gt;= 0 per image, not all 0
   */
  public static List<ObjectiveSpec.StyleTarget> style(MeanGrams grams, List<Tensor> styleImages,
      double[] blendWeights, List<LayerWeight> layers) {
    Objects.requireNonNull(grams, "grams");
    double sum = checkBlend(styleImages, blendWeights);
    List<String> distinct = distinctLayers(layers);
    List<double[]> acc = new ArrayList<>();
    List<Integer> channels = new ArrayList<>();
    for (int i = 0; i < styleImages.size(); i++) {
      double w = blendWeights[i] / sum;
      if (w == 0) {
        continue;
      }
      Map<String, Tensor> means = grams.of(styleImages.get(i), distinct);
      for (int l = 0; l < distinct.size(); l++) {
        Tensor g = means.get(distinct.get(l));
        if (acc.size() <= l) {
          acc.add(new double[g.size()]);
          channels.add(g.dim(0));
        }
        double[] m = acc.get(l);
        for (int j = 0; j < m.length; j++) {
          m[j] += w * g.get(j);
        }
      }
    }
    List<ObjectiveSpec.StyleTarget> out = new ArrayList<>(layers.size());
    for (LayerWeight lw : layers) {
      int l = distinct.indexOf(lw.layer());
      double[] m = acc.get(l);
      float[] f = new float[m.length];
      for (int j = 0; j < f.length; j++) {
        f[j] = (float) m[j];
      }
      int c = channels.get(l);
      out.add(new ObjectiveSpec.StyleTarget(lw.layer(), lw.weight(), Tensor.adopt(f, c, c)));
    }
    return out;
  }

  /**
   * Spatial control (Gatys et al. 2017): one target per style image and layer, each guided by
   * its region sampled at the layer's resolution. The mean Gram (classic Gram matrix) is scaled
   * by the region's coverage so that it compares with the masked Gram (see
   * {@link ObjectiveSpec.StyleTarget}), and each target's weight is the layer's weight times the
   * image's blend weight, the blend weights normalised to sum 1.
   *
   * @param extractor runs the style images
   * @param network the extractor's network, for the shape of each layer at the output size
   * @param styleImages preprocessed style images, (1, C, H, W) each
   * @param blendWeights one weight &gt; 0 per style image
   * @param regions one region per style image; {@link Masks.Region#whole()} for a style that
   *     covers the whole image
   * @param layers the style layers and their weights
   * @param height rows of the output image
   * @param width columns of the output image
   * @return the targets, style image by style image, layer by layer
   */
  public static List<ObjectiveSpec.StyleTarget> guidedStyle(FeatureExtractor extractor, Network network,
      List<Tensor> styleImages, double[] blendWeights, List<Masks.Region> regions, List<LayerWeight> layers,
      int height, int width) {
    return guidedStyle(MeanGrams.whole(extractor, new ClassicStyleLoss()), network, styleImages, blendWeights, regions,
        layers, height, width);
  }

  /** {@link #guidedStyle(FeatureExtractor, Network, List, double[], List, List, int, int)} with mean Grams from {@code grams}. */
  public static List<ObjectiveSpec.StyleTarget> guidedStyle(MeanGrams grams, Network network,
      List<Tensor> styleImages, double[] blendWeights, List<Masks.Region> regions, List<LayerWeight> layers,
      int height, int width) {
    checkNotNull(grams, "grams");
    checkNotNull(network, "network");
    double sum = blendTotal(styleImages, blendWeights, regions);
    List<ObjectiveSpec.StyleTarget> out = new ArrayList<>();
    for (int i = 0; i < styleImages.size(); i++) {
      for (ObjectiveSpec.StyleTarget t : style(grams, List.of(styleImages.get(i)), new double[] {1.0}, layers)) {
        int[] chw = network.shapeOf(t.layer(), height, width);
        Tensor mask = regions.get(i).at(chw[1], chw[2]);
        float coverage = (float) Masks.coverage(mask);
        float[] g = t.meanGram().toArray();
        for (int k = 0; k < g.length; k++) {
          g[k] *= coverage;
        }
        out.add(new ObjectiveSpec.StyleTarget(t.layer(), t.weight() * blendWeights[i] / sum,
            Tensor.adopt(g, t.meanGram().shape()), mask));
      }
    }
    return out;
  }

  /**
   * What a style image gives at one layer for a {@link StyleLossKind}; the parts the kind does
   * not use are null. Every part blends linearly over style images.
   *
   * @param meanGram Gram / (H W), (C, C): GRAM and W2
   * @param mean the mean activation, (C): W2
   * @param histogram the range and CDF, (C, B + 3): HISTOGRAM (blends as a mixture, see
   *     {@link HistogramMatch#mixture})
   */
  public record LayerStatistics(Tensor meanGram, Tensor mean, Tensor histogram) {
    /** The statistics {@code kind} needs of one (1, C, H, W) activation, over all its positions. */
    public static LayerStatistics of(StyleLossKind kind, Tensor activation) {
      Shapes.requireActivation(activation, "activation");
      int c = activation.dim(1);
      int n = activation.dim(2) * activation.dim(3);
      return switch (kind) {
        case GRAM -> new LayerStatistics(Targets.meanGram(new ClassicStyleLoss(), activation), null, null);
        case W2 -> {
          double[] first = StyleSums.firstMoment(activation.toArray(), StyleSums.weights(null, n), c, n);
          float[] mean = new float[c];
          for (int i = 0; i < c; i++) {
            mean[i] = (float) (first[i] / n);
          }
          yield new LayerStatistics(Targets.meanGram(new ClassicStyleLoss(), activation), Tensor.adopt(mean, c), null);
        }
        case HISTOGRAM -> new LayerStatistics(null, null,
            HistogramMatch.histogram(activation, StyleLossKind.HISTOGRAM_BINS));
      };
    }
  }

  /**
   * The statistics of one image at some layers for a kind of style loss. How they are computed
   * is the caller's choice: from one forward pass ({@link #whole}), or over tiles for images too
   * large for one ({@code TiledForward.statistics}).
   */
  @FunctionalInterface
  public interface StyleStatistics {
    /** The statistics {@code kind} needs of {@code image} at each of {@code layers}. */
    Map<String, LayerStatistics> of(Tensor image, List<String> layers, StyleLossKind kind);

    /** From one forward pass of the whole image. */
    static StyleStatistics whole(FeatureExtractor extractor) {
      Objects.requireNonNull(extractor, "extractor");
      return (image, layers, kind) -> {
        Map<String, Tensor> acts = extractor.forward(image, layers);
        Map<String, LayerStatistics> out = new java.util.LinkedHashMap<>();
        for (String l : layers) {
          out.put(l, LayerStatistics.of(kind, acts.get(l)));
        }
        return out;
      };
    }
  }

  /**
   * Style targets of {@code kind} blending several style images, weights normalised to sum 1:
   * GRAM and W2 blend mean Grams (and W2 the means), so several styles mix by their first and
   * second raw moments; HISTOGRAM mixes the distributions ({@link HistogramMatch#mixture}).
   *
   * @param blendWeights one finite weight &gt;= 0 per image, not all 0
   */
  public static List<ObjectiveSpec.StyleTarget> style(StyleStatistics statistics, List<Tensor> styleImages,
      double[] blendWeights, List<LayerWeight> layers, StyleLossKind kind) {
    Objects.requireNonNull(statistics, "statistics");
    Objects.requireNonNull(kind, "kind");
    double sum = checkBlend(styleImages, blendWeights);
    List<String> distinct = distinctLayers(layers);
    Map<String, LayerStatistics> blended = new java.util.LinkedHashMap<>();
    Map<String, List<Tensor>> histograms = new java.util.LinkedHashMap<>();
    List<Double> histogramWeights = new ArrayList<>();
    for (int i = 0; i < styleImages.size(); i++) {
      double w = blendWeights[i] / sum;
      if (w == 0) {
        continue;
      }
      histogramWeights.add(w);
      Map<String, LayerStatistics> s = statistics.of(styleImages.get(i), distinct, kind);
      for (String l : distinct) {
        LayerStatistics x = s.get(l);
        if (kind == StyleLossKind.HISTOGRAM) {
          histograms.computeIfAbsent(l, k -> new ArrayList<>()).add(x.histogram());
          continue;
        }
        blended.merge(l, scaled(x, w), (a, b) -> new LayerStatistics(add(a.meanGram(), b.meanGram()),
            add(a.mean(), b.mean()), null));
      }
    }
    double[] hw = histogramWeights.stream().mapToDouble(Double::doubleValue).toArray();
    histograms.forEach((l, h) -> blended.put(l, new LayerStatistics(null, null,
        h.size() == 1 ? h.get(0) : HistogramMatch.mixture(h, hw))));
    List<ObjectiveSpec.StyleTarget> out = new ArrayList<>(layers.size());
    for (LayerWeight lw : layers) {
      out.add(target(lw.layer(), lw.weight(), kind, blended.get(lw.layer()), null));
    }
    return out;
  }

  /**
   * Spatial control for any kind: one target per style image and layer, guided by its region
   * sampled at the layer's resolution, weighted by the layer's weight times the image's blend
   * weight (normalised to sum 1). Gram targets are scaled by the region's coverage (see
   * {@link ObjectiveSpec.StyleTarget}); W2 and histogram targets are the style's own statistics.
   */
  public static List<ObjectiveSpec.StyleTarget> guidedStyle(StyleStatistics statistics, Network network,
      List<Tensor> styleImages, double[] blendWeights, List<Masks.Region> regions, List<LayerWeight> layers,
      int height, int width, StyleLossKind kind) {
    checkNotNull(network, "network");
    double sum = blendTotal(styleImages, blendWeights, regions);
    List<ObjectiveSpec.StyleTarget> out = new ArrayList<>();
    for (int i = 0; i < styleImages.size(); i++) {
      for (ObjectiveSpec.StyleTarget t : style(statistics, List.of(styleImages.get(i)), new double[] {1.0}, layers,
          kind)) {
        int[] chw = network.shapeOf(t.layer(), height, width);
        Tensor mask = regions.get(i).at(chw[1], chw[2]);
        ObjectiveSpec.StyleTarget scaled = kind == StyleLossKind.GRAM
            ? target(t.layer(), t.weight(), kind, scaled(new LayerStatistics(t.meanGram(), null, null),
                Masks.coverage(mask)), null)
            : t;
        out.add(scaled.withWeightAndMask(t.weight() * blendWeights[i] / sum, mask));
      }
    }
    return out;
  }

  private static ObjectiveSpec.StyleTarget target(String layer, double weight, StyleLossKind kind, LayerStatistics s,
      Tensor mask) {
    return new ObjectiveSpec.StyleTarget(layer, weight, kind, s.meanGram(), s.mean(), s.histogram(), mask);
  }

  private static LayerStatistics scaled(LayerStatistics s, double w) {
    return new LayerStatistics(scaled(s.meanGram(), w), scaled(s.mean(), w), null);
  }

  private static Tensor scaled(Tensor t, double w) {
    if (t == null) {
      return null;
    }
    float[] v = t.toArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] * w);
    }
    return Tensor.adopt(v, t.shape());
  }

  private static Tensor add(Tensor a, Tensor b) {
    if (a == null) {
      return null;
    }
    float[] v = a.toArray();
    for (int i = 0; i < v.length; i++) {
      v[i] += b.get(i);
    }
    return Tensor.adopt(v, a.shape());
  }

  /** Checks the blend weights against the images; returns their sum. */
  private static double checkBlend(List<Tensor> styleImages, double[] blendWeights) {
    if (styleImages.isEmpty()) {
      throw new IllegalArgumentException("give at least one style image");
    }
    if (blendWeights.length != styleImages.size()) {
      throw new IllegalArgumentException("got " + styleImages.size() + " style images but "
          + blendWeights.length + " blend weights; give one weight per image");
    }
    double sum = 0;
    for (double w : blendWeights) {
      if (!Double.isFinite(w) || w < 0) {
        throw new IllegalArgumentException("blend weights must be finite and >= 0, got " + w);
      }
      sum += w;
    }
    if (sum <= 0) {
      throw new IllegalArgumentException("the blend weights sum to 0; give at least one positive weight");
    }
    return sum;
  }

  /** The mean Gram matrix gram(activation) / (nH nW) of one (1, C, H, W) activation. */
  public static Tensor meanGram(StyleLoss gram, Tensor activation) {
    Shapes.requireActivation(activation, "activation");
    Tensor g = gram.gram(activation);
    float[] f = g.toArray();
    double n = (double) activation.dim(2) * activation.dim(3);
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) (f[i] / n);
    }
    return Tensor.adopt(f, g.shape());
  }

  private static List<String> distinctLayers(List<LayerWeight> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("give at least one layer");
    }
    Set<String> names = new LinkedHashSet<>();
    for (LayerWeight lw : layers) {
      names.add(lw.layer());
    }
    return List.copyOf(names);
  }

  /** The sum of the blend weights, after checking that each style image has one and a region. */
  private static double blendTotal(List<Tensor> styleImages, double[] blendWeights, List<Masks.Region> regions) {
    checkArgument(styleImages.size() == blendWeights.length && styleImages.size() == regions.size(),
        "got %s style images, %s blend weights and %s regions; give one of each per image", styleImages.size(),
        blendWeights.length, regions.size());
    return Arrays.stream(blendWeights).sum();
  }
}
