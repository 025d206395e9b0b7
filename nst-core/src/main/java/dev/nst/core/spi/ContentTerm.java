package dev.nst.core.spi;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.nst.api.Tensor;

/**
 * A content term: the squared distance of the layer's activation {@code a} to the content
 * activation {@code t}. With {@code d = a - t}:
 *
 * <pre>
 * J = lossFactor * sum(d^2)          base gradient at the layer: d
 * </pre>
 *
 * so the gradient contribution is {@code gradientFactor * d} (gradientFactor = 2 kc alpha w, or
 * 2 kc before normalisation).
 *
 * @param index position in the spec's content list
 * @param site the layer and its activation's shape
 * @param lossFactor kc
 * @param gradientFactor the factor on d
 * @param strength alpha w
 * @param target the content activation (1, C, H, W)
 */
public record ContentTerm(int index, LayerSite site, double lossFactor, double gradientFactor, double strength,
    Tensor target) implements Term {

  /**
   * Checks for nulls.
   *
   * @throws NullPointerException when {@code site} or {@code target} is null
   */
  public ContentTerm {
    checkNotNull(site, "site");
    checkNotNull(target, "target");
  }
}
