package dev.nst.core.image;

import dev.nst.api.BadImageException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Images from streams: standard input, named pipes, {@code /dev/stdin}. A stream has no size to
 * check before it is read, so its first {@value #HEAD_BYTES} bytes are looked at first: they must
 * be in a format Java can decode, and when they hold the image header its size must be within the
 * pixel limit. Only then is the stream copied, up to {@value #MAX_STREAM_BYTES} bytes, into a
 * temporary file (deleted afterwards), which is read exactly as an image file is: the same
 * checks, the same messages, and constant memory whatever the stream's length. A device such
 * as {@code /dev/zero} is refused from its first bytes, without reading on.
 */
final class ImageStreams {
  /** The most bytes a stream may hold: a 64-megapixel image compresses to far less. */
  static final long MAX_STREAM_BYTES = 1L << 30;

  /** Bytes looked at before the stream is copied: enough for the header of every common format. */
  static final int HEAD_BYTES = 1 << 16;

  private ImageStreams() {}

  /**
   * Reads the image in {@code in}, naming it {@code name} in messages.
   *
   * @param in the stream, read to its end and not closed
   * @param name the stream's name for messages
   * @param maxPixels width x height above which the image is refused
   * @return the image as {@code TYPE_INT_RGB}, upright
   */
  static BufferedImage read(InputStream in, String name, long maxPixels) {
    byte[] head;
    try {
      head = in.readNBytes(HEAD_BYTES);
    } catch (IOException e) {
      throw new BadImageException("Cannot read image " + name + ": " + Images.describe(e), e);
    }
    if (head.length == 0) {
      throw new BadImageException("Cannot read image " + name + ": the stream is empty (it ended before its first"
          + " byte). Check the command that writes it.");
    }
    checkHead(head, name, maxPixels);
    Path tmp;
    try {
      tmp = Files.createTempFile("nst-image-", ".tmp");
    } catch (IOException e) {
      throw new BadImageException("Cannot read image " + name + ": cannot keep the stream in a temporary file ("
          + Images.describe(e) + "). Save the image to a file and pass its path.", e);
    }
    try {
      long size = copy(head, in, tmp, name);
      return Images.readFile(tmp, name, size, maxPixels);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the temporary folder is cleaned by the system; the image (or its failure) is what matters
      }
    }
  }

  /** Refuses a stream whose first bytes are in no known format, or whose header declares too many pixels. */
  private static void checkHead(byte[] head, String name, long maxPixels) {
    try (ImageInputStream iis = new MemoryCacheImageInputStream(new ByteArrayInputStream(head))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
      if (!readers.hasNext()) {
        throw new BadImageException("Cannot read image " + name + ": its content (" + (head.length < HEAD_BYTES
            ? head.length + " bytes" : "the first " + head.length + " bytes") + ") is not in an image format Java"
            + " can decode (" + Images.readableFormats() + "). Convert it to PNG or JPEG.");
      }
      ImageReader reader = readers.next();
      long width = 0;
      long height = 0;
      try {
        reader.setInput(iis, true, true);
        width = reader.getWidth(0);
        height = reader.getHeight(0);
      } catch (IOException | RuntimeException e) {
        // the header runs past the first bytes, or is corrupt: reading the whole image reports it
      } finally {
        reader.dispose();
      }
      if (width > 0 && height > 0 && width * height > maxPixels) {
        throw new BadImageException(String.format(Locale.ROOT, "Cannot read image %s: it is %d x %d = %d pixels,"
            + " above the limit of %d pixels (a guard against decompression bombs). Shrink the image first.",
            name, width, height, width * height, maxPixels));
      }
    } catch (IOException e) {
      throw new BadImageException("Cannot read image " + name + ": " + Images.describe(e), e);
    }
  }

  /** Writes {@code head} and the rest of {@code in} to {@code file}; returns the bytes written. */
  private static long copy(byte[] head, InputStream in, Path file, String name) {
    long total = head.length;
    byte[] buf = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(head);
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
        if (total > MAX_STREAM_BYTES) {
          throw new BadImageException("Cannot read image " + name + ": the stream holds more than "
              + MAX_STREAM_BYTES + " bytes, more than any image nst reads. Check what writes it.");
        }
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      throw new BadImageException("Cannot read image " + name + ": " + Images.describe(e)
          + " (while copying the stream to a temporary file)", e);
    }
    return total;
  }
}
