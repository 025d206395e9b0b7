package dev.nst.core;

import dev.nst.api.Layer;
import dev.nst.api.Network;
import dev.nst.api.RunFailedException;
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
    return 4 * (5 * activations + 2 * weights) + 16 * image;
  }

  /** Throws when the estimate exceeds {@code limit} (0: no limit). */
  static void require(Network network, int height, int width, long limit) {
    if (limit <= 0) {
      return;
    }
    long need = bytes(network, height, width);
    if (need > limit) {
      throw new RunFailedException(String.format(Locale.ROOT,
          "a %dx%d run of %s needs about %s (estimate) but the memory limit is %s; use a smaller size, "
              + "coarse-to-fine scales with a smaller last scale, or raise memoryLimit()",
          width, height, network.name(), gib(need), gib(limit)));
    }
  }

  static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }

  /** The machine's physical memory, or Long.MAX_VALUE when the JVM cannot tell. */
  static long physicalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return Long.MAX_VALUE;
  }
}
