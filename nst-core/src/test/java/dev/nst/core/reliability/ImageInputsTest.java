package dev.nst.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.BadImageException;
import dev.nst.core.image.Images;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad and unusual image inputs that {@code ImagesTest} does not cover: decompression bombs
 * in JPEG, GIF, BMP and TIFF, corrupt JPEG, GIF, BMP and TIFF data, non-image files, 16-bit
 * RGB(A), palettes with transparency, grayscale JPEG, BMP and a CMYK TIFF. Each either reads
 * as the expected 8-bit RGB pixels or fails with a {@link BadImageException} naming the file.
 */
class ImageInputsTest {
  @TempDir Path dir;

  static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(img, format, out)).as("a " + format + " writer").isTrue();
    return out.toByteArray();
  }

  static BufferedImage gradient(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (x * 255 / Math.max(1, w - 1)) << 16 | (y * 255 / Math.max(1, h - 1)) << 8 | ((x * y) & 0xff));
      }
    }
    return img;
  }

  static int[] pixels(BufferedImage img) {
    int[] px = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    for (int i = 0; i < px.length; i++) {
      px[i] &= 0xffffff;
    }
    return px;
  }

  /** A minimal little-endian uncompressed TIFF with one strip of 8-bit samples. */
  static byte[] tiff(long width, long height, int samplesPerPixel, int photometric, byte[] samples) {
    int entries = 10;
    int bitsAt = 8 + 2 + entries * 12 + 4;
    int dataAt = bitsAt + 2 * samplesPerPixel;
    ByteBuffer b = ByteBuffer.allocate(dataAt + samples.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) entries);
    tag(b, 256, 4, 1, width); // ImageWidth
    tag(b, 257, 4, 1, height); // ImageLength
    tag(b, 258, 3, samplesPerPixel, samplesPerPixel == 1 ? 8 : bitsAt); // BitsPerSample
    tag(b, 259, 3, 1, 1); // no compression
    tag(b, 262, 3, 1, photometric); // 2 RGB, 5 separated (CMYK)
    tag(b, 273, 4, 1, dataAt); // StripOffsets
    tag(b, 277, 3, 1, samplesPerPixel);
    tag(b, 278, 4, 1, height); // RowsPerStrip
    tag(b, 279, 4, 1, samples.length); // StripByteCounts
    tag(b, 284, 3, 1, 1); // chunky
    b.putInt(0);
    for (int i = 0; i < samplesPerPixel; i++) {
      b.putShort((short) 8);
    }
    return b.put(samples).array();
  }

  private static void tag(ByteBuffer b, int tag, int type, int count, long value) {
    b.putShort((short) tag).putShort((short) type).putInt(count);
    if (type == 3 && count == 1) {
      b.putShort((short) value).putShort((short) 0);
    } else {
      b.putInt((int) value);
    }
  }

  private void assertBomb(String name, byte[] bytes, long width, long height) throws IOException {
    Path f = Files.write(dir.resolve(name), bytes);
    assertThat(Files.size(f)).isLessThan(10_000);
    long before = FuzzRun.allocatedBytes();
    assertThatThrownBy(() -> Images.read(f)).as(name).isExactlyInstanceOf(BadImageException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining(width + " x " + height + " = " + width * height + " pixels")
        .hasMessageContaining("above the limit of " + Images.DEFAULT_MAX_PIXELS)
        .hasMessageContaining("decompression bomb");
    if (before >= 0) {
      assertThat(FuzzRun.allocatedBytes() - before).as("bytes allocated refusing " + name).isLessThan(32L << 20);
    }
  }

  // ---- huge declared dimensions, refused from the header before any pixel is allocated ----

  @Test
  void jpegDeclaring60000x60000IsRefusedFromItsHeader() throws IOException {
    byte[] jpeg = encode(gradient(16, 8), "jpeg");
    int sof = -1;
    for (int i = 0; i + 1 < jpeg.length && sof < 0; i++) {
      if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) {
        sof = i;
      }
    }
    assertThat(sof).as("SOF0 marker").isPositive();
    ByteBuffer.wrap(jpeg).putShort(sof + 5, (short) 60000).putShort(sof + 7, (short) 60000);
    assertBomb("bomb.jpg", jpeg, 60000, 60000);
  }

  @Test
  void gifDeclaring65535x65535IsRefusedFromItsHeader() throws IOException {
    byte[] gif = encode(new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_INDEXED), "gif");
    ByteBuffer b = ByteBuffer.wrap(gif).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(6, (short) 0xffff).putShort(8, (short) 0xffff); // logical screen
    int descriptor = -1;
    for (int i = 13; i < gif.length && descriptor < 0; i++) {
      if (gif[i] == 0x2c) {
        descriptor = i;
      }
    }
    assertThat(descriptor).as("image descriptor").isPositive();
    b.putShort(descriptor + 5, (short) 0xffff).putShort(descriptor + 7, (short) 0xffff);
    assertBomb("bomb.gif", gif, 65535, 65535);
  }

  @Test
  void rleBmpDeclaring20000x20000IsRefusedFromItsHeader() throws IOException {
    IndexColorModel palette = new IndexColorModel(8, 2, new byte[] {(byte) 255, 0}, new byte[] {0, 0}, new byte[] {0, (byte) 255});
    BufferedImage img = new BufferedImage(16, 4, BufferedImage.TYPE_BYTE_INDEXED, palette);
    ImageWriter w = ImageIO.getImageWritersByFormatName("bmp").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      ImageWriteParam p = w.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionType("BI_RLE8"); // compressed, so the file size says nothing about the pixel count
      w.setOutput(ios);
      w.write(null, new IIOImage(img, null, null), p);
    } finally {
      w.dispose();
    }
    byte[] bmp = out.toByteArray();
    ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN).putInt(18, 20000).putInt(22, 20000);
    assertBomb("bomb.bmp", bmp, 20000, 20000);
  }

  @Test
  void tiffDeclaring100000x100000IsRefusedFromItsHeader() throws IOException {
    assertBomb("bomb.tif", tiff(100_000, 100_000, 3, 2, new byte[] {1, 2, 3}), 100_000, 100_000);
  }

  // ---- corrupt, truncated and non-image files ----

  @Test
  void corruptJpegHuffmanTableIsABadImage() throws IOException {
    byte[] jpeg = encode(gradient(32, 16), "jpeg");
    int dht = -1;
    for (int i = 0; i + 1 < jpeg.length && dht < 0; i++) {
      if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc4) {
        dht = i;
      }
    }
    Arrays.fill(jpeg, dht + 5, dht + 21, (byte) 0xff); // code counts far above what 16 bits allow
    Path f = Files.write(dir.resolve("huffman.jpg"), jpeg);
    assertThatThrownBy(() -> Images.read(f)).isExactlyInstanceOf(BadImageException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("JPEG data is corrupt")
        .hasMessageContaining("Bogus Huffman table");
  }

  @Test
  void zeroAndNegativeDimensionsInTheHeaderAreABadImage() throws IOException {
    byte[] png = encode(gradient(8, 8), "png");
    byte[] zeroWidth = png.clone();
    ByteBuffer.wrap(zeroWidth).putInt(16, 0); // IHDR width
    Path f = Files.write(dir.resolve("w0.png"), zeroWidth);
    assertThatThrownBy(() -> Images.read(f)).isExactlyInstanceOf(BadImageException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("PNG data is corrupt").hasMessageContaining("width <= 0");
    byte[] negativeHeight = png.clone();
    ByteBuffer.wrap(negativeHeight).putInt(20, -5);
    Path g = Files.write(dir.resolve("hneg.png"), negativeHeight);
    assertThatThrownBy(() -> Images.read(g)).isExactlyInstanceOf(BadImageException.class)
        .hasMessageContaining(g.toString()).hasMessageContaining("height <= 0");

    byte[] jpeg = encode(gradient(8, 8), "jpeg");
    for (int i = 0; i + 1 < jpeg.length; i++) {
      if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) {
        ByteBuffer.wrap(jpeg).putShort(i + 5, (short) 0); // height 0: "defined later by a DNL marker"
        break;
      }
    }
    Path j = Files.write(dir.resolve("h0.jpg"), jpeg);
    assertThatThrownBy(() -> Images.read(j)).isExactlyInstanceOf(BadImageException.class)
        .hasMessageContaining(j.toString()).hasMessageContaining("JPEG data is corrupt");
  }

  @Test
  void truncatedGifBmpAndTiffAreBadImages() throws IOException {
    BufferedImage img = gradient(64, 48);
    BufferedImage indexed = new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_INDEXED);
    indexed.getGraphics().drawImage(img, 0, 0, null);
    for (String format : new String[] {"gif", "bmp", "tiff"}) {
      byte[] full = encode(format.equals("gif") ? indexed : img, format);
      assertThat(Images.read(Files.write(dir.resolve("full." + format), full)).getWidth()).isEqualTo(64);
      for (int len : new int[] {10, 30, full.length / 2, full.length - 10}) {
        Path f = Files.write(dir.resolve("cut" + len + "." + format), Arrays.copyOf(full, len));
        assertThatThrownBy(() -> Images.read(f)).as("%s cut to %d bytes", format, len)
            .isExactlyInstanceOf(BadImageException.class).hasMessageContaining(f.toString())
            .hasMessageMatching("(?s).*(truncated|corrupt).*");
      }
    }
  }

  @Test
  void nonImageFilesAreRefusedNamingTheReadableFormats() throws IOException {
    byte[] random = new byte[4096];
    new Random(7).nextBytes(random);
    byte[][] contents = {
        {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, // a ZIP named .png
        "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n".getBytes(StandardCharsets.US_ASCII),
        random,
        {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, 'h', 'i'}, // UTF-8 text with a BOM
    };
    String[] names = {"archive.png", "document.jpg", "noise.gif", "text.bmp"};
    for (int i = 0; i < contents.length; i++) {
      Path f = Files.write(dir.resolve(names[i]), contents[i]);
      assertThatThrownBy(() -> Images.read(f)).as(names[i]).isExactlyInstanceOf(BadImageException.class)
          .hasMessageContaining(f.toString())
          .hasMessageContaining("(" + contents[i].length + " bytes) is not in an image format Java can decode")
          .hasMessageContaining("png").hasMessageContaining("jpeg");
    }
  }

  // ---- unusual colour models: converted to 8-bit RGB ----

  @Test
  void sixteenBitRgbPngIsRoundedTo8Bits() throws IOException {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
        Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    WritableRaster r = cm.createCompatibleWritableRaster(2, 1);
    r.setPixel(0, 0, new int[] {65535, 100 * 257, 0});
    r.setPixel(1, 0, new int[] {7 * 257, 32896, 128}); // 32896 / 257 = 128.0; 128 / 257 = 0.498 -> 0
    byte[] png = encode(new BufferedImage(cm, r, false, null), "png");
    assertThat(png[24]).as("IHDR bit depth").isEqualTo((byte) 16);
    assertThat(pixels(Images.read(Files.write(dir.resolve("rgb16.png"), png)))).containsExactly(0xff6400, 0x078000);
  }

  @Test
  void sixteenBitRgbaPngIsCompositedOverWhite() throws IOException {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), true, false,
        Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
    WritableRaster r = cm.createCompatibleWritableRaster(3, 1);
    r.setPixel(0, 0, new int[] {65535, 0, 0, 0}); // transparent red -> white
    r.setPixel(1, 0, new int[] {0, 0, 65535, 65535}); // opaque blue
    r.setPixel(2, 0, new int[] {0, 0, 0, 51 * 257}); // 20% black over white -> 204
    byte[] png = encode(new BufferedImage(cm, r, false, null), "png");
    assertThat(png[25]).as("IHDR colour type RGBA").isEqualTo((byte) 6);
    assertThat(pixels(Images.read(Files.write(dir.resolve("rgba16.png"), png)))).containsExactly(0xffffff, 0x0000ff, 0xcccccc);
  }

  @Test
  void palettesWithATransparentEntryAreCompositedOverWhite() throws IOException {
    IndexColorModel palette = new IndexColorModel(8, 3, new byte[] {(byte) 255, 0, 10}, new byte[] {0, 0, 20},
        new byte[] {0, (byte) 255, 30}, new byte[] {0, (byte) 255, (byte) 255});
    BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
    img.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 1, 2});
    for (String format : new String[] {"png", "gif"}) {
      Path f = Files.write(dir.resolve("palette." + format), encode(img, format));
      assertThat(pixels(Images.read(f))).as(format).containsExactly(0xffffff, 0x0000ff, 0x0a141e);
    }
  }

  @Test
  void grayscaleJpegAndBmpBecomeEqualRgbChannels() throws IOException {
    BufferedImage gray = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        gray.getRaster().setSample(x, y, 0, 100);
      }
    }
    for (String format : new String[] {"jpeg", "bmp"}) {
      BufferedImage img = Images.read(Files.write(dir.resolve("gray." + format), encode(gray, format)));
      assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
      assertThat(pixels(img)).as(format).containsOnly(0x646464);
    }
  }

  @Test
  void bmpIsReadExactly() throws IOException {
    BufferedImage img = gradient(13, 7);
    assertThat(pixels(Images.read(Files.write(dir.resolve("g.bmp"), encode(img, "bmp"))))).isEqualTo(pixels(img));
  }

  @Test
  void cmykTiffIsConvertedToRgb() throws IOException {
    byte h = (byte) 128;
    byte f = (byte) 255;
    byte[] cmyk = {0, 0, 0, 0, f, 0, 0, 0, 0, 0, 0, f, 0, f, f, 0, h, 0, 0, 0};
    BufferedImage img = Images.read(Files.write(dir.resolve("cmyk.tif"), tiff(5, 1, 4, 5, cmyk)));
    assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    int[] px = pixels(img);
    // paper white, full cyan, full black, magenta + yellow = red
    assertThat(Arrays.copyOf(px, 4)).containsExactly(0xffffff, 0x00ffff, 0x000000, 0xff0000);
    // half cyan: a light cyan, whatever exact curve the JDK's CMYK conversion uses
    int r = px[4] >> 16 & 0xff;
    assertThat(r).isBetween(1, 254);
    assertThat(px[4] & 0xffff).isEqualTo(0xffff);
  }
}
