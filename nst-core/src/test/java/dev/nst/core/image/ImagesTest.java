package dev.nst.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.nst.api.BadImageException;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.imageio.IIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.FileImageOutputStream;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {
  @TempDir Path dir;

  /** A smooth test image with every channel varying. */
  static BufferedImage gradient(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, ((x * 255 / Math.max(1, w - 1)) << 16) | ((y * 255 / Math.max(1, h - 1)) << 8) | ((x + y) * 3 & 0xff));
      }
    }
    return img;
  }

  private static List<String> listing(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  // ---- reading: errors ----

  @Test
  void missingFile() {
    Path f = dir.resolve("nope.png");
    assertThatThrownBy(() -> Images.read(f)).isInstanceOf(BadImageException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("does not exist");
  }

  @Test
  void directoryIsNotAnImage() {
    assertThatThrownBy(() -> Images.read(dir)).isInstanceOf(BadImageException.class)
        .hasMessageContaining(dir.toString()).hasMessageContaining("directory");
  }

  @Test
  void zeroByteFile() throws IOException {
    Path f = Files.createFile(dir.resolve("empty.jpg"));
    assertThatThrownBy(() -> Images.read(f)).isInstanceOf(BadImageException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("empty (0 bytes)");
  }

  @Test
  void textFileNamedPng() throws IOException {
    Path f = Files.writeString(dir.resolve("notes.png"), "this is not a picture\n");
    assertThatThrownBy(() -> Images.read(f)).isInstanceOf(BadImageException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("not in an image format")
        .hasMessageContaining("png").hasMessageContaining("Convert it to PNG or JPEG");
  }

  @Test
  void truncatedPngAtSeveralLengths() throws IOException {
    Path ok = dir.resolve("ok.png");
    Images.write(gradient(64, 48), ok);
    byte[] bytes = Files.readAllBytes(ok);
    for (int len : new int[] {20, 40, bytes.length / 2, bytes.length - 30}) {
      Path f = dir.resolve("cut" + len + ".png");
      Files.write(f, Arrays.copyOf(bytes, len));
      assertThatThrownBy(() -> Images.read(f)).as("length %d", len).isInstanceOf(BadImageException.class)
          .hasMessageContaining(f.toString()).hasMessageContaining("truncated")
          .hasCauseInstanceOf(IIOException.class);
    }
  }

  @Test
  void pngMissingOnlyItsEndChunkIsStillRead() throws IOException {
    // The pixel data is complete; refusing it would help nobody.
    BufferedImage img = gradient(16, 8);
    Path ok = dir.resolve("ok.png");
    Images.write(img, ok);
    byte[] bytes = Files.readAllBytes(ok);
    Path f = Files.write(dir.resolve("noiend.png"), Arrays.copyOf(bytes, bytes.length - 12));
    assertThat(Preprocessing.rgbPixels(Images.read(f))).isEqualTo(Preprocessing.rgbPixels(img));
  }

  @Test
  void truncatedJpeg() throws IOException {
    Path ok = dir.resolve("ok.jpg");
    Images.write(gradient(64, 48), ok);
    byte[] bytes = Files.readAllBytes(ok);
    for (int len : new int[] {bytes.length / 3, bytes.length * 2 / 3, bytes.length - 2}) {
      Path f = dir.resolve("cut" + len + ".jpg");
      Files.write(f, Arrays.copyOf(bytes, len));
      assertThatThrownBy(() -> Images.read(f)).as("length %d", len).isInstanceOf(BadImageException.class)
          .hasMessageContaining(f.toString()).hasMessageContaining("truncated");
    }
  }

  @Test
  void corruptPngDataIsABadImage() throws IOException {
    Path ok = dir.resolve("ok.png");
    Images.write(gradient(64, 48), ok);
    byte[] bytes = Files.readAllBytes(ok);
    // Scramble the middle (inside IDAT) but keep the IEND trailer.
    for (int i = 60; i < bytes.length - 20; i++) {
      bytes[i] ^= (byte) 0x5a;
    }
    Path f = Files.write(dir.resolve("scrambled.png"), bytes);
    assertThatThrownBy(() -> Images.read(f)).isInstanceOf(BadImageException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("PNG");
  }

  /** A PNG chunk with its CRC. */
  private static byte[] chunk(String type, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(12 + data.length);
    b.putInt(data.length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    b.put(t).put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  private static byte[] pngHeaderOnly(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    out.writeBytes(chunk("IHDR", ihdr.array()));
    // A token IDAT: a decoder that ignored the limit would try to allocate 10^10 pixels.
    out.writeBytes(chunk("IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}));
    out.writeBytes(chunk("IEND", new byte[0]));
    return out.toByteArray();
  }

  @Test
  void decompressionBombIsRefusedFromItsHeader() throws IOException {
    Path f = Files.write(dir.resolve("bomb.png"), pngHeaderOnly(100_000, 100_000));
    assertThat(Files.size(f)).isLessThan(100);
    assertThatThrownBy(() -> Images.read(f)).isInstanceOf(BadImageException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("100000 x 100000 = 10000000000 pixels")
        .hasMessageContaining("limit of " + Images.DEFAULT_MAX_PIXELS)
        .hasMessageContaining("decompression bomb");
  }

  @Test
  void pixelLimitIsInclusiveAndConfigurable() {
    Path f = dir.resolve("ten.png");
    Images.write(gradient(10, 10), f);
    assertThat(Images.read(f, 100).getWidth()).isEqualTo(10);
    assertThatThrownBy(() -> Images.read(f, 99)).isInstanceOf(BadImageException.class)
        .hasMessageContaining("10 x 10 = 100 pixels").hasMessageContaining("limit of 99");
    assertThatThrownBy(() -> Images.read(f, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cmykJpegAdviceNamesTheFixAndTheFile() {
    Path f = dir.resolve("print.jpg");
    String msg = Images.decodeFailure(f, "JPEG", new IIOException("Unsupported Image Type"));
    assertThat(msg).contains(f.toString()).contains("CMYK").contains("Convert it to RGB");
    assertThat(Images.decodeFailure(f, "PNG", new IIOException("Unsupported Image Type"))).doesNotContain("CMYK");
  }

  @Test
  void fourChannelJpegIsReadAsRgbOrRefusedWithCmykAdvice() throws IOException {
    WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 8, 4, null);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 16; x++) {
        for (int b = 0; b < 4; b++) {
          r.setSample(x, y, b, (x * 16 + b * 40) & 0xff);
        }
      }
    }
    Path f = dir.resolve("cmyk.jpg");
    ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream os = new FileImageOutputStream(f.toFile())) {
      w.setOutput(os);
      w.write(null, new IIOImage(r, null, null), null);
    } finally {
      w.dispose();
    }
    try {
      BufferedImage img = Images.read(f);
      assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
      assertThat(img.getWidth()).isEqualTo(16);
      assertThat(img.getHeight()).isEqualTo(8);
    } catch (BadImageException e) {
      assertThat(e).hasMessageContaining("CMYK").hasMessageContaining(f.toString());
    }
  }

  // ---- reading: conversions ----

  @Test
  void referencePngIsReadAsIntRgb() {
    BufferedImage img = Images.read(ReferenceData.preprocess("image.png"));
    assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    assertThat(img.getWidth()).isEqualTo(53);
    assertThat(img.getHeight()).isEqualTo(37);
  }

  @Test
  void grayscalePngKeepsItsStoredValues() throws IOException {
    BufferedImage g = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
    g.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 100, 255});
    Path f = dir.resolve("gray.png");
    assertThat(ImageIO.write(g, "png", f.toFile())).isTrue();
    BufferedImage img = Images.read(f);
    assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    // No linear-to-sRGB brightening: 100 stays 100 in all three channels.
    assertThat(Preprocessing.rgbPixels(img)).containsExactly(0x000000, 0x646464, 0xffffff);
  }

  @Test
  void sixteenBitGrayPngIsRoundedTo8Bits() throws IOException {
    BufferedImage g = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
    g.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 100 * 257, 65535});
    Path f = dir.resolve("gray16.png");
    assertThat(ImageIO.write(g, "png", f.toFile())).isTrue();
    assertThat(Preprocessing.rgbPixels(Images.read(f))).containsExactly(0x000000, 0x646464, 0xffffff);
  }

  @Test
  void grayWithAlphaPngIsCompositedOverWhite() throws IOException {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
        Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    WritableRaster r = cm.createCompatibleWritableRaster(3, 1);
    r.setPixel(0, 0, new int[] {0, 255}); // opaque black
    r.setPixel(1, 0, new int[] {0, 0}); // transparent black -> white
    r.setPixel(2, 0, new int[] {0, 51}); // 20% black over white -> 204
    BufferedImage ga = new BufferedImage(cm, r, false, null);
    Path f = dir.resolve("graya.png");
    assertThat(ImageIO.write(ga, "png", f.toFile())).isTrue();
    assertThat(Preprocessing.rgbPixels(Images.read(f))).containsExactly(0x000000, 0xffffff, 0xcccccc);
  }

  @Test
  void argbPngIsCompositedOverWhite() throws IOException {
    BufferedImage a = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
    a.setRGB(0, 0, 0xff123456);
    a.setRGB(1, 0, 0x00000000);
    a.setRGB(2, 0, 0x80ff0000); // half-transparent red: R stays 255, G and B become 127
    Path f = dir.resolve("argb.png");
    Images.write(a, f);
    assertThat(Preprocessing.rgbPixels(Images.read(f))).containsExactly(0x123456, 0xffffff, 0xff7f7f);
  }

  @Test
  void indexedPngUsesItsPalette() throws IOException {
    IndexColorModel icm = new IndexColorModel(2, 3,
        new byte[] {(byte) 200, 0, 10}, new byte[] {100, (byte) 255, 20}, new byte[] {50, 0, 30});
    BufferedImage idx = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_BINARY, icm);
    idx.getRaster().setSamples(0, 0, 3, 2, 0, new int[] {0, 1, 2, 2, 1, 0});
    Path f = dir.resolve("indexed.png");
    assertThat(ImageIO.write(idx, "png", f.toFile())).isTrue();
    assertThat(Preprocessing.rgbPixels(Images.read(f)))
        .containsExactly(0xc86432, 0x00ff00, 0x0a141e, 0x0a141e, 0x00ff00, 0xc86432);
  }

  @Test
  void toRgbReturnsIntRgbImagesUnchanged() {
    BufferedImage img = gradient(4, 4);
    assertThat(Images.toRgb(img)).isSameAs(img);
  }

  // ---- writing ----

  @Test
  void pngRoundTripIsExact() {
    BufferedImage img = gradient(17, 13);
    Path f = dir.resolve("sub/dir/out.png");
    Images.write(img, f);
    assertThat(Preprocessing.rgbPixels(Images.read(f))).isEqualTo(Preprocessing.rgbPixels(img));
    assertThat(f.getParent()).isDirectory();
  }

  @Test
  void writeReplacesAnExistingFileAndLeavesNoTemporaries() throws IOException {
    Path f = dir.resolve("OUT.PNG");
    Images.write(gradient(5, 5), f);
    BufferedImage second = gradient(9, 3);
    Images.write(second, f);
    assertThat(Preprocessing.rgbPixels(Images.read(f))).isEqualTo(Preprocessing.rgbPixels(second));
    assertThat(listing(dir)).containsExactly("OUT.PNG");
  }

  @Test
  void jpegIsWrittenAndReadable() throws IOException {
    BufferedImage img = gradient(40, 30);
    for (String name : List.of("a.jpg", "b.jpeg")) {
      Path f = dir.resolve(name);
      Images.write(img, f);
      byte[] head = Arrays.copyOf(Files.readAllBytes(f), 2);
      assertThat(head).containsExactly(0xff, 0xd8);
      BufferedImage back = Images.read(f);
      assertThat(back.getWidth()).isEqualTo(40);
      assertThat(back.getHeight()).isEqualTo(30);
      int[] a = Preprocessing.rgbPixels(img);
      int[] b = Preprocessing.rgbPixels(back);
      double err = 0;
      for (int i = 0; i < a.length; i++) {
        for (int s = 0; s <= 16; s += 8) {
          err += Math.abs(((a[i] >> s) & 0xff) - ((b[i] >> s) & 0xff));
        }
      }
      assertThat(err / (3.0 * a.length)).as("mean abs error at quality 0.95").isLessThan(3);
    }
  }

  @Test
  void jpegOfAnImageWithAlphaIsWritten() {
    BufferedImage a = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
    Path f = dir.resolve("alpha.jpg");
    Images.write(a, f);
    // Fully transparent becomes white.
    assertThat(Images.read(f).getRGB(4, 4) & 0xffffff).isGreaterThan(0xf0f0f0);
  }

  @Test
  void unknownExtensionFailsAndWritesNothing() throws IOException {
    for (String name : List.of("out.gif", "out.bmp", "out")) {
      Path f = dir.resolve(name);
      assertThatThrownBy(() -> Images.write(gradient(2, 2), f)).isInstanceOf(BadImageException.class)
          .hasMessageContaining(f.toString()).hasMessageContaining(".png, .jpg, .jpeg");
    }
    assertThat(listing(dir)).isEmpty();
  }

  @Test
  void failedMoveLeavesNothingBehind() throws IOException {
    // The target is a non-empty directory, so the final move fails (even for root).
    Path target = Files.createDirectories(dir.resolve("taken.png"));
    Files.writeString(target.resolve("keep.txt"), "x");
    assertThatThrownBy(() -> Images.write(gradient(4, 4), target)).isInstanceOf(BadImageException.class)
        .hasMessageContaining(target.toString());
    assertThat(listing(dir)).containsExactly("taken.png");
    assertThat(listing(target)).containsExactly("keep.txt");
  }

  @Test
  void readsAndWritesPathsOfOtherFileSystems() throws IOException {
    BufferedImage img = gradient(12, 7);
    try (FileSystem zip = FileSystems.newFileSystem(dir.resolve("images.zip"), Map.of("create", "true"))) {
      Path f = zip.getPath("/pictures/g.png");
      Images.write(img, f);
      assertThat(Preprocessing.rgbPixels(Images.read(f))).isEqualTo(Preprocessing.rgbPixels(img));
      Path missing = zip.getPath("/pictures/none.png");
      assertThatThrownBy(() -> Images.read(missing)).isInstanceOf(BadImageException.class)
          .hasMessageContaining("does not exist");
    }
  }

  @Test
  void readOnlyDirectoryLeavesNothingBehind() throws IOException {
    Path ro = Files.createDirectory(dir.resolve("ro"));
    assumeThat(ro.getFileSystem().supportedFileAttributeViews()).contains("posix");
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      // Root ignores permissions; the test only means something where they apply.
      assumeThat(ro.toFile().canWrite() && new File(ro.toFile(), "probe").createNewFile()).isFalse();
      Path f = ro.resolve("out.png");
      assertThatThrownBy(() -> Images.write(gradient(4, 4), f)).isInstanceOf(BadImageException.class)
          .hasMessageContaining(f.toString()).hasMessageContaining("writable");
      assertThat(listing(ro)).isEmpty();
    } finally {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
