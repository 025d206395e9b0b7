package dev.nst.core.tile;

/**
 * Evaluates the two passes of a tiled objective for one tile at a time; {@link TiledObjective}
 * does the bookkeeping around it (crops, global statistics, losses, the sum of the gradients).
 * One engine serves every tile of a {@link TileLayout}: tiles have one size.
 */
interface TileEngine extends AutoCloseable {

  /**
   * Pass 1: adds, for each style term {@code i}, the statistics of the term's masked activation
   * over the tile's core positions into {@code grams[i]}, in the layout of its kind (the Gram
   * matrix, C x C row-major, for a Gram term; see {@link dev.nst.api.spi.TileObjective}).
   *
   * @param tile the tile's pixels, (1, channels, tileHeight, tileWidth) flattened
   */
  void addStatistics(float[] tile, int tileIndex, double[][] grams);

  /**
   * Pass 2: writes the gradient with respect to the tile's pixels of the content terms over the
   * tile's cores plus each style term's layer gradient given the global statistics
   * ({@code sum_p m(p) (A_i (m(p) a_i(p)))} for a Gram term), and adds each content term's
   * {@code sum((a - t)^2)} over the core, then each histogram term's weighted sum of squared
   * remap distances, into {@code contentSums}.
   *
   * @param styleGradients per style term, its parameters in the layout of its kind (A_i, C x C
   *     row-major, every factor included, for a Gram term)
   * @param gradient receives dJ/dtile, the tile's length
   */
  void gradient(float[] tile, int tileIndex, float[][] styleGradients, double[] contentSums, float[] gradient);

  /**
   * Pass 2 of a tile whose pass 1 has not run, for Gram terms only: each term's matrix is
   * {@code matrices[i]} (from the other tiles' statistics) plus {@code selfScales[i]} times the
   * tile's own Gram matrix, which is added into {@code grams[i]}; otherwise as {@link #gradient}.
   */
  void gradientWithOwnStatistics(float[] tile, int tileIndex, float[][] matrices, float[] selfScales,
      double[][] grams, double[] contentSums, float[] gradient);

  @Override
  void close();
}
