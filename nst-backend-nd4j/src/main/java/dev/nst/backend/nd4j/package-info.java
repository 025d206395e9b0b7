/**
 * The ND4J backend ({@link dev.nst.backend.nd4j.Nd4jBackendProvider}, name {@code nd4j}):
 * SameDiff graphs with the forward pass, the losses of an objective plan and a hand-written
 * backward pass, run by libnd4j on the CPU (oneDNN) or, by dependency swap, on CUDA. Everything
 * but the provider is package-private.
 */
package dev.nst.backend.nd4j;
