package dev.nst.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything a backend needs to compile the style-transfer objective for one image size:
 *
 * <pre>
 * J = alpha * sum_c w_c J_content_c + beta * sum_l w_l J_style_l + gamma * J_tv
 * </pre>
 *
 * with the loss normalisation given ({@link LossNormalization#CLASSIC} unless a preset says
 * otherwise). With {@code normalizeGradients} (jcjohnson/neural-style's
 * {@code -normalize_gradients}), each content and style term's gradient at its layer is divided
 * by its L1 norm (+ 1e-8) before its weight (alpha w or beta w) is applied; the loss values are
 * unchanged. Content targets are activations of the content image; style targets are statistics
 * of the style image of their {@link StyleLossKind} (mean Gram matrices for the classic loss, see
 * {@link StyleLoss}).
 *
 * @param content the content targets
 * @param style the style targets
 * @param alpha the content weight, finite and at least 0
 * @param beta the style weight, finite and at least 0
 * @param gamma the total-variation weight, finite and at least 0
 * @param pooling the network's pools' kind
 * @param height the image height
 * @param width the image width
 * @param normalization how the terms are normalised
 * @param normalizeGradients whether each term's layer gradient is divided by its L1 norm
 */
public record ObjectiveSpec(
    List<ContentTarget> content,
    List<StyleTarget> style,
    double alpha,
    double beta,
    double gamma,
    Pooling pooling,
    int height,
    int width,
    LossNormalization normalization,
    boolean normalizeGradients) {

  /**
   * Content activation target at one layer.
   *
   * @param layer the layer's name
   * @param weight the term's weight
   * @param activation the content image's activation there (1, C, H, W)
   */
  public record ContentTarget(String layer, double weight, Tensor activation) {}

  /**
   * The style target at one layer, of one {@link StyleLossKind}:
   *
   * <ul>
   *   <li>{@link StyleLossKind#GRAM}: {@code meanGram} (C, C), the style activation's Gram matrix
   *       divided by its number of positions.
   *   <li>{@link StyleLossKind#W2}: {@code mean} (C) and {@code meanGram} (C, C), the style's
   *       first and second raw moments (its covariance is meanGram - mean mean^T).
   *   <li>{@link StyleLossKind#HISTOGRAM}: {@code histogram} (C, B + 3), per channel the style's
   *       least and greatest value lo_c, hi_c, then its CDF at the B + 1 nodes of [lo_c, hi_c].
   * </ul>
   *
   * The parts a kind does not use are null. With a {@code mask} (1, 1, H, W) at the layer's
   * resolution (values in 0..1), the term is guided (Gatys et al. 2017): it applies to the region
   * the mask selects. A Gram term multiplies the generated activation by the mask before its
   * Gram matrix, so its target is then scaled by sum(mask^2) / (H W), the fraction of positions
   * the region holds; W2 and histogram terms weight each position by mask^2 and normalise by the
   * sum of those weights, so their targets are the style's own statistics.
   *
   * @param layer the layer's name
   * @param weight the term's weight
   * @param kind the kind of style loss
   * @param meanGram the mean Gram matrix (C, C) (Gram, W2), else null
   * @param mean the mean (C) (W2), else null
   * @param histogram the range and CDF (C, B + 3) (histogram), else null
   * @param mask the region (1, 1, H, W) at the layer's resolution, or null for the whole image
   */
  public record StyleTarget(String layer, double weight, StyleLossKind kind, Tensor meanGram, Tensor mean,
      Tensor histogram, Tensor mask) {
    /**
     * Checks that the kind has the parts it needs.
     *
     * @param layer the layer's name
     * @param weight the term's weight
     * @param kind the kind of style loss
     * @param meanGram the mean Gram matrix (C, C) (Gram, W2), else null
     * @param mean the mean (C) (W2), else null
     * @param histogram the range and CDF (C, B + 3) (histogram), else null
     * @param mask the region at the layer's resolution, or null for the whole image
     */
    public StyleTarget {
      java.util.Objects.requireNonNull(kind, "kind");
      String missing = switch (kind) {
        case GRAM -> meanGram == null ? "a mean Gram matrix" : null;
        case W2 -> meanGram == null || mean == null ? "a mean and a mean Gram matrix (second raw moment)" : null;
        case HISTOGRAM -> histogram == null ? "a histogram" : null;
      };
      if (missing != null) {
        throw new IllegalArgumentException("a " + kind + " style target at layer " + layer + " needs " + missing
            + "; compute it with Targets for that kind");
      }
    }

    /**
     * A Gram target, guided by {@code mask} (null for the whole image).
     *
     * @param layer the layer's name
     * @param weight the term's weight
     * @param meanGram the mean Gram matrix (C, C)
     * @param mask the region (1, 1, H, W) at the layer's resolution, or null for the whole image
     */
    public StyleTarget(String layer, double weight, Tensor meanGram, Tensor mask) {
      this(layer, weight, StyleLossKind.GRAM, meanGram, null, null, mask);
    }

    /**
     * An unguided Gram target: the whole image.
     *
     * @param layer the layer's name
     * @param weight the term's weight
     * @param meanGram the mean Gram matrix (C, C)
     */
    public StyleTarget(String layer, double weight, Tensor meanGram) {
      this(layer, weight, meanGram, null);
    }

    /**
     * A Wasserstein-2 target from the style's mean (C) and mean Gram (C, C).
     *
     * @param layer the layer's name
     * @param weight the term's weight
     * @param mean the style's mean (C)
     * @param meanGram the style's mean Gram matrix (C, C)
     * @param mask the region at the layer's resolution, or null for the whole image
     * @return the target
     */
    public static StyleTarget w2(String layer, double weight, Tensor mean, Tensor meanGram, Tensor mask) {
      return new StyleTarget(layer, weight, StyleLossKind.W2, meanGram, mean, null, mask);
    }

    /**
     * A histogram target from the style's range and CDF.
     *
     * @param layer the layer's name
     * @param weight the term's weight
     * @param histogram per channel lo, hi and the CDF at B + 1 nodes, (C, B + 3)
     * @param mask the region at the layer's resolution, or null for the whole image
     * @return the target
     */
    public static StyleTarget histogram(String layer, double weight, Tensor histogram, Tensor mask) {
      return new StyleTarget(layer, weight, StyleLossKind.HISTOGRAM, null, null, histogram, mask);
    }

    /**
     * The same target with another weight and mask.
     *
     * @param newWeight the weight
     * @param newMask the mask, or null for the whole image
     * @return the changed target
     */
    public StyleTarget withWeightAndMask(double newWeight, Tensor newMask) {
      return new StyleTarget(layer, newWeight, kind, meanGram, mean, histogram, newMask);
    }

    /**
     * Whether the term is guided by a mask.
     *
     * @return true when {@link #mask()} is not null
     */
    public boolean hasMask() {
      return mask != null;
    }
  }

  /**
   * Copies the target lists and checks the weights, the size and the normalisation.
   *
   * @param content the content targets
   * @param style the style targets
   * @param alpha the content weight, finite and at least 0
   * @param beta the style weight, finite and at least 0
   * @param gamma the total-variation weight, finite and at least 0
   * @param pooling the network's pools' kind
   * @param height the image height
   * @param width the image width
   * @param normalization how the terms are normalised
   * @param normalizeGradients whether each term's layer gradient is divided by its L1 norm
   */
  public ObjectiveSpec {
    content = List.copyOf(content);
    style = List.copyOf(style);
    if (content.isEmpty() && style.isEmpty() && gamma == 0) {
      throw new IllegalArgumentException("the objective has no terms");
    }
    for (double v : new double[] {alpha, beta, gamma}) {
      if (!Double.isFinite(v) || v < 0) {
        throw new IllegalArgumentException("alpha, beta and gamma must be finite and >= 0");
      }
    }
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("image size must be positive");
    }
    if (normalization == null) {
      throw new IllegalArgumentException("normalization must not be null");
    }
  }

  /**
   * An objective with the classic normalisation.
   *
   * @param content the content targets
   * @param style the style targets
   * @param alpha the content weight, finite and at least 0
   * @param beta the style weight, finite and at least 0
   * @param gamma the total-variation weight, finite and at least 0
   * @param pooling the network's pools' kind
   * @param height the image height
   * @param width the image width
   */
  public ObjectiveSpec(List<ContentTarget> content, List<StyleTarget> style, double alpha, double beta,
      double gamma, Pooling pooling, int height, int width) {
    this(content, style, alpha, beta, gamma, pooling, height, width, LossNormalization.CLASSIC);
  }

  /**
   * An objective without gradient normalisation.
   *
   * @param content the content targets
   * @param style the style targets
   * @param alpha the content weight, finite and at least 0
   * @param beta the style weight, finite and at least 0
   * @param gamma the total-variation weight, finite and at least 0
   * @param pooling the network's pools' kind
   * @param height the image height
   * @param width the image width
   * @param normalization how the terms are normalised
   */
  public ObjectiveSpec(List<ContentTarget> content, List<StyleTarget> style, double alpha, double beta,
      double gamma, Pooling pooling, int height, int width, LossNormalization normalization) {
    this(content, style, alpha, beta, gamma, pooling, height, width, normalization, false);
  }

  /**
   * The breakdown a backend reports from its per-term values: {@code content[i]} and
   * {@code style[i]} are the unweighted losses of the i-th content and style target, {@code tv}
   * the total variation. Applies the layer weights and alpha, beta, gamma.
   *
   * @param contentTerms one unweighted loss per content target, in order
   * @param styleTerms one unweighted loss per style target, in order
   * @param tv the unweighted total variation
   * @return the weighted total and its terms
   */
  public LossBreakdown breakdown(double[] contentTerms, double[] styleTerms, double tv) {
    java.util.Map<String, Double> byContentLayer = new java.util.LinkedHashMap<>();
    java.util.Map<String, Double> byStyleLayer = new java.util.LinkedHashMap<>();
    double jc = 0;
    for (int i = 0; i < contentTerms.length; i++) {
      jc += content.get(i).weight() * contentTerms[i];
      byContentLayer.merge(content.get(i).layer(), contentTerms[i], Double::sum);
    }
    double js = 0;
    for (int i = 0; i < styleTerms.length; i++) {
      js += style.get(i).weight() * styleTerms[i];
      byStyleLayer.merge(style.get(i).layer(), styleTerms[i], Double::sum);
    }
    return new LossBreakdown(alpha * jc + beta * js + gamma * tv, jc, js, tv, byContentLayer, byStyleLayer);
  }

  /**
   * True when any style term is of {@code kind}.
   *
   * @param kind the kind of style loss
   * @return whether a style target is of that kind
   */
  public boolean hasStyle(StyleLossKind kind) {
    return style.stream().anyMatch(s -> s.kind() == kind);
  }

  /**
   * True when any style term is guided by a mask (spatial control).
   *
   * @return whether a style target has a mask
   */
  public boolean hasMasks() {
    return style.stream().anyMatch(StyleTarget::hasMask);
  }

  /**
   * Every layer a term reads, content first, without duplicates, in first-use order.
   *
   * @return the layer names
   */
  public List<String> layers() {
    List<String> out = new ArrayList<>();
    for (ContentTarget c : content) {
      if (!out.contains(c.layer())) {
        out.add(c.layer());
      }
    }
    for (StyleTarget s : style) {
      if (!out.contains(s.layer())) {
        out.add(s.layer());
      }
    }
    return out;
  }
}
