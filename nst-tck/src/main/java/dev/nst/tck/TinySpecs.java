package dev.nst.tck;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.LayerWeight;
import dev.nst.api.LossNormalization;
import dev.nst.api.Network;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.StyleLossKind;
import dev.nst.api.Tensor;
import dev.nst.core.loss.Masks;
import dev.nst.core.loss.Targets;
import dev.nst.core.spi.ObjectiveFeature;
import java.util.List;
import java.util.Random;

/** Objective specs on {@link TinyNetwork}: one with every term, one without a backend, one per feature. */
final class TinySpecs {
  static final double ALPHA = 1.0;
  static final double BETA = 20.0;
  static final double GAMMA = 0.01;

  private static final List<LayerWeight> CONTENT_LAYERS =
      List.of(new LayerWeight("conv2", 1.0), new LayerWeight("pool2", 0.5));
  private static final List<LayerWeight> STYLE_LAYERS =
      List.of(new LayerWeight("relu1", 0.5), new LayerWeight("lrelu2", 1.0), new LayerWeight("conv3", 2.0));

  private TinySpecs() {}

  /** Content at conv2 and pool2, style at relu1, lrelu2 and conv3 (a style image of another size), TV. */
  static ObjectiveSpec everyTerm(FeatureExtractor fx, Pooling pooling) {
    return new ObjectiveSpec(content(fx), style(fx), ALPHA, BETA, GAMMA, pooling, TinyNetwork.HEIGHT,
        TinyNetwork.WIDTH);
  }

  /** A valid spec computed without the backend (TV plus a content term with a zero target). */
  static ObjectiveSpec withoutBackend(Network net) {
    int[] chw = net.shapeOf("pool2", TinyNetwork.HEIGHT, TinyNetwork.WIDTH);
    return new ObjectiveSpec(List.of(new ObjectiveSpec.ContentTarget("pool2", 1.0,
        Tensor.zeros(1, chw[0], chw[1], chw[2]))), List.of(), 1.0, 0.0, 0.01, Pooling.MAX,
        TinyNetwork.HEIGHT, TinyNetwork.WIDTH);
  }

  /**
   * A spec that exercises {@code feature} and needs nothing beyond it but what it depends on
   * (guided Grams need Gram style; every spec needs total variation, see
   * {@link SpecFeatures#required}). Total variation stands alone: a spec without layers must
   * compile too.
   */
  static ObjectiveSpec exercising(ObjectiveFeature feature, FeatureExtractor fx, Pooling pooling) {
    int h = TinyNetwork.HEIGHT;
    int w = TinyNetwork.WIDTH;
    return switch (feature) {
      case CONTENT -> new ObjectiveSpec(content(fx), List.of(), ALPHA, 0, 0, pooling, h, w);
      case GRAM_STYLE -> new ObjectiveSpec(List.of(), style(fx), 0, BETA, 0, pooling, h, w);
      case W2_STYLE -> new ObjectiveSpec(List.of(), style(fx, StyleLossKind.W2), 0, BETA, 0, pooling, h, w);
      case HISTOGRAM_STYLE -> new ObjectiveSpec(List.of(), style(fx, StyleLossKind.HISTOGRAM), 0, BETA, 0, pooling, h,
          w);
      case TOTAL_VARIATION -> new ObjectiveSpec(List.of(), List.of(), 0, 0, 1.0, pooling, h, w);
      case STYLE_MASKS -> new ObjectiveSpec(List.of(), guidedStyle(fx), 0, BETA, 0, pooling, h, w);
      case NORMALIZED_GRADIENTS -> new ObjectiveSpec(content(fx), style(fx), ALPHA, BETA, GAMMA, pooling, h, w,
          LossNormalization.CLASSIC, true);
    };
  }

  private static List<ObjectiveSpec.ContentTarget> content(FeatureExtractor fx) {
    return Targets.content(fx, TinyNetwork.image(TinyNetwork.SEED + 3), CONTENT_LAYERS);
  }

  private static List<ObjectiveSpec.StyleTarget> style(FeatureExtractor fx) {
    return Targets.style(fx, styleImage(TinyNetwork.SEED + 4, 13, 9), STYLE_LAYERS);
  }

  /**
   * Style targets of {@code kind} at relu1 and lrelu2, with a style image of another
   * size; unguided, so that the spec needs no feature beyond the kind's (guided W2 and histogram
   * terms are checked by the tiled evaluation and the style loss references).
   */
  static List<ObjectiveSpec.StyleTarget> style(FeatureExtractor fx, StyleLossKind kind) {
    // not conv3: its 6 positions leave the covariance of its 5 channels nearly singular, where the
    // W2 loss curves too sharply for central differences
    return Targets.style(Targets.StyleStatistics.whole(fx), List.of(styleImage(TinyNetwork.SEED + 4, 13, 9)),
        new double[] {1}, STYLE_LAYERS.subList(0, 2), kind);
  }

  private static Tensor styleImage(long seed, int height, int width) {
    return Numerics.gaussian(new Random(seed), 1.0, 1, TinyNetwork.CHANNELS, height, width);
  }

  /**
   * Two regions, as a spatially controlled run builds them: at relu1 one style image inside a
   * soft mask and another outside it (two targets at one layer), the first again inside the
   * mask at lrelu2, and unguided at conv3. Each guided target is scaled by its mask's coverage.
   */
  private static List<ObjectiveSpec.StyleTarget> guidedStyle(FeatureExtractor fx) {
    List<ObjectiveSpec.StyleTarget> first = Targets.style(fx, styleImage(TinyNetwork.SEED + 4, 13, 9), STYLE_LAYERS);
    ObjectiveSpec.StyleTarget second = Targets.style(fx, styleImage(TinyNetwork.SEED + 6, 9, 14),
        List.of(new LayerWeight("relu1", 0.5))).get(0);
    Network net = fx.network();
    return List.of(
        guided(first.get(0), mask(net, "relu1", false)),
        guided(second, mask(net, "relu1", true)),
        guided(first.get(1), mask(net, "lrelu2", false)),
        first.get(2));
  }

  private static ObjectiveSpec.StyleTarget guided(ObjectiveSpec.StyleTarget whole, Tensor mask) {
    float coverage = (float) Masks.coverage(mask);
    float[] g = whole.meanGram().toArray();
    for (int i = 0; i < g.length; i++) {
      g[i] *= coverage;
    }
    return new ObjectiveSpec.StyleTarget(whole.layer(), whole.weight(), Tensor.adopt(g, whole.meanGram().shape()),
        mask);
  }

  /** A soft left-to-right ramp with a ripple across rows at the layer's resolution, or its complement. */
  private static Tensor mask(Network net, String layer, boolean complement) {
    int[] chw = net.shapeOf(layer, TinyNetwork.HEIGHT, TinyNetwork.WIDTH);
    int h = chw[1];
    int w = chw[2];
    float[] m = new float[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double v = 0.1 + 0.8 * (x + 0.5) / w + 0.1 * Math.sin(1.3 * y);
        v = Math.min(1, Math.max(0, v));
        m[y * w + x] = (float) (complement ? 1 - v : v);
      }
    }
    return Tensor.adopt(m, 1, 1, h, w);
  }
}
