package dev.nst.api;

/**
 * One layer of a feature network. Networks are chains: each layer consumes the previous
 * layer's output. BatchNorm is folded into the preceding {@link Convolution} at load time.
 */
public sealed interface Layer permits Layer.Convolution, Layer.Relu, Layer.LeakyRelu, Layer.Pool {

  /**
   * The layer's name, unique within its network (VGG style: conv1_1, relu1_1, pool1).
   *
   * @return the name
   */
  String name();

  /**
   * Output shape (C, H, W) for an input of shape (C, H, W).
   *
   * @param channels the input's channels
   * @param height the input's height
   * @param width the input's width
   * @return {C, H, W} of the output
   * @throws IllegalArgumentException if the layer cannot take that input
   */
  int[] outputShape(int channels, int height, int width);

  /**
   * A convolution with bias. {@code weight} is (Cout, Cin, kH, kW), {@code bias} is (Cout); the
   * input is padded by {@code padding} pixels filled as {@code paddingMode} says.
   *
   * @param name the layer's name
   * @param weight the kernels (Cout, Cin, kH, kW)
   * @param bias one value per output channel
   * @param stride the step in both directions, at least 1
   * @param padding the pixels added around the input
   * @param paddingMode what the added pixels hold
   */
  record Convolution(String name, Tensor weight, Tensor bias, int stride, Padding padding, PaddingMode paddingMode)
      implements Layer {
    /**
     * A convolution padding with zeros.
     *
     * @param name the layer's name
     * @param weight the kernels (Cout, Cin, kH, kW)
     * @param bias one value per output channel
     * @param stride the step in both directions, at least 1
     * @param padding zeros added around the input
     */
    public Convolution(String name, Tensor weight, Tensor bias, int stride, Padding padding) {
      this(name, weight, bias, stride, padding, PaddingMode.ZEROS);
    }

    /**
     * The same convolution filling its padding as {@code mode} says.
     *
     * @param mode what the added pixels hold
     * @return the convolution with that padding mode
     */
    public Convolution withPaddingMode(PaddingMode mode) {
      return new Convolution(name, weight, bias, stride, padding, mode);
    }

    /**
     * Checks the shapes of weight and bias, the stride and the padding mode.
     *
     * @param name the layer's name
     * @param weight the kernels (Cout, Cin, kH, kW)
     * @param bias one value per output channel
     * @param stride the step in both directions, at least 1
     * @param padding the pixels added around the input
     * @param paddingMode what the added pixels hold
     */
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

    /**
     * Output channels, Cout.
     *
     * @return the number of kernels
     */
    public int outChannels() {
      return weight.dim(0);
    }

    /**
     * Input channels, Cin.
     *
     * @return the channels each kernel spans
     */
    public int inChannels() {
      return weight.dim(1);
    }

    /**
     * Kernel height, kH.
     *
     * @return rows of each kernel
     */
    public int kernelHeight() {
      return weight.dim(2);
    }

    /**
     * Kernel width, kW.
     *
     * @return columns of each kernel
     */
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

  /**
   * max(0, x).
   *
   * @param name the layer's name
   */
  record Relu(String name) implements Layer {
    @Override
    public int[] outputShape(int channels, int height, int width) {
      return new int[] {channels, height, width};
    }
  }

  /**
   * x for x &gt; 0, alpha * x otherwise.
   *
   * @param name the layer's name
   * @param alpha the slope for negative inputs
   */
  record LeakyRelu(String name, float alpha) implements Layer {
    @Override
    public int[] outputShape(int channels, int height, int width) {
      return new int[] {channels, height, width};
    }
  }

  /**
   * Max or average pooling with a square window, floor mode.
   *
   * @param name the layer's name
   * @param kind max or average
   * @param kernel the window's side, at least 1
   * @param stride the step in both directions, at least 1
   * @param padding added around the input
   */
  record Pool(String name, Pooling kind, int kernel, int stride, Padding padding) implements Layer {
    /**
     * Checks that kernel and stride are positive.
     *
     * @param name the layer's name
     * @param kind max or average
     * @param kernel the window's side, at least 1
     * @param stride the step in both directions, at least 1
     * @param padding added around the input
     */
    public Pool {
      if (kernel < 1 || stride < 1) {
        throw new IllegalArgumentException(name + ": kernel and stride must be positive");
      }
    }

    /**
     * The same pool with another kind.
     *
     * @param newKind max or average
     * @return a pool that differs from this one in its kind only
     */
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
