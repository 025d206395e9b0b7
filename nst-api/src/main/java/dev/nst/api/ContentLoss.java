package dev.nst.api;

/**
 * Content loss between the generated image's activation and the content image's activation at
 * one layer, evaluated on the host. The default in nst-core is
 * {@code sum((target - generated)^2) / (4 nC nH nW)}.
 */
@FunctionalInterface
public interface ContentLoss {
  /**
   * Loss and gradient with respect to {@code generated}; both tensors are (1, C, H, W).
   *
   * @param generated the generated image's activation
   * @param target the content image's activation at the same layer
   * @return the loss and its gradient, shaped like {@code generated}
   */
  LossValue evaluate(Tensor generated, Tensor target);
}
