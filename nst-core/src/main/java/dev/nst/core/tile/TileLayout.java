package dev.nst.core.tile;

import dev.nst.api.Network;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An image cut into equal tiles whose cores partition every loss layer, so that an objective
 * summed over positions (content, Gram and other style statistics, their gradients) can be
 * evaluated tile by tile and give exactly the untiled value and gradient.
 *
 * <p>The rule, derived from the network's layers (kernel, stride, padding), not from a table:
 *
 * <ul>
 *   <li>The <b>unit</b> is the cumulative stride of the deepest loss layer (16 for VGG-19 up to
 *       relu5_1). Tiles start, and cores are cut, at multiples of it at the input, so every
 *       pooling window of a tile is one of the whole image's (pools in floor mode).
 *   <li>The <b>halo</b> around a core is what the receptive fields of the core's positions at
 *       every loss layer reach beyond it (about 80 pixels each side for VGG-19 at relu5_1).
 *       Positions in the halo are computed with zero padding at the tile's edge, which is wrong,
 *       but nothing the cores depend on reads them.
 *   <li>Padding happens only at the true image border: tiles at the border end exactly there.
 *   <li>All tiles have one size, {@link #tileHeight()} x {@link #tileWidth()}, congruent to the
 *       image's modulo the unit, so one compiled graph serves them all.
 * </ul>
 *
 * Immutable.
 */
public final class TileLayout {
  private final Network network;
  private final List<String> lossLayers;
  private final int height;
  private final int width;
  private final AxisTiling rows;
  private final AxisTiling columns;
  private final long[][] verticalExtents;
  private final long[][] horizontalExtents;
  private final List<Tile> tiles;
  private final AxisGeometry vertical;
  private final AxisGeometry horizontal;

  /**
   * One tile: where it sits in the image, and the core it owns at each loss layer in the tile's
   * own coordinates at that layer.
   *
   * @param row the tile's row in the grid
   * @param column the tile's column in the grid
   * @param top first image row of the tile
   * @param left first image column of the tile
   * @param cores per loss layer, the core region in tile coordinates of that layer (may be empty)
   */
  public record Tile(int row, int column, int top, int left, Map<String, Region> cores) {
    /** Copies the cores. */
    public Tile {
      cores = Map.copyOf(cores);
    }
  }

  /**
   * A rectangle of positions of one layer: rows {@code top .. top+height-1}, columns
   * {@code left .. left+width-1}.
   */
  public record Region(int top, int left, int height, int width) {
    /** True when it holds no position. */
    public boolean isEmpty() {
      return height <= 0 || width <= 0;
    }

    /** Number of positions. */
    public long size() {
      return isEmpty() ? 0 : (long) height * width;
    }
  }

  private TileLayout(Network network, List<String> lossLayers, int height, int width, AxisTiling rows,
      AxisTiling columns) {
    this.network = network;
    this.lossLayers = lossLayers;
    this.height = height;
    this.width = width;
    this.rows = rows;
    this.columns = columns;
    this.vertical = AxisGeometry.of(network, true);
    this.horizontal = AxisGeometry.of(network, false);
    this.verticalExtents = new long[][] {vertical.extents(height), vertical.extents(rows.tileLength())};
    this.horizontalExtents = new long[][] {horizontal.extents(width), horizontal.extents(columns.tileLength())};
    List<Tile> out = new ArrayList<>();
    for (int r = 0; r < rows.count(); r++) {
      for (int c = 0; c < columns.count(); c++) {
        Map<String, Region> cores = new LinkedHashMap<>();
        for (String layer : lossLayers) {
          int l = network.indexOf(layer);
          long[] rs = core(rows, vertical, verticalExtents[0][l], l, r);
          long[] cs = core(columns, horizontal, horizontalExtents[0][l], l, c);
          cores.put(layer, new Region((int) rs[0], (int) cs[0], (int) (rs[1] - rs[0]), (int) (cs[1] - cs[0])));
        }
        out.add(new Tile(r, c, rows.starts()[r], columns.starts()[c], cores));
      }
    }
    this.tiles = List.copyOf(out);
  }

  /** Core positions [from, to) of tile {@code t} at layer {@code l}, in the tile's coordinates. */
  private static long[] core(AxisTiling axis, AxisGeometry g, long extent, int l, int t) {
    long s = g.cumulativeStride(l);
    long from = t == 0 ? 0 : Math.min(axis.bounds()[t] / s, extent);
    long to = t == axis.count() - 1 ? extent : Math.min(axis.bounds()[t + 1] / s, extent);
    long offset = axis.starts()[t] / s;
    return new long[] {from - offset, Math.max(from, to) - offset};
  }

  /**
   * The fewest tiles of at most {@code maxTileHeight x maxTileWidth} pixels for an image of
   * {@code height x width}, as small as that number of tiles allows (less halo to compute); one tile, the whole image, when it fits. Empty when no tile of that
   * size leaves a core beside the halo the loss layers need.
   *
   * @param network the feature network (pools already of the kind the run uses)
   * @param lossLayers the layers the objective reads
   */
  public static Optional<TileLayout> plan(Network network, Collection<String> lossLayers, int height, int width,
      int maxTileHeight, int maxTileWidth) {
    Objects.requireNonNull(network, "network");
    List<String> layers = List.copyOf(new java.util.LinkedHashSet<>(lossLayers));
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("give at least one loss layer");
    }
    network.requireLayers(layers);
    network.shapes(height, width); // a clear message when the image is too small for the network
    if (maxTileHeight < 1 || maxTileWidth < 1) {
      throw new IllegalArgumentException("the largest tile must be at least 1x1, got " + maxTileHeight + "x"
          + maxTileWidth);
    }
    int[] indices = layers.stream().mapToInt(network::indexOf).toArray();
    Optional<AxisTiling> rows = AxisTiling.plan(AxisGeometry.of(network, true), indices, height, maxTileHeight);
    Optional<AxisTiling> columns = AxisTiling.plan(AxisGeometry.of(network, false), indices, width, maxTileWidth);
    if (rows.isEmpty() || columns.isEmpty()) {
      return Optional.empty();
    }
    TileLayout layout = new TileLayout(network, layers, height, width, rows.get(), columns.get());
    try {
      network.shapes(layout.tileHeight(), layout.tileWidth());
    } catch (IllegalArgumentException tooSmall) {
      return Optional.empty();
    }
    return Optional.of(layout);
  }

  /**
   * The smallest tile side for which {@link #plan} cuts an image of any size: one unit of core
   * between the halos the loss layers need, and the rounding to the image's phase.
   */
  public static int minimumTileSide(Network network, Collection<String> lossLayers) {
    network.requireLayers(lossLayers);
    int[] indices = lossLayers.stream().mapToInt(network::indexOf).toArray();
    long side = Math.max(AxisTiling.minimumTile(AxisGeometry.of(network, true), indices),
        AxisTiling.minimumTile(AxisGeometry.of(network, false), indices));
    return (int) Math.min(Integer.MAX_VALUE, side);
  }

  /**
   * Where tile {@code t} starts at a loss layer, in whole-image coordinates of that layer:
   * (row, column). A tile position {@code (y, x)} of that layer is the image's {@code (y + row,
   * x + column)}.
   */
  public int[] offset(Tile t, String layer) {
    int l = network.indexOf(layer);
    return new int[] {(int) (t.top() / vertical.cumulativeStride(l)), (int) (t.left() / horizontal.cumulativeStride(l))};
  }

  /** The network the layout was planned for. */
  public Network network() {
    return network;
  }

  /** The loss layers whose cores the tiles partition. */
  public List<String> lossLayers() {
    return lossLayers;
  }

  /** Image height. */
  public int height() {
    return height;
  }

  /** Image width. */
  public int width() {
    return width;
  }

  /** Height of every tile. */
  public int tileHeight() {
    return rows.tileLength();
  }

  /** Width of every tile. */
  public int tileWidth() {
    return columns.tileLength();
  }

  /** True when the whole image is one tile. */
  public boolean isSingleTile() {
    return tiles.size() == 1;
  }

  /** The tiles, row by row. */
  public List<Tile> tiles() {
    return tiles;
  }

  /** The grid: tiles per column and per row. */
  public int[] grid() {
    return new int[] {rows.count(), columns.count()};
  }

  /** Image positions all tiles cover together, divided by the image's: the cost of the halos. */
  public double overlap() {
    return (double) tiles.size() * tileHeight() * tileWidth() / ((double) height * width);
  }

  @Override
  public String toString() {
    return "TileLayout[" + width + "x" + height + " in " + rows.count() + "x" + columns.count() + " tiles of "
        + tileWidth() + "x" + tileHeight() + "]";
  }
}
