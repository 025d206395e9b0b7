package dev.nst.core.reliability;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * HDF5- and Keras-aware mutations of a Keras weight file, on two levels:
 *
 * <ul>
 *   <li>bytes of a written file: a dataset's declared dimensions (found as their 8-byte
 *       little-endian encoding in the dataspace message) replaced by absurd values, and one
 *       occurrence of a layer or weight name (in {@code layer_names}, {@code weight_names} or a
 *       link) overwritten with another name of the same length, which desynchronises the names;
 *   <li>a {@link TinyKeras.Spec} before it is written: {@code layer_names} and {@code weight_names}
 *       entries replaced by missing, empty, absolute, upward, huge or NUL-bearing names, or the
 *       attributes by non-strings; datasets replaced by other ranks, element types, lengths, NaN
 *       or infinite values.
 * </ul>
 */
final class KerasH5Mutator {
  static final long[] ABSURD_DIMS = {0, 1, 2, 7, 65_537, Integer.MAX_VALUE, 1L << 31, (1L << 32) + 3, 1L << 40,
      -1, Long.MIN_VALUE};
  static final String[] BAD_NAMES = {"missing:0", "", "/", ".", "..", "../block1_conv1", "/block1_conv1",
      "/block2_conv1/block2_conv1_W_1:0", "block1_conv1", "a\0b", "x".repeat(5000), "//", "/block1_pool"};

  private final Random random;

  KerasH5Mutator(Random random) {
    this.random = random;
  }

  /** Replaces one declared dimension of one dataset; null if no dimension pattern was found. */
  byte[] rewriteDims(byte[] file, List<int[]> shapes, String[] description) {
    List<Integer> hits = new ArrayList<>();
    List<int[]> hitShapes = new ArrayList<>();
    for (int[] shape : shapes) {
      byte[] pattern = dims(shape);
      for (int at = indexOf(file, pattern, 0); at >= 0; at = indexOf(file, pattern, at + 1)) {
        hits.add(at);
        hitShapes.add(shape);
      }
    }
    if (hits.isEmpty()) {
      return null;
    }
    int h = random.nextInt(hits.size());
    int[] shape = hitShapes.get(h);
    byte[] b = file.clone();
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    boolean all = random.nextInt(4) == 0;
    int which = random.nextInt(shape.length);
    long value = ABSURD_DIMS[random.nextInt(ABSURD_DIMS.length)];
    for (int i = 0; i < shape.length; i++) {
      if (all || i == which) {
        buf.putLong(hits.get(h) + 8 * i, value);
      }
    }
    description[0] = "dims " + Arrays.toString(shape) + " at " + hits.get(h) + ": " + (all ? "all" : "dim " + which)
        + " = " + value;
    return b;
  }

  /** Overwrites one occurrence of one of {@code names} with a same-length variant; null if none found. */
  byte[] renameOnce(byte[] file, List<String> names, String[] description) {
    List<Integer> hits = new ArrayList<>();
    List<String> hitNames = new ArrayList<>();
    for (String n : names) {
      byte[] p = n.getBytes(StandardCharsets.US_ASCII);
      for (int at = indexOf(file, p, 0); at >= 0; at = indexOf(file, p, at + 1)) {
        hits.add(at);
        hitNames.add(n);
      }
    }
    if (hits.isEmpty()) {
      return null;
    }
    int h = random.nextInt(hits.size());
    String name = hitNames.get(h);
    byte[] b = file.clone();
    char[] c = name.toCharArray();
    String how;
    switch (random.nextInt(4)) {
      case 0 -> {
        int p = random.nextInt(c.length);
        c[p] = c[p] == 'x' ? 'y' : 'x';
        how = "one character changed";
      }
      case 1 -> {
        c[0] = '/';
        how = "made absolute";
      }
      case 2 -> {
        c[random.nextInt(c.length)] = '\0';
        how = "NUL inside";
      }
      default -> {
        if (c.length >= 3) {
          c[0] = '.';
          c[1] = '.';
          c[2] = '/';
        }
        how = "made upward";
      }
    }
    byte[] repl = new String(c).getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(repl, 0, b, hits.get(h), repl.length);
    description[0] = "rename '" + name + "' at " + hits.get(h) + " (" + how + ")";
    return b;
  }

