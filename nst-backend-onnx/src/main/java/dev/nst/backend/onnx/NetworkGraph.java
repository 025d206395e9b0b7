package dev.nst.backend.onnx;

import dev.nst.api.Layer;
import dev.nst.api.Network;
import dev.nst.api.Padding;
import dev.nst.api.PaddingMode;
import dev.nst.api.Pooling;
import dev.nst.api.UnsupportedNetworkException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a network's forward pass, and its analytic backward pass to the image, into a
 * {@link GraphBuilder} for one fixed input size (DESIGN.md section 4):
 *
 * <ul>
 *   <li>Conv (stride 1): Conv of the gradient with the flipped, transposed weights (as
 *       Winograd: the forward pass's transformed kernels, read transposed by the variant's
 *       {@link WinogradConv#backward()}); strided Conv: ConvTranspose with the same weights.
 *   <li>Relu: Where(mask, g, 0); LeakyRelu: Where(mask, g, alpha g), with the boolean mask
 *       (output &gt; 0) taken in the forward pass, so that the backward pass keeps one byte per
 *       activation instead of the four of the output itself.
 *   <li>MaxPool: MaxUnpool of the gradient to the arg-max indices the forward MaxPool returned.
 *   <li>AveragePool: nearest upsampling times 1/k^2, zero-padded back to the floor-mode size.
 *   <li>Replicate or reflect padding of a convolution ({@link PaddingMode}): an explicit Pad
 *       before an unpadded Conv; backward, the gradient at the padded input with each padded
 *       strip added onto the pixel it copied.
 * </ul>
 */
final class NetworkGraph {
  private final GraphBuilder b;
  private final Network network;
  private final int[] imageShape;
  private final boolean backward;
  /** Which 3x3 convolutions are written as Winograd ({@link WinogradConv}). */
  private final WinogradConv.Choice winograd;
  /** Output tensor name of every layer, in network order. */
  private final List<String> outputs = new ArrayList<>();
  /** Shape (1, C, H, W) of every layer's output. */
  private final List<int[]> shapes = new ArrayList<>();
  private final Map<Integer, String> maxPoolIndices = new HashMap<>();
  /** The (output &gt; 0) mask of every rectifier, taken in the forward pass for the backward one. */
  private final Map<Integer, String> reluMasks = new HashMap<>();
  /**
   * The forward pass's Winograd kernels U of every convolution whose backward pass reads them
   * ({@link WinogradConv#backward()}) instead of transforming its own.
   */
  private final Map<Integer, String> sharedKernels = new HashMap<>();

  /**
   * Emits the forward pass of {@code network} (its pools already of the wanted kind) from graph
   * input {@code input} of shape (1, C, H, W). With {@code backward} it also keeps what the
   * backward pass needs (flipped weights, pool indices).
   *
   * @throws UnsupportedNetworkException with {@code backward}, for a pool this backend cannot
   *     differentiate
   */
  NetworkGraph(GraphBuilder b, Network network, String input, int height, int width, boolean backward) {
    this(b, network, input, height, width, backward, WinogradConv.DEFAULT);
  }

  /** As above, with the Winograd choice given (tests force it on or off). */
  NetworkGraph(GraphBuilder b, Network network, String input, int height, int width, boolean backward,
      WinogradConv.Choice winograd) {
    this.b = b;
    this.winograd = winograd;
    this.network = network;
    this.imageShape = new int[] {1, network.inputChannels(), height, width};
    this.backward = backward;
    List<int[]> chw = this.network.shapes(height, width);
    String x = input;
    for (int i = 0; i < this.network.layers().size(); i++) {
      Layer l = this.network.layers().get(i);
      int[] in = i == 0 ? imageShape : shapes.get(i - 1);
      x = forward(i, l, x, in);
      outputs.add(x);
      shapes.add(new int[] {1, chw.get(i)[0], chw.get(i)[1], chw.get(i)[2]});
    }
  }

  Network network() {
    return network;
  }

  /** The output tensor name of the named layer. */
  String output(String layer) {
    return outputs.get(index(layer));
  }

  /** The output shape (1, C, H, W) of the named layer. */
  int[] shape(String layer) {
    return shapes.get(index(layer)).clone();
  }

  private int index(String layer) {
    int i = network.indexOf(layer);
    if (i < 0) {
      throw new IllegalArgumentException("no layer " + layer);
    }
    return i;
  }

  private String forward(int i, Layer layer, String x, int[] in) {
    String name = "L/" + layer.name();
    if (layer instanceof Layer.Convolution c) {
      String bias = b.initializer("B/" + c.name(), c.bias());
      WinogradConv wino = winograd(c, false);
      if (c.paddingMode() != PaddingMode.ZEROS) {
        // replicate or reflect: an explicit Pad, then the convolution runs unpadded
        Padding p = c.padding();
        x = b.node("Pad", x, b.int64s(0, 0, p.top(), p.left(), 0, 0, p.bottom(), p.right()))
            .s("mode", c.paddingMode() == PaddingMode.REPLICATE ? "edge" : "reflect").build();
        in = new int[] {in[0], in[1], in[2] + p.top() + p.bottom(), in[3] + p.left() + p.right()};
      }
      // The weight is the only large constant handed over; the kernels the passes need (rotated,
      // Winograd-transformed) are graph nodes that ONNX Runtime folds into constants once.
      String w = b.initializer("W/" + c.name(), c.weight());
      String u = wino == null ? null : wino.weightTransform(b, w, false);
      if (backward && c.stride() == 1) {
        WinogradConv back = winograd(c, true);
        if (back != null && back == wino && wino.backward() != null) {
          sharedKernels.put(i, u); // its backward variant reads the forward's kernels
        } else {
          String wt = back != null ? back.weightTransform(b, w, true) : rotated(w);
          b.named("Identity", "WT/" + c.name(), wt).build();
        }
      }
      if (wino != null) {
        return wino.emit(b, name, x, u, bias, in[1], c.weight().dim(0), in[2], in[3]);
      }
      return b.named("Conv", name, x, w, bias)
          .ints("kernel_shape", c.kernelHeight(), c.kernelWidth())
          .ints("strides", c.stride(), c.stride())
          .ints("pads", pads(convPadding(c)))
          .build();
    }
    if (layer instanceof Layer.Relu || layer instanceof Layer.LeakyRelu) {
      String out = layer instanceof Layer.LeakyRelu r
          ? b.named("LeakyRelu", name, x).f("alpha", r.alpha()).build()
          : b.named("Relu", name, x).build();
      if (backward) {
        // Emitted next to the rectifier so that it runs there: the output can then be freed as
        // soon as the next layer has read it, and only the mask waits for the backward pass.
        reluMasks.put(i, b.op("Greater", out, b.scalar(0f)));
      }
      return out;
    }
    Layer.Pool p = (Layer.Pool) layer;
    GraphBuilder.Node n = b.named(p.kind() == Pooling.MAX ? "MaxPool" : "AveragePool", name, x)
        .ints("kernel_shape", p.kernel(), p.kernel())
        .ints("strides", p.stride(), p.stride())
        .ints("pads", pads(p.padding()));
    if (p.kind() == Pooling.AVERAGE) {
      n.i("count_include_pad", 0);
    }
    if (backward) {
      requireBackwardSupported(network.name(), p);
      if (p.kind() == Pooling.MAX) {
        maxPoolIndices.put(i, n.secondOutput("idx/" + p.name()));
      }
    }
    return n.build();
  }

  private static void requireBackwardSupported(String networkName, Layer.Pool p) {
    if (p.kernel() != p.stride() || !p.padding().equals(Padding.NONE)) {
      throw new UnsupportedNetworkException("pool " + p.name() + " of network " + networkName + " (kernel "
          + p.kernel() + ", stride " + p.stride() + ", padding " + p.padding() + ") overlaps or pads, and the ONNX "
          + "backend differentiates only non-overlapping, unpadded pools; use the ND4J backend (nst.backend=nd4j), "
          + "which runs such pools, or a network without them");
    }
  }

  /**
   * Emits the backward pass. {@code layerGradients} maps layer index to the name of the
   * gradient arriving at that layer's output (already summed over the terms that read it).
   * Returns the name of the gradient with respect to the image, or null when no gradient
   * reaches it.
   */
  String backward(Map<Integer, String> layerGradients) {
    String g = null;
    for (int i = network.layers().size() - 1; i >= 0; i--) {
      String extra = layerGradients.get(i);
      if (extra != null) {
        g = g == null ? extra : b.op("Add", g, extra);
      }
      if (g == null) {
        continue;
      }
      int[] inShape = i == 0 ? imageShape : shapes.get(i - 1);
      g = backwardThrough(i, network.layers().get(i), g, inShape);
    }
    return g;
  }

  private String backwardThrough(int i, Layer layer, String g, int[] inShape) {
    if (layer instanceof Layer.Convolution c && c.paddingMode() != PaddingMode.ZEROS) {
      // the gradient at the padded input, then folded back onto the pixels the padding copied
      Padding p = c.padding();
      int[] padded = {inShape[0], inShape[1], inShape[2] + p.top() + p.bottom(), inShape[3] + p.left() + p.right()};
      String gp = convolutionBackward(i, c, g, padded);
      String folded = foldPadding(gp, 3, inShape[3], p.left(), p.right(), c.paddingMode());
      return foldPadding(folded, 2, inShape[2], p.top(), p.bottom(), c.paddingMode());
    }
    if (layer instanceof Layer.Convolution c) {
      return convolutionBackward(i, c, g, inShape);
    }
    if (layer instanceof Layer.Relu) {
      return b.op("Where", reluMasks.get(i), g, b.scalar(0f));
    }
    if (layer instanceof Layer.LeakyRelu r) {
      return b.op("Where", reluMasks.get(i), g, b.op("Mul", g, b.scalar(r.alpha())));
    }
    return backwardThroughPool(i, (Layer.Pool) layer, g, inShape);
  }

  /**
   * The adjoint of replicate or reflect padding along {@code axis}: the padded gradient's middle
   * {@code length} entries, plus each padded strip added onto the pixel it copied.
   */
  private String foldPadding(String g, int axis, int length, int before, int after, PaddingMode mode) {
    String sum = slice(g, axis, before, before + length);
    for (int k = 0; k < before; k++) { // padded index k copied pixel 0 (replicate) or before - k (reflect)
      sum = addStrip(sum, g, axis, k, mode == PaddingMode.REPLICATE ? 0 : before - k, length);
    }
    for (int k = 0; k < after; k++) { // padded index before + length + k
      sum = addStrip(sum, g, axis, before + length + k, mode == PaddingMode.REPLICATE ? length - 1 : length - 2 - k,
          length);
    }
    return sum;
  }

  /** {@code sum} plus the padded gradient's entry {@code at} along {@code axis}, placed at {@code source}. */
  private String addStrip(String sum, String g, int axis, int at, int source, int length) {
    long[] pads = new long[8];
    pads[axis] = source;
    pads[4 + axis] = length - 1 - source;
    return b.op("Add", sum, b.op("Pad", slice(g, axis, at, at + 1), b.int64s(pads)));
  }

  private String slice(String x, int axis, int start, int end) {
    return b.op("Slice", x, b.int64s(start), b.int64s(end), b.int64s(axis));
  }

  /** The padding the Conv op itself applies: none when replicate or reflect padding came first. */
  private static Padding convPadding(Layer.Convolution c) {
    return c.paddingMode() == PaddingMode.ZEROS ? c.padding() : Padding.NONE;
  }

  /** The gradient at a convolution's (possibly explicitly padded) input of shape {@code inShape}. */
  private String convolutionBackward(int i, Layer.Convolution c, String g, int[] inShape) {
    Padding p = convPadding(c);
    int kh = c.kernelHeight();
    int kw = c.kernelWidth();
    WinogradConv wino = winograd(c, true);
    if (wino != null) {
      int[] outShape = shapes.get(i);
      String u = sharedKernels.get(i);
      return u != null
          ? wino.backward().emit(b, b.fresh("dConv"), g, u, null, outShape[1], inShape[1], inShape[2], inShape[3])
          : wino.emit(b, b.fresh("dConv"), g, "WT/" + c.name(), null, outShape[1], inShape[1], inShape[2], inShape[3]);
    }
    if (c.stride() == 1) {
      return b.node("Conv", g, "WT/" + c.name())
          .ints("kernel_shape", kh, kw)
          .ints("pads", kh - 1 - p.top(), kw - 1 - p.left(), kh - 1 - p.bottom(), kw - 1 - p.right())
          .build();
    }
    int[] outShape = shapes.get(i);
    int s = c.stride();
    long opH = inShape[2] - ((long) (outShape[2] - 1) * s + kh - p.top() - p.bottom());
    long opW = inShape[3] - ((long) (outShape[3] - 1) * s + kw - p.left() - p.right());
    return b.node("ConvTranspose", g, "W/" + c.name())
        .ints("kernel_shape", kh, kw)
        .ints("strides", s, s)
        .ints("pads", pads(p))
        .ints("output_padding", opH, opW)
        .build();
  }

  private String backwardThroughPool(int i, Layer.Pool p, String g, int[] inShape) {
    int k = p.kernel();
    if (p.kind() == Pooling.MAX) {
      return b.node("MaxUnpool", g, maxPoolIndices.get(i), b.int64s(inShape[0], inShape[1], inShape[2], inShape[3]))
          .ints("kernel_shape", k, k)
          .ints("strides", p.stride(), p.stride())
          .build();
    }
    String up = b.node("Resize", g, "", b.scalarsInitializer(1f, 1f, k, k))
        .s("mode", "nearest")
        .s("coordinate_transformation_mode", "asymmetric")
        .s("nearest_mode", "floor")
        .build();
    String scaled = b.op("Mul", up, b.scalar(1f / (k * k)));
    int[] outShape = shapes.get(i);
    int dh = inShape[2] - outShape[2] * k;
    int dw = inShape[3] - outShape[3] * k;
    return dh == 0 && dw == 0 ? scaled : b.op("Pad", scaled, b.int64s(0, 0, 0, 0, 0, 0, dh, dw));
  }

  /**
   * The Winograd variant of convolution {@code c}'s forward pass, or of its backward pass
   * (channels swapped); null for a direct Conv.
   */
  private WinogradConv winograd(Layer.Convolution c, boolean backwardPass) {
    if (!WinogradConv.applies(c.weight(), c.stride(), convPadding(c))) {
      return null;
    }
    int out = c.weight().dim(0);
    int in = c.weight().dim(1);
    return backwardPass ? winograd.variant(out, in) : winograd.variant(in, out);
  }

  static long[] pads(Padding p) {
    return new long[] {p.top(), p.left(), p.bottom(), p.right()};
  }

  /**
   * (Cout, Cin, kH, kW) to (Cin, Cout, kH, kW) with both kernel axes reversed, as graph nodes on
   * a constant.
   */
  private String rotated(String weight) {
    String swapped = b.node("Transpose", weight).ints("perm", 1, 0, 2, 3).build();
    return b.op("Slice", swapped, b.int64s(-1, -1), b.int64s(Long.MIN_VALUE, Long.MIN_VALUE), b.int64s(2, 3),
        b.int64s(-1, -1));
  }
}
