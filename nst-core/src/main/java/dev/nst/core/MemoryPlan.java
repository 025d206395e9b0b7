package dev.nst.core;

import static com.google.common.math.LongMath.saturatedAdd;
import static com.google.common.math.LongMath.saturatedMultiply;

import dev.nst.api.Network;
import dev.nst.api.Optimizer;
import dev.nst.api.MemoryBudgetException;
import dev.nst.api.spi.MemoryModel;
import dev.nst.core.optim.Adam;
import dev.nst.core.optim.Lbfgs;
import dev.nst.core.tile.TileLayout;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How one scale of a run fits in its memory budget, decided before anything large is allocated
 * (DESIGN.md section 10). Two limits apply, each to what it holds:
 *
 * <ul>
 *   <li>The <b>JVM heap</b> ({@code -Xmx}) holds the image-sized arrays: the image, its gradient
 *       and the best iterate, the optimiser's state (L-BFGS keeps {@code 2 x history} of them),
 *       image copies and the content targets. If they cannot fit, the run is refused with what
 *       to change; an L-BFGS history that does not fit is shortened, and the run says so.
 *   <li>The <b>budget</b> ({@link StyleTransfer.Builder#memoryLimit}) bounds everything the
 *       process holds: the heap, the backend's native memory ({@link MemoryEstimate}), and a
 *       fixed allowance for the runtime. The heap counts at what it may grow to, its limit, up
 *       to {@link #HEAP_SHARE} of the budget ({@link #heapCharge}): a garbage-collected heap
 *       grows under the allocations of a run well past what it holds alive (measured: 2.3 GiB
 *       committed for 0.3-1.0 GiB in use at 1536 px), and only {@code -Xmx} bounds it. So the
 *       budget holds when {@code -Xmx} is at most that share ({@code bin/nst} sees to it); the
 *       workers of a batch share one heap and split the budget, so each counts its share of
 *       the heap. The backend evaluates the whole image when its
 *       estimate fits in what the heap leaves; else in its lean mode when it has one
 *       ({@link dev.nst.api.spi.Backend#leanMemoryModel()}) and that fits (slower per evaluation,
 *       but faster than tiles); else in the largest tiles that fit.
 * </ul>
 *
 * @param layout the tiles of the objective, empty for an untiled evaluation
 * @param optimizer the optimiser to run, its L-BFGS history possibly shortened
 * @param heapBytes heap the scale holds by estimate
 * @param nativeBytes the backend's native memory by estimate (for one tile when tiled)
 * @param nativeRoom what the budget leaves for the backend's native memory
 * @param model the backend's default memory model (forward passes for targets use it)
 * @param lean whether the whole image is evaluated in the backend's lean mode
 * @param notices what the plan changed, one sentence each
 */
record MemoryPlan(Optional<TileLayout> layout, Optimizer optimizer, long heapBytes, long nativeBytes,
    long nativeRoom, MemoryModel model, boolean lean, List<String> notices) {

  /** What the runtime itself holds besides the heap: code, native libraries, thread stacks. */
  static final long RUNTIME_BYTES = 400L << 20;

  /**
   * Tiles of this many minimum tile sides (about 1,000 px for VGG-19 to relu5_1) spend about 1.5x
   * the pixels on halos; the heap leaves room for them before it keeps a long L-BFGS history.
   */
  static final int PREFERRED_TILE_SIDES = 5;

  /**
   * Compiled graphs a tiled evaluation holds at once: the statistics pass's and the gradient
   * pass's, each with its own memory (ONNX Runtime keeps a session's high-water mark). Measured:
   * at 8192 px a run in 1008 x 2025 tiles held 1.8x one evaluation's estimate of such a tile.
   */
  static final int TILE_GRAPHS = 2;

  /**
   * The share of the budget the heap counts at most: the heap limit when it is below (bin/nst
   * sets {@code -Xmx} to this share of {@code --memory}), else this share.
   */
  static final double HEAP_SHARE = 0.5;

  /** The shortest L-BFGS history the plan shortens to before it refuses the run. */
  static final int MIN_HISTORY = 3;

  /**
   * Plans one scale of {@code height x width}.
   *
   * @param network the truncated network the objective runs
   * @param lossLayers the layers the objective reads
   * @param contentLayers the layers whose targets the heap holds
   * @param limit the budget in bytes, 0 for none (the heap limit still applies)
   * @param heapLimit the JVM's heap limit ({@link Runtime#maxMemory()})
   * @param tileSize the largest tile side the caller allows, 0 to let the budget decide
   * @param model the backend's memory per evaluation
   * @throws MemoryBudgetException when even the smallest tile or the shortest history cannot fit
   */
  static MemoryPlan plan(Network network, List<String> lossLayers, List<String> contentLayers, int height, int width,
      long limit, long heapLimit, int tileSize, Optimizer optimizer, MemoryModel model) {
    return plan(network, lossLayers, contentLayers, height, width, limit, heapLimit, tileSize, optimizer, model,
        Optional.empty());
  }

  /**
   * Plans one scale of {@code height x width} for a backend that may have a lean mode.
   *
   * @param lean the memory model of the backend's lean mode, if it has one
   * @see #plan(Network, List, List, int, int, long, long, int, Optimizer, MemoryModel)
   */
  static MemoryPlan plan(Network network, List<String> lossLayers, List<String> contentLayers, int height, int width,
      long limit, long heapLimit, int tileSize, Optimizer optimizer, MemoryModel model, Optional<MemoryModel> lean) {
    return plan(network, lossLayers, contentLayers, height, width, limit, heapLimit, tileSize, optimizer, model,
        lean, 1);
  }

  /**
   * Plans one scale of {@code height x width} whose whole-image evaluation holds
   * {@code wholeGraphs} compiled graphs at once: 1 for a Gram objective, {@link #TILE_GRAPHS}
   * for one with a statistics pass (W2, histogram: a tiled objective of one tile) or on the host
   * (the feature extractor's forward and backward graphs).
   *
   * @see #plan(Network, List, List, int, int, long, long, int, Optimizer, MemoryModel, Optional)
   */
  static MemoryPlan plan(Network network, List<String> lossLayers, List<String> contentLayers, int height, int width,
      long limit, long heapLimit, int tileSize, Optimizer optimizer, MemoryModel model, Optional<MemoryModel> lean,
      int wholeGraphs) {
    long values = (long) network.inputChannels() * height * width;
    long fixedHeap = heapFixed(network, contentLayers, height, width);
    long perState = saturatedMultiply(values, Float.BYTES);
    List<String> notices = new java.util.ArrayList<>();
    Optimizer chosen = optimizer;
    long heapRoom = heapLimit - heapLimit / 10; // garbage collectors need some room of their own
    int minSide = TileLayout.minimumTileSide(network, lossLayers);
    // The budget is shared: what the heap takes, tiles lack. The heap first leaves room for tiles
    // of PREFERRED_TILE_SIDES minimum sides, whose halos cost ~1.5x the pixels (the smallest
    // tiles cost 10x and more); where the shortest L-BFGS history does not fit beside those, it
    // tries tiles smaller by sqrt(2) at a time, down to the smallest.
    List<Long> reserves = new java.util.ArrayList<>();
    for (double side = PREFERRED_TILE_SIDES * minSide; side > minSide; side /= Math.sqrt(2)) {
      reserves.add(tileBytes(model, network, Math.min(height, (int) side), Math.min(width, (int) side)));
    }
    reserves.add(tileBytes(model, network, Math.min(height, minSide), Math.min(width, minSide)));
    long room = 0;
    long heap = 0;
    for (long tileReserve : reserves) {
      long budgetHeapRoom = limit <= 0 ? Long.MAX_VALUE : (limit - RUNTIME_BYTES - tileReserve) * 4 / 5;
      room = Math.min(heapRoom, budgetHeapRoom);
      chosen = optimizer;
      heap = saturatedAdd(fixedHeap, saturatedMultiply(stateArrays(optimizer), perState));
      if (heap > room && optimizer instanceof Lbfgs l) {
        long arrays = (room - fixedHeap) / perState - 4;
        int history = (int) Math.max(0, Math.min(l.historySize(), arrays / 2));
        if (history >= MIN_HISTORY) {
          chosen = l.withHistorySize(history);
          heap = saturatedAdd(fixedHeap, saturatedMultiply(stateArrays(chosen), perState));
        }
      }
      if (heap <= room) {
        break;
      }
    }
    if (chosen != optimizer && optimizer instanceof Lbfgs l && chosen instanceof Lbfgs c) {
      notices.add(String.format(Locale.ROOT, "L-BFGS keeps %d instead of %d steps of history at %dx%d, so that "
          + "its %s fit the %s (%s) beside the backend's tiles; %s keeps more", c.historySize(), l.historySize(),
          width, height, gib(saturatedMultiply(2L * c.historySize(), perState)),
          room == heapRoom ? "heap" : "memory budget", gib(room == heapRoom ? heapLimit : limit),
          room == heapRoom ? "a larger -Xmx" : "a larger budget"));
    }
    if (heap > heapRoom) {
      throw new MemoryBudgetException(String.format(Locale.ROOT,
          "a %dx%d image needs about %s of Java heap (image, gradient, best image, optimiser state and image "
              + "copies) but the heap limit is %s; raise it (-Xmx, or NST_JAVA_OPTS=-Xmx... for bin/nst), use a "
              + "smaller size, or Adam, whose state is smaller than L-BFGS's", width, height, gib(heap),
          gib(heapLimit)));
    }
    long untiled = graphBytes(model, network, wholeGraphs, height, width);
    if (tileSize > 0 && (height > tileSize || width > tileSize)) {
      TileLayout l = TileLayout.plan(network, lossLayers, height, width, tileSize, tileSize)
          .orElseThrow(() -> new IllegalArgumentException(String.format(Locale.ROOT, "tiles of at most %dx%d leave "
              + "no room beside the halo the loss layers need; %s needs tiles of at least %d px", tileSize, tileSize,
              network.name(), TileLayout.minimumTileSide(network, lossLayers))));
      notices.add(String.format(Locale.ROOT, "%dx%d runs in %d tiles of %dx%d as asked (%.2fx the pixels, by the "
          + "halos); the result is the same as untiled", width, height, l.tiles().size(), l.tileWidth(),
          l.tileHeight(), l.overlap()));
      long tileRoom = limit <= 0 ? Long.MAX_VALUE : limit - heapCharge(heap, heapLimit, limit) - RUNTIME_BYTES;
      return new MemoryPlan(Optional.of(l), chosen, heap, tileBytes(model, network, l.tileHeight(),
          l.tileWidth()), tileRoom, model, false, List.copyOf(notices));
    }
    if (limit <= 0) {
      return new MemoryPlan(Optional.empty(), chosen, heap, untiled, Long.MAX_VALUE, model, false,
          List.copyOf(notices));
    }
    long charge = heapCharge(heap, heapLimit, limit);
    long nativeRoom = limit - charge - RUNTIME_BYTES;
    if (untiled <= nativeRoom) {
      return new MemoryPlan(Optional.empty(), chosen, heap, untiled, nativeRoom, model, false, List.copyOf(notices));
    }
    long leanBytes = lean.map(m -> graphBytes(m, network, wholeGraphs, height, width)).orElse(Long.MAX_VALUE);
    if (leanBytes <= nativeRoom) {
      notices.add(String.format(Locale.ROOT, "%dx%d is evaluated whole in the backend's lean mode (about %s of native "
          + "memory instead of %s; slower per evaluation, faster than tiles) to fit the memory budget of %s", width,
          height, gib(leanBytes), gib(untiled), gib(limit)));
      return new MemoryPlan(Optional.empty(), chosen, heap, leanBytes, nativeRoom, model, true, List.copyOf(notices));
    }
    Optional<TileLayout> layout = largestTiles(network, lossLayers, height, width, nativeRoom, model, TILE_GRAPHS);
    if (layout.isEmpty()) {
      int side = TileLayout.minimumTileSide(network, lossLayers);
      throw new MemoryBudgetException(String.format(Locale.ROOT,
          "a %dx%d image does not fit the memory budget of %s: the Java heap counts %s of it, and even the "
              + "smallest tile (%dx%d) needs about %s more of native memory; raise the budget (memoryLimit, "
              + "--memory), or use a smaller size", width, height, gib(limit), gib(charge), side, side,
          gib(tileBytes(model, network, side, side))));
    }
    TileLayout l = layout.get();
    notices.add(String.format(Locale.ROOT, "%dx%d runs in %d tiles of %dx%d (%.2fx the pixels, by the halos) "
        + "to fit the memory budget of %s; the result is the same as untiled", width, height, l.tiles().size(),
        l.tileWidth(), l.tileHeight(), l.overlap(), gib(limit)));
    return new MemoryPlan(layout, chosen, heap, tileBytes(model, network, l.tileHeight(), l.tileWidth()),
        nativeRoom, model, false, List.copyOf(notices));
  }

  /**
   * What the budget counts for a heap that holds about {@code heap} bytes alive under a limit of
   * {@code heapLimit}: the limit, which a busy heap grows toward, capped at {@link #HEAP_SHARE}
   * of the budget {@code limit}; never less than the estimate and a quarter for the collector.
   */
  static long heapCharge(long heap, long heapLimit, long limit) {
    return Math.max(saturatedAdd(heap, heap / 4), Math.min(heapLimit, (long) (limit * HEAP_SHARE)));
  }

  /**
   * The tiles for a forward pass (targets) of an image of {@code height x width} to
   * {@code layers}: one when the image fits this plan's native room, else the largest that do.
   */
  TileLayout forwardLayout(Network network, List<String> layers, int height, int width) {
    Network truncated = network.truncatedAfter(layers);
    int max = model.bytes(truncated, height, width) <= nativeRoom ? Math.max(height, width) : 0;
    Optional<TileLayout> layout = max > 0
        ? TileLayout.plan(truncated, layers, height, width, max, max)
        : largestTiles(truncated, layers, height, width, nativeRoom, model, 1);
    return layout.orElseThrow(() -> new MemoryBudgetException(String.format(Locale.ROOT,
        "a %dx%d image does not fit the memory left for the backend (%s) even in the smallest tiles; raise the "
            + "memory budget or use a smaller size or style scale", width, height, gib(nativeRoom))));
  }

  /**
   * The fewest tiles whose estimate, times {@code graphs} compiled graphs alive at once, fits
   * {@code room}: the largest tile side that fits, tried square and then stretched along the
   * image's longer side.
   */
  static Optional<TileLayout> largestTiles(Network network, List<String> lossLayers, int height, int width,
      long room, MemoryModel model, int graphs) {
    int lo = TileLayout.minimumTileSide(network, lossLayers);
    if (room <= 0 || graphBytes(model, network, graphs, lo, lo) > room) {
      return Optional.empty();
    }
    int hi = Math.max(height, width);
    while (lo < hi) { // the largest square side whose estimate fits
      int mid = (int) (((long) lo + hi + 1) / 2);
      if (graphBytes(model, network, graphs, Math.min(mid, height), Math.min(mid, width)) <= room) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    Optional<TileLayout> best = Optional.empty();
    // Same area, other shapes: a tile as wide as a short image saves its vertical halos.
    for (double stretch : new double[] {1, 1.5, 2, 3}) {
      int th = (int) Math.min(height, Math.round(lo / Math.sqrt(stretch)));
      int tw = (int) Math.min(width, Math.round(lo * Math.sqrt(stretch)));
      for (int[] t : new int[][] {{th, tw}, {tw, th}}) {
        if (t[0] < 1 || t[1] < 1
            || graphBytes(model, network, graphs, Math.min(t[0], height), Math.min(t[1], width)) > room) {
          continue;
        }
        Optional<TileLayout> l = TileLayout.plan(network, lossLayers, height, width, t[0], t[1]);
        if (l.isPresent() && (best.isEmpty() || cost(l.get()) < cost(best.get()))) {
          best = l;
        }
      }
    }
    return best;
  }

  /** The native memory of a tiled evaluation in tiles of {@code height x width}. */
  private static long tileBytes(MemoryModel model, Network network, int height, int width) {
    return graphBytes(model, network, TILE_GRAPHS, height, width);
  }

  /** The native memory of {@code graphs} compiled graphs of {@code height x width} alive at once. */
  private static long graphBytes(MemoryModel model, Network network, int graphs, int height, int width) {
    return saturatedMultiply(graphs, model.bytes(network, height, width));
  }

  /** Pixels evaluated per evaluation, the measure of a layout's cost. */
  private static double cost(TileLayout l) {
    return l.overlap();
  }

  /** Image-sized arrays the optimiser keeps. */
  static long stateArrays(Optimizer optimizer) {
    if (optimizer instanceof Lbfgs l) {
      return 2L * l.historySize() + 4; // history pairs, direction, previous gradient, two-loop work
    }
    if (optimizer instanceof Adam) {
      return 3; // moments and a work array
    }
    return 4; // an optimiser of the caller's: assume a few arrays
  }

  /**
   * Heap the scale holds besides the optimiser: the image, gradient and best iterate as floats,
   * about six image copies as 8-bit images and float tensors while images are prepared, and the
   * content targets.
   */
  static long heapFixed(Network network, List<String> contentLayers, int height, int width) {
    long values = (long) network.inputChannels() * height * width;
    long pixels = (long) height * width;
    long targets = 0;
    List<int[]> shapes = network.shapes(height, width);
    for (String l : contentLayers) {
      int[] s = shapes.get(network.indexOf(l));
      targets = saturatedAdd(targets, (long) s[0] * s[1] * s[2]);
    }
    long floats = saturatedAdd(saturatedMultiply(values, 5), targets);
    return saturatedAdd(saturatedMultiply(floats, Float.BYTES), saturatedMultiply(pixels, 6L * Integer.BYTES));
  }

  static String gib(long bytes) {
    return MemoryEstimate.gib(bytes);
  }
}
