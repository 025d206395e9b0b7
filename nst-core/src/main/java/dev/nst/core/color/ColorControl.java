package dev.nst.core.color;

/**
 * How the output's colours relate to the content's and the style's (Gatys et al. 2017,
 * "Controlling Perceptual Factors in Neural Style Transfer", section 5).
 */
public enum ColorControl {
  /** Plain style transfer: the output takes the style's colours. */
  NONE,
  /**
   * After the run, keep the output's luminance and take the chrominance from the content
   * (YIQ), as jcjohnson/neural-style's {@code -original_colors 1}.
   */
  KEEP_CONTENT_COLORS,
  /**
   * Luminance-only transfer: the style's luminance is matched to the content's mean and
   * deviation, both images are optimised as grey luminance images, and the result's luminance
   * is recombined with the content's chrominance.
   */
  LUMINANCE_ONLY,
  /**
   * Colour matching before the run: the style image's RGB colours are transformed linearly so
   * that their mean and covariance equal the content's (the "Image Analogies" variant with the
   * symmetric matrix square root).
   */
  MATCH_STYLE_TO_CONTENT
}
