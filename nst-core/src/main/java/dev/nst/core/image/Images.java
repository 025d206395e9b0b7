package dev.nst.core.image;

import dev.nst.api.BadImageException;
import dev.nst.core.io.RegularFiles;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import javax.imageio.IIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Reading, writing and resizing images, with failures reported as {@link BadImageException}
 * naming the file and the cause (never a raw {@code IOException}).
 *
 * <p>Everything in nst works on 8-bit sRGB images of type {@link BufferedImage#TYPE_INT_RGB};
 * {@link #read} and {@link #toRgb} bring any decoded image into that form:
 *
 * <ul>
 *   <li>grayscale becomes R = G = B = gray (stored values are taken as display values, as PNG
 *       and JPEG mean them; no linear-to-sRGB conversion);
 *   <li>16-bit samples are rounded to 8 bits;
 *   <li>indexed (palette) images are expanded;
 *   <li>transparency is composited over <b>white</b>, so transparent areas do not turn black
 *       (colours of fully transparent pixels are arbitrary in most files);
 *   <li>other colour spaces (an embedded non-sRGB ICC profile, CMYK JPEGs that Java can decode)
 *       are converted to sRGB by Java's colour management.
 * </ul>
 *
 * <p>Resizing is implemented here rather than with {@code java.awt} so that it is fast,
 * deterministic across JVMs and of good quality: area averaging when shrinking (no aliasing)
 * and Keys bicubic (a = -0.5) when enlarging.
 */
public final class Images {
  /**
   * Default limit on the pixel count {@link #read(Path)} accepts: 8192 x 8192 = 67,108,864
   * pixels (a 64-megapixel image decodes to 256 MiB of {@code int}s). It guards against
   * decompression bombs: small files whose header declares an enormous image.
   */
  public static final long DEFAULT_MAX_PIXELS = 8192L * 8192L;

  /** JPEG quality {@link #write(BufferedImage, Path)} uses. High, because outputs are final artwork. */
  public static final float DEFAULT_JPEG_QUALITY = 0.95f;

  private Images() {}

  /** Reads an image with the {@linkplain #DEFAULT_MAX_PIXELS default pixel limit}. */
  public static BufferedImage read(Path file) {
    return read(file, DEFAULT_MAX_PIXELS);
  }

  /**
   * Reads any image ImageIO can decode (PNG, JPEG, GIF, BMP, TIFF, ...; the first frame of
   * multi-image files) as {@code TYPE_INT_RGB}. A JPEG is turned upright by its EXIF
   * orientation, as viewers show it. A named pipe or {@code /dev/stdin} is read as a stream
   * ({@link #read(InputStream, String, long)}); other files must be regular files.
   *
   * @param maxPixels width x height above which the file is refused before it is decoded
   * @throws BadImageException if the file is missing, empty, truncated, corrupt, not an image,
   *     larger than {@code maxPixels}, or in a colour model Java cannot decode
   */
  public static BufferedImage read(Path file, long maxPixels) {
    Objects.requireNonNull(file, "file");
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels must be >= 1, got " + maxPixels);
    }
    if (RegularFiles.isDevice(file)) {
      throw new BadImageException("Cannot read image " + file + ": it is " + RegularFiles.kind(file)
          + ", not an image file or a pipe. Give the path of an image file or of a named pipe.");
    }
    if (RegularFiles.isSpecial(file)) {
      // a named pipe or /dev/stdin: read as a stream, which has no size to check in advance
      try (InputStream in = Files.newInputStream(file)) {
        return ImageStreams.read(in, file.toString(), maxPixels);
      } catch (IOException e) {
        throw new BadImageException("Cannot read image " + file + ": " + describe(e), e);
      }
    }
    if (Files.isDirectory(file)) {
      throw new BadImageException("Cannot read image " + file + ": it is a directory, not a file.");
    }
    if (!Files.exists(file)) {
      throw new BadImageException(
          "Cannot read image " + file + ": the file does not exist. Check the path"
              + " (relative paths start at " + Path.of("").toAbsolutePath() + ").");
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new BadImageException("Cannot read image " + file + ": " + describe(e), e);
    }
    if (size == 0) {
      throw new BadImageException(
          "Cannot read image " + file + ": the file is empty (0 bytes). It was probably not"
              + " written or downloaded completely; export or download it again.");
    }
    return readFile(file, file.toString(), size, maxPixels);
  }

  /**
   * Reads the image in the regular file {@code file} of {@code size} bytes, naming it
   * {@code label} in messages; JPEGs are turned upright by their EXIF orientation.
   */
  static BufferedImage readFile(Path file, String label, long size, long maxPixels) {
    try (ImageInputStream in = new ChannelImageInputStream(Files.newByteChannel(file))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new BadImageException(
            "Cannot read image " + label + ": its content (" + size + " bytes) is not in an image"
                + " format Java can decode (" + readableFormats() + "). Convert it to PNG or JPEG.");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        BufferedImage image = toRgb(decode(reader, file, label, maxPixels));
        return isJpeg(reader.getFormatName()) ? ExifOrientation.upright(image, ExifOrientation.of(file)) : image;
      } finally {
        reader.dispose();
      }
    } catch (BadImageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // ImageIO plugins throw anything on corrupt data, including IllegalArgumentException,
      // ArrayIndexOutOfBoundsException and NullPointerException.
      throw new BadImageException("Cannot read image " + label + ": " + describe(e), e);
    }
  }

  private static boolean isJpeg(String format) {
    return format.equalsIgnoreCase("jpeg") || format.equalsIgnoreCase("jpg");
  }

  /**
   * Reads an image from a stream, such as standard input or a pipe, with the same checks as a
   * file: the format is recognised and the pixel limit applied from the first bytes, before
   * the rest is read; the stream may hold at most {@link ImageStreams#MAX_STREAM_BYTES} bytes.
   * The stream is read to the end of the image (or of the limit) and not closed.
   *
   * @param in the stream
   * @param name what to call the stream in messages, e.g. "standard input"
   * @param maxPixels width x height above which the image is refused before it is decoded
   * @return the image as {@code TYPE_INT_RGB}, upright
   * @throws BadImageException if the stream is empty, too long, not an image, larger than
   *     {@code maxPixels}, truncated or corrupt
   */
  public static BufferedImage read(InputStream in, String name, long maxPixels) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(name, "name");
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels must be >= 1, got " + maxPixels);
    }
    return ImageStreams.read(in, name, maxPixels);
  }

  private static BufferedImage decode(ImageReader reader, Path file, String label, long maxPixels)
      throws IOException {
    String format = reader.getFormatName().toUpperCase(Locale.ROOT);
    try {
      // Only the header is read here, so a bomb is refused before any pixel is allocated.
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      if (width <= 0 || height <= 0) {
        throw new BadImageException(
            "Cannot read image " + label + ": its header declares an empty size " + width + " x "
                + height + "; the file is corrupt.");
      }
      long pixels = (long) width * height;
      if (pixels > maxPixels) {
        throw new BadImageException(
            "Cannot read image " + label + ": it is " + width + " x " + height + " = " + pixels
                + " pixels, above the limit of " + maxPixels + " pixels (a guard against"
                + " decompression bombs). Shrink the image first, or pass a higher limit to"
                + " Images.read(path, maxPixels) if you trust the file.");
      }
      List<String> warnings = new ArrayList<>();
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      BufferedImage image = reader.read(0, reader.getDefaultReadParam());
      for (String w : warnings) {
        String lower = w.toLowerCase(Locale.ROOT);
        // libjpeg only warns about a truncated file and fills the rest with grey.
        if (lower.contains("truncated") || lower.contains("premature end")) {
          throw new BadImageException(
              "Cannot read image " + label + ": the " + format + " file is truncated (" + w
                  + "). Export or download it again.");
        }
      }
      if (image == null) {
        throw new BadImageException(
            "Cannot read image " + label + ": the " + format + " decoder returned no image.");
      }
      return image;
    } catch (BadImageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new BadImageException(decodeFailure(file, label, format, e), e);
    }
  }

  /** The message for a decoder failure; package-private so the CMYK advice can be tested. */
  static String decodeFailure(Path file, String format, Exception e) {
    return decodeFailure(file, file.toString(), format, e);
  }

  private static String decodeFailure(Path file, String label, String format, Exception e) {
    String prefix = "Cannot read image " + label + ": ";
    boolean jpeg = format.equalsIgnoreCase("jpeg") || format.equalsIgnoreCase("jpg");
    if (jpeg && e instanceof IIOException && String.valueOf(e.getMessage()).contains("Unsupported Image Type")) {
      return prefix + "it is a JPEG in a colour model Java's decoder cannot read (CMYK or YCCK, as"
          + " saved for print). Convert it to RGB, for example with `magick in.jpg -colorspace sRGB"
          + " out.jpg` or by exporting it as an RGB JPEG or PNG from an image editor.";
    }
    boolean eof = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      eof |= t instanceof EOFException;
    }
    if (eof || missingTrailer(file, format)) {
      return prefix + "the " + format + " file is truncated (it ends before the image data does;"
          + " " + describe(e) + "). Export or download it again.";
    }
    return prefix + "the " + format + " data is corrupt (" + describe(e) + "). Check that the file"
        + " opens in an image viewer, or export it again as PNG or JPEG.";
  }

  /** True when a PNG lacks its closing IEND chunk or a JPEG its EOI marker: a cut-off file. */
  private static boolean missingTrailer(Path file, String format) {
    byte[] trailer;
    if (format.equalsIgnoreCase("png")) {
      trailer = new byte[] {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82};
    } else if (format.equalsIgnoreCase("jpeg") || format.equalsIgnoreCase("jpg")) {
      trailer = new byte[] {(byte) 0xff, (byte) 0xd9};
    } else {
      return false;
    }
    try (SeekableByteChannel ch = Files.newByteChannel(file)) {
      long size = ch.size();
      if (size < trailer.length) {
        return true;
      }
      ByteBuffer tail = ByteBuffer.allocate(trailer.length);
      ch.position(size - trailer.length);
      while (tail.hasRemaining() && ch.read(tail) >= 0) {
        // keep reading
      }
      return !Arrays.equals(tail.array(), trailer);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Writes {@code image} in the format named by the file's extension (.png, .jpg, .jpeg; JPEG at
   * quality {@value #DEFAULT_JPEG_QUALITY}, alpha composited over white). Parent directories are
   * created. The image goes to a temporary file in the same directory that is then moved into
   * place atomically, so readers never see a partial file and a failure leaves nothing behind
   * (an existing file of that name stays as it was).
   *
   * @throws BadImageException for an unsupported extension or any I/O failure
   */
  public static void write(BufferedImage image, Path file) {
    write(image, file, DEFAULT_JPEG_QUALITY);
  }

  /**
   * Writes {@code image} as {@link #write(BufferedImage, Path)} does, JPEG at the given quality.
   *
   * @param image the image
   * @param file where to write it; the extension names the format
   * @param jpegQuality ImageIO's JPEG quality, above 0 up to 1 (0.75 is ImageIO's default); PNG,
   *     lossless, ignores it
   * @throws BadImageException for an unsupported extension or any I/O failure
   * @throws IllegalArgumentException for a quality outside (0, 1]
   */
  public static void write(BufferedImage image, Path file, float jpegQuality) {
    if (!(jpegQuality > 0 && jpegQuality <= 1)) {
      throw new IllegalArgumentException("JPEG quality must be above 0 and at most 1, got " + jpegQuality);
    }
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(file, "file");
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    boolean jpeg = ext.equals("jpg") || ext.equals("jpeg");
    OutputFiles.formatProblem(file).ifPresent(problem -> {
      throw new BadImageException("Cannot write image " + file + ": " + problem + ".");
    });
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = createTemp(dir, name);
      encode(jpeg ? toRgb(image) : image, jpeg ? "jpeg" : "png", jpegQuality, tmp);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException | RuntimeException e) {
      throw new BadImageException(
          "Cannot write image " + file + ": " + describe(e) + ". Check that the directory is"
              + " writable and the disk is not full.", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Nothing more can be done; the original failure is what the caller needs.
        }
      }
    }
  }

  /** A fresh hidden file beside the target, created with default permissions (not 0600). */
  private static Path createTemp(Path dir, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path tmp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
      try {
        return Files.createFile(tmp);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 10) {
          throw e;
        }
      }
    }
  }

  private static void encode(BufferedImage image, String format, float jpegQuality, Path tmp) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
    if (!writers.hasNext()) {
      throw new IOException("this Java runtime has no " + format + " encoder");
    }
    ImageWriter writer = writers.next();
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
        OutputStream os = Channels.newOutputStream(channel);
        // A memory cache, so ImageIO's global file-cache setting plays no part.
        ImageOutputStream out = new MemoryCacheImageOutputStream(os)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (format.equals("jpeg")) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(jpegQuality);
      }
      writer.write(null, new IIOImage(image, null, null), param);
      out.flush();
      channel.force(true);
    } finally {
      writer.dispose();
    }
  }

  /**
   * Resizes so that the longer side is {@code longSide} pixels, keeping the aspect ratio (the
   * shorter side is rounded, and at least 1).
   */
  public static BufferedImage resizeToLongSide(BufferedImage image, int longSide) {
    Objects.requireNonNull(image, "image");
    if (longSide < 1) {
      throw new IllegalArgumentException("longSide must be >= 1, got " + longSide);
    }
    int[] size = fitLongSide(image.getWidth(), image.getHeight(), longSide);
    return resize(image, size[0], size[1]);
  }

  /** The {width, height} that {@link #resizeToLongSide} gives a {@code w x h} image. */
  public static int[] fitLongSide(int w, int h, int longSide) {
    if (w >= h) {
      return new int[] {longSide, Math.max(1, (int) Math.round((double) h * longSide / w))};
    }
    return new int[] {Math.max(1, (int) Math.round((double) w * longSide / h)), longSide};
  }

  /**
   * Resizes to exactly {@code width} x {@code height}: area averaging along an axis that shrinks,
   * bicubic along an axis that grows (results rounded half up and clipped to 0..255). Always
   * returns a new {@code TYPE_INT_RGB} image.
   */
  public static BufferedImage resize(BufferedImage image, int width, int height) {
    Objects.requireNonNull(image, "image");
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("target size must be at least 1 x 1, got " + width + " x " + height);
    }
    if ((long) width * height > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("target size " + width + " x " + height + " is too large");
    }
    int[] out = Resampler.resample(rgbPixels(image), image.getWidth(), image.getHeight(), width, height);
    return fromRgbPixels(out, width, height);
  }

  /**
   * Resizes float planes (an image or optimiser state in the network's input space, (C, H, W)
   * row-major) with the filter of {@link #resize}, without rounding or clipping: how a
   * coarse-to-fine run carries its image and Adam's moments to the next scale without 8-bit
   * quantisation.
   *
   * @return a new (C, height, width) array
   */
  public static float[] resizePlanes(float[] planes, int channels, int srcHeight, int srcWidth, int height, int width) {
    Objects.requireNonNull(planes, "planes");
    if (planes.length != (long) channels * srcHeight * srcWidth || height < 1 || width < 1) {
      throw new IllegalArgumentException("planes hold " + planes.length + " values, not " + channels + " x "
          + srcHeight + " x " + srcWidth + ", or the target " + width + " x " + height + " is empty");
    }
    return Resampler.resample(planes, channels, srcHeight, srcWidth, height, width);
  }

  /**
   * The image as {@code TYPE_INT_RGB} following the rules in the class comment; returns
   * {@code image} itself when it already is one.
   */
  public static BufferedImage toRgb(BufferedImage image) {
    Objects.requireNonNull(image, "image");
    if (image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    return fromRgbPixels(convert(image), image.getWidth(), image.getHeight());
  }

  /** Packed 0xRRGGBB pixels, row-major, of any image (converted as {@link #toRgb} does). */
  static int[] rgbPixels(BufferedImage image) {
    if (image.getType() != BufferedImage.TYPE_INT_RGB) {
      return convert(image);
    }
    int w = image.getWidth();
    int h = image.getHeight();
    // For TYPE_INT_RGB the data elements are the packed pixels (sub-images included).
    int[] px = (int[]) image.getRaster().getDataElements(0, 0, w, h, null);
    for (int i = 0; i < px.length; i++) {
      px[i] &= 0xffffff;
    }
    return px;
  }

  /** A new {@code TYPE_INT_RGB} image holding packed 0xRRGGBB {@code pixels}. */
  static BufferedImage fromRgbPixels(int[] pixels, int width, int height) {
    if (pixels.length != width * height) {
      throw new IllegalArgumentException(pixels.length + " pixels given for " + width + " x " + height);
    }
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    img.getRaster().setDataElements(0, 0, width, height, pixels);
    return img;
  }

  private static int[] convert(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] out = new int[w * h];
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    ColorSpace cs = cm.getColorSpace();
    int dataType = raster.getDataBuffer().getDataType();
    boolean integerSamples = dataType == DataBuffer.TYPE_BYTE || dataType == DataBuffer.TYPE_USHORT
        || dataType == DataBuffer.TYPE_INT;
    if (cm instanceof IndexColorModel icm) {
      int[] idx = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, idx);
        for (int x = 0; x < w; x++) {
          out[y * w + x] = overWhite(icm.getRGB(idx[x]));
        }
      }
    } else if ((cm instanceof ComponentColorModel || cm instanceof DirectColorModel) && integerSamples
        && (cs.getType() == ColorSpace.TYPE_GRAY || cs.isCS_sRGB()) && maxSampleBits(raster) <= 16) {
      rawSamples(raster, cm, out, w, h);
    } else {
      // Colour-managed path for other colour spaces (ICC profiles, CMYK, float samples).
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        image.getRGB(0, y, w, 1, row, 0, w);
        for (int x = 0; x < w; x++) {
          out[y * w + x] = overWhite(row[x]);
        }
      }
    }
    return out;
  }

  private static int maxSampleBits(Raster raster) {
    int max = 0;
    for (int b : raster.getSampleModel().getSampleSize()) {
      max = Math.max(max, b);
    }
    return max;
  }

  /** Gray or sRGB samples taken as they are stored (no gamma conversion), scaled to 8 bits. */
  private static void rawSamples(Raster raster, ColorModel cm, int[] out, int w, int h) {
    int colour = cm.getNumColorComponents();
    boolean alpha = cm.hasAlpha();
    boolean premultiplied = cm.isAlphaPremultiplied();
    int[] bits = raster.getSampleModel().getSampleSize();
    int bands = colour + (alpha ? 1 : 0);
    int[][] rows = new int[bands][w];
    for (int y = 0; y < h; y++) {
      for (int b = 0; b < bands; b++) {
        raster.getSamples(0, y, w, 1, b, rows[b]);
      }
      for (int x = 0; x < w; x++) {
        int r = to8(rows[0][x], bits[0]);
        int g = colour == 1 ? r : to8(rows[1][x], bits[1]);
        int bl = colour == 1 ? r : to8(rows[2][x], bits[2]);
        int a = alpha ? to8(rows[colour][x], bits[colour]) : 255;
        if (a < 255) {
          r = composite(r, a, premultiplied);
          g = composite(g, a, premultiplied);
          bl = composite(bl, a, premultiplied);
        }
        out[y * w + x] = (r << 16) | (g << 8) | bl;
      }
    }
  }

  private static int to8(int sample, int bits) {
    if (bits == 8) {
      return sample;
    }
    long max = (1L << bits) - 1;
    return (int) ((sample * 255L + max / 2) / max);
  }

  private static int composite(int c, int a, boolean premultiplied) {
    int v = premultiplied ? c + 255 - a : (c * a + 255 * (255 - a) + 127) / 255;
    return Math.min(255, v);
  }

  private static int overWhite(int argb) {
    int a = argb >>> 24;
    if (a == 255) {
      return argb & 0xffffff;
    }
    int r = composite((argb >> 16) & 0xff, a, false);
    int g = composite((argb >> 8) & 0xff, a, false);
    int b = composite(argb & 0xff, a, false);
    return (r << 16) | (g << 8) | b;
  }

  static String readableFormats() {
    TreeSet<String> names = new TreeSet<>();
    for (String s : ImageIO.getReaderFormatNames()) {
      names.add(s.toLowerCase(Locale.ROOT));
    }
    return "readable formats: " + String.join(", ", names);
  }

  /** The exception and its causes in one line, for messages. */
  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && sb.length() < 500; t = t.getCause()) {
      if (sb.length() > 0) {
        sb.append(", caused by ");
      }
      sb.append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        sb.append(": ").append(t.getMessage());
      }
    }
    return sb.toString();
  }
}
