package dev.nst.api;

/**
 * A compiled objective for one image size: each call evaluates J(x) and dJ/dx. Holds native
 * resources; not thread-safe.
 */
public interface Objective extends AutoCloseable {
  /** Shape (1, C, H, W) of the image this objective evaluates. */
  int[] imageShape();

  /**
   * Evaluates the objective at {@code image} (flattened NCHW, network input space) and writes
   * dJ/dimage into {@code gradient} (same length).
   */
  LossBreakdown evaluate(float[] image, float[] gradient);

  /** Releases native resources; harmless when called twice. */
  @Override
  void close();
}
