package dev.nst.api;

/**
 * Which statistic of a style layer's activation the style loss compares. Every kind is a sum
 * over the layer's positions p of the activation f(p) (C channels), weighted by w(p) = m(p)^2
 * for a term guided by a region mask m (1 without one), so that each runs in exact tiles.
 *
 * <ul>
 *   <li>{@link #GRAM}: the Gram matrix (Gatys et al. 2016), normalised by the spec's
 *       {@link LossNormalization}.
 *   <li>{@link #W2}: the Wasserstein-2 distance between Gaussian fits of the generated and the
 *       style features (mean and covariance), as in crowsonkb/style-transfer-pytorch: with
 *       W = sum w, mu = sum w f / W, S = sum w f f^T / W - mu mu^T + eps I and the target's
 *       mean mu_t and covariance S_t (+ eps I), eps = {@value #W2_EPSILON},
 *       <pre>
 * J = ( |mu - mu_t|^2 + tr(S + S_t - 2 (S_t^1/2 S S_t^1/2)^1/2) ) / C
 *       </pre>
 *       Its layer gradient is linear in the activation: dJ/df(p) = (2 w(p) / W) (G (f(p) - mu)
 *       + (mu - mu_t) / C) with G = dJ/dS. Several styles blend by mean and second raw moment
 *       (the mean Gram), not by covariance.
 *   <li>{@link #HISTOGRAM}: per-channel histogram matching (Risser et al. 2017): each channel
 *       of the generated activation is remapped to the style's distribution and J is the mean
 *       squared distance to the remapped values, the remap held constant:
 *       <pre>
 * J = sum_p w(p) sum_c (f_c(p) - R_c(f_c(p)))^2 / (C W),   dJ/df(p) = 2 w(p) (f(p) - R(f(p))) / (C W)
 *       </pre>
 *       Each channel's range [lo_c, hi_c] in the style (its least and greatest value) is cut
 *       into B bins of width 1 / s_c; the nodes are v_e = lo_c + e / s_c, e = 0..B. With
 *       u = clamp((f - lo_c) s_c, 0, B), k = min(floor(u), B - 1), t = u - k, every position
 *       deposits w (1 - t) on node k and w t on node k + 1 (a histogram that moves smoothly
 *       with the activation), and the CDF at node e is P_e = (sum_{j &lt; e} n_j + n_e / 2) / W.
 *       The target holds the style's own CDF over the same nodes (weights 1); the loss mixes it
 *       with {@value #HISTOGRAM_UNIFORM} of a uniform distribution over [lo_c, hi_c], so that
 *       the mixture P^t has no flat stretch and its inverse is continuous; the remap
 *       table is T_e = (P^t)^-1(P_e), P^t inverted piecewise linearly between the nodes (from
 *       the last node at or below P_e) and clamped to [lo_c, hi_c]; and R_c(f) = T_k +
 *       t (T_{k+1} - T_k). A style matched exactly is remapped onto itself. Several styles
 *       blend as a mixture of distributions: their CDFs, resampled over the union of their
 *       ranges, weighted.
 * </ul>
 *
 * W2 and histogram terms have their own scale (per-channel mean squared distances in
 * activation units) whatever the spec's {@link LossNormalization}, which applies to Gram and
 * content terms.
 */
public enum StyleLossKind {
  /** Gram matrices: the classic loss. */
  GRAM,
  /** Wasserstein-2 between Gaussian fits (mean and covariance). */
  W2,
  /** Per-channel histogram matching. */
  HISTOGRAM;

  /** The eps added to both covariances of a {@link #W2} term, as crowsonkb/style-transfer-pytorch does. */
  public static final double W2_EPSILON = 1e-4;

  /** Bins B of a {@link #HISTOGRAM} target made by nst (Risser et al. use 256). */
  public static final int HISTOGRAM_BINS = 256;

  /**
   * The share of a uniform distribution over its range mixed into a {@link #HISTOGRAM} target's
   * CDF: an empty stretch of the style's range would otherwise leave the CDF flat there, and its
   * inverse would jump wherever the generated CDF crosses that level.
   */
  public static final double HISTOGRAM_UNIFORM = 1e-4;
}
