package dev.nst.api;

/** Smoothness prior on the image itself, in the network's input space. */
@FunctionalInterface
public interface TotalVariationLoss {
  /** Loss and gradient with respect to {@code image} (1, C, H, W). */
  LossValue evaluate(Tensor image);
}
