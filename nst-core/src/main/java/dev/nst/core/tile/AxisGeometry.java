package dev.nst.core.tile;

import dev.nst.api.Layer;
import dev.nst.api.Network;
import java.util.List;

/**
 * The network along one image axis (rows or columns): per layer its kernel, stride and padding
 * before the first position, which is all that decides which input positions an output
 * position reads. Output position {@code j} of a layer reads inputs {@code j*s - p ...
 * j*s - p + k - 1}; positions outside the input are padding.
 */
final class AxisGeometry {
  private final int[] kernel;
  private final int[] stride;
  private final int[] padBefore;
  private final int[] padAfter;

  private AxisGeometry(int[] kernel, int[] stride, int[] padBefore, int[] padAfter) {
    this.kernel = kernel;
    this.stride = stride;
    this.padBefore = padBefore;
    this.padAfter = padAfter;
  }

  /** The rows ({@code vertical}) or the columns of {@code network}. */
  static AxisGeometry of(Network network, boolean vertical) {
    List<Layer> layers = network.layers();
    int n = layers.size();
    int[] k = new int[n];
    int[] s = new int[n];
    int[] pb = new int[n];
    int[] pa = new int[n];
    for (int i = 0; i < n; i++) {
      Layer l = layers.get(i);
      if (l instanceof Layer.Convolution c) {
        k[i] = vertical ? c.kernelHeight() : c.kernelWidth();
        s[i] = c.stride();
        pb[i] = vertical ? c.padding().top() : c.padding().left();
        pa[i] = vertical ? c.padding().bottom() : c.padding().right();
      } else if (l instanceof Layer.Pool p) {
        k[i] = p.kernel();
        s[i] = p.stride();
        pb[i] = vertical ? p.padding().top() : p.padding().left();
        pa[i] = vertical ? p.padding().bottom() : p.padding().right();
      } else {
        k[i] = 1;
        s[i] = 1;
      }
    }
    return new AxisGeometry(k, s, pb, pa);
  }

  int layers() {
    return kernel.length;
  }

  /** The product of the strides of layers 0..layer: input positions per position of that layer. */
  long cumulativeStride(int layer) {
    long s = 1;
    for (int i = 0; i <= layer; i++) {
      s *= stride[i];
    }
    return s;
  }

  /** Length of every layer's output for an input of {@code length} positions (floor mode). */
  long[] extents(long length) {
    long[] out = new long[kernel.length];
    long n = length;
    for (int i = 0; i < kernel.length; i++) {
      n = (n + padBefore[i] + padAfter[i] - kernel[i]) / stride[i] + 1;
      out[i] = n;
    }
    return out;
  }

  /**
   * The first input position that output positions {@code from..} of {@code layer} read, before
   * clipping to the image: {@code from} mapped back through every layer down to the input.
   */
  long firstInput(int layer, long from) {
    long a = from;
    for (int i = layer; i >= 0; i--) {
      a = a * stride[i] - padBefore[i];
    }
    return a;
  }

  /** The last input position that output positions {@code ..to} of {@code layer} read, before clipping. */
  long lastInput(int layer, long to) {
    long b = to;
    for (int i = layer; i >= 0; i--) {
      b = b * stride[i] - padBefore[i] + kernel[i] - 1;
    }
    return b;
  }
}
