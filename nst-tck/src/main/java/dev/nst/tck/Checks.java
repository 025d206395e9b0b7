package dev.nst.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nst.api.LossBreakdown;
import dev.nst.api.Objective;
import dev.nst.api.Tensor;
import java.util.Locale;

/** Assertions the parts of the suite share. */
final class Checks {
  private Checks() {}

  /** One evaluation of an objective: the loss terms and dJ/dx. */
  record Evaluation(LossBreakdown losses, float[] gradient) {}

  /** Evaluates {@code o} at {@code image}, checking the objective's image shape first. */
  static Evaluation evaluate(Objective o, Tensor image) {
    assertArrayEquals(image.shape(), o.imageShape(), "imageShape() of the objective");
    float[] g = new float[image.size()];
    LossBreakdown b = o.evaluate(image.toArray(), g);
    assertNotNull(b, "evaluate returned no loss breakdown");
    return new Evaluation(b, g);
  }

  /** |actual - expected| / |expected| within {@code tol}. */
  static void assertRelative(double actual, double expected, double tol, String what) {
    double err = Math.abs(actual - expected) / Math.abs(expected);
    assertTrue(err <= tol, () -> String.format(Locale.ROOT,
        "%s: got %.10g, reference %.10g, relative error %.3g exceeds %.3g", what, actual, expected, err, tol));
  }

  /** As {@link #assertRelative}, but two zeros agree (a term the spec does not have). */
  static void assertClose(double actual, double expected, double tol, String what) {
    if (actual != expected) {
      assertRelative(actual, expected, tol, what);
    }
  }

  /** ||actual - expected||_2 / ||expected||_2 within {@code tol}. */
  static void assertRelativeNorm(float[] actual, float[] expected, double tol, String what) {
    double err = Numerics.relNorm(actual, expected);
    assertTrue(err <= tol, () -> String.format(Locale.ROOT,
        "%s: relative L2 difference %.3g exceeds %.3g (norms %.6g and %.6g)", what, err, tol,
        Numerics.norm(actual), Numerics.norm(expected)));
  }
}
