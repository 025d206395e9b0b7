package dev.nst.core.reliability;

import java.util.Arrays;
import java.util.Random;

/**
 * Format-blind mutations of a byte array: bit flips, overwritten bytes, truncation, inserted,
 * deleted and duplicated ranges. Positions can be biased towards a "structural" prefix and
 * suffix (headers, protobuf graph nodes) so that large seeds whose bulk is weight data still
 * get their structure hit.
 */
final class ByteMutator {
  /** Bytes that often mean something in binary formats: zero, -1, varint continuation, sign bits. */
  private static final int[] INTERESTING = {0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe, 0x10, 0x40};

  private final Random random;

  ByteMutator(Random random) {
    this.random = random;
  }

  /** A mutated copy; {@code description[0]} receives what was done. */
  byte[] mutate(byte[] seed, int structuralPrefix, int structuralSuffix, String[] description) {
    int kind = random.nextInt(7);
    byte[] b;
    switch (kind) {
      case 0 -> {
        int flips = 1 + random.nextInt(4);
        b = seed.clone();
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < flips && b.length > 0; i++) {
          int p = position(b.length, structuralPrefix, structuralSuffix);
          b[p] ^= (byte) (1 << random.nextInt(8));
          where.append(i == 0 ? "" : ",").append(p);
        }
        description[0] = "bit flips at " + where;
      }
      case 1 -> {
        b = seed.clone();
        int p = position(b.length, structuralPrefix, structuralSuffix);
        int v = INTERESTING[random.nextInt(INTERESTING.length)];
        int run = 1 + random.nextInt(8);
        for (int i = p; i < Math.min(b.length, p + run); i++) {
          b[i] = (byte) v;
        }
        description[0] = "overwrite " + run + " bytes at " + p + " with 0x" + Integer.toHexString(v);
      }
      case 2 -> {
        int len = seed.length == 0 ? 0 : random.nextInt(seed.length);
        if (random.nextBoolean() && structuralPrefix > 0) {
          len = random.nextInt(Math.min(seed.length, structuralPrefix) + 1);
        }
        b = Arrays.copyOf(seed, len);
        description[0] = "truncate to " + len + " of " + seed.length + " bytes";
      }
      case 3 -> {
        int p = position(seed.length + 1, structuralPrefix, structuralSuffix);
        int n = 1 + random.nextInt(random.nextBoolean() ? 4 : 64);
        byte[] ins = new byte[n];
        random.nextBytes(ins);
        b = splice(seed, p, 0, ins);
        description[0] = "insert " + n + " random bytes at " + p;
      }
      case 4 -> {
        int p = position(Math.max(1, seed.length), structuralPrefix, structuralSuffix);
        int n = Math.min(seed.length - Math.min(p, seed.length), 1 + random.nextInt(random.nextBoolean() ? 4 : 256));
        b = splice(seed, p, Math.max(0, n), new byte[0]);
        description[0] = "delete " + n + " bytes at " + p;
      }
      case 5 -> {
        int p = position(Math.max(1, seed.length), structuralPrefix, structuralSuffix);
        int n = Math.min(seed.length - Math.min(p, seed.length), 1 + random.nextInt(128));
        int at = position(seed.length + 1, structuralPrefix, structuralSuffix);
        b = splice(seed, at, 0, Arrays.copyOfRange(seed, Math.min(p, seed.length), Math.min(p, seed.length) + Math.max(0, n)));
        description[0] = "duplicate " + n + " bytes from " + p + " to " + at;
      }
      default -> {
        b = seed.clone();
        int p = position(b.length, structuralPrefix, structuralSuffix);
        int n = Math.min(b.length - p, 1 + random.nextInt(10));
        for (int i = p; i < p + n; i++) {
          b[i] = (byte) random.nextInt(256);
        }
        description[0] = "randomise " + n + " bytes at " + p;
      }
    }
    return b;
  }

  private int position(int length, int prefix, int suffix) {
    if (length <= 1) {
      return 0;
    }
    int r = random.nextInt(4);
    if (r == 0 && prefix > 0) {
      return random.nextInt(Math.min(length, prefix));
    }
    if (r == 1 && suffix > 0) {
      int s = Math.min(length, suffix);
      return length - s + random.nextInt(s);
    }
    return random.nextInt(length);
  }

  static byte[] splice(byte[] seed, int at, int remove, byte[] insert) {
    at = Math.min(at, seed.length);
    remove = Math.min(remove, seed.length - at);
    byte[] out = new byte[seed.length - remove + insert.length];
    System.arraycopy(seed, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(seed, at + remove, out, at + insert.length, seed.length - at - remove);
    return out;
  }
}
