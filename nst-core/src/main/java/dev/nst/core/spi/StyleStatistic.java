package dev.nst.core.spi;

/**
 * The statistic of the activations a {@link StyleTerm} matches. One kind today; a kind is a
 * separate constant (and feature) so that backends that do not know a newer one fall back to
 * the host instead of computing the wrong loss.
 */
public enum StyleStatistic {
  /** The Gram matrix F F^T of the activation F as (C, HW); the target is (C, C). */
  GRAM(ObjectiveFeature.GRAM_STYLE);

  private final ObjectiveFeature feature;

  StyleStatistic(ObjectiveFeature feature) {
    this.feature = feature;
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
