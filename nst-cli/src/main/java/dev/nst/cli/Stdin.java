package dev.nst.cli;

import dev.nst.core.StyleTransfer;
import dev.nst.core.image.Images;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The image arguments of {@code stylize}, where {@code -} stands for standard input
 * ({@code cat photo.jpg | nst stylize - style.jpg -o out.png}). Standard input is read once,
 * when the command starts and before the model loads, with the checks of any image file
 * ({@link Images#read(InputStream, String, long)}); so it can stand for the content image or one
 * style image, not both. Named pipes and {@code /dev/stdin} need nothing special: nst reads
 * them as streams wherever it reads an image file.
 */
final class Stdin {
  /** The argument that names standard input. */
  static final String DASH = "-";

  private final BufferedImage image;

  /**
   * Reads standard input when one of the image arguments is {@code -}.
   *
   * @throws CommandLine.ParameterException when {@code -} is given more than once (a usage error)
   */
  Stdin(CommandSpec spec, InputStream in, Path content, List<Path> styles) {
    long dashes = styles.stream().filter(Stdin::isDash).count() + (isDash(content) ? 1 : 0);
    if (dashes > 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "standard input ('-') can be read only once: "
          + "give it as CONTENT or as one STYLE, not " + dashes + " times");
    }
    image = dashes == 1 ? Images.read(in, "standard input", Images.DEFAULT_MAX_PIXELS) : null;
  }

  /** Sets the content image: standard input's image for {@code -}, else the file. */
  StyleTransfer.Builder content(StyleTransfer.Builder b, Path file) {
    return isDash(file) ? b.content(image) : b.content(file);
  }

  /** Adds a style image (standard input's for {@code -}) with its blend weight and region mask (null: none). */
  StyleTransfer.Builder style(StyleTransfer.Builder b, Path file, double weight, Path mask) {
    if (!isDash(file)) {
      return mask == null ? b.style(file, weight) : b.style(file, weight, mask);
    }
    return mask == null ? b.style(image, weight) : b.style(image, weight, Images.read(mask));
  }

  private static boolean isDash(Path p) {
    return p.toString().equals(DASH);
  }
}
