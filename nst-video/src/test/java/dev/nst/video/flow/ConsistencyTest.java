package dev.nst.video.flow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A square of 6 x 6 pixels moves 4 pixels right over a still background between frame t-1 and
 * frame t. With the exact flows, the check must give weight 0 exactly on the strip the square
 * uncovered and on the square's motion boundary, and 1 everywhere else.
 */
class ConsistencyTest {
  private static final int W = 24;
  private static final int H = 16;
  private static final int SIDE = 6;
  private static final int X0 = 5;
  private static final int Y0 = 5;
  private static final int SHIFT = 4;

  private static boolean inSquare(int x, int y, int left) {
    return x >= left && x < left + SIDE && y >= Y0 && y < Y0 + SIDE;
  }

  /** The flow of a frame whose square starts at {@code left}, moving by {@code du}. */
  private static Flow flow(int left, float du) {
    float[] u = new float[W * H];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        u[y * W + x] = inSquare(x, y, left) ? du : 0;
      }
    }
    return Flow.of(Plane.of(W, H, u), Plane.of(W, H, new float[W * H]));
  }

  @Test
  void disocclusionAndMotionBoundaryGetWeightZeroAndNothingElse() {
    Flow backward = flow(X0 + SHIFT, -SHIFT); // frame t: square at X0 + 4, points back into t-1
    Flow forward = flow(X0, SHIFT); // frame t-1: square at X0
    Plane mask = Consistency.mask(backward, forward);
    int zeros = 0;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        boolean uncovered = inSquare(x, y, X0) && !inSquare(x, y, X0 + SHIFT);
        boolean boundary = isMotionBoundary(x, y, X0 + SHIFT);
        float expected = uncovered || boundary ? 0 : 1;
        assertThat(mask.get(x, y)).as("(%s, %s)", x, y).isEqualTo(expected);
        zeros += expected == 0 ? 1 : 0;
      }
    }
    // the uncovered strip (4 x 6) and the square's outline on either side of the flow's jump
    assertThat(zeros).isGreaterThan(SHIFT * SIDE).isLessThan(W * H / 2);
  }

  /** Central differences see the jump of the flow from both pixels beside a square edge. */
  private static boolean isMotionBoundary(int x, int y, int left) {
    boolean in = inSquare(x, y, left);
    int[][] neighbours = {{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}};
    for (int[] n : neighbours) {
      if (n[0] >= 0 && n[0] < W && n[1] >= 0 && n[1] < H && inSquare(n[0], n[1], left) != in) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aUniformMotionIsConsistentWhereItStaysInsideTheFrame() {
    Plane mask = Consistency.mask(Flow.uniform(W, H, -2, 0), Flow.uniform(W, H, 2, 0));
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        assertThat(mask.get(x, y)).as("(%s, %s)", x, y).isEqualTo(x >= 2 ? 1f : 0f);
      }
    }
  }
}
