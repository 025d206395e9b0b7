package dev.nst.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A coarse-to-fine schedule: long sides in increasing order with the iterations at each. The
 * coarse scales fix the large-scale structure cheaply; the finest needs fewer iterations than a
 * direct run.
 */
public record Scales(List<Integer> longSides, List<Integer> iterations) {

  /** Copies the lists and checks them: one iteration count per size, positive values, increasing sizes. */
  public Scales {
    longSides = List.copyOf(longSides);
    iterations = List.copyOf(iterations);
    if (longSides.isEmpty() || longSides.size() != iterations.size()) {
      throw new IllegalArgumentException("give one iteration count per size, and at least one size");
    }
    for (int i = 0; i < longSides.size(); i++) {
      if (longSides.get(i) < 1 || iterations.get(i) < 1) {
        throw new IllegalArgumentException("sizes and iteration counts must be positive: " + longSides + " " + iterations);
      }
      if (i > 0 && longSides.get(i) <= longSides.get(i - 1)) {
        throw new IllegalArgumentException("sizes must increase: " + longSides);
      }
    }
  }

  /** Above this long side a run goes coarse to fine by default ({@link #forSize}). */
  public static final int LARGE_SIZE = 1024;

  /**
   * The default schedule for an output of long side {@code size}: a direct run up to
   * {@value #LARGE_SIZE} px; above it, coarse to fine, doubling from a coarsest scale between
   * 512 and 1024 px, which gets {@code iterations}, each finer scale half the iterations of the one
   * before (at least an eighth, and at least 10): 4096 px with 300 iterations runs 1024 (300),
   * 2048 (150), 4096 (75). The coarse scales fix the composition cheaply, so the largest scales,
   * which cost the most, only refine.
   */
  public static Scales forSize(int size, int iterations) {
    if (size <= LARGE_SIZE) {
      return single(size, iterations);
    }
    int levels = 1 + (int) Math.ceil(Math.log((double) size / LARGE_SIZE) / Math.log(2) - 1e-9);
    return pyramid(size, levels, 2, iterations, Math.min(iterations, Math.max(10, iterations / 8)));
  }

  /** The coarsest long side of {@link #progressive}: crowsonkb/style-transfer-pytorch's 128 px. */
  public static final int PROGRESSIVE_START = 128;

  /**
   * crowsonkb/style-transfer-pytorch's schedule: long sides growing by sqrt(2) from
   * {@value #PROGRESSIVE_START} px (or {@code size}, when smaller) to {@code size} (each
   * {@code round(size / 2^(i/2))}), the first scale running twice the iterations of each later
   * one. {@code iterations} is a budget in iterations at the full size: iterations at a scale of
   * long side s cost about (s / size)^2 of one at the full size, and the schedule spends as much
   * as {@code iterations} full-size iterations (512 px with 200: 128 (200), 181, 256, 362 and
   * 512 (100 each)).
   */
  public static Scales progressive(int size, int iterations) {
    if (size < 1 || iterations < 1) {
      throw new IllegalArgumentException("size and iterations must be positive, got " + size + " and " + iterations);
    }
    int start = Math.min(PROGRESSIVE_START, size);
    java.util.TreeSet<Integer> sides = new java.util.TreeSet<>();
    for (int i = 0; ; i++) {
      int s = (int) Math.round(size / Math.pow(2, i / 2.0));
      if (s < start) {
        break;
      }
      sides.add(s);
    }
    List<Integer> sizes = new ArrayList<>(sides);
    double cost = 0;
    for (int i = 0; i < sizes.size(); i++) {
      double r = (double) sizes.get(i) / size;
      cost += (i == 0 ? 2 : 1) * r * r;
    }
    int later = Math.max(1, (int) Math.round(iterations / cost));
    List<Integer> iters = new ArrayList<>();
    for (int i = 0; i < sizes.size(); i++) {
      iters.add(i == 0 ? 2 * later : later);
    }
    return new Scales(sizes, iters);
  }

  /** One scale: a direct run. */
  public static Scales single(int longSide, int iterations) {
    return new Scales(List.of(longSide), List.of(iterations));
  }

  /**
   * {@code levels} sizes ending at {@code finalSize}, each {@code factor} times the previous;
   * the coarsest gets {@code coarseIterations}, each finer level half the iterations of the one
   * before (at least {@code minIterations}).
   */
  public static Scales pyramid(int finalSize, int levels, double factor, int coarseIterations, int minIterations) {
    if (levels < 1 || !(factor > 1)) {
      throw new IllegalArgumentException("levels must be >= 1 and factor > 1");
    }
    List<Integer> sizes = new ArrayList<>();
    List<Integer> iters = new ArrayList<>();
    for (int l = levels - 1; l >= 0; l--) {
      sizes.add((int) Math.round(finalSize / Math.pow(factor, l)));
    }
    int it = coarseIterations;
    for (int l = 0; l < levels; l++) {
      iters.add(Math.max(minIterations, it));
      it /= 2;
    }
    return new Scales(sizes, iters);
  }
}
