package dev.nst.api;

/**
 * One layer of a feature network. Networks are chains: each layer consumes the previous
 * layer's output. BatchNorm is folded into the preceding {@link Convolution} at load time.
 */
public sealed interface Layer permits Layer.Convolution, Layer.Relu, Layer.LeakyRelu, Layer.Pool {

  /** The layer's name, unique within its network (VGG style: conv1_1, relu1_1, pool1). */
  String name();

  /** Output shape (C, H, W) for an input of shape (C, H, W). */
  int[] outputShape(int channels, int height, int width);

  /**
   * A convolution with bias. {@code weight} is (Cout, Cin, kH, kW), {@code bias} is (Cout); the
   * input is padded by {@code padding} pixels filled as {@code paddingMode} says.
   */
  record Convolution(String name, Tensor weight, Tensor bias, int stride, Padding padding, PaddingMode paddingMode)
      implements Layer {
    /** A convolution padding with zeros. */
    public Convolution(String name, Tensor weight, Tensor bias, int stride, Padding padding) {
      this(name, weight, bias, stride, padding, PaddingMode.ZEROS);
    }

    /** The same convolution filling its padding as {@code mode} says. */
    public Convolution withPaddingMode(PaddingMode mode) {
      return new Convolution(name, weight, bias, stride, padding, mode);
    }

    public Convolution {
      if (paddingMode == null) {
        throw new IllegalArgumentException(name + ": paddingMode must not be null");
      }
      if (weight.rank() != 4) {
        throw new IllegalArgumentException(name + ": convolution weight must be (Cout, Cin, kH, kW)");
      }
      if (bias.rank() != 1 || bias.dim(0) != weight.dim(0)) {
        throw new IllegalArgumentException(name + ": bias must have Cout = " + weight.dim(0) + " values");
      }
      if (stride < 1) {
        throw new IllegalArgumentException(name + ": stride must be positive");
      }
    }

    public int outChannels() {
      return weight.dim(0);
    }

    public int inChannels() {
      return weight.dim(1);
    }

    public int kernelHeight() {
      return weight.dim(2);
    }

    public int kernelWidth() {
      return weight.dim(3);
    }

    @Override
    public int[] outputShape(int channels, int height, int width) {
      if (channels != inChannels()) {
        throw new IllegalArgumentException(
            name + " expects " + inChannels() + " input channels, got " + channels);
      }
      // floorDiv: an input shorter than the kernel leaves no position (plain division would round -0.5 up to 0)
      if (paddingMode == PaddingMode.REFLECT && (height <= Math.max(padding.top(), padding.bottom())
          || width <= Math.max(padding.left(), padding.right()))) {
        throw new IllegalArgumentException(name + ": reflect padding of " + padding + " needs an input larger than "
            + "the padding, got " + height + "x" + width);
      }
      int h = Math.floorDiv(height + padding.top() + padding.bottom() - kernelHeight(), stride) + 1;
      int w = Math.floorDiv(width + padding.left() + padding.right() - kernelWidth(), stride) + 1;
      return new int[] {outChannels(), h, w};
    }
  }

  /** max(0, x). */
  record Relu(String name) implements Layer {
    @Override
    public int[] outputShape(int channels, int height, int width) {
      return new int[] {channels, height, width};
    }
  }

  /** x for x &gt; 0, alpha * x otherwise. */
  record LeakyRelu(String name, float alpha) implements Layer {
    @Override
    public int[] outputShape(int channels, int height, int width) {
      return new int[] {channels, height, width};
    }
  }

  /** Max or average pooling with a square window, floor mode. */
  record Pool(String name, Pooling kind, int kernel, int stride, Padding padding) implements Layer {
    public Pool {
      if (kernel < 1 || stride < 1) {
        throw new IllegalArgumentException(name + ": kernel and stride must be positive");
      }
    }

    /** The same pool with another kind. */
    public Pool withKind(Pooling newKind) {
      return new Pool(name, newKind, kernel, stride, padding);
    }

    @Override
    public int[] outputShape(int channels, int height, int width) {
      int h = Math.floorDiv(height + padding.top() + padding.bottom() - kernel, stride) + 1;
      int w = Math.floorDiv(width + padding.left() + padding.right() - kernel, stride) + 1;
      return new int[] {channels, h, w};
    }
  }
}
