package dev.nst.core;

import dev.nst.api.Layer;
import dev.nst.api.Network;
import com.google.common.math.LongMath;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * A conservative estimate of the memory one evaluation needs, so that sizes that cannot fit
 * are refused before anything large is allocated. The backward pass keeps every forward
 * activation; gradients, layout copies and workspaces add about as much again twice over:
 *
 * <pre>
 * bytes = 4 x (3 x sum of layer outputs + 2 x weights) + 16 x image pixels x channels
 * </pre>
 *
 * (measured against RSS in docs/benchmarks.md: the ONNX backend at 512 px stays below it).
 */
public final class MemoryEstimate {
  private MemoryEstimate() {}

  /** Estimated bytes for an H x W evaluation of {@code network} (already truncated). */
  public static long bytes(Network network, int height, int width) {
    long activations = 0;
    List<int[]> shapes = network.shapes(height, width);
    for (int[] s : shapes) {
      activations += (long) s[0] * s[1] * s[2];
    }
    long weights = 0;
    for (Layer l : network.layers()) {
      if (l instanceof Layer.Convolution c) {
        weights += c.weight().size() + c.bias().size();
      }
    }
    long image = (long) network.inputChannels() * height * width;
    // saturating: an absurd size must give a huge estimate, never a negative one
    return LongMath.saturatedAdd(LongMath.saturatedMultiply(4, LongMath.saturatedAdd(
        LongMath.saturatedMultiply(5, activations), 2 * weights)), LongMath.saturatedMultiply(16, image));
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

  /** The machine's physical memory, or Long.MAX_VALUE when the JVM cannot tell. */
  static long physicalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return Long.MAX_VALUE;
  }
}
