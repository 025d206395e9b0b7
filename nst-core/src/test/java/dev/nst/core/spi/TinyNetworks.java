package dev.nst.core.spi;

import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.Network;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import java.util.List;

/** Small networks whose shapes are easy to compute by hand. */
final class TinyNetworks {
  private TinyNetworks() {}

  /**
   * 2 input channels; c1 (3x3, pad 1, to 3 channels), r1, p1 (max 2x2/2), c2 (1x1, to 4), r2,
   * c3 (3x3, no padding, to 5). For a 6x8 image: c1, r1 (3, 6, 8); p1 (3, 3, 4); c2, r2 (4, 3, 4);
   * c3 (5, 1, 2).
   */
  static Network tiny() {
    return new Network("tiny", InputConvention.UNIT, 2, List.of(
        new Layer.Convolution("c1", Tensor.zeros(3, 2, 3, 3), Tensor.zeros(3), 1, Padding.same(1)),
        new Layer.Relu("r1"),
        new Layer.Pool("p1", Pooling.MAX, 2, 2, Padding.NONE),
        new Layer.Convolution("c2", Tensor.zeros(4, 3, 1, 1), Tensor.zeros(4), 1, Padding.NONE),
        new Layer.Relu("r2"),
        new Layer.Convolution("c3", Tensor.zeros(5, 4, 3, 3), Tensor.zeros(5), 1, Padding.NONE)));
  }

  /** A tensor of the given shape whose i-th value is {@code start + i}. */
  static Tensor ramp(float start, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = start + i;
    }
    return Tensor.adopt(v, shape);
  }
}
