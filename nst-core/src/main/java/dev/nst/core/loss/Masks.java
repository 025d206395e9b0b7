package dev.nst.core.loss;

import dev.nst.api.Tensor;
import java.util.Arrays;

/** Spatial masks for guided Gram matrices: (1, 1, H, W) weights broadcast over channels. */
public final class Masks {
  private Masks() {}

  /** {@code activation} (1, C, H, W) multiplied by {@code mask} (1, 1, H, W) at every channel. */
  public static Tensor apply(Tensor activation, Tensor mask) {
    int c = activation.dim(1);
    int hw = activation.dim(2) * activation.dim(3);
    if (!mask.hasShape(1, 1, activation.dim(2), activation.dim(3))) {
      throw new IllegalArgumentException("mask shape " + Arrays.toString(mask.shape()) + " does not match the activation "
          + Arrays.toString(activation.shape()) + "; masks are (1, 1, H, W) at the layer's resolution");
    }
    float[] a = activation.toArray();
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < hw; i++) {
        a[ch * hw + i] *= mask.get(i);
      }
    }
    return Tensor.adopt(a, activation.shape());
  }

  /** sum(mask^2) / (H W): the fraction of positions a soft mask holds. */
  public static double coverage(Tensor mask) {
    return mask.squaredNorm() / mask.size();
  }
}
