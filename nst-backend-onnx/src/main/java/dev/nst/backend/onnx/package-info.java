/**
 * The ONNX Runtime backend ({@link dev.nst.backend.onnx.OnnxBackendProvider}, name
 * {@code onnx}). ONNX Runtime has no autodiff, so the backend generates ONNX graphs holding the
 * forward pass, the losses of an objective plan and the analytic backward pass, one session run
 * per evaluation; everything but the provider is package-private.
 */
package dev.nst.backend.onnx;
