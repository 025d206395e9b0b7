package dev.nst.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Formats beyond PNG and JPEG (ImageIO plugins on the class path), JPEG quality on writing, and
 * embedded colour profiles on reading.
 */
class ImageFormatsTest {
  /**
   * Display P3's colorants adapted to D50, as in Apple's Display P3 profile: with sRGB's tone
   * curve (which Display P3 shares) they make a Display P3 profile out of Java's sRGB one.
   */
  private static final double[][] DISPLAY_P3_COLORANTS = {
      {0.515121, 0.241196, -0.001053}, {0.291977, 0.692245, 0.041885}, {0.157104, 0.066574, 0.784073}};

  @TempDir
  Path dir;

  /** A 12 x 8 picture of four flat quadrants. */
  private static int quadrant(int x, int y) {
    if (x < 6) {
      return y < 4 ? 0xc81e28 : 0x14b43c;
    }
    return y < 4 ? 0x1e3cd2 : 0x808080;
  }

  @Test
  void webpIsReadThroughItsImageIoPlugin() throws IOException {
    // the quadrants as a lossless WebP (made by this project: cwebp -lossless -exact, 76 bytes)
    Path webp = dir.resolve("pattern.webp");
    try (InputStream in = getClass().getResourceAsStream("/images/pattern-lossless.webp")) {
      Files.copy(in, webp);
    }
    BufferedImage img = Images.read(webp);
    assertThat(img.getWidth()).isEqualTo(12);
    assertThat(img.getHeight()).isEqualTo(8);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 12; x++) {
        assertThat(img.getRGB(x, y) & 0xffffff).as("(%d, %d)", x, y).isEqualTo(quadrant(x, y));
      }
    }
  }

  @Test
  void compressedTiffIsRead() throws IOException {
    BufferedImage quadrants = new BufferedImage(12, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 12; x++) {
        quadrants.setRGB(x, y, quadrant(x, y));
      }
    }
    Path tiff = dir.resolve("pattern.tif");
    ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(tiff.toFile())) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionType("Deflate");
      writer.write(null, new IIOImage(quadrants, null, null), param);
    } finally {
      writer.dispose();
    }
    BufferedImage img = Images.read(tiff);
    assertThat(img.getRGB(0, 0) & 0xffffff).isEqualTo(0xc81e28);
    assertThat(img.getRGB(11, 7) & 0xffffff).isEqualTo(0x808080);
  }

  @Test
  void jpegQualityTradesSizeForFidelity() {
    BufferedImage detailed = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 96; x++) {
        int b = (int) (128 + 100 * Math.sin(x / 3.0) * Math.cos(y / 2.0));
        detailed.setRGB(x, y, (x * 255 / 95) << 16 | (y * 255 / 63) << 8 | b);
      }
    }
    Path low = dir.resolve("low.jpg");
    Path high = dir.resolve("high.jpg");
    Images.write(detailed, low, 0.3f);
    Images.write(detailed, high, 1.0f);
    assertThat(size(low)).isLessThan(size(high) / 2);
    double highError = meanError(Images.read(high), detailed);
    assertThat(highError).isLessThan(meanError(Images.read(low), detailed) / 2).isLessThan(4.0);
  }

  @Test
  void jpegQualityOutsideItsRangeIsRefused() {
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    assertThatThrownBy(() -> Images.write(img, dir.resolve("a.jpg"), 0f)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("above 0 and at most 1, got 0.0");
    assertThatThrownBy(() -> Images.write(img, dir.resolve("a.jpg"), 1.5f)).isInstanceOf(IllegalArgumentException.class);
    assertThat(dir.resolve("a.jpg")).doesNotExist();
  }

  @Test
  void pngIsLosslessWhateverTheQuality() {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    img.setRGB(1, 1, 0x123456);
    Images.write(img, dir.resolve("a.png"), 0.1f);
    assertThat(Images.read(dir.resolve("a.png")).getRGB(1, 1) & 0xffffff).isEqualTo(0x123456);
  }

  /**
   * A Display P3 JPEG (a phone's photo) is converted to sRGB by its embedded profile, so that
   * its colours are the ones a colour-managed viewer shows: P3 (200, 100, 50) is sRGB (215, 93,
   * 31). The expected value is computed here with the published matrices, independently of
   * Java's colour management.
   */
  @Test
  void displayP3JpegIsConvertedToSrgb() throws IOException {
    Path jpeg = dir.resolve("p3.jpg");
    writeFlatJpeg(jpeg, profileWithColorants(DISPLAY_P3_COLORANTS), 200, 100, 50);
    assertThat(Files.readString(jpeg, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("ICC_PROFILE");
    int[] expected = displayP3ToSrgb(200, 100, 50);
    assertThat(expected).containsExactly(215, 93, 31);
    assertRgbNear(Images.read(jpeg).getRGB(8, 8), expected, 2);
  }

  @Test
  void srgbTaggedJpegKeepsItsValues() throws IOException {
    Path jpeg = dir.resolve("srgb.jpg");
    // A copy of Java's sRGB profile, embedded (the writer leaves Java's own sRGB untagged).
    writeFlatJpeg(jpeg, ICC_Profile.getInstance(ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData()), 200, 100, 50);
    assertThat(Files.readString(jpeg, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("ICC_PROFILE");
    assertRgbNear(Images.read(jpeg).getRGB(8, 8), new int[] {200, 100, 50}, 2);
  }

  /** PNG's iCCP chunk is not applied: its pixels are read as sRGB (docs/guide.md says so). */
  @Test
  void pngProfileIsNotApplied() throws IOException {
    Path png = dir.resolve("p3.png");
    BufferedImage flat = new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        flat.setRGB(x, y, 0xc86432);
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(flat), null);
    IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree("javax_imageio_png_1.0");
    IIOMetadataNode iccp = new IIOMetadataNode("iCCP");
    iccp.setAttribute("profileName", "Display P3");
    iccp.setAttribute("compressionMethod", "deflate");
    iccp.setUserObject(deflate(profileWithColorants(DISPLAY_P3_COLORANTS).getData()));
    root.appendChild(iccp);
    metadata.mergeTree("javax_imageio_png_1.0", root);
    try (ImageOutputStream out = ImageIO.createImageOutputStream(png.toFile())) {
      writer.setOutput(out);
      writer.write(new IIOImage(flat, null, metadata));
    } finally {
      writer.dispose();
    }
    assertThat(Files.readString(png, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("iCCP");
    assertRgbNear(Images.read(png).getRGB(1, 1), new int[] {200, 100, 50}, 0);
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static double meanError(BufferedImage a, BufferedImage b) {
    long sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift < 24; shift += 8) {
          sum += Math.abs((p >> shift & 255) - (q >> shift & 255));
        }
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }

  private static void assertRgbNear(int rgb, int[] expected, int tolerance) {
    int[] actual = {rgb >> 16 & 255, rgb >> 8 & 255, rgb & 255};
    for (int c = 0; c < 3; c++) {
      assertThat(actual[c]).as("channel %d of (%d, %d, %d)", c, actual[0], actual[1], actual[2])
          .isCloseTo(expected[c], org.assertj.core.data.Offset.offset(tolerance));
    }
  }

  /** Java's sRGB profile with other colorants (rXYZ, gXYZ, bXYZ, s15Fixed16 at 8 bytes into each tag). */
  private static ICC_Profile profileWithColorants(double[][] colorants) {
    byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
    ByteBuffer b = ByteBuffer.wrap(icc);
    String[] tags = {"rXYZ", "gXYZ", "bXYZ"};
    int found = 0;
    for (int i = 0; i < b.getInt(128); i++) {
      int entry = 132 + 12 * i;
      String tag = new String(icc, entry, 4, java.nio.charset.StandardCharsets.US_ASCII);
      for (int k = 0; k < 3; k++) {
        if (tag.equals(tags[k])) {
          int offset = b.getInt(entry + 4);
          for (int j = 0; j < 3; j++) {
            b.putInt(offset + 8 + 4 * j, (int) Math.round(colorants[k][j] * 65536));
          }
          found++;
        }
      }
    }
    assertThat(found).as("colorant tags in Java's sRGB profile").isEqualTo(3);
    return ICC_Profile.getInstance(icc);
  }

  /** A 16 x 16 JPEG of one colour in the profile's space, at quality 1; the writer embeds the profile. */
  private static void writeFlatJpeg(Path file, ICC_Profile profile, int r, int g, int b) throws IOException {
    ComponentColorModel cm = new ComponentColorModel(new ICC_ColorSpace(profile), false, false, Transparency.OPAQUE,
        DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(16, 16);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        raster.setPixel(x, y, new int[] {r, g, b});
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(1f);
      writer.write(null, new IIOImage(new BufferedImage(cm, raster, false, null), null, null), param);
    } finally {
      writer.dispose();
    }
  }

  /** Display P3 to sRGB: shared tone curve, linear P3 to XYZ (D65) to linear sRGB. */
  private static int[] displayP3ToSrgb(int r, int g, int b) {
    double[] p3 = {linear(r / 255.0), linear(g / 255.0), linear(b / 255.0)};
    double[][] p3ToXyz = {{0.4865709, 0.2656677, 0.1982173}, {0.2289746, 0.6917385, 0.0792869},
        {0.0, 0.0451134, 1.0439444}};
    double[][] xyzToSrgb = {{3.2404542, -1.5371385, -0.4985314}, {-0.9692660, 1.8760108, 0.0415560},
        {0.0556434, -0.2040259, 1.0572252}};
    double[] xyz = multiply(p3ToXyz, p3);
    double[] srgb = multiply(xyzToSrgb, xyz);
    int[] out = new int[3];
    for (int c = 0; c < 3; c++) {
      double v = Math.min(1, Math.max(0, srgb[c]));
      out[c] = (int) Math.round(255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055));
    }
    return out;
  }

  private static double linear(double v) {
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }

  private static double[] multiply(double[][] m, double[] v) {
    double[] out = new double[3];
    for (int i = 0; i < 3; i++) {
      out[i] = m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2];
    }
    return out;
  }

  private static byte[] deflate(byte[] data) {
    Deflater d = new Deflater();
    d.setInput(data);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }
}
