package dev.nst.core.spi;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.nst.api.Tensor;

/**
 * A style term: the distance of a statistic of the layer's activation to a target. For
 * {@link StyleStatistic#GRAM}, with F the activation (multiplied by the mask when there is one)
 * as (C, HW), and {@code D = F F^T - target}:
 *
 * <pre>
 * J = lossFactor * sum(D^2)          base gradient at the layer: D F as (1, C, H, W), times the mask
 * </pre>
 *
 * so the gradient contribution is {@code gradientFactor * D F} (gradientFactor = 4 k beta w, or
 * 4 k before normalisation). The target is the spec's mean Gram already multiplied by the
 * generated activation's H W (the reference's rule for style images of another size), so a
 * backend feeds it as it is.
 *
 * <p>For {@link StyleStatistic#W2} and {@link StyleStatistic#HISTOGRAM} the loss and gradient
 * are those of {@link dev.nst.api.StyleLossKind}: the target is the spec's mean Gram (W2, the
 * mean comes from the spec) or histogram (range and CDF) as they are, lossFactor 1 / C, and
 * gradientFactor is the strength (1 with normalised gradients). Such terms need the whole
 * image's statistics first, so they are compiled as exact tiles (see
 * {@link ObjectivePlan#needsStatisticsPass()}).
 *
 * @param index position in the spec's style list
 * @param statistic what the term matches
 * @param site the layer and its activation's shape
 * @param lossFactor k
 * @param gradientFactor the factor on D F
 * @param strength beta w
 * @param target the rescaled target (C, C)
 * @param mask the guiding mask (1, 1, H, W) at the layer's resolution, or null for the whole image
 */
public record StyleTerm(int index, StyleStatistic statistic, LayerSite site, double lossFactor, double gradientFactor,
    double strength, Tensor target, Tensor mask) implements Term {

  /**
   * Checks for nulls ({@code mask} may be null).
   *
   * @throws NullPointerException when {@code statistic}, {@code site} or {@code target} is null
   */
  public StyleTerm {
    checkNotNull(statistic, "statistic");
    checkNotNull(site, "site");
    checkNotNull(target, "target");
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
