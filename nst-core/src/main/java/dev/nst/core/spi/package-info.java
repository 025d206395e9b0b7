/**
 * Support for backend authors: what every backend would otherwise write again. The features a
 * compiled objective can need ({@link dev.nst.core.spi.ObjectiveFeature}), and the shared
 * scaffolding the ONNX and ND4J backends build on.
 */
package dev.nst.core.spi;
