package dev.nst.core.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Turns a folder, a list file or a glob into image files, in a stable (sorted) order. */
final class Inputs {
  /** The extensions a folder or glob contributes: the formats Java decodes without plugins. */
  static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff");

  /** The extensions of list files: one image path per line. */
  static final Set<String> LIST_EXTENSIONS = Set.of("txt", "lst", "list");

  private Inputs() {}

  /** True when {@code s} has a glob wildcard: * ? [ or {. */
  static boolean isGlob(String s) {
    return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  /**
   * The images {@code input} names: the image files directly in a folder, the files a list file
   * names (relative paths start at the list's folder; blank lines and lines starting with # are
   * skipped), or the file itself.
   *
   * @throws IllegalArgumentException when {@code input} does not exist
   */
  static List<Path> of(Path input) {
    if (Files.isDirectory(input)) {
      try (Stream<Path> files = Files.list(input)) {
        return files.filter(f -> Files.isRegularFile(f) && isImage(f)).sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list the folder " + input + ": " + e.getMessage(), e);
      }
    }
    if (!Files.exists(input)) {
      throw new IllegalArgumentException("input " + input + " does not exist: give an image, a folder of images, "
          + "a list file (" + String.join(", ", LIST_EXTENSIONS.stream().sorted().toList()) + ") or a glob");
    }
    if (LIST_EXTENSIONS.contains(extension(input))) {
      Path base = input.toAbsolutePath().getParent();
      List<Path> listed = new ArrayList<>();
      try {
        for (String line : Files.readAllLines(input, StandardCharsets.UTF_8)) {
          String entry = line.strip();
          if (!entry.isEmpty() && !entry.startsWith("#")) {
            listed.add(base.resolve(entry).normalize());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the list file " + input + ": " + e.getMessage(), e);
      }
      return listed;
    }
    return List.of(input);
  }

  /**
   * The image files matching {@code pattern}, e.g. {@code photos/*.jpg} or {@code photos/**}{@code /*.png}:
   * the folder before the first wildcard is searched, as deep as the pattern reaches.
   */
  static List<Path> glob(String pattern) {
    String normalized = pattern.replace('\\', '/');
    int wildcard = 0;
    while (wildcard < normalized.length() && !isGlob(normalized.substring(wildcard, wildcard + 1))) {
      wildcard++;
    }
    int slash = normalized.lastIndexOf('/', wildcard);
    Path base = Path.of(slash < 0 ? "." : slash == 0 ? "/" : normalized.substring(0, slash));
    String rest = normalized.substring(slash + 1);
    if (!Files.isDirectory(base)) {
      throw new IllegalArgumentException("the glob " + pattern + " starts in " + base + ", which is not a folder");
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
    int depth = rest.contains("**") ? Integer.MAX_VALUE : (int) rest.chars().filter(c -> c == '/').count() + 1;
    try (Stream<Path> files = Files.walk(base, depth)) {
      return files.filter(f -> Files.isRegularFile(f) && isImage(f) && matcher.matches(base.relativize(f)))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot search " + base + " for " + pattern + ": " + e.getMessage(), e);
    }
  }

  private static boolean isImage(Path file) {
    return IMAGE_EXTENSIONS.contains(extension(file));
  }

  /** The lower-case extension of a file name, "" when it has none. */
  static String extension(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** The file name without its extension. */
  static String stem(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot <= 0 ? name : name.substring(0, dot);
  }
}
