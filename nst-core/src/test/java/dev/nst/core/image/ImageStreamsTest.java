package dev.nst.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.BadImageException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * {@link Images#read(java.io.InputStream, String, long)}: images from standard input and pipes,
 * which have no size to check before reading. Before, the only way in was a path, and a pipe's
 * size of 0 made nst say the file was empty.
 */
class ImageStreamsTest {
  /** A stream that counts what was read from it, over {@code in}. */
  static final class Counting extends InputStream {
    private final InputStream in;
    long read;

    Counting(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      read += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      read += Math.max(0, n);
      return n;
    }
  }

  /** Zeros without end, as {@code /dev/zero} gives them. */
  static InputStream zeros() {
    return new InputStream() {
      @Override
      public int read() {
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) 0);
        return len;
      }
    };
  }

  static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ImageIO.write(img, format, b);
    return b.toByteArray();
  }

  @Test
  void pngAndJpegStreamsReadAsTheirFilesDo() throws IOException {
    BufferedImage img = new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 20; y++) {
      for (int x = 0; x < 30; x++) {
        img.setRGB(x, y, (x * 8) << 16 | (y * 12) << 8 | 77);
      }
    }
    BufferedImage png = Images.read(new ByteArrayInputStream(encode(img, "png")), "standard input", 1000);
    assertThat(png.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 20; y++) {
      for (int x = 0; x < 30; x++) {
        assertThat(png.getRGB(x, y) & 0xffffff).isEqualTo(img.getRGB(x, y) & 0xffffff);
      }
    }
    BufferedImage jpeg = Images.read(new ByteArrayInputStream(encode(img, "jpeg")), "standard input", 1000);
    assertThat(jpeg.getWidth()).isEqualTo(30);
    assertThat(jpeg.getHeight()).isEqualTo(20);
  }

  @Test
  void anEmptyStreamIsNamedAsSuchNotAsAnEmptyDownload() {
    assertThatThrownBy(() -> Images.read(new ByteArrayInputStream(new byte[0]), "standard input", 1000))
        .isInstanceOf(BadImageException.class)
        .hasMessage("Cannot read image standard input: the stream is empty (it ended before its first byte). "
            + "Check the command that writes it.");
  }

  @Test
  void anEndlessStreamOfZerosIsRefusedFromItsFirstBytes() {
    Counting in = new Counting(zeros());
    assertThatThrownBy(() -> Images.read(in, "/dev/zero", 1000)).isInstanceOf(BadImageException.class)
        .hasMessageContaining("Cannot read image /dev/zero: its content (the first 65536 bytes) is not in an image "
            + "format Java can decode");
    assertThat(in.read).isEqualTo(ImageStreams.HEAD_BYTES);
  }

  /** A PNG header declaring 100000 x 100000 followed by endless zeros: refused from the header alone. */
  @Test
  void aBombIsRefusedFromItsHeaderBeforeTheRestIsRead() {
    ByteBuffer head = ByteBuffer.allocate(8 + 25);
    head.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    head.putInt(13).put(new byte[] {'I', 'H', 'D', 'R'}).putInt(100_000).putInt(100_000)
        .put(new byte[] {8, 2, 0, 0, 0});
    CRC32 crc = new CRC32();
    crc.update(head.array(), 12, 17);
    head.putInt((int) crc.getValue());
    Counting in = new Counting(new SequenceInputStream(new ByteArrayInputStream(head.array()), zeros()));
    assertThatThrownBy(() -> Images.read(in, "standard input", 1_000_000)).isInstanceOf(BadImageException.class)
        .hasMessageContaining("100000 x 100000 = 10000000000 pixels, above the limit of 1000000 pixels");
    assertThat(in.read).isEqualTo(ImageStreams.HEAD_BYTES);
  }
}
