package dev.nst.api;

/** Smoothness prior on the image itself, in the network's input space. */
@FunctionalInterface
public interface TotalVariationLoss {
  /**
   * Loss and gradient with respect to {@code image} (1, C, H, W).
   *
   * @param image the image, in the network's input space
   * @return the loss and its gradient, shaped like {@code image}
   */
  LossValue evaluate(Tensor image);
}
