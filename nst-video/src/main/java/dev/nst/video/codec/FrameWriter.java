package dev.nst.video.codec;

import java.awt.image.BufferedImage;

/**
 * Takes frames in order. {@link #finish} completes the output; {@link #close} without it discards
 * whatever a writer could not complete (a half-written MP4), so a failed run leaves no broken
 * file. Frames written to a folder stay either way.
 */
public interface FrameWriter extends AutoCloseable {
  /**
   * Appends a frame; every frame must have the size of the first.
   *
   * @param frame the next frame
   * @throws IllegalArgumentException when its size differs from the first frame's
   * @throws IllegalStateException after {@link #finish} or {@link #close}
   */
  void write(BufferedImage frame);

  /** Completes the output (moves an MP4 into place); later calls do nothing. */
  void finish();

  /** Releases the file; without {@link #finish}, discards an incomplete output. Harmless when called twice. */
  @Override
  void close();
}
