package dev.nst.core.image;

import dev.nst.api.BadImageException;
import dev.nst.core.io.RegularFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.imageio.ImageIO;

/**
 * Checks that an output image can be written, before a run spends minutes on it: what the
 * path's name says ({@link #formatProblem}: an extension {@link Images#write} writes) and what
 * the file system says ({@link #checkWritable}: not a folder or a special file, a parent
 * folder that exists or can be created, and that takes a new file).
 */
public final class OutputFiles {
  /** The extensions {@link Images#write} writes, each with its ImageIO format. */
  private static final List<String[]> FORMATS = List.of(
      new String[] {"png", "png"}, new String[] {"jpg", "jpeg"}, new String[] {"jpeg", "jpeg"});

  private OutputFiles() {}

  /**
   * Why an image cannot be written under {@code file}'s name, or empty when it can: the
   * extension must be one {@link Images#write} writes, with an ImageIO writer in this runtime.
   *
   * @param file the output path
   * @return the problem, as the end of a sentence naming the file
   */
  public static Optional<String> formatProblem(Path file) {
    Objects.requireNonNull(file, "file");
    String ext = extension(file);
    for (String[] f : FORMATS) {
      if (f[0].equals(ext)) {
        return ImageIO.getImageWritersByFormatName(f[1]).hasNext() ? Optional.empty()
            : Optional.of("this Java runtime has no " + f[1] + " encoder");
      }
    }
    return Optional.of((ext.isEmpty() ? "the name has no extension" : "nst cannot write '." + ext + "' files")
        + "; use one of " + supported() + " (for example " + suggestion(file) + ")");
  }

  /**
   * The extensions {@link Images#write} writes, for messages: ".png, .jpg, .jpeg".
   *
   * @return the list in words
   */
  public static String supported() {
    return ".png, .jpg, .jpeg";
  }

  /**
   * Checks, without writing it, that an image can be written to {@code file} now: it is not a
   * folder or a special file (a pipe or device cannot be replaced atomically), its nearest
   * existing ancestor is a folder (not a file), and that folder takes a new file (a file is
   * created there and deleted). Missing folders below it are created by {@link Images#write}.
   *
   * @param file the output path
   * @throws BadImageException naming the file and what stands in the way
   */
  public static void checkWritable(Path file) {
    Objects.requireNonNull(file, "file");
    Path target = file.toAbsolutePath().normalize();
    String prefix = "Cannot write the image " + file + ": ";
    if (Files.isDirectory(target)) {
      throw new BadImageException(prefix + "it is a folder; give a file name in it, for example "
          + file.resolve("out.png"));
    }
    if (RegularFiles.isSpecial(target)) {
      throw new BadImageException(prefix + "it is " + RegularFiles.kind(target) + "; nst writes images to "
          + "regular files, atomically (a finished file is renamed into place)");
    }
    Path dir = target.getParent();
    while (dir != null && !Files.exists(dir)) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new BadImageException(prefix + "none of its parent folders exists");
    }
    if (!Files.isDirectory(dir)) {
      throw new BadImageException(prefix + dir + " is a file, not a folder, so nothing can be written under it");
    }
    Path probe = dir.resolve(".nst-write-check-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      Files.createFile(probe);
    } catch (IOException e) {
      throw new BadImageException(prefix + "the folder " + dir + " does not take new files ("
          + Images.describe(e) + "); choose a writable folder", e);
    }
    try {
      Files.delete(probe);
    } catch (IOException e) {
      throw new BadImageException(prefix + "a test file in " + dir + " could not be deleted (" + Images.describe(e)
          + "); delete " + probe + " and choose a folder where nst may create and remove files", e);
    }
  }

  private static String extension(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static String suggestion(Path file) {
    String name = file.getFileName() == null ? "out" : file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return (dot <= 0 ? name : name.substring(0, dot)) + ".png";
  }
}
