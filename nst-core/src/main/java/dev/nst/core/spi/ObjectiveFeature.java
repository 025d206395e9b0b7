package dev.nst.core.spi;

/**
 * What a compiled objective may have to do beyond the forward and backward pass of the network.
 * An {@code ObjectivePlan} lists the features its spec needs; a backend compiles a spec only when
 * it supports every one of them (otherwise {@code Backend.compile} returns empty and the run falls
 * back to the host objective over level-1 features), and the conformance suite checks each
 * backend against the features it declares.
 */
public enum ObjectiveFeature {
  /** Content terms: squared distance to a content activation. */
  CONTENT,
  /** Style terms with the Gram matrix loss. */
  GRAM_STYLE,
  /** Style terms with the Wasserstein-2 loss (mean and covariance). */
  W2_STYLE,
  /** Style terms with the histogram loss. */
  HISTOGRAM_STYLE,
  /** Total variation of the image (its value is always reported; its gradient when gamma &gt; 0). */
  TOTAL_VARIATION,
  /** Guided style terms: restricted to a soft region mask (spatial control). */
  STYLE_MASKS,
  /** jcjohnson's normalised gradients: each term's layer gradient divided by its L1 norm. */
  NORMALIZED_GRADIENTS
}
