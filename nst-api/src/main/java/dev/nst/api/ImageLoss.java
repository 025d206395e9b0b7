package dev.nst.api;

/**
 * A loss on the image itself, in the network's input space, added to the objective on the host:
 * pixel-space terms that cost little next to the network, such as the temporal term of video
 * style transfer (the distance to the previous frame's result, warped by the optical flow) or a
 * colour prior. Its value appears in {@link LossBreakdown#imageLosses()} under its name.
 * Implementations must not keep the arrays they are given.
 */
@FunctionalInterface
public interface ImageLoss {
  /**
   * Evaluates the loss at {@code image} and adds its gradient into {@code gradient}.
   *
   * @param image the image, (1, C, H, W) flattened in row-major order
   * @param shape (1, C, H, W); the run's scales give different H and W
   * @param gradient dJ/dimage so far, same length as {@code image}: add to it, never overwrite
   * @return the loss value, already weighted
   */
  double addTo(float[] image, int[] shape, float[] gradient);
}
