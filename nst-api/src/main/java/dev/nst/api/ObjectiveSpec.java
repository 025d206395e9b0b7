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

  /** Content activation target at one layer. */
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
   */
  public record StyleTarget(String layer, double weight, StyleLossKind kind, Tensor meanGram, Tensor mean,
      Tensor histogram, Tensor mask) {
    /** Checks that the kind has the parts it needs. */
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

    /** A Gram target, guided by {@code mask} (null for the whole image). */
    public StyleTarget(String layer, double weight, Tensor meanGram, Tensor mask) {
      this(layer, weight, StyleLossKind.GRAM, meanGram, null, null, mask);
    }

    /** An unguided Gram target: the whole image. */
    public StyleTarget(String layer, double weight, Tensor meanGram) {
      this(layer, weight, meanGram, null);
    }

    /** A Wasserstein-2 target from the style's mean (C) and mean Gram (C, C), guided by {@code mask} or null. */
    public static StyleTarget w2(String layer, double weight, Tensor mean, Tensor meanGram, Tensor mask) {
      return new StyleTarget(layer, weight, StyleLossKind.W2, meanGram, mean, null, mask);
    }

    /** A histogram target from the style's range and CDF (C, B + 3), guided by {@code mask} or null. */
    public static StyleTarget histogram(String layer, double weight, Tensor histogram, Tensor mask) {
      return new StyleTarget(layer, weight, StyleLossKind.HISTOGRAM, null, null, histogram, mask);
    }

    /** The same target with another weight and mask (null for the whole image). */
    public StyleTarget withWeightAndMask(double newWeight, Tensor newMask) {
      return new StyleTarget(layer, newWeight, kind, meanGram, mean, histogram, newMask);
    }

    public boolean hasMask() {
      return mask != null;
    }
  }

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

  /** An objective with the classic normalisation. */
  public ObjectiveSpec(List<ContentTarget> content, List<StyleTarget> style, double alpha, double beta,
      double gamma, Pooling pooling, int height, int width) {
    this(content, style, alpha, beta, gamma, pooling, height, width, LossNormalization.CLASSIC);
  }

  /** An objective without gradient normalisation. */
  public ObjectiveSpec(List<ContentTarget> content, List<StyleTarget> style, double alpha, double beta,
      double gamma, Pooling pooling, int height, int width, LossNormalization normalization) {
    this(content, style, alpha, beta, gamma, pooling, height, width, normalization, false);
  }

  /**
   * The breakdown a backend reports from its per-term values: {@code content[i]} and
   * {@code style[i]} are the unweighted losses of the i-th content and style target, {@code tv}
   * the total variation. Applies the layer weights and alpha, beta, gamma.
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

  /** True when any style term is of {@code kind}. */
  public boolean hasStyle(StyleLossKind kind) {
    return style.stream().anyMatch(s -> s.kind() == kind);
  }

  /** True when any style term is guided by a mask (spatial control). */
  public boolean hasMasks() {
    return style.stream().anyMatch(StyleTarget::hasMask);
  }

  /** Every layer a term reads, content first, without duplicates, in first-use order. */
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
