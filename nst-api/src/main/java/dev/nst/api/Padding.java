package dev.nst.api;

/**
 * Zero padding of a convolution or pool, in pixels on each side.
 *
 * @param top rows added above
 * @param left columns added on the left
 * @param bottom rows added below
 * @param right columns added on the right
 */
public record Padding(int top, int left, int bottom, int right) {
  /** No padding. */
  public static final Padding NONE = new Padding(0, 0, 0, 0);

  /**
   * Checks that no side is negative.
   *
   * @param top rows added above
   * @param left columns added on the left
   * @param bottom rows added below
   * @param right columns added on the right
   */
  public Padding {
    if (top < 0 || left < 0 || bottom < 0 || right < 0) {
      throw new IllegalArgumentException("padding must not be negative");
    }
  }

  /**
   * The same padding on all four sides.
   *
   * @param p pixels on each side, at least 0
   * @return the padding
   */
  public static Padding same(int p) {
    return new Padding(p, p, p, p);
  }

  /**
   * Whether top equals bottom and left equals right.
   *
   * @return true when opposite sides are padded alike
   */
  public boolean isSymmetric() {
    return top == bottom && left == right;
  }
}
