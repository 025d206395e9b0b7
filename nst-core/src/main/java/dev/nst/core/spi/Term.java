package dev.nst.core.spi;

import dev.nst.api.Tensor;

/**
 * One loss term of an {@link ObjectivePlan}, with everything a backend needs to turn it into
 * graph nodes: where it reads the network, its target, and its constant factors. Per term the
 * compiled objective reports the unweighted loss {@code lossFactor * sum(...)}, and adds to the
 * gradient at its layer {@code gradientFactor} times the term's base gradient (see the two
 * kinds), divided by its L1 norm (+ 1e-8) and multiplied by {@link #strength()} when the plan
 * {@linkplain ObjectivePlan#normalizesGradients() normalises gradients}.
 *
 * <p>Sealed so that a backend's switch over the kinds is checked by the compiler; new kinds of
 * terms (other style statistics, per-tile statistics) join the hierarchy and
 * {@link ObjectivePlan#requires()} names the feature each one needs.
 */
public sealed interface Term permits ContentTerm, StyleTerm {

  /**
   * The term's position in its list of the spec ({@code ObjectiveSpec.content()} or
   * {@code ObjectiveSpec.style()}).
   *
   * @return the index, from 0
   */
  int index();

  /**
   * Where the term reads the network.
   *
   * @return the layer and its activation's shape
   */
  LayerSite site();

  /**
   * The factor on the sum of squares that gives the unweighted loss (kc or k of the spec's
   * {@link dev.nst.api.LossNormalization}).
   *
   * @return the loss factor
   */
  double lossFactor();

  /**
   * The factor on the term's base gradient: the whole weight of the term (for example
   * 2 kc alpha w) without gradient normalisation, the unweighted factor (2 kc) with it.
   *
   * @return the gradient factor
   */
  double gradientFactor();

  /**
   * The term's weight in the objective: alpha w for content, beta w for style.
   *
   * @return the strength, &gt;= 0
   */
  double strength();

  /**
   * The target the term compares with, ready to feed: already rescaled where the kind says so.
   *
   * @return the target tensor
   */
  Tensor target();

  /**
   * Whether the term adds to the gradient at all (its strength is not 0).
   *
   * @return true when the gradient must be built
   */
  default boolean differentiated() {
    return strength() != 0;
  }

  /**
   * The name of the layer the term reads.
   *
   * @return {@code site().layer()}
   */
  default String layer() {
    return site().layer();
  }
}
