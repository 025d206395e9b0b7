package dev.nst.video.codec;

import java.awt.image.BufferedImage;
import java.util.List;

/** Frames of a video in order, decoded one at a time. Close it when done; closing twice is harmless. */
public interface FrameReader extends AutoCloseable {
  /**
   * The next frame.
   *
   * @return the frame as an RGB image, or null after the last one
   * @throws dev.nst.api.BadImageException when the frame cannot be read or decoded
   * @throws IllegalStateException after {@link #close}
   */
  BufferedImage next();

  /** Frames per second as the source states it, or {@code NaN} when it does not (a folder of images). */
  double frameRate();

  /** The number of frames as the source states it, or -1 when unknown. */
  int frameCount();

  /** Notes on what the reader leaves out (an audio track it cannot carry over), one sentence each. */
  default List<String> notes() {
    return List.of();
  }

  /** Releases the file. */
  @Override
  void close();
}
