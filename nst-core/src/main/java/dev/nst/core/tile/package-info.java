/**
 * Exact tiled evaluation for images too large to evaluate at once: a layout of equal tiles whose
 * cores partition every loss layer ({@link dev.nst.core.tile.TileLayout}, derived from the
 * network's kernels, strides and padding), the two-pass objective that sums the tiles' statistics
 * and gradients into exactly the untiled ones ({@link dev.nst.core.tile.TiledObjective}), and
 * forward passes for the targets of large images ({@link dev.nst.core.tile.TiledForward}).
 */
package dev.nst.core.tile;
