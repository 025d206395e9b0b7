package dev.nst.core.tile;

import java.util.ArrayList;
import java.util.List;

/**
 * How one image axis of {@code length} positions is cut into tiles that all have the same
 * length, so that one compiled graph serves every tile.
 *
 * <p>The cores (the positions a tile is responsible for) partition every loss layer: at the
 * input they are cut at boundaries that are multiples of {@code unit}, the cumulative stride of
 * the deepest loss layer, and at layer {@code l} the boundary {@code c} becomes
 * {@code c / stride_l}. Each tile then holds its cores plus the halo their receptive fields
 * need, and starts at a multiple of {@code unit}, so that its pooling windows fall where the
 * whole image's do: the activations of a tile at its core positions are those of the whole
 * image, bit for bit in exact arithmetic. Tiles touching the image border end at it, so padding
 * happens only there. For the last tile to end at the border and still start on the grid, the
 * tile length is congruent to the image length modulo {@code unit}.
 *
 * @param tileLength the length of every tile
 * @param starts the first input position of each tile
 * @param bounds core boundaries at the input: tile {@code t} owns {@code [bounds[t], bounds[t+1])}
 */
record AxisTiling(int tileLength, int[] starts, long[] bounds) {

  /** Number of tiles along the axis. */
  int count() {
    return starts.length;
  }

  /**
   * Cuts an axis of {@code length} positions into the fewest tiles of at most
   * {@code maxTileLength} positions, each as short as that number of tiles allows; empty when no
   * tile length up to that bound works (the halo of the deepest loss layer leaves no core).
   *
   * @param lossLayers indices of the loss layers
   */
  static java.util.Optional<AxisTiling> plan(AxisGeometry g, int[] lossLayers, int length, int maxTileLength) {
    if (length <= maxTileLength) {
      return java.util.Optional.of(new AxisTiling(length, new int[] {0}, new long[] {0, length}));
    }
    long unit = unit(g, lossLayers);
    long[] margins = margins(g, lossLayers, unit);
    long before = margins[0];
    long after = margins[1];
    long lengthModUnit = Math.floorMod(length, unit);
    long tile = maxTileLength - Math.floorMod(maxTileLength - lengthModUnit, unit);
    // A tile after the first starts on the grid at most ceil(before / unit) units before its
    // core, and must reach one unit of core beyond it plus the margin after: else the cores
    // stop advancing.
    long haloBefore = Math.floorDiv(before + unit - 1, unit) * unit;
    if (tile < haloBefore + unit + after || tile < 1) {
      return java.util.Optional.empty();
    }
    java.util.Optional<AxisTiling> fewest = cut(length, tile, unit, before, after);
    if (fewest.isEmpty()) {
      return fewest;
    }
    // The fewest tiles need not be the largest: the shortest length that still needs no more of
    // them spends least on halos (1024 px in tiles of at most 768: two of 592, not of 768). The
    // number of tiles does not fall as tiles shorten, so a binary search over the lengths (in
    // steps of the unit, to keep the phase) finds it in a few cuts even for absurd sizes.
    AxisTiling best = fewest.get();
    long lo = 1;
    long hi = (tile - (haloBefore + unit + after)) / unit; // shorter than that leaves no core
    while (lo <= hi) {
      long mid = (lo + hi) >>> 1;
      java.util.Optional<AxisTiling> t = cut(length, tile - mid * unit, unit, before, after);
      if (t.isPresent() && t.get().count() <= best.count()) {
        best = t.get();
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return java.util.Optional.of(best);
  }

  /**
   * Tiles of exactly {@code tile} positions, each core as long as its halos allow; empty when the
   * cores stop advancing.
   */
  private static java.util.Optional<AxisTiling> cut(int length, long tile, long unit, long before, long after) {
    List<Long> starts = new ArrayList<>();
    List<Long> bounds = new ArrayList<>();
    long start = 0;
    long bound = 0;
    bounds.add(0L);
    while (true) {
      starts.add(start);
      if (start + tile >= length) {
        break;
      }
      // the furthest core boundary this tile's inputs still cover
      long next = Math.floorDiv(start + tile - after, unit) * unit;
      if (next <= bound) {
        return java.util.Optional.empty();
      }
      bound = next;
      bounds.add(bound);
      // the next tile starts on the grid early enough to see the halo before the boundary
      start = Math.min(Math.floorDiv(bound - before, unit) * unit, length - tile);
    }
    bounds.add((long) length);
    return java.util.Optional.of(new AxisTiling((int) tile,
        starts.stream().mapToInt(Long::intValue).toArray(), bounds.stream().mapToLong(Long::longValue).toArray()));
  }

  /**
   * The smallest bound on the tile length for which {@link #plan} cuts an axis of any length:
   * one unit of core between the halos, plus the unit minus one that the tile length may lose to
   * fit the image length's phase.
   */
  static long minimumTile(AxisGeometry g, int[] lossLayers) {
    long unit = unit(g, lossLayers);
    long[] margins = margins(g, lossLayers, unit);
    long haloBefore = Math.floorDiv(margins[0] + unit - 1, unit) * unit;
    return haloBefore + unit + margins[1] + unit - 1;
  }

  /**
   * The margins of an interior core boundary c (a multiple of unit, far from both borders): the
   * cores before c need inputs up to c - 1 + after; the cores from c on need inputs from
   * c - before. Translation by unit shifts every layer by whole positions, so they do not depend
   * on c.
   */
  private static long[] margins(AxisGeometry g, int[] lossLayers, long unit) {
    long probe = unit * (1L << 20);
    long before = 0;
    long after = 0;
    for (int l : lossLayers) {
      long s = g.cumulativeStride(l);
      before = Math.max(before, probe - g.firstInput(l, probe / s));
      after = Math.max(after, g.lastInput(l, probe / s - 1) - (probe - 1));
    }
    return new long[] {before, after};
  }

  /** The cumulative stride of the deepest loss layer: tile starts and core boundaries lie on it. */
  static long unit(AxisGeometry g, int[] lossLayers) {
    long unit = 1;
    for (int l : lossLayers) {
      unit = Math.max(unit, g.cumulativeStride(l));
    }
    return unit;
  }
}
