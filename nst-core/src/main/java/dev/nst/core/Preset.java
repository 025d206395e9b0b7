package dev.nst.core;

import dev.nst.api.LayerWeight;
import dev.nst.api.LossNormalization;
import dev.nst.api.PaddingMode;
import dev.nst.api.StyleLossKind;
import dev.nst.core.optim.Adam;
import dev.nst.core.optim.Lbfgs;
import java.util.List;

/**
 * Settings that reproduce the loss scalings of well-known implementations, so that their
 * published weights carry over. Layer names are nst's VGG names (conv = before the ReLU).
 *
 * <ul>
 *   <li>{@link #CLASSIC}: the reference data's normalisation (Gatys et al.; deeplearning.ai's
 *       course) and the builder's defaults: alpha 10, beta 40, the model's own layers (for VGG
 *       networks content relu4_2, style relu1_1..relu5_1 at 0.2), so it suits every model.
 *   <li>{@link #NEURAL_STYLE_LUA}: jcjohnson/neural-style's defaults: MSE content loss,
 *       Gram / (C H W) with MSE over its entries, content_weight 5, style_weight 100 (each of
 *       relu1_1..relu5_1 at 1), tv_weight 1e-3. Its TV gradient is that of 0.5 x nst's squared
 *       TV, hence gamma 5e-4. Use it with a Caffe-convention VGG-19 (its model).
 *   <li>{@link #PYTORCH_TUTORIAL}: the PyTorch "Neural Transfer" tutorial: the same
 *       normalisation, content at conv_4 (= conv2_2) with weight 1, style at conv_1..conv_5
 *       (= conv1_1, conv1_2, conv2_1, conv2_2, conv3_1, before their ReLUs) with style_weight
 *       1e6, no TV; torch-convention VGG-19.
 *   <li>{@link #TENSORFLOW_TUTORIAL}: TensorFlow's "Neural style transfer" tutorial: Gram /
 *       (H W) with MSE over its entries, MSE content loss; content_weight 1e4 at block5_conv2
 *       (= relu5_2), style_weight 1e-2 shared by block1_conv1..block5_conv1 (= relu1_1..relu5_1,
 *       1/5 each). Its optional TV term is an L1 norm that nst does not have, so gamma is 0.
 *   <li>{@link #QUALITY}: crowsonkb/style-transfer-pytorch's recipe (2023), as close as nst's
 *       networks allow: the Wasserstein-2 style loss ({@link StyleLossKind#W2}) at the model's
 *       own style layers weighted 256:64:16:4:1 from shallow to deep (normalised), MSE content
 *       loss at the model's content layer with weight 0.015, replicate
 *       padding of the first convolution, Adam ({@link Adam#quality()}: learning rate 0.02 of the
 *       pixel range, the image kept in range, moments carried across scales), scales growing by
 *       sqrt(2) from 128 px ({@link Scales#progressive}), and each scale's result the moving average
 *       of its iterates (decay 0.99). Its TV term is left out: the averaging removes the noise.
 * </ul>
 *
 * Every preset sets all of these (the classic ones: Gram loss, zero padding, L-BFGS, no
 * averaging, the default schedule), so presets can follow each other.
 */
public enum Preset {
  /** The reference data's normalisation (see the class comment). */
  CLASSIC(LossNormalization.CLASSIC, 10, 40, 0, null, null),
  /** jcjohnson/neural-style's defaults. */
  NEURAL_STYLE_LUA(LossNormalization.GRAM_BY_ELEMENTS, 5, 100, 5e-4, List.of(new LayerWeight("relu4_2", 1)),
      layers(1, "relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1")),
  /** The PyTorch "Neural Transfer" tutorial. */
  PYTORCH_TUTORIAL(LossNormalization.GRAM_BY_ELEMENTS, 1, 1e6, 0, List.of(new LayerWeight("conv2_2", 1)),
      layers(1, "conv1_1", "conv1_2", "conv2_1", "conv2_2", "conv3_1")),
  /** TensorFlow's "Neural style transfer" tutorial. */
  TENSORFLOW_TUTORIAL(LossNormalization.GRAM_BY_LOCATIONS, 1e4, 1e-2, 0, List.of(new LayerWeight("relu5_2", 1)),
      layers(0.2, "relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1")),
  QUALITY(LossNormalization.GRAM_BY_LOCATIONS, 0.015, 1, 0, null, null);

  private final LossNormalization normalization;
  private final double alpha;
  private final double beta;
  private final double gamma;
  private final List<LayerWeight> contentLayers;
  private final List<LayerWeight> styleLayers;

  Preset(LossNormalization normalization, double alpha, double beta, double gamma, List<LayerWeight> contentLayers,
      List<LayerWeight> styleLayers) {
    this.normalization = normalization;
    this.alpha = alpha;
    this.beta = beta;
    this.gamma = gamma;
    this.contentLayers = contentLayers;
    this.styleLayers = styleLayers;
  }

  private static List<LayerWeight> layers(double weight, String... names) {
    return java.util.Arrays.stream(names).map(n -> new LayerWeight(n, weight)).toList();
  }

  /** How the preset normalises the content and style terms. */
  public LossNormalization normalization() {
    return normalization;
  }

  /** The content weight. */
  public double alpha() {
    return alpha;
  }

  /** The style weight. */
  public double beta() {
    return beta;
  }

  /** The total-variation weight. */
  public double gamma() {
    return gamma;
  }

  /** The content layers with their weights. */
  public List<LayerWeight> contentLayers() {
    return contentLayers;
  }

  /** The style layers with their weights. */
  public List<LayerWeight> styleLayers() {
    return styleLayers;
  }

  /** Sets every value of this preset on {@code b}; null layers leave the model's own. */
  void applyTo(StyleTransfer.Builder b) {
    boolean quality = this == QUALITY;
    b.normalization = normalization;
    b.alpha = alpha;
    b.beta = beta;
    b.gamma = gamma;
    b.contentLayers = contentLayers;
    b.styleLayers = styleLayers;
    b.styleLayerDecay = quality ? 4 : 0;
    b.styleLossKind = quality ? StyleLossKind.W2 : StyleLossKind.GRAM;
    b.padding = quality ? PaddingMode.REPLICATE : PaddingMode.ZEROS;
    b.averageDecay = quality ? 0.99 : 0;
    b.progressive = quality;
    b.optimizer = quality ? Adam.quality() : Lbfgs.defaults();
  }
}
