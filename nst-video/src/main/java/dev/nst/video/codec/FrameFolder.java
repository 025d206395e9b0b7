package dev.nst.video.codec;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.nst.api.BadImageException;
import dev.nst.core.image.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of numbered frames: {@code frame_000001.png}, {@code frame_000002.png}, ... when
 * written; when read, every PNG or JPEG in the folder, ordered by the last number in its name
 * (then by name), so {@code 2.png} comes before {@code 10.png}. Writes are atomic, so a folder
 * never holds a half-written frame.
 */
public final class FrameFolder {
  /** The last run of digits in a file name (without its extension). */
  private static final Pattern NUMBER = Pattern.compile("(\\d+)(?!.*\\d)");

  private FrameFolder() {}

  /**
   * The file of frame {@code index} (0-based) in {@code dir}: {@code frame_%06d.png}, numbered from 1.
   *
   * @param dir the folder
   * @param index the frame's position, from 0
   * @return the path
   */
  public static Path frameFile(Path dir, int index) {
    checkNotNull(dir, "dir");
    checkArgument(index >= 0, "frame index must be >= 0, got %s", index);
    return dir.resolve(String.format(Locale.ROOT, "frame_%06d.png", index + 1));
  }

  /**
   * The images in {@code dir} in frame order.
   *
   * @param dir a folder
   * @return PNG and JPEG files, by their last number, then name
   * @throws BadImageException when the folder cannot be listed
   */
  public static List<Path> list(Path dir) {
    checkNotNull(dir, "dir");
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).filter(FrameFolder::isImage)
          .sorted(Comparator.comparing((Path p) -> number(p).orElse(Long.MAX_VALUE))
              .thenComparing(p -> p.getFileName().toString()))
          .toList();
    } catch (IOException | UncheckedIOException e) {
      throw new BadImageException("Cannot list the frames in " + dir + ": " + e.getMessage()
          + ". Check that it is a readable folder.", e);
    }
  }

  private static boolean isImage(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return !name.startsWith(".") && (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg"));
  }

  private static Optional<Long> number(Path p) {
    String name = p.getFileName().toString();
    Matcher m = NUMBER.matcher(name.substring(0, name.lastIndexOf('.')));
    if (!m.find()) {
      return Optional.empty();
    }
    String digits = m.group(1);
    return Optional.of(digits.length() > 18 ? Long.MAX_VALUE - 1 : Long.parseLong(digits));
  }

  /**
   * Reads the frames of {@code dir} in order.
   *
   * @param dir a folder holding at least one PNG or JPEG
   * @param frameRate the frame rate to report, or {@code NaN}
   * @return a reader
   * @throws BadImageException when the folder holds no image
   */
  public static FrameReader reader(Path dir, double frameRate) {
    List<Path> files = list(dir);
    if (files.isEmpty()) {
      throw new BadImageException("No frames in " + dir + ": a frame folder holds numbered PNG or JPEG files.");
    }
    return new FrameReader() {
      private int next;
      private boolean closed;

      @Override
      public BufferedImage next() {
        checkState(!closed, "this frame reader is closed");
        return next < files.size() ? Images.toRgb(Images.read(files.get(next++))) : null;
      }

      @Override
      public double frameRate() {
        return frameRate;
      }

      @Override
      public int frameCount() {
        return files.size();
      }

      @Override
      public void close() {
        closed = true;
      }
    };
  }

  /**
   * Writes frames into {@code dir} as {@code frame_000001.png}, ..., each atomically.
   *
   * @param dir the folder, created when missing
   * @return a writer; {@link FrameWriter#finish} has nothing left to do
   */
  public static FrameWriter writer(Path dir) {
    checkNotNull(dir, "dir");
    return new FrameWriter() {
      private int next;
      private int width = -1;
      private int height = -1;
      private boolean closed;

      @Override
      public void write(BufferedImage frame) {
        checkNotNull(frame, "frame");
        checkState(!closed, "this frame writer is closed");
        if (width < 0) {
          width = frame.getWidth();
          height = frame.getHeight();
        }
        checkArgument(frame.getWidth() == width && frame.getHeight() == height,
            "frame %s is %sx%s, the first was %sx%s", next + 1, frame.getWidth(), frame.getHeight(), width, height);
        Images.write(frame, frameFile(dir, next++));
      }

      @Override
      public void finish() {
        closed = true;
      }

      @Override
      public void close() {
        closed = true;
      }
    };
  }
}