  /** Mutates a copy of {@code spec} (one to three changes); {@code description[0]} says what. */
  TinyKeras.Spec mutate(TinyKeras.Spec seed, String[] description) {
    TinyKeras.Spec s = seed.copy();
    StringBuilder what = new StringBuilder();
    int n = 1 + (random.nextInt(3) == 0 ? 1 + random.nextInt(2) : 0);
    for (int i = 0; i < n; i++) {
      what.append(i == 0 ? "" : " + ").append(mutateOnce(s));
    }
    description[0] = what.toString();
    return s;
  }

  private String mutateOnce(TinyKeras.Spec s) {
    List<TinyKeras.LayerSpec> withWeights = s.layers.stream().filter(l -> !l.datasets.isEmpty()).toList();
    TinyKeras.LayerSpec conv = withWeights.isEmpty() ? s.layers.get(0) : withWeights.get(random.nextInt(withWeights.size()));
    switch (random.nextInt(9)) {
      case 0 -> {
        String bad = BAD_NAMES[random.nextInt(BAD_NAMES.length)];
        if (conv.weightNames instanceof String[] w && w.length > 0) {
          int i = random.nextInt(w.length);
          w[i] = bad;
          return "weight_names of " + conv.name + "[" + i + "] = '" + shorten(bad) + "'";
        }
        conv.weightNames = new String[] {bad};
        return "weight_names of " + conv.name + " = ['" + shorten(bad) + "']";
      }
      case 1 -> {
        Object v = odd(conv.weightNames);
        conv.weightNames = v;
        return "weight_names of " + conv.name + " = " + show(v);
      }
      case 2 -> {
        String[] names = s.layerNames instanceof String[] a ? a : new String[0];
        List<String> l = new ArrayList<>(Arrays.asList(names));
        String how;
        int r = random.nextInt(5);
        if (r == 0 && !l.isEmpty()) {
          int i = random.nextInt(l.size());
          how = "removed " + l.remove(i);
        } else if (r == 1 && !l.isEmpty()) {
          int i = random.nextInt(l.size());
          l.add(i, l.get(i));
          how = "duplicated " + l.get(i);
        } else if (r == 2) {
          java.util.Collections.reverse(l);
          how = "reversed";
        } else if (r == 3) {
          String extra = l.isEmpty() ? "x" : l.get(random.nextInt(l.size()));
          for (int i = 0; i < 2000; i++) {
            l.add(extra);
          }
          how = "2000 more of " + extra;
        } else {
          String bad = BAD_NAMES[random.nextInt(BAD_NAMES.length)];
          int i = random.nextInt(l.size() + 1);
          l.add(i, bad);
          how = "'" + shorten(bad) + "' inserted at " + i;
        }
        s.layerNames = l.toArray(String[]::new);
        return "layer_names " + how;
      }
      case 3 -> {
        Object v = odd(s.layerNames);
        s.layerNames = v;
        return "layer_names = " + show(v);
      }
      case 4, 5, 6 -> {
        if (conv.datasets.isEmpty()) {
          return "nothing (no dataset)";
        }
        List<String> keys = new ArrayList<>(conv.datasets.keySet());
        String key = keys.get(random.nextInt(keys.size()));
        Object[] v = oddData(conv.datasets.get(key));
        conv.datasets.put(key, v[0]);
        return "dataset " + key + " = " + v[1];
      }
      case 7 -> {
        String old = conv.name;
        conv.name = old + "_renamed";
        return "group " + old + " renamed";
      }
      default -> {
        s.deflate = !s.deflate;
        return s.deflate ? "deflated" : "not deflated";
      }
    }
  }

