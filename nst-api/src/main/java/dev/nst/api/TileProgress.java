package dev.nst.api;

/**
 * Where a tiled evaluation is: sent before each tile (see {@link ProgressListener#onTile}).
 * An evaluation runs two passes over the tiles, the statistics pass and the gradient pass; with
 * Gram style losses only, the statistics pass starts at tile 2, as tile 1's gradient pass forms
 * its statistics itself.
 *
 * @param iteration the 1-based iteration being evaluated, within the current scale
 * @param iterations the iteration budget of the current scale
 * @param pass 1 (statistics) or 2 (gradient)
 * @param tile the 1-based tile about to run
 * @param tiles tiles per pass
 * @param width the image width at the current scale
 * @param height the image height at the current scale
 */
public record TileProgress(int iteration, int iterations, int pass, int tile, int tiles, int width, int height) {

  /**
   * The share of the current evaluation done before this tile, 0 to 1.
   *
   * @return the fraction
   */
  public double evaluationFraction() {
    return ((pass - 1) * (double) tiles + (tile - 1)) / (2.0 * tiles);
  }
}
