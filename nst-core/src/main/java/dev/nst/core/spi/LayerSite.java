package dev.nst.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Where a term reads the network: a layer, its position in the plan's network, and the shape
 * (1, C, H, W) of its activation for the plan's image size.
 *
 * @param layer the layer's name
 * @param layerIndex the layer's index in {@link ObjectivePlan#network()}
 * @param channels C of the activation
 * @param height H of the activation
 * @param width W of the activation
 */
public record LayerSite(String layer, int layerIndex, int channels, int height, int width) {

  /**
   * Checks the values.
   *
   * @throws NullPointerException when {@code layer} is null
   * @throws IllegalArgumentException when the index is negative or a dimension is not positive
   */
  public LayerSite {
    checkNotNull(layer, "layer");
    checkArgument(layerIndex >= 0, "layer index of %s must be >= 0, got %s", layer, layerIndex);
    checkArgument(channels > 0 && height > 0 && width > 0, "activation of %s must have positive dimensions, got (%s, %s, %s)",
        layer, channels, height, width);
  }

  /**
   * The activation's shape.
   *
   * @return a new array (1, C, H, W)
   */
  public int[] activationShape() {
    return new int[] {1, channels, height, width};
  }

  /**
   * The number of positions of the activation.
   *
   * @return H * W
   */
  public long positions() {
    return (long) height * width;
  }
}
