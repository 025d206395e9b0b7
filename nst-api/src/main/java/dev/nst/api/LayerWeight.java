package dev.nst.api;

/**
 * A layer name with the weight of its loss term.
 *
 * @param layer the layer's name, not blank
 * @param weight the term's weight, finite and at least 0
 */
public record LayerWeight(String layer, double weight) {
  /**
   * Checks the name and the weight.
   *
   * @param layer the layer's name, not blank
   * @param weight the term's weight, finite and at least 0
   */
  public LayerWeight {
    if (layer == null || layer.isBlank()) {
      throw new IllegalArgumentException("layer name must not be blank");
    }
    if (!Double.isFinite(weight) || weight < 0) {
      throw new IllegalArgumentException("weight of layer " + layer + " must be finite and >= 0, got " + weight);
    }
  }
}
