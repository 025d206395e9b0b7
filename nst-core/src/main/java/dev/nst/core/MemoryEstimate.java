package dev.nst.core;

import dev.nst.api.Network;
import dev.nst.api.spi.MemoryModel;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The memory budget's defaults, and the estimate for backends that did not measure themselves
 * ({@link MemoryModel#CONSERVATIVE}); a backend's own is {@link dev.nst.api.spi.Backend#memoryModel()}.
 */
public final class MemoryEstimate {
  private MemoryEstimate() {}

  /** Estimated bytes for an H x W evaluation of {@code network} (already truncated), conservatively. */
  public static long bytes(Network network, int height, int width) {
    return MemoryModel.CONSERVATIVE.bytes(network, height, width);
  }

  static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }

  /** The share of physical memory a run may use by default ({@link #defaultLimit()}). */
  public static final double DEFAULT_SHARE = 0.6;

  /**
   * The default memory budget: {@value #DEFAULT_SHARE} of the physical memory the JVM sees (a
   * container's limit where there is one), leaving the rest to the system and other processes.
   */
  public static long defaultLimit() {
    long physical = physicalMemory();
    return physical == Long.MAX_VALUE ? 0 : (long) (physical * DEFAULT_SHARE);
  }

  private static final java.util.regex.Pattern SIZE =
      java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?");

  /**
   * A memory size as people write it, in binary units: {@code 8g}, {@code 1500m}, {@code 20GiB},
   * {@code 2.5g}, or plain bytes; the same syntax as {@code bin/nst} reads for the heap.
   *
   * @param value the size
   * @return the number of bytes
   * @throws IllegalArgumentException when {@code value} is not a size, or not one any machine has
   */
  public static long parseSize(String value) {
    java.util.regex.Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + value + "' is not a memory size; write e.g. 8g, 1500m or 20GiB");
    }
    int shift = switch (m.group(2)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
    if (bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("'" + value + "' is more memory than any machine has");
    }
    return (long) bytes;
  }

  /** The machine's physical memory, or Long.MAX_VALUE when the JVM cannot tell. */
  static long physicalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return Long.MAX_VALUE;
  }
}
