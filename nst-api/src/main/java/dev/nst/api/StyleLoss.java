package dev.nst.api;

/**
 * Style loss at one layer, comparing Gram matrices, evaluated on the host.
 *
 * <p>Targets are <em>mean</em> Gram matrices: the Gram matrix of the style activation divided
 * by its number of positions nH*nW. That makes targets of style images of any size (and blends
 * of several) comparable; a loss multiplies them by the generated activation's nH*nW, which is
 * the rescaling rule of the reference semantics.
 */
public interface StyleLoss {
  /**
   * The unnormalised Gram matrix A A^T of a (1, C, H, W) activation, A being (C, H*W).
   *
   * @param activation a layer's activation (1, C, H, W)
   * @return the (C, C) Gram matrix
   */
  Tensor gram(Tensor activation);

  /**
   * Loss and gradient with respect to {@code generated} (1, C, H, W); target is (C, C).
   *
   * @param generated the generated image's activation (1, C, H, W)
   * @param targetMeanGram the style's mean Gram matrix (C, C), see the class comment
   * @return the loss and its gradient, shaped like {@code generated}
   */
  LossValue evaluate(Tensor generated, Tensor targetMeanGram);
}
