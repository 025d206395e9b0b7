package dev.nst.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * JPEGs with each of the eight EXIF orientations, in both TIFF byte orders, written by the test:
 * the stored pixels are laid out as the EXIF specification says a camera stores them for that
 * orientation (where the stored first row and first column belong in the upright picture), and
 * reading must give back the upright picture. Before: the orientation was ignored, so a phone's
 * portrait photo was stylised lying on its side (or mirrored).
 */
class ExifOrientationTest {
  /** The upright picture: four quadrants of distinct colours, 64 x 48. */
  static final int W = 64;
  static final int H = 48;
  static final int[] QUADRANTS = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff}; // top left, top right, bottom left, right

  @TempDir Path tmp;

  static int upright(int x, int y) {
    return QUADRANTS[(y < H / 2 ? 0 : 2) + (x < W / 2 ? 0 : 1)];
  }

  /**
   * The stored image for {@code orientation}: stored (c, r) shows the upright pixel the EXIF
   * specification places it at. 1: row 0 top, column 0 left; 2: top, right; 3: bottom, right;
   * 4: bottom, left; 5: row 0 left, column 0 top; 6: right, top; 7: right, bottom; 8: left, bottom.
   */
  static BufferedImage stored(int orientation) {
    boolean swap = orientation >= 5;
    int sw = swap ? H : W;
    int sh = swap ? W : H;
    BufferedImage s = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
    for (int r = 0; r < sh; r++) {
      for (int c = 0; c < sw; c++) {
        int[] v = switch (orientation) {
          case 1 -> new int[] {c, r};
          case 2 -> new int[] {W - 1 - c, r};
          case 3 -> new int[] {W - 1 - c, H - 1 - r};
          case 4 -> new int[] {c, H - 1 - r};
          case 5 -> new int[] {r, c};
          case 6 -> new int[] {W - 1 - r, c};
          case 7 -> new int[] {W - 1 - r, H - 1 - c};
          default -> new int[] {r, H - 1 - c};
        };
        s.setRGB(c, r, upright(v[0], v[1]));
      }
    }
    return s;
  }

  /** An APP1 Exif segment (marker and length included) holding IFD0 with one orientation entry. */
  static byte[] exif(int orientation, ByteOrder order, int ifdOffset) {
    ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4).order(order);
    tiff.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M');
    tiff.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M');
    tiff.putShort((short) 42).putInt(ifdOffset);
    tiff.putShort((short) 1);
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
    tiff.putInt(0);
    byte[] payload = tiff.array();
    ByteBuffer seg = ByteBuffer.allocate(4 + 6 + payload.length).order(ByteOrder.BIG_ENDIAN);
    seg.put((byte) 0xff).put((byte) 0xe1).putShort((short) (2 + 6 + payload.length));
    seg.put(new byte[] {'E', 'x', 'i', 'f', 0, 0}).put(payload);
    return seg.array();
  }

  /** A JPEG of {@code image} with {@code segment} inserted right after its start-of-image marker. */
  static byte[] jpegWith(BufferedImage image, byte[] segment) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ImageIO.write(image, "jpeg", b);
    byte[] plain = b.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(plain, 0, 2);
    out.write(segment);
    out.write(plain, 2, plain.length - 2);
    return out.toByteArray();
  }

  static void assertUpright(BufferedImage img) {
    assertThat(img.getWidth()).isEqualTo(W);
    assertThat(img.getHeight()).isEqualTo(H);
    for (int[] p : new int[][] {{W / 4, H / 4}, {3 * W / 4, H / 4}, {W / 4, 3 * H / 4}, {3 * W / 4, 3 * H / 4}}) {
      int got = img.getRGB(p[0], p[1]);
      int want = upright(p[0], p[1]);
      for (int s = 0; s < 24; s += 8) {
        assertThat(Math.abs((got >> s & 255) - (want >> s & 255))).as("channel %d at %d,%d", s, p[0], p[1])
            .isLessThan(40);
      }
    }
  }

  @ParameterizedTest(name = "orientation {0}, {1}")
  @CsvSource({"1, II", "2, II", "3, II", "4, II", "5, II", "6, II", "7, II", "8, II",
      "1, MM", "2, MM", "3, MM", "4, MM", "5, MM", "6, MM", "7, MM", "8, MM"})
  void everyOrientationReadsUpright(int orientation, String byteOrder) throws IOException {
    ByteOrder order = byteOrder.equals("II") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    Path f = Files.write(tmp.resolve("o" + orientation + ".jpg"), jpegWith(stored(orientation), exif(orientation,
        order, 8)));
    assertUpright(Images.read(f));
    // streams go through the same reader
    assertUpright(Images.read(Files.newInputStream(f), "a stream", Images.DEFAULT_MAX_PIXELS));
  }

  @Test
  void withoutExifOrWithAnUnreadableOneTheStoredPixelsAreKept() throws IOException {
    BufferedImage turned = stored(6);
    Path plain = tmp.resolve("plain.jpg");
    ImageIO.write(turned, "jpeg", plain.toFile());
    assertThat(Images.read(plain).getWidth()).isEqualTo(H);
    // an IFD offset past the segment, an orientation out of range: read as stored
    Path broken = Files.write(tmp.resolve("broken.jpg"), jpegWith(turned, exif(6, ByteOrder.BIG_ENDIAN, 4000)));
    assertThat(Images.read(broken).getWidth()).isEqualTo(H);
    Path nine = Files.write(tmp.resolve("nine.jpg"), jpegWith(turned, exif(9, ByteOrder.BIG_ENDIAN, 8)));
    assertThat(Images.read(nine).getWidth()).isEqualTo(H);
  }

  @Test
  void theTransformIsExactOnEveryPixel() {
    for (int o = 1; o <= 8; o++) {
      BufferedImage up = ExifOrientation.upright(stored(o), o);
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          assertThat(up.getRGB(x, y) & 0xffffff).as("orientation %d at %d,%d", o, x, y).isEqualTo(upright(x, y));
        }
      }
    }
  }
}
