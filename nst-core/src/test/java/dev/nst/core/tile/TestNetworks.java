package dev.nst.core.tile;

import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.Network;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Networks whose geometry (and widths) the tiling and memory tests need; all weights zero. */
public final class TestNetworks {
  private TestNetworks() {}

  /** VGG-19's feature layers up to relu5_1 at full width (64 ... 512 channels). */
  public static Network vgg19() {
    return vgg19(new int[] {64, 128, 256, 512, 512});
  }

  /** VGG-19's feature layers up to relu5_1 with the given block widths. */
  public static Network vgg19(int[] widths) {
    int[] blocks = {2, 2, 4, 4, 1};
    List<Layer> layers = new ArrayList<>();
    int in = 3;
    for (int b = 0; b < blocks.length; b++) {
      for (int i = 1; i <= blocks[b]; i++) {
        layers.add(conv("conv" + (b + 1) + "_" + i, in, widths[b], 3, 1, Padding.same(1)));
        layers.add(new Layer.Relu("relu" + (b + 1) + "_" + i));
        in = widths[b];
      }
      if (b < blocks.length - 1) {
        layers.add(new Layer.Pool("pool" + (b + 1), Pooling.MAX, 2, 2, Padding.NONE));
      }
    }
    return new Network("vgg19", InputConvention.TORCH, 3, layers);
  }

  /** Odd geometry: a strided 5x5 conv with asymmetric padding, an overlapping 3x3/2 pool, a padded 2x2/1 pool. */
  public static Network odd() {
    return new Network("odd", InputConvention.UNIT, 1, List.of(
        conv("c1", 1, 1, 3, 1, new Padding(1, 0, 1, 2)),
        new Layer.Relu("r1"),
        conv("c2", 1, 1, 5, 2, new Padding(2, 1, 1, 2)),
        new Layer.LeakyRelu("r2", 0.1f),
        new Layer.Pool("p1", Pooling.MAX, 3, 2, Padding.NONE),
        conv("c3", 1, 1, 3, 1, Padding.same(1)),
        new Layer.Relu("r3"),
        new Layer.Pool("p2", Pooling.AVERAGE, 2, 1, new Padding(0, 0, 1, 1)),
        conv("c4", 1, 1, 1, 1, Padding.NONE)));
  }

  private static Layer conv(String name, int in, int out, int k, int stride, Padding p) {
    return new Layer.Convolution(name, Tensor.zeros(out, in, k, k), Tensor.zeros(out), stride, p);
  }
}
