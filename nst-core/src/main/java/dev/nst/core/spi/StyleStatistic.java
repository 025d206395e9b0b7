package dev.nst.core.spi;

/**
 * The statistic of the activations a {@link StyleTerm} matches, one per
 * {@link dev.nst.api.StyleLossKind}. A kind is a separate constant (and feature) so that
 * backends that do not know a newer one fall back to the host instead of computing the wrong
 * loss.
 */
public enum StyleStatistic {
  /** The Gram matrix F F^T of the activation F as (C, HW); the target is (C, C). */
  GRAM(ObjectiveFeature.GRAM_STYLE),
  /** Mean and covariance (Wasserstein-2 between Gaussian fits); the target is the mean Gram (C, C). */
  W2(ObjectiveFeature.W2_STYLE),
  /** Per-channel histograms; the target is the style's range and CDF (C, B + 3). */
  HISTOGRAM(ObjectiveFeature.HISTOGRAM_STYLE);

  private final ObjectiveFeature feature;

  StyleStatistic(ObjectiveFeature feature) {
    this.feature = feature;
  }

  /**
   * The statistic of a kind of style loss.
   *
   * @param kind the kind
   * @return its statistic
   */
  public static StyleStatistic of(dev.nst.api.StyleLossKind kind) {
    return switch (kind) {
      case GRAM -> GRAM;
      case W2 -> W2;
      case HISTOGRAM -> HISTOGRAM;
    };
  }

  /**
   * Whether terms of this kind need the statistics of the whole image before any layer gradient
   * (W2 and histogram), so that a compiled objective runs a statistics pass and a gradient pass.
   *
   * @return true for W2 and histogram
   */
  public boolean needsStatisticsPass() {
    return this != GRAM;
  }

  /**
   * The feature a compiled objective needs for terms of this kind.
   *
   * @return the feature
   */
  public ObjectiveFeature feature() {
    return feature;
  }
}
