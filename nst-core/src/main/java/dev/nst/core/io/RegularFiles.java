package dev.nst.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one gate through which nst's loaders read files: only regular files are opened (a
 * symbolic link to one is fine), and their size is checked before anything is read. A named
 * pipe would block a reader forever, and a device such as {@code /dev/zero} reports a size of 0
 * and then never ends (a reader that reads "the whole file" runs out of memory); both are
 * refused here, by type, before they are opened. The type is checked and then the file opened,
 * so a file swapped for a pipe between the two can still block; files nst reads are the user's
 * own, so this guards against mistakes, not against an attacker racing the check.
 */
public final class RegularFiles {
  /** Mode bits of the file type, as {@code stat} reports them (the "unix" attribute view). */
  private static final int TYPE_MASK = 0170000;

  private RegularFiles() {}

  /**
   * The size of {@code file}, after checking that it is a regular file.
   *
   * @param file the file
   * @param what what the file is, for messages: "model file", "weight shard", "image"
   * @param error makes the exception to throw from a message that names the file
   * @return the size in bytes
   */
  public static long size(Path file, String what, Function<String, ? extends RuntimeException> error) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(error, "error");
    String problem = problem(file);
    if (problem != null) {
      throw error.apply("the " + what + " " + file + " " + problem);
    }
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw error.apply("cannot read the " + what + " " + file + " (" + e + ")");
    }
  }

  /**
   * Reads the whole of {@code file}, a regular file of at most {@code maxBytes}.
   *
   * @param file the file
   * @param what what the file is, for messages
   * @param maxBytes the largest size accepted; a larger file is refused before it is read
   * @param error makes the exception to throw from a message that names the file
   * @return the file's bytes
   */
  public static byte[] readAll(Path file, String what, long maxBytes,
      Function<String, ? extends RuntimeException> error) {
    if (maxBytes < 0 || maxBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxBytes must be in 0.." + (Integer.MAX_VALUE - 8) + ", got " + maxBytes);
    }
    long size = size(file, what, error);
    if (size > maxBytes) {
      throw error.apply("the " + what + " " + file + " has " + size + " bytes, more than the " + maxBytes
          + " a " + what + " may have; it is not the file expected, or is corrupt");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw error.apply("the " + what + " " + file + " grew past " + maxBytes + " bytes while it was read");
      }
      return bytes;
    } catch (IOException e) {
      throw error.apply("cannot read the " + what + " " + file + " (" + e + ")");
    }
  }

  /**
   * Why {@code file} cannot be read as a regular file, as the end of a sentence starting with
   * its name ("does not exist", "is a directory", "is a named pipe (FIFO), not a regular
   * file; ..."), or null when it is a regular file or a link to one.
   *
   * @param file the file
   * @return the problem, or null when there is none
   */
  public static String problem(Path file) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return Files.isSymbolicLink(file) ? "is a symbolic link to a file that does not exist"
          : "does not exist (relative paths start at " + Path.of("").toAbsolutePath() + ")";
    } catch (IOException e) {
      return "cannot be read (" + e + ")";
    }
    if (a.isRegularFile()) {
      return null;
    }
    if (a.isDirectory()) {
      return "is a directory, not a file";
    }
    return "is " + kind(file) + ", not a regular file; nst reads only regular files (or links to them), which it "
        + "can size before reading: copy the data into a file first";
  }

  /**
   * What kind of special file {@code file} is, for messages: "a named pipe (FIFO)", "a
   * character device (such as /dev/zero)", ...; a generic description where the file system
   * does not say.
   *
   * @param file an existing file that is neither a regular file nor a directory
   * @return the kind, with its article
   */
  public static String kind(Path file) {
    try {
      Object mode = Files.getAttribute(file, "unix:mode");
      if (mode instanceof Integer m) {
        String kind = switch (m & TYPE_MASK) {
          case 0010000 -> "a named pipe (FIFO)";
          case 0020000 -> "a character device (such as /dev/zero or a terminal)";
          case 0060000 -> "a block device";
          case 0140000 -> "a socket";
          default -> null;
        };
        if (kind != null) {
          return kind;
        }
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // no "unix" view here (Windows): fall through to the generic description
    }
    return "a special file (a named pipe, a device such as /dev/zero, or a socket)";
  }

  /**
   * True when {@code file} is (or links to) a character or block device, such as
   * {@code /dev/zero} or a terminal; false where the file system does not say.
   *
   * @param file the file
   * @return true for a device
   */
  public static boolean isDevice(Path file) {
    try {
      Object mode = Files.getAttribute(file, "unix:mode");
      int type = mode instanceof Integer m ? m & TYPE_MASK : 0;
      return type == 0020000 || type == 0060000;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * True when {@code file} exists and is neither a regular file nor a directory (after links):
   * a named pipe, a device, a socket. Images may be read from such a file as a stream.
   *
   * @param file the file
   * @return true for a special file
   */
  public static boolean isSpecial(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return !a.isRegularFile() && !a.isDirectory();
    } catch (IOException e) {
      return false;
    }
  }
}