  private Object odd(Object current) {
    return switch (random.nextInt(7)) {
      case 0 -> null;
      case 1 -> new int[] {1, 2};
      case 2 -> "block1_conv1";
      case 3 -> new double[] {1.5};
      case 4 -> 7;
      case 5 -> current instanceof String[] a && a.length > 0 ? new String[] {a[a.length - 1], a[0]} : new String[] {"x"};
      default -> current instanceof String[] a ? concat(a, a) : new String[] {"", ""};
    };
  }

  private static String[] concat(String[] a, String[] b) {
    String[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** A replacement dataset and its description. */
  private Object[] oddData(Object current) {
    int cout = current instanceof float[] f ? f.length : current instanceof float[][][][] k ? k[0][0][0].length : 4;
    int cin = current instanceof float[][][][] k ? k[0][0].length : 3;
    switch (random.nextInt(14)) {
      case 0 -> {
        return new Object[] {toDouble(current), "as float64"};
      }
      case 1 -> {
        return new Object[] {new int[3][3][cin][cout], "int32 kernel"};
      }
      case 2, 3 -> {
        float bad = new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[random.nextInt(3)];
        Object c = copyWith(current, bad);
        return new Object[] {c, "with a " + bad};
      }
      case 4 -> {
        return new Object[] {new float[3][cin][cout], "rank 3"};
      }
      case 5 -> {
        return new Object[] {new float[1][3][3][cin][cout], "rank 5"};
      }
      case 6 -> {
        return new Object[] {new float[cin][cout], "rank 2"};
      }
      case 7 -> {
        return new Object[] {new float[cout + 1 + random.nextInt(3)], "length " + (cout + 1) + "+"};
      }
      case 8 -> {
        return new Object[] {new float[1][cout], "bias of rank 2"};
      }
      case 9 -> {
        return new Object[] {new String[] {"w", "b"}, "strings"};
      }
      case 10 -> {
        return new Object[] {1.5f, "a scalar"};
      }
      case 11 -> {
        return new Object[] {new byte[3][3][cin][cout], "int8 kernel"};
      }
      case 12 -> {
        return new Object[] {new long[cout], "int64 vector"};
      }
      default -> {
        int k = 1 + 2 * random.nextInt(4);
        return new Object[] {new float[k][k][cin][cout], k + "x" + k + " kernel"};
      }
    }
  }

  private static Object toDouble(Object o) {
    if (o instanceof float[] f) {
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      return d;
    }
    if (o instanceof Object[] a) {
      Object first = toDouble(a[0]);
      Object[] out = (Object[]) java.lang.reflect.Array.newInstance(first.getClass(), a.length);
      for (int i = 0; i < a.length; i++) {
        out[i] = toDouble(a[i]);
      }
      return out;
    }
    return o;
  }

  private Object copyWith(Object o, float bad) {
    if (o instanceof float[] f) {
      float[] c = f.clone();
      c[random.nextInt(c.length)] = bad;
      return c;
    }
    if (o instanceof Object[] a) {
      Object[] c = a.clone();
      int i = random.nextInt(c.length);
      c[i] = copyWith(c[i], bad);
      return c;
    }
    return o;
  }

  private static String show(Object v) {
    if (v == null) {
      return "removed";
    }
    if (v instanceof Object[] a) {
      return Arrays.toString(Arrays.stream(a).map(x -> shorten(String.valueOf(x))).toArray());
    }
    if (v instanceof int[] a) {
      return Arrays.toString(a);
    }
    if (v instanceof double[] a) {
      return Arrays.toString(a);
    }
    return v.getClass().getSimpleName() + " " + v;
  }

  private static String shorten(String s) {
    return (s.length() > 20 ? s.substring(0, 20) + "...(" + s.length() + " chars)" : s).replace("\0", "\\0");
  }

  private static byte[] dims(int[] shape) {
    ByteBuffer b = ByteBuffer.allocate(8 * shape.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int d : shape) {
      b.putLong(d);
    }
    return b.array();
  }

  static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = from; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
