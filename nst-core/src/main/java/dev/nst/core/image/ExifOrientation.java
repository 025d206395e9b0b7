package dev.nst.core.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The EXIF orientation of a JPEG (tag 0x0112 in IFD0 of the APP1 "Exif" segment), and turning
 * an image upright by it. Cameras and phones store the sensor's rows as they are and record
 * how to turn them; viewers apply it, so nst does too, or a portrait photo would be stylised
 * lying on its side. The eight values name where the stored image's first row and first column
 * belong: 1 top/left (upright), 2 top/right (mirrored), 3 bottom/right (turned 180 degrees),
 * 4 bottom/left, 5 left/top (transposed), 6 right/top (turn 90 degrees clockwise), 7
 * right/bottom, 8 left/bottom (turn 90 degrees anticlockwise).
 *
 * <p>The parser reads only the markers before the image data, at most {@value #MAX_SEGMENTS}
 * segments, and each segment's length is checked against the file; anything malformed is taken
 * as "no orientation" (1), since the pixels themselves decoded.
 */
final class ExifOrientation {
  /** Segments looked at before giving up (JPEGs carry a handful before the image data). */
  static final int MAX_SEGMENTS = 64;
  private static final int TAG_ORIENTATION = 0x0112;
  private static final int TYPE_SHORT = 3;
  private static final int APP1 = 0xe1;
  private static final int SOS = 0xda;
  private static final int EOI = 0xd9;

  private ExifOrientation() {}

  /**
   * The orientation recorded in the JPEG {@code file}, 1 (upright) when there is none or it
   * cannot be read.
   *
   * @param file a JPEG file
   * @return 1 to 8
   */
  static int of(Path file) {
    try (SeekableByteChannel ch = Files.newByteChannel(file)) {
      long size = ch.size();
      ByteBuffer two = ByteBuffer.allocate(4);
      if (read(ch, 0, two, 2) < 2 || (two.get(0) & 0xff) != 0xff || (two.get(1) & 0xff) != 0xd8) {
        return 1;
      }
      long pos = 2;
      for (int segment = 0; segment < MAX_SEGMENTS && pos + 4 <= size; segment++) {
        read(ch, pos, two, 4);
        if ((two.get(0) & 0xff) != 0xff) {
          return 1;
        }
        int marker = two.get(1) & 0xff;
        if (marker == 0xff) { // fill byte
          pos++;
          continue;
        }
        if (marker == SOS || marker == EOI) {
          return 1;
        }
        if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { // markers without a length
          pos += 2;
          continue;
        }
        int length = ((two.get(2) & 0xff) << 8) | (two.get(3) & 0xff);
        if (length < 2 || pos + 2 + length > size) {
          return 1;
        }
        if (marker == APP1 && length >= 8) {
          ByteBuffer seg = ByteBuffer.allocate(length - 2);
          read(ch, pos + 4, seg, length - 2);
          int o = fromExif(seg.array());
          if (o != 0) {
            return o;
          }
        }
        pos += 2 + length;
      }
      return 1;
    } catch (IOException | RuntimeException e) {
      return 1;
    }
  }

  /**
   * The orientation in an APP1 segment's payload, 0 when it is not Exif or holds no valid
   * orientation.
   */
  static int fromExif(byte[] payload) {
    if (payload.length < 14 || payload[0] != 'E' || payload[1] != 'x' || payload[2] != 'i' || payload[3] != 'f'
        || payload[4] != 0 || payload[5] != 0) {
      return 0;
    }
    ByteBuffer tiff = ByteBuffer.wrap(payload, 6, payload.length - 6).slice();
    if (tiff.get(0) == 'I' && tiff.get(1) == 'I') {
      tiff.order(ByteOrder.LITTLE_ENDIAN);
    } else if (tiff.get(0) == 'M' && tiff.get(1) == 'M') {
      tiff.order(ByteOrder.BIG_ENDIAN);
    } else {
      return 0;
    }
    if ((tiff.getShort(2) & 0xffff) != 42) {
      return 0;
    }
    long ifd = tiff.getInt(4) & 0xffffffffL;
    if (ifd < 8 || ifd + 2 > tiff.limit()) {
      return 0;
    }
    int entries = tiff.getShort((int) ifd) & 0xffff;
    for (int i = 0; i < entries; i++) {
      int at = (int) ifd + 2 + 12 * i;
      if (at + 12 > tiff.limit()) {
        return 0;
      }
      if ((tiff.getShort(at) & 0xffff) == TAG_ORIENTATION) {
        int type = tiff.getShort(at + 2) & 0xffff;
        int value = tiff.getShort(at + 8) & 0xffff;
        return type == TYPE_SHORT && value >= 1 && value <= 8 ? value : 0;
      }
    }
    return 0;
  }

  /**
   * {@code image} turned upright by {@code orientation}: a new {@code TYPE_INT_RGB} image, its
   * sides swapped for 5 to 8; the image itself for 1 or an unknown value.
   *
   * @param image a {@code TYPE_INT_RGB} image as stored
   * @param orientation the EXIF orientation, 1 to 8
   * @return the image as it is meant to be seen
   */
  static BufferedImage upright(BufferedImage image, int orientation) {
    if (orientation < 2 || orientation > 8) {
      return image;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    int[] src = Images.rgbPixels(image);
    boolean swap = orientation >= 5;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    int[] out = new int[src.length];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> { sx = w - 1 - x; sy = y; }
          case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
          case 4 -> { sx = x; sy = h - 1 - y; }
          case 5 -> { sx = y; sy = x; }
          case 6 -> { sx = y; sy = h - 1 - x; }
          case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
          default -> { sx = w - 1 - y; sy = x; } // 8
        }
        out[y * ow + x] = src[sy * w + sx];
      }
    }
    return Images.fromRgbPixels(out, ow, oh);
  }

  /** Reads {@code n} bytes at {@code position} into the start of {@code buf}; returns how many it got. */
  private static int read(SeekableByteChannel ch, long position, ByteBuffer buf, int n) throws IOException {
    buf.clear().limit(n);
    ch.position(position);
    while (buf.hasRemaining() && ch.read(buf) >= 0) {
      // keep reading
    }
    return buf.position();
  }
}
