package dev.nst.api.spi;

import dev.nst.api.Layer;
import dev.nst.api.Network;

/**
 * How much native memory one evaluation (forward, losses, backward) takes on a backend, by
 * estimate, as bytes per value of what scales with the image and the network:
 *
 * <pre>
 * bytes = bytesPerActivation x (sum of every layer's output values)
 *       + bytesPerWeight x (convolution weights and biases)
 *       + bytesPerImageValue x (C x H x W of the image)
 * </pre>
 *
 * A run's memory plan uses the backend's model to decide whether an image is evaluated whole or
 * in tiles, and how large the tiles can be; an estimate that is too high costs speed (smaller
 * tiles), one that is too low costs the process. Backends measure theirs (peak resident memory
 * over image sizes) and stay above what they measured.
 *
 * @param bytesPerActivation bytes per value of the network's layer outputs
 * @param bytesPerWeight bytes per weight value (the backend's copies and transforms of them)
 * @param bytesPerImageValue bytes per value of the image (image, gradient, their buffers)
 */
public record MemoryModel(double bytesPerActivation, double bytesPerWeight, double bytesPerImageValue) {

  /**
   * For a backend that has not measured itself: every activation kept for the backward pass,
   * and gradients, layout copies and workspaces about as much again twice over.
   */
  public static final MemoryModel CONSERVATIVE = new MemoryModel(20, 8, 16);

  /**
   * Checks that every factor is finite and at least 0.
   *
   * @param bytesPerActivation bytes per activation value of one evaluation
   * @param bytesPerWeight bytes per weight
   * @param bytesPerImageValue bytes per value of the image
   */
  public MemoryModel {
    if (!(bytesPerActivation >= 0) || !(bytesPerWeight >= 0) || !(bytesPerImageValue >= 0)) {
      throw new IllegalArgumentException("bytes per value must be finite and >= 0, got " + bytesPerActivation + ", "
          + bytesPerWeight + ", " + bytesPerImageValue);
    }
  }

  /**
   * The estimate for one evaluation of {@code network} (already truncated after its deepest
   * loss layer) on an image of {@code height x width}; saturates at {@link Long#MAX_VALUE} for
   * absurd sizes instead of overflowing.
   *
   * @param network the network, truncated after its deepest loss layer
   * @param height the image's height
   * @param width the image's width
   * @return the estimate in bytes
   * @throws IllegalArgumentException when the image is too small for the network
   */
  public long bytes(Network network, int height, int width) {
    double activations = 0;
    for (int[] s : network.shapes(height, width)) {
      activations += (double) s[0] * s[1] * s[2];
    }
    double weights = 0;
    for (Layer l : network.layers()) {
      if (l instanceof Layer.Convolution c) {
        weights += c.weight().size() + c.bias().size();
      }
    }
    double image = (double) network.inputChannels() * height * width;
    double bytes = bytesPerActivation * activations + bytesPerWeight * weights + bytesPerImageValue * image;
    return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) bytes;
  }
}
