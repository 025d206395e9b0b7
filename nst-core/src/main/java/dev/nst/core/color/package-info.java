/**
 * Colour control of the output (Gatys et al. 2017): keeping the content's colours by taking its
 * chrominance after the run, by luminance-only transfer, or by matching the style's colour
 * statistics to the content's ({@link dev.nst.core.color.ColorControl},
 * {@link dev.nst.core.color.Colors}). These image-space operations run before and after the
 * optimisation, apart from the losses and backends.
 */
package dev.nst.core.color;
