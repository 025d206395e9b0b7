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
