package dev.nst.api;

/**
 * What a convolution reads beyond the border of its input: zeros (how VGG and Darknet were
 * trained), or the image continued at its edge. Continuing the image reduces the dark or
 * light seams that zero padding leaves along the border of a stylised image, which is why
 * crowsonkb/style-transfer-pytorch replicates the border at the first convolution.
 */
public enum PaddingMode {
  /** Zeros beyond the border. */
  ZEROS,
  /** The edge pixel repeated (ONNX Pad mode "edge", PyTorch "replicate"). */
  REPLICATE,
  /** The image mirrored about its edge pixel, which is not repeated (PyTorch "reflect"). */
  REFLECT
}
