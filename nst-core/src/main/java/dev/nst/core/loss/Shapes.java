package dev.nst.core.loss;

import dev.nst.api.Tensor;
import java.util.Arrays;

/** Shape checks shared by the host losses, with messages that say what was expected. */
final class Shapes {
  private Shapes() {}

  /** Requires a (1, C, H, W) tensor. */
  static void requireActivation(Tensor t, String what) {
    if (t == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    if (t.rank() != 4 || t.dim(0) != 1) {
      throw new IllegalArgumentException(
          what + " must have shape (1, C, H, W), got " + Arrays.toString(t.shape()));
    }
  }

  /** Requires two tensors of equal shape. */
  static void requireSameShape(Tensor a, String whatA, Tensor b, String whatB) {
    if (!Arrays.equals(a.shape(), b.shape())) {
      throw new IllegalArgumentException(whatA + " has shape " + Arrays.toString(a.shape()) + " but "
          + whatB + " has shape " + Arrays.toString(b.shape()) + "; they must be equal");
    }
  }
}
