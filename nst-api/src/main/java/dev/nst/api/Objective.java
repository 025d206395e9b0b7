package dev.nst.api;

/**
 * A compiled objective for one image size: each call evaluates J(x) and dJ/dx. Holds native
 * resources; not thread-safe.
 */
public interface Objective extends AutoCloseable {
  /**
   * Shape (1, C, H, W) of the image this objective evaluates.
   *
   * @return {1, C, H, W}
   */
  int[] imageShape();

  /**
   * Evaluates the objective at {@code image} (flattened NCHW, network input space) and writes
   * dJ/dimage into {@code gradient} (same length).
   *
   * @param image the image, flattened (1, C, H, W); not modified
   * @param gradient receives dJ/dimage; its previous contents are overwritten
   * @return J and its terms
   */
  LossBreakdown evaluate(float[] image, float[] gradient);

  /** Releases native resources; harmless when called twice. */
  @Override
  void close();
}
