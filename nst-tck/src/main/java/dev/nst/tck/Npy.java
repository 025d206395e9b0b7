package dev.nst.tck;

import dev.nst.api.NstException;
import dev.nst.api.Tensor;
import dev.nst.core.io.RegularFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format 1.0/2.0, little-endian, C order) of dtypes
 * f4, f8 and u1, the format of the reference data the conformance suite checks against. Values
 * are converted to float32; use {@link #readDoubles} to keep float64 precision. Test code only:
 * it lives here, not in nst-core, so that no application jar carries it.
 */
public final class Npy {
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /**
   * An array as read: its shape and its values as doubles, in C order.
   *
   * @param shape the dimensions, outermost first
   * @param values every element, row-major
   */
  public record Array(int[] shape, double[] values) {
    /**
     * The values rounded to float32, sharing nothing with this array.
     *
     * @return a tensor of this shape
     */
    public Tensor toTensor() {
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) values[i];
      }
      return Tensor.adopt(f, shape);
    }
  }

  /**
   * Reads a file as a float32 tensor.
   *
   * @param file an .npy file
   * @return its contents
   * @throws NstException if the file cannot be read or is not a supported .npy file
   */
  public static Tensor read(Path file) {
    return readDoubles(file).toTensor();
  }

  /**
   * Reads a file keeping float64 precision.
   *
   * @param file an .npy file
   * @return its shape and values
   * @throws NstException if the file cannot be read or is not a supported .npy file
   */
  public static Array readDoubles(Path file) {
    byte[] bytes = RegularFiles.readAll(file, ".npy file", Integer.MAX_VALUE - 8, NstException::new);
    try {
      return parse(bytes);
    } catch (RuntimeException e) {
      throw new NstException("not a supported .npy file: " + file + " (" + e.getMessage() + ")", e);
    }
  }

  static Array parse(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || bytes[1] != 'N' || bytes[2] != 'U') {
      throw new IllegalArgumentException("missing NumPy magic");
    }
    int major = bytes[6];
    int headerLen;
    int offset;
    if (major == 1) {
      headerLen = b.getShort(8) & 0xffff;
      offset = 10;
    } else {
      headerLen = b.getInt(8);
      offset = 12;
    }
    String header = new String(bytes, offset, headerLen, StandardCharsets.ISO_8859_1);
    String descr = find(DESCR, header, "descr");
    if ("True".equals(find(ORDER, header, "fortran_order"))) {
      throw new IllegalArgumentException("Fortran order is not supported");
    }
    List<Integer> dims = new ArrayList<>();
    for (String s : find(SHAPE, header, "shape").split(",")) {
      if (!s.isBlank()) {
        dims.add(Integer.parseInt(s.trim()));
      }
    }
    int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    b.position(offset + headerLen);
    double[] values = new double[Math.toIntExact(n)];
    switch (descr) {
      case "<f4" -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = b.getFloat();
        }
      }
      case "<f8" -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = b.getDouble();
        }
      }
      case "|u1" -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = b.get() & 0xff;
        }
      }
      default -> throw new IllegalArgumentException("dtype " + descr + " is not supported");
    }
    return new Array(shape, values);
  }

  private static String find(Pattern p, String header, String what) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new IllegalArgumentException("header has no " + what + ": " + header);
    }
    return m.group(1);
  }

  /**
   * Writes a float32 .npy file (format 1.0).
   *
   * @param file where to write; replaced if it exists
   * @param t the values and shape to write
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, Tensor t) throws IOException {
    StringBuilder shape = new StringBuilder();
    for (int d : t.shape()) {
      shape.append(d).append(", ");
    }
    String dims = t.rank() == 1 ? shape.toString().replace(", ", ",") : shape.substring(0, Math.max(0, shape.length() - 2));
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    int total = 10 + header.length() + 1;
    int pad = (64 - total % 64) % 64;
    header = header + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0);
    b.putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    for (int i = 0; i < t.size(); i++) {
      b.putFloat(t.get(i));
    }
    Files.write(file, b.array());
  }
}
