package dev.nst.core.model;

import dev.nst.core.model.format.KerasH5Loader;
import dev.nst.core.model.format.OnnxModelLoader;
import dev.nst.core.model.format.TfjsModelLoader;
/** The file format of a registered model; it decides which loader reads it. */
public enum ModelFormat {
  /** One {@code .onnx} file (read by {@code OnnxModelLoader}). */
  ONNX,
  /** One Keras HDF5 weight file, VGG topology (read by {@code KerasH5Loader}). */
  KERAS_H5,
  /** A TF.js layers model: {@code model.json} plus its weight shards (read by {@code TfjsModelLoader}). */
  TFJS
}
