package dev.nst.video.codec;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.nst.api.BadImageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Opens a video by its path: a folder is a frame folder, a {@code .mp4}/{@code .m4v}/{@code .mov} file an MP4. */
public final class Videos {
  private Videos() {}

  /**
   * True when {@code path} names an MP4 by its extension.
   *
   * @param path any path
   * @return whether it ends in .mp4, .m4v or .mov (any case)
   */
  public static boolean isMp4(Path path) {
    checkNotNull(path, "path");
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".mp4") || name.endsWith(".m4v") || name.endsWith(".mov");
  }

  /**
   * A reader of {@code input}.
   *
   * @param input a folder of numbered frames or an MP4 file
   * @param folderFrameRate the frame rate a folder reports ({@code NaN}: unknown)
   * @return a reader at the first frame
   * @throws BadImageException when the input is missing or of another kind
   */
  public static FrameReader reader(Path input, double folderFrameRate) {
    checkNotNull(input, "input");
    if (Files.isDirectory(input)) {
      return FrameFolder.reader(input, folderFrameRate);
    }
    if (!Files.isRegularFile(input)) {
      throw new BadImageException("No video at " + input + ": give an MP4 file or a folder of numbered frames.");
    }
    if (!isMp4(input)) {
      throw new BadImageException("Cannot read video " + input + ": nst reads H.264 MP4 files (.mp4, .m4v, .mov) and "
          + "folders of numbered PNG/JPEG frames.");
    }
    return Mp4Reader.open(input);
  }
}
