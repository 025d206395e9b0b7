package dev.nst.api.spi;

/**
 * Level 2 for one tile of an exact tiled evaluation (DESIGN.md section 10), compiled once for a
 * {@link TileSpec} and called twice per tile and evaluation: a statistics pass whose Gram
 * matrices the caller sums over the tiles into the whole image's, and a gradient pass that
 * forms each layer's gradient from those global statistics (passed in as matrices) and pulls it
 * back to the tile's pixels. Masks restrict every term to the positions the tile owns (its core,
 * times a style term's region), so the tiles' sums are exactly the whole image's.
 *
 * <p>Arrays are row-major: masks (1, 1, h, w) and targets (1, C, h, w) at the term's layer for
 * the tile's size, Gram and gradient matrices (C, C). Holds native resources; not thread-safe.
 */
public interface TileObjective extends AutoCloseable {

  /**
   * The shape of the tile image.
   *
   * @return (1, C, height, width)
   */
  int[] imageShape();

  /**
   * Pass 1: the Gram matrix {@code (m a)(m a)^T} of each style term's activation {@code a}
   * times its mask {@code m}.
   *
   * @param tile the tile's pixels, (1, C, height, width)
   * @param styleMasks one mask per style term
   * @param grams receives one Gram matrix per style term
   */
  void statistics(float[] tile, float[][] styleMasks, float[][] grams);

  /**
   * Pass 2: writes dJ/dtile for the layer gradients
   *
   * <pre>
   * content term c:  scale_c m_c (a - t_c)
   * style term s:    m_s (A_s (m_s a))
   * </pre>
   *
   * summed per layer and pulled back through the network, and returns each content term's
   * {@code sum((m_c (a - t_c))^2)}.
   *
   * @param tile the tile's pixels
   * @param contentTargets one target per content term
   * @param contentMasks one mask per content term
   * @param contentScales one factor per content term
   * @param styleMasks one mask per style term
   * @param styleMatrices one matrix A per style term
   * @param gradient receives dJ/dtile, the tile's length
   * @return per content term, the masked sum of squared differences
   */
  double[] gradient(float[] tile, float[][] contentTargets, float[][] contentMasks, float[] contentScales,
      float[][] styleMasks, float[][] styleMatrices, float[] gradient);

  /** Releases native resources; harmless when called twice. */
  @Override
  void close();
}
