/**
 * Loaders that turn model files (ONNX, Keras HDF5 weights, TF.js layers) into a backend-neutral
 * {@link dev.nst.api.Network}, following the graph rather than node names, with batch
 * normalisation folded and layers named the VGG way. They are a package of their own because
 * they read untrusted files and are hardened and fuzzed as a unit.
 */
package dev.nst.core.model.format;
