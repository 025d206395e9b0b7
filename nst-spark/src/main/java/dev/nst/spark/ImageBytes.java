package dev.nst.spark;

import dev.nst.api.BadImageException;
import dev.nst.core.image.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;

/**
 * Images as bytes and Spark rows. Encoded files are decoded by nst's own reader
 * ({@link Images#read}, hardened against corrupt and hostile files) from a temporary copy named
 * like the original, so that a run in Spark sees exactly the pixels a run on one machine sees and
 * messages name the file.
 */
final class ImageBytes {
  private ImageBytes() {}

  /**
   * Decodes an encoded image (PNG, JPEG...).
   *
   * @param name the original's file name, for the temporary copy and messages
   * @throws BadImageException when the bytes are not a readable image
   */
  static BufferedImage decode(byte[] data, String name) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("nst-spark-");
      Path file = dir.resolve(name.isEmpty() ? "image" : name);
      Files.write(file, data);
      return Images.read(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage " + name + " for decoding: " + e.getMessage(), e);
    } finally {
      deleteQuietly(dir);
    }
  }

  /** {@code image} as PNG bytes, encoded by {@link Images#write} as on one machine. */
  static byte[] png(BufferedImage image) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("nst-spark-");
      Path file = dir.resolve("out.png");
      Images.write(image, file);
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a PNG: " + e.getMessage(), e);
    } finally {
      deleteQuietly(dir);
    }
  }

  /**
   * An image of Spark's {@code image} data source (origin, height, width, nChannels, mode, data:
   * rows of BGR or BGRA bytes, or grey) as an RGB image; alpha is composited over white, as
   * {@link Images#read} does.
   */
  static BufferedImage fromImageRow(Row image) {
    int height = image.getInt(image.fieldIndex("height"));
    int width = image.getInt(image.fieldIndex("width"));
    int channels = image.getInt(image.fieldIndex("nChannels"));
    byte[] data = image.getAs("data");
    if (height <= 0 || width <= 0 || (channels != 1 && channels != 3 && channels != 4)
        || data == null || data.length < (long) height * width * channels) {
      throw new BadImageException("the image " + image.getString(image.fieldIndex("origin")) + " is undecodable ("
          + width + "x" + height + ", " + channels + " channels); Spark's image source marks such files with an "
          + "empty image, so read with dropInvalid or use the binaryFile source");
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0, i = 0; y < height; y++) {
      for (int x = 0; x < width; x++, i += channels) {
        int b = data[i] & 255;
        int g = channels == 1 ? b : data[i + 1] & 255;
        int r = channels == 1 ? b : data[i + 2] & 255;
        if (channels == 4) {
          int a = data[i + 3] & 255;
          r = (r * a + 255 * (255 - a) + 127) / 255;
          g = (g * a + 255 * (255 - a) + 127) / 255;
          b = (b * a + 255 * (255 - a) + 127) / 255;
        }
        out.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    return out;
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder left behind costs a few bytes
    }
  }
}
