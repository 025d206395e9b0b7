/**
 * The entry point of nst: {@link dev.nst.core.StyleTransfer} and its builder configure a style
 * transfer, and {@link dev.nst.core.StyleTransfer#run()} returns a
 * {@link dev.nst.core.StyleTransferResult}. Inside, an immutable settings value drives one run
 * per call, which builds the targets and objective of each scale and hands them to an iteration
 * loop that watches every optimiser step.
 */
package dev.nst.core;
