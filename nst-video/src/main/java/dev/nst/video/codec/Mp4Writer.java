package dev.nst.video.codec;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.nst.api.BadImageException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jcodec.api.awt.AWTSequenceEncoder;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.Rational;

/**
 * Encodes frames into an H.264 (baseline profile) MP4 with JCodec. The file is written beside
 * the target under a hidden temporary name and moved into place by {@link #finish}, so readers
 * never see a half-written video and a failed run leaves the previous file, if any, as it was.
 * H.264 stores 4:2:0 colour, so frames need even sides.
 */
public final class Mp4Writer implements FrameWriter {
  private final Path target;
  private final Path temporary;
  private final SeekableByteChannel channel;
  private final AWTSequenceEncoder encoder;
  private int width = -1;
  private int height = -1;
  private int written;
  private boolean finished;
  private boolean closed;

  private Mp4Writer(Path target, Path temporary, SeekableByteChannel channel, AWTSequenceEncoder encoder) {
    this.target = target;
    this.temporary = temporary;
    this.channel = channel;
    this.encoder = encoder;
  }

  /**
   * Starts a video.
   *
   * @param file the MP4 to write (replaced by {@link #finish} if it exists)
   * @param frameRate frames per second, positive
   * @return a writer
   * @throws BadImageException when the file cannot be created
   */
  public static Mp4Writer create(Path file, double frameRate) {
    checkNotNull(file, "file");
    checkArgument(frameRate > 0 && Double.isFinite(frameRate), "frame rate must be positive, got %s", frameRate);
    Path target = file.toAbsolutePath();
    Path temporary = target.resolveSibling("." + target.getFileName() + ".part");
    SeekableByteChannel channel = null;
    try {
      Files.createDirectories(target.getParent());
      channel = NIOUtils.writableChannel(temporary.toFile());
      int millis = (int) Math.round(frameRate * 1000);
      return new Mp4Writer(target, temporary, channel, new AWTSequenceEncoder(channel, Rational.reduce(millis, 1000)));
    } catch (IOException | RuntimeException e) {
      NIOUtils.closeQuietly(channel);
      throw new BadImageException("Cannot create video " + file + ": " + Mp4Reader.describe(e)
          + ". Check that the directory is writable and the disk is not full.", e);
    }
  }

  @Override
  public void write(BufferedImage frame) {
    checkNotNull(frame, "frame");
    checkState(!finished && !closed, "this MP4 writer is finished");
    if (width < 0) {
      checkArgument(frame.getWidth() % 2 == 0 && frame.getHeight() % 2 == 0,
          "H.264 frames need even sides, got %sx%s", frame.getWidth(), frame.getHeight());
      width = frame.getWidth();
      height = frame.getHeight();
    }
    checkArgument(frame.getWidth() == width && frame.getHeight() == height,
        "frame %s is %sx%s, the first was %sx%s", written + 1, frame.getWidth(), frame.getHeight(), width, height);
    try {
      encoder.encodeImage(frame);
      written++;
    } catch (IOException | RuntimeException e) {
      throw new BadImageException("Cannot encode frame " + (written + 1) + " into " + target + ": "
          + Mp4Reader.describe(e) + ". Check that the disk is not full.", e);
    }
  }

  /** Frames written so far. */
  public int frames() {
    return written;
  }

  @Override
  public void finish() {
    if (finished || closed) {
      return;
    }
    finished = true;
    try {
      encoder.finish();
      channel.close();
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      throw new BadImageException("Cannot complete video " + target + ": " + Mp4Reader.describe(e)
          + ". Check that the disk is not full; the frames folder still holds every frame.", e);
    } finally {
      close();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    NIOUtils.closeQuietly(channel);
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException ignored) {
      // a stray hidden .part file is all that is left; the video itself was never moved into place
    }
  }
}
