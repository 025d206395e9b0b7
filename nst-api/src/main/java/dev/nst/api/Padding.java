package dev.nst.api;

/** Zero padding of a convolution or pool, in pixels on each side. */
public record Padding(int top, int left, int bottom, int right) {
  public static final Padding NONE = new Padding(0, 0, 0, 0);

  public Padding {
    if (top < 0 || left < 0 || bottom < 0 || right < 0) {
      throw new IllegalArgumentException("padding must not be negative");
    }
  }

  /** The same padding on all four sides. */
  public static Padding same(int p) {
    return new Padding(p, p, p, p);
  }

  public boolean isSymmetric() {
    return top == bottom && left == right;
  }
}
