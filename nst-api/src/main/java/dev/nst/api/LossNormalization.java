package dev.nst.api;

/**
 * How content and style losses are normalised. Each is a factor on a sum of squares of a layer
 * with C channels and H x W positions:
 *
 * <pre>
 * J_content = contentFactor(C, H, W) * sum((a - t)^2)
 * J_style   = styleFactor(C, H, W)   * sum((A A^T - G_target)^2)     (unnormalised Gram matrices)
 * </pre>
 *
 * A peer that divides its Gram matrices by some N and then averages over the C^2 entries has
 * styleFactor = 1 / (N^2 C^2); the target is always the mean Gram times H*W, so style images of
 * any size compare fairly.
 */
public enum LossNormalization {
  /** The reference semantics: 1/(4 C H W) and 1/(4 C^2 (H W)^2) (Gatys' paper, deeplearning.ai). */
  CLASSIC,
  /**
   * jcjohnson/neural-style and the PyTorch tutorial: mean squared error for content
   * (1/(C H W)); Gram matrices divided by C H W and averaged over their C^2 entries
   * (1/(C^4 (H W)^2)).
   */
  GRAM_BY_ELEMENTS,
  /**
   * The TensorFlow tutorial: mean squared error for content; Gram matrices divided by H W
   * (the number of locations) and averaged over their C^2 entries (1/(C^2 (H W)^2)).
   */
  GRAM_BY_LOCATIONS;

  /**
   * Factor on sum((a - t)^2) of a C x H x W content layer.
   *
   * @param c channels
   * @param h height
   * @param w width
   * @return the factor
   */
  public double contentFactor(int c, int h, int w) {
    double n = (double) c * h * w;
    return this == CLASSIC ? 1 / (4 * n) : 1 / n;
  }

  /**
   * Factor on sum((G - G_target)^2) of a style layer with unnormalised Gram matrices.
   *
   * @param c channels
   * @param h height
   * @param w width
   * @return the factor
   */
  public double styleFactor(int c, int h, int w) {
    double hw = (double) h * w;
    double cc = (double) c * c;
    return switch (this) {
      case CLASSIC -> 1 / (4 * cc * hw * hw);
      case GRAM_BY_ELEMENTS -> 1 / (cc * cc * hw * hw);
      case GRAM_BY_LOCATIONS -> 1 / (cc * hw * hw);
    };
  }
}
