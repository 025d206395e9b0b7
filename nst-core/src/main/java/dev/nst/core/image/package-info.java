/**
 * Images in and out: reading, writing and resizing 8-bit sRGB images with failures reported as
 * {@link dev.nst.api.BadImageException} ({@link dev.nst.core.image.Images}), and the conversion
 * between images and a network's input space ({@link dev.nst.core.image.Preprocessing}). Kept
 * together because this is where files become pixels and pixels become tensors, and the only
 * place that deals with ImageIO.
 */
package dev.nst.core.image;
