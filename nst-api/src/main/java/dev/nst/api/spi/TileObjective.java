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
 * the tile's size. A style term's statistics and parameters depend on its
 * {@link dev.nst.api.StyleLossKind} ({@link TileSpec.Style}), with a = its activation, m = its
 * mask, w = m^2 and B its bins:
 *
 * <pre>
 * kind       statistics (pass 1)                        parameters (pass 2)                layer gradient
 * GRAM       (m a)(m a)^T            C x C              A              C x C              m (A (m a))
 * W2         (m a)(m a)^T, sum w a   C x C, then C      A, then b      C x C, then C      m (A (m a)) + w b
 * HISTOGRAM  node weights n          C x (B + 1)        T, then scale  C x (B + 1), then 1 scale w (a - R(a))
 * </pre>
 *
 * with the histogram's nodes, remap table T and remap R as in {@link dev.nst.api.StyleLossKind}.
 * Holds native resources; not thread-safe.
 */
public interface TileObjective extends AutoCloseable {

  /**
   * The shape of the tile image.
   *
   * @return (1, C, height, width)
   */
  int[] imageShape();

  /**
   * Pass 1: each style term's statistics over its masked activation (see the table above; for
   * a Gram term the Gram matrix {@code (m a)(m a)^T} of its activation {@code a} times its mask
   * {@code m}).
   *
   * @param tile the tile's pixels, (1, C, height, width)
   * @param styleMasks one mask per style term
   * @param grams receives the statistics of each style term, in the layout of its kind
   */
  void statistics(float[] tile, float[][] styleMasks, float[][] grams);

  /**
   * Pass 2: writes dJ/dtile for the layer gradients
   *
   * <pre>
   * content term c:  scale_c m_c (a - t_c)
   * style term s:    m_s (A_s (m_s a)), or the layer gradient of its kind (see the table above)
   * </pre>
   *
   * summed per layer and pulled back through the network, and returns each content term's
   * {@code sum((m_c (a - t_c))^2)}, then each histogram term's {@code sum(w (a - R(a))^2)}.
   *
   * @param tile the tile's pixels
   * @param contentTargets one target per content term
   * @param contentMasks one mask per content term
   * @param contentScales one factor per content term
   * @param styleMasks one mask per style term
   * @param styleMatrices the parameters of each style term, in the layout of its kind (the
   *     matrix A of a Gram term)
   * @param gradient receives dJ/dtile, the tile's length
   * @return per content term, the masked sum of squared differences; then per histogram term,
   *     in term order, the weighted sum of its squared remap distances
   */
  double[] gradient(float[] tile, float[][] contentTargets, float[][] contentMasks, float[] contentScales,
      float[][] styleMasks, float[][] styleMatrices, float[] gradient);

  /**
   * Pass 1 and pass 2 of one tile in one call, for a spec whose style terms are all Gram terms:
   * writes the tile's own Gram matrices {@code G_i = (m_i a_i)(m_i a_i)^T} into {@code grams} and
   * runs the gradient pass with {@code A_i + selfScales[i] G_i} as each term's matrix. The caller
   * passes the matrices of the other tiles' statistics, so that one tile of an evaluation
   * (nst-core joins the first) needs one forward pass instead of two: a tiled evaluation of N
   * tiles saves one of its 2N forward passes. The default makes the two calls; a backend
   * overrides it when its gradient graph can form the Gram matrices itself.
   *
   * @param tile the tile's pixels
   * @param contentTargets one target per content term
   * @param contentMasks one mask per content term
   * @param contentScales one factor per content term
   * @param styleMasks one mask per style term
   * @param styleMatrices each term's matrix A_i, C x C; read only
   * @param selfScales per style term, the factor of its own Gram matrix in its matrix
   * @param grams receives each term's Gram matrix of this tile, as {@link #statistics} gives it
   * @param gradient receives dJ/dtile, the tile's length
   * @return as {@link #gradient}
   * @throws IllegalArgumentException when a style term is not a Gram term (checked where the
   *     implementation knows its spec)
   */
  default double[] gradientWithOwnStatistics(float[] tile, float[][] contentTargets, float[][] contentMasks,
      float[] contentScales, float[][] styleMasks, float[][] styleMatrices, float[] selfScales, float[][] grams,
      float[] gradient) {
    statistics(tile, styleMasks, grams);
    float[][] matrices = new float[styleMatrices.length][];
    for (int i = 0; i < matrices.length; i++) {
      matrices[i] = styleMatrices[i].clone();
      for (int k = 0; k < matrices[i].length; k++) {
        matrices[i][k] += selfScales[i] * grams[i][k];
      }
    }
    return gradient(tile, contentTargets, contentMasks, contentScales, styleMasks, matrices, gradient);
  }

  /** Releases native resources; harmless when called twice. */
  @Override
  void close();
}
