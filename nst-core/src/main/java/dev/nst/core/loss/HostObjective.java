package dev.nst.core.loss;

import dev.nst.api.ContentLoss;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.LossBreakdown;
import dev.nst.api.LossValue;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.StyleLoss;
import dev.nst.api.StyleLossKind;
import dev.nst.api.Tensor;
import dev.nst.api.TotalVariationLoss;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Level 1 of the backend contract: the objective evaluated on the host from a backend's
 * {@link FeatureExtractor}. It is the fallback when a backend cannot compile the objective and
 * the way user-written losses run.
 *
 * <p>Style terms of every {@link StyleLossKind} run here: Gram terms with the given
 * {@link StyleLoss}, W2 terms with {@link GaussianW2}, histogram terms with
 * {@link HistogramMatch}.
 *
 * <p>One {@link #evaluate} call costs one {@code forward} to every layer of the spec and one
 * {@code backward}: the per-layer loss gradients are weighted (alpha w_c for content, beta w_l
 * for style, summed when a layer serves both) before they are pulled back together, then
 * gamma times the total-variation gradient is added. The total variation is always computed
 * (it is cheap and users like to see it) even when gamma is 0.
 *
 * <p>The extractor belongs to the caller: {@link #close()} only marks this objective closed and
 * never closes the extractor, so one extractor can serve several objectives (for example the
 * scales of a multi-scale run). Not thread-safe, like the extractor.
 */
public final class HostObjective implements Objective {
  private final FeatureExtractor extractor;
  private final ObjectiveSpec spec;
  private final ContentLoss contentLoss;
  private final StyleLoss styleLoss;
  private final TotalVariationLoss tvLoss;
  private final int[] imageShape;
  private final int imageSize;
  private final List<String> layers;
  private final Map<String, int[]> layerShapes;
  /** Per style term: its W2 or histogram target worked out once, null for a Gram term. */
  private final Object[] styleModels;
  private boolean closed;

  /**
   * An objective with the given host losses.
   *
   * @throws dev.nst.api.UnknownLayerException when the spec names a layer the extractor's
   *     network lacks
   * @throws IllegalArgumentException when a target's shape does not fit the network at the
   *     spec's image size
   */
  public HostObjective(FeatureExtractor extractor, ObjectiveSpec spec, ContentLoss contentLoss,
      StyleLoss styleLoss, TotalVariationLoss tvLoss) {
    this.extractor = Objects.requireNonNull(extractor, "extractor");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.contentLoss = Objects.requireNonNull(contentLoss, "contentLoss");
    this.styleLoss = Objects.requireNonNull(styleLoss, "styleLoss");
    this.tvLoss = Objects.requireNonNull(tvLoss, "tvLoss");
    Network network = extractor.network();
    this.layers = spec.layers();
    network.requireLayers(layers);
    this.imageShape = new int[] {1, network.inputChannels(), spec.height(), spec.width()};
    this.imageSize = network.inputChannels() * spec.height() * spec.width();
    this.layerShapes = new HashMap<>();
    for (String layer : layers) {
      int[] chw = network.shapeOf(layer, spec.height(), spec.width());
      layerShapes.put(layer, new int[] {1, chw[0], chw[1], chw[2]});
    }
    for (ObjectiveSpec.ContentTarget c : spec.content()) {
      int[] expected = layerShapes.get(c.layer());
      if (c.activation() == null || !c.activation().hasShape(expected)) {
        throw new IllegalArgumentException("the content target at layer " + c.layer() + " has shape "
            + (c.activation() == null ? "null" : Arrays.toString(c.activation().shape()))
            + " but a " + spec.height() + "x" + spec.width() + " image gives " + Arrays.toString(expected)
            + " there; compute the content target from a content image of the generated image's size");
      }
    }
    this.styleModels = new Object[spec.style().size()];
    for (int i = 0; i < styleModels.length; i++) {
      ObjectiveSpec.StyleTarget s = spec.style().get(i);
      int ch = layerShapes.get(s.layer())[1];
      Tensor stat = s.kind() == StyleLossKind.HISTOGRAM ? s.histogram() : s.meanGram();
      boolean fits = s.kind() == StyleLossKind.HISTOGRAM ? stat.rank() == 2 && stat.dim(0) == ch : stat.hasShape(ch, ch);
      if (!fits || (s.kind() == StyleLossKind.W2 && s.mean().size() != ch)) {
        throw new IllegalArgumentException("the " + s.kind() + " style target at layer " + s.layer() + " has shape "
            + Arrays.toString(stat.shape()) + " but the layer has " + ch + " channels, so it must be "
            + (s.kind() == StyleLossKind.HISTOGRAM ? "(" + ch + ", bins + 3)" : "(" + ch + ", " + ch + ")")
            + "; compute style targets with the same network");
      }
      if (s.hasMask()) {
        int[] shape = layerShapes.get(s.layer());
        if (!s.mask().hasShape(1, 1, shape[2], shape[3])) {
          throw new IllegalArgumentException("the mask at layer " + s.layer() + " has shape "
              + Arrays.toString(s.mask().shape()) + " but must be " + Arrays.toString(new int[] {1, 1, shape[2], shape[3]})
              + "; resize the mask to the layer's resolution");
        }
      }
      styleModels[i] = switch (s.kind()) {
        case GRAM -> null;
        case W2 -> GaussianW2.target(s.mean(), s.meanGram());
        case HISTOGRAM -> HistogramMatch.target(s.histogram());
      };
    }
  }

  /** An objective with the classic losses of nst-core (the reference semantics). */
  public static HostObjective classic(FeatureExtractor extractor, ObjectiveSpec spec) {
    return new HostObjective(extractor, spec, new ClassicContentLoss(spec.normalization()),
        new ClassicStyleLoss(spec.normalization()),
        new SquaredTotalVariation());
  }

  @Override
  public int[] imageShape() {
    return imageShape.clone();
  }

  /** The spec this objective evaluates. */
  public ObjectiveSpec spec() {
    return spec;
  }

  @Override
  public LossBreakdown evaluate(float[] image, float[] gradient) {
    if (closed) {
      throw new IllegalStateException("this HostObjective is closed; create a new one");
    }
    if (image == null || gradient == null || image.length != imageSize || gradient.length != imageSize) {
      throw new IllegalArgumentException("image and gradient must each hold " + imageSize
          + " values for shape " + Arrays.toString(imageShape) + ", got "
          + (image == null ? "null" : image.length) + " and "
          + (gradient == null ? "null" : gradient.length));
    }
    Tensor x = Tensor.of(image, imageShape);
    Map<String, Tensor> acts = extractor.forward(x, layers);
    for (String layer : layers) {
      Tensor a = acts.get(layer);
      if (a == null || !a.hasShape(layerShapes.get(layer))) {
        throw new IllegalStateException("the feature extractor returned "
            + (a == null ? "nothing" : "shape " + Arrays.toString(a.shape())) + " for layer " + layer
            + " where " + Arrays.toString(layerShapes.get(layer)) + " was expected: a backend bug");
      }
    }

    Map<String, float[]> layerGrads = new LinkedHashMap<>();
    Map<String, Double> contentByLayer = new LinkedHashMap<>();
    Map<String, Double> styleByLayer = new LinkedHashMap<>();
    double content = 0;
    for (ObjectiveSpec.ContentTarget c : spec.content()) {
      LossValue v = contentLoss.evaluate(acts.get(c.layer()), c.activation());
      checkGradient(v, c.layer(), contentLoss);
      contentByLayer.merge(c.layer(), v.value(), Double::sum);
      content += c.weight() * v.value();
      accumulate(layerGrads, c.layer(), v.gradient(), spec.alpha() * c.weight());
    }
    double style = 0;
    for (int i = 0; i < styleModels.length; i++) {
      ObjectiveSpec.StyleTarget s = spec.style().get(i);
      Tensor a = acts.get(s.layer());
      LossValue v = styleTerm(i, s, a);
      checkGradient(v, s.layer(), styleLoss);
      styleByLayer.merge(s.layer(), v.value(), Double::sum);
      style += s.weight() * v.value();
      accumulate(layerGrads, s.layer(), v.gradient(), spec.beta() * s.weight());
    }

    if (layerGrads.isEmpty()) {
      Arrays.fill(gradient, 0f);
    } else {
      Map<String, Tensor> pulled = new LinkedHashMap<>();
      layerGrads.forEach((layer, g) -> pulled.put(layer, Tensor.adopt(g, layerShapes.get(layer))));
      Tensor gx = extractor.backward(x, pulled);
      if (gx == null || gx.size() != imageSize) {
        throw new IllegalStateException("the feature extractor's backward returned "
            + (gx == null ? "null" : Arrays.toString(gx.shape())) + " instead of "
            + Arrays.toString(imageShape) + ": a backend bug");
      }
      gx.copyTo(gradient);
    }

    LossValue tv = tvLoss.evaluate(x);
    if (tv.gradient() == null || tv.gradient().size() != imageSize) {
      throw new IllegalStateException(tvLoss + " returned a gradient that does not have the image's shape "
          + Arrays.toString(imageShape));
    }
    if (spec.gamma() != 0) {
      float gamma = (float) spec.gamma();
      for (int i = 0; i < imageSize; i++) {
        gradient[i] += gamma * tv.gradient().get(i);
      }
    }
    double total = spec.alpha() * content + spec.beta() * style + spec.gamma() * tv.value();
    return new LossBreakdown(total, content, style, tv.value(), contentByLayer, styleByLayer);
  }

  /** The loss of style term {@code i} and its gradient with respect to the layer's activation. */
  private LossValue styleTerm(int i, ObjectiveSpec.StyleTarget s, Tensor a) {
    return switch (s.kind()) {
      case GRAM -> {
        LossValue v = styleLoss.evaluate(s.hasMask() ? Masks.apply(a, s.mask()) : a, s.meanGram());
        checkGradient(v, s.layer(), styleLoss);
        // guided Gram: d/dA of L(A * m) = m * L'(A * m)
        yield s.hasMask() ? new LossValue(v.value(), Masks.apply(v.gradient(), s.mask())) : v;
      }
      case W2 -> ((GaussianW2) styleModels[i]).evaluate(a, s.mask());
      case HISTOGRAM -> ((HistogramMatch) styleModels[i]).evaluate(a, s.mask());
    };
  }

  private void accumulate(Map<String, float[]> grads, String layer, Tensor g, double coefficient) {
    if (coefficient == 0) {
      return;
    }
    float[] acc = grads.computeIfAbsent(layer, l -> new float[g.size()]);
    if (spec.normalizeGradients()) {
      double l1 = 0;
      for (int i = 0; i < g.size(); i++) {
        l1 += Math.abs(g.get(i));
      }
      coefficient /= l1 + 1e-8;
    }
    float k = (float) coefficient;
    for (int i = 0; i < acc.length; i++) {
      acc[i] += k * g.get(i);
    }
  }

  private void checkGradient(LossValue v, String layer, Object loss) {
    if (v == null || v.gradient() == null || !v.gradient().hasShape(layerShapes.get(layer))) {
      throw new IllegalStateException(loss + " returned "
          + (v == null || v.gradient() == null ? "no gradient" : "a gradient of shape " + Arrays.toString(v.gradient().shape()))
          + " at layer " + layer + "; it must have the activation's shape "
          + Arrays.toString(layerShapes.get(layer)));
    }
  }

  /** Marks this objective closed; the extractor is the caller's and stays open. */
  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "HostObjective[layers=" + layers + ", " + contentLoss + ", " + styleLoss + ", " + tvLoss + "]";
  }
}
