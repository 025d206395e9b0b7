package dev.nst.video.codec;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.nst.api.BadImageException;
import dev.nst.core.image.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.Picture;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.jcodec.scale.AWTUtil;

/**
 * Decodes the video track of an MP4 (H.264, as JCodec reads it: progressive main and baseline
 * profiles) frame by frame. An audio track is not decoded; {@link #notes} says so.
 */
public final class Mp4Reader implements FrameReader {
  private final Path file;
  private final SeekableByteChannel channel;
  private final FrameGrab grab;
  private final double frameRate;
  private final int frameCount;
  private final List<String> notes = new ArrayList<>();
  private int decoded;
  private boolean closed;

  private Mp4Reader(Path file, SeekableByteChannel channel, FrameGrab grab, double frameRate, int frameCount) {
    this.file = file;
    this.channel = channel;
    this.grab = grab;
    this.frameRate = frameRate;
    this.frameCount = frameCount;
  }

  /**
   * Opens {@code file}.
   *
   * @param file an MP4 with an H.264 video track
   * @return a reader at the first frame
   * @throws BadImageException when the file cannot be opened or has no video track JCodec reads
   */
  public static Mp4Reader open(Path file) {
    checkNotNull(file, "file");
    SeekableByteChannel channel = null;
    try {
      channel = NIOUtils.readableChannel(file.toFile());
      FrameGrab grab = FrameGrab.createFrameGrab(channel);
      DemuxerTrackMeta meta = grab.getVideoTrack().getMeta();
      int frames = meta == null ? -1 : meta.getTotalFrames();
      double duration = meta == null ? 0 : meta.getTotalDuration();
      double rate = frames > 0 && duration > 0 ? frames / duration : Double.NaN;
      Mp4Reader reader = new Mp4Reader(file, channel, grab, rate, frames > 0 ? frames : -1);
      if (hasAudio(file)) {
        reader.notes.add(file + " has an audio track: the output carries the video alone (JCodec does not pass audio "
            + "through; copy it back with any muxer, for example ffmpeg -i out.mp4 -i in.mp4 -map 0:v -map 1:a -c copy)");
      }
      return reader;
    } catch (IOException | JCodecException | RuntimeException e) {
      NIOUtils.closeQuietly(channel);
      throw new BadImageException("Cannot read video " + file + ": " + describe(e)
          + ". nst reads H.264 MP4 files and folders of numbered PNG/JPEG frames; convert other formats first.", e);
    }
  }

  private static boolean hasAudio(Path file) {
    try (SeekableByteChannel ch = NIOUtils.readableChannel(file.toFile())) {
      return !MP4Demuxer.createMP4Demuxer(ch).getAudioTracks().isEmpty();
    } catch (IOException | RuntimeException e) {
      return false; // the video track opened; an unreadable audio track changes nothing
    }
  }

  @Override
  public BufferedImage next() {
    checkState(!closed, "this MP4 reader is closed");
    try {
      Picture picture = grab.getNativeFrame();
      if (picture == null) {
        return null;
      }
      decoded++;
      return Images.toRgb(AWTUtil.toBufferedImage(picture));
    } catch (IOException | RuntimeException e) {
      throw new BadImageException("Cannot decode frame " + (decoded + 1) + " of " + file + ": " + describe(e)
          + ". The file may be truncated or use an H.264 feature JCodec does not decode (interlacing, 4:2:2).", e);
    }
  }

  @Override
  public double frameRate() {
    return frameRate;
  }

  @Override
  public int frameCount() {
    return frameCount;
  }

  @Override
  public List<String> notes() {
    return List.copyOf(notes);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      NIOUtils.closeQuietly(channel);
    }
  }

  static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
