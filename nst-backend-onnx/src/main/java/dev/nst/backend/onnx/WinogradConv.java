package dev.nst.backend.onnx;

import dev.nst.api.Padding;
import dev.nst.api.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a 3x3, stride-1, pad-1 convolution as Winograd F(m x m, 3x3) (Lavin and Gray, 2015):
 * each m x m output tile of a channel pair costs (m + 2)^2 multiplies instead of 9 m^2, so
 * F(2x2, 3x3) ({@link #F2}) does 2.25x and F(4x4, 3x3) ({@link #F4}) 4x fewer multiply-adds in
 * the part that dominates. ONNX Runtime's CPU convolutions are direct (im2col / NCHWc) and
 * already run at the machine's SGEMM rate, so fewer multiply-adds is the way left to go faster.
 *
 * <p>As ONNX ops, with a = m + 2 and T = ceil(H/m) x ceil(W/m) tiles:
 *
 * <ol>
 *   <li>input transform B^T d B of every overlapping a x a tile: one depthwise Conv (kernel a,
 *       stride m, a^2 outputs per channel) to (1, a^2 C, Th, Tw), seen as (C, a^2, T);
 *   <li>a^2 independent products U[t] (K x C) x V[t] (C x T): one batched MatMul after a
 *       Transpose to (a^2, C, T) (which ONNX Runtime fuses into the MatMul);
 *   <li>output transform A^T m A: one MatMul (m^2 x a^2) x (a^2, K T), then DepthToSpace to
 *       (K, H, W) (a Transpose measured 1.5x slower), cropped when m does not divide H or W,
 *       plus the bias.
 * </ol>
 *
 * <p>The transformed planes hold a^2 / m^2 times a layer's input (V) and output (M): 4 times
 * for F2, 2.25 times for F4. For a 1024 px VGG-19 evaluation F2's planes made the peak memory
 * 2x that of direct convolutions, so the input rows are cut into strips whose planes stay under
 * {@link #STRIP_VALUES} values, each strip runs the three steps, and the strips' outputs are
 * concatenated (F2: peak at 1024 px 5.11 -> 3.94 GiB, at 512 px 1.82 -> 1.65 GiB,
 * docs/benchmarks.md).
 *
 * <p>The weight transform U = G g G^T is part of the graph ({@link #weightTransform}), computed
 * once by ONNX Runtime's constant folding when the session is built. Winograd is only
 * worth it where the channel products dominate the transforms; which variant from how many
 * channels is {@link NetworkGraph}'s choice, from the per-layer measurements in
 * docs/benchmarks.md. Float32 error: F2 stays at the direct convolution's level (max difference
 * 6e-6 on outputs of magnitude 10); F4's transforms have larger coefficients (up to 8 in A, 5 in
 * B), and it keeps the float64 reference cases within their 1e-4 tolerances (WinogradConvTest).
 */
final class WinogradConv {
  /** F(2x2, 3x3): interpolation points 0, 1, -1 and infinity. */
  static final WinogradConv F2 = new WinogradConv(2,
      new double[][] {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}},
      new double[][] {{1, 0, 0}, {.5, .5, .5}, {.5, -.5, .5}, {0, 0, 1}},
      new double[][] {{1, 1, 1, 0}, {0, 1, -1, -1}},
      // the backward pass: points infinity, 1, -1, 0 (see backward())
      new WinogradConv(2,
          new double[][] {{0, -1, 0, 1}, {0, 1, 1, 0}, {0, -1, 1, 0}, {1, 0, -1, 0}},
          new double[][] {{0, 0, 1}, {.5, .5, .5}, {.5, -.5, .5}, {1, 0, 0}},
          new double[][] {{0, 1, 1, 1}, {1, 1, -1, 0}},
          null));

  /**
   * F(4x4, 3x3) with interpolation points 0, 1, -1, 1/2, -2 and infinity, rather than Lavin and
   * Gray's 0, 1, -1, 2, -2: every coefficient of B and A is still an exact binary fraction, and
   * the float32 error is 1.5x lower (relative L2 error of one 3x3 layer on ReLU-like inputs,
   * against float64: 1.9e-6 against 2.9e-6 for 256 channels, direct float32 convolution
   * 4.0e-7), as Barabasz et al. (2020) found for such point choices.
   */
  static final WinogradConv F4 = new WinogradConv(4,
      new double[][] {
          {1, -1.5, -2, 1.5, 1, 0}, {0, -1, .5, 2.5, 1, 0}, {0, 1, -2.5, .5, 1, 0},
          {0, -2, -1, 2, 1, 0}, {0, .5, -1, -.5, 1, 0}, {0, 1, -1.5, -2, 1.5, 1}},
      new double[][] {
          {1, 0, 0}, {1 / 3.0, 1 / 3.0, 1 / 3.0}, {-1 / 3.0, 1 / 3.0, -1 / 3.0},
          {-16 / 15.0, -8 / 15.0, -4 / 15.0}, {1 / 15.0, -2 / 15.0, 4 / 15.0}, {0, 0, 1}},
      new double[][] {{1, 1, 1, 1, 1, 0}, {0, 1, -1, .5, -2, 0}, {0, 1, 1, .25, 4, 0}, {0, 1, -1, .125, -8, 1}},
      // the backward pass: points infinity, 1, -1, 2, -1/2, 0, the reciprocals of the forward's in
      // the same plane order (the forward's points negated: the same float32 error)
      new WinogradConv(4,
          new double[][] {
              {0, 1, 1.5, -2, -1.5, 1}, {0, 1, 2.5, .5, -1, 0}, {0, -1, -.5, 2.5, -1, 0},
              {0, .125, .25, -.125, -.25, 0}, {0, -8, 4, 8, -4, 0}, {1, 1.5, -2, -1.5, 1, 0}},
          new double[][] {
              {0, 0, 1}, {1 / 3.0, 1 / 3.0, 1 / 3.0}, {-1 / 3.0, 1 / 3.0, -1 / 3.0},
              {-4 / 15.0, -8 / 15.0, -16 / 15.0}, {4 / 15.0, -2 / 15.0, 1 / 15.0}, {1, 0, 0}},
          new double[][] {{0, 1, 1, 1, 1, 1}, {0, 1, -1, 2, -.5, 0}, {0, 1, 1, 4, .25, 0}, {1, 1, -1, 8, -.125, 0}},
          null));

  /**
   * Values of the transformed input V (a^2 per tile and channel) one strip may hold: larger
   * images run the transform strip by strip, so that the planes never exist for the whole image
   * at once.
   */
  static final long STRIP_VALUES = 1L << 22;

  /** Output tile side m. */
  final int m;
  /** Input tile side m + 2. */
  final int alpha;
  private final double[][] bt;
  private final double[][] g;
  private final double[][] at;
  /** The variant for this one's backward pass, or null when this is one. */
  private final WinogradConv backward;

  private WinogradConv(int m, double[][] bt, double[][] g, double[][] at, WinogradConv backward) {
    this.m = m;
    this.alpha = m + 2;
    this.bt = bt;
    this.g = g;
    this.at = at;
    this.backward = backward;
  }

  /**
   * The variant that computes the backward pass of a convolution written as this one, reading
   * this one's transformed kernels U as they are, so that a graph holds one U per layer instead
   * of two (0.2 GiB less for VGG-19 with F4). Its G is this one's with the columns reversed (the
   * interpolation points' reciprocals), so that its transform of the turned kernel is this one's
   * transform of the kernel as it is: G' (J g J) G'^T = G J J g J J G^T = G g G^T. With input and
   * output channels swapped as well, each plane's product is U[t]^T V[t] (a MatMul with its first
   * operand transposed, no copy); B' and A' are the interpolation points' (B' solved from
   * A'^T ((G' g) . (B'^T d)) = the correlation of d with g, in exact fractions, by
   * tools/winograd_backward.py). Null when this is a backward variant.
   */
  WinogradConv backward() {
    return backward;
  }

  /** Names this variant's shared constants: F2, F4, and F2 or F4 backward. */
  private String name() {
    return "F" + m + (readsForwardKernels() ? " backward" : "");
  }

  /** True when this variant reads a forward variant's kernels, each plane transposed. */
  private boolean readsForwardKernels() {
    return backward == null;
  }

  /**
   * Which variant, if any, a 3x3 stride-1 pad-1 convolution from {@code in} to {@code out}
   * channels is written as; null for a direct Conv.
   */
  @FunctionalInterface
  interface Choice {
    WinogradConv variant(int in, int out);

    /** {@code variant} for every such convolution (tests). */
    static Choice always(WinogradConv variant) {
      return (in, out) -> variant;
    }

    /**
     * Direct Conv everywhere: no Winograd planes or transformed kernels, the backend's lean mode
     * (docs/benchmarks.md, "The ONNX backend's lean mode").
     */
    static Choice never() {
      return (in, out) -> null;
    }

    /** {@code variant} where both channel counts are at least {@code minChannels}. */
    static Choice from(int minChannels, WinogradConv variant) {
      return (in, out) -> in >= minChannels && out >= minChannels ? variant : null;
    }
  }

  /**
   * The choice the backend makes: F(4x4, 3x3) where both channel counts are at least 128 (VGG-19
   * conv2_2 onwards). Measured at 512 px on the 2-core AVX-512 machine (docs/benchmarks.md):
   * F4 from 128 channels 1555 ms per evaluation, F4 from 256 and F2 from 128 1626 ms, F2 from 128
   * (the previous choice) 2100 ms.
   */
  static final Choice DEFAULT = Choice.from(128, F4);

  /** Whether a convolution with this kernel, stride and padding can be written as Winograd. */
  static boolean applies(Tensor weight, int stride, Padding padding) {
    return weight.dim(2) == 3 && weight.dim(3) == 3 && stride == 1
        && padding.top() == 1 && padding.left() == 1 && padding.bottom() == 1 && padding.right() == 1;
  }

  /**
   * Emits U, the transformed kernels of a (K, C, 3, 3) weight: U[a*alpha+b][k][c] =
   * (G g_kc G^T)[a][b], shape (alpha^2, K, C), as one Einsum of (alpha^2, 3, 3) with the weight.
   * Every input is a constant, so ONNX Runtime computes U once while it builds the session
   * (constant folding) and keeps U alone: the Java heap holds only the weight, not its
   * transforms (4x the weight for F4). With {@code rotated}, U of the backward pass's kernel,
   * the weight with input and output channels swapped and each kernel turned by 180 degrees:
   * shape (alpha^2, C, K); only a backward pass of another variant than its forward pass's needs
   * it ({@link #backward()} reads the forward's U).
   *
   * @param weight the name of the (K, C, 3, 3) weight, a constant
   */
  String weightTransform(GraphBuilder b, String weight, boolean rotated) {
    // a kernel turned by 180 degrees is G with its columns reversed, applied to the kernel as it is
    double[][] rows = rotated ? new double[alpha][] : g;
    if (rotated) {
      for (int a = 0; a < alpha; a++) {
        rows[a] = new double[] {g[a][2], g[a][1], g[a][0]};
      }
    }
    String gg = b.sharedInitializer("WinogradG/" + name() + (rotated ? "/rotated" : ""),
        () -> Tensor.adopt(outerRows(rows), alpha * alpha, 3, 3));
    // one node from the weight as it is: no reshaped or transposed copies for the folding to hold
    return b.node("Einsum", gg, weight).s("equation", rotated ? "pij,kcij->pck" : "pij,kcij->pkc").build();
  }

  /**
   * Emits y = conv(x) (+ bias) for x of shape (1, c, h, w), u from {@link #weightTransform}
   * (for a {@link #backward()} variant: the forward variant's u of the (c, k, 3, 3) weight whose
   * backward pass this is); {@code bias} may be null. The result, shape (1, k, h, w), is named {@code output}.
   */
  String emit(GraphBuilder b, String output, String x, String u, String bias, int c, int k, int h, int w) {
    return emit(b, output, x, u, bias, c, k, h, w, STRIP_VALUES);
  }

  /** As above, with the strip size given (tests cut small images into many strips). */
  String emit(GraphBuilder b, String output, String x, String u, String bias, int c, int k, int h, int w,
      long stripValues) {
    int th = (h + m - 1) / m;
    int tw = (w + m - 1) / m;
    long perRow = (long) alpha * alpha * c * tw;
    int rowsPerStrip = (int) Math.max(1, Math.min(th, stripValues / perRow));
    String inputTransform = b.sharedInitializer("WinogradB/" + name() + "/" + c, () -> inputTransform(c));
    String outputTransform = b.sharedInitializer("WinogradA/" + name(), this::outputTransform);
    List<String> strips = new ArrayList<>();
    for (int t0 = 0; t0 < th; t0 += rowsPerStrip) {
      int t1 = Math.min(th, t0 + rowsPerStrip);
      strips.add(strip(b, x, u, inputTransform, outputTransform, c, k, h, w, t0, t1, tw));
    }
    String y = strips.size() == 1 ? strips.get(0) : b.node("Concat", strips.toArray(new String[0])).i("axis", 2).build();
    boolean crop = h % m != 0 || w % m != 0;
    if (bias == null) {
      return crop ? b.named("Slice", output, y, b.int64s(0, 0), b.int64s(h, w), b.int64s(2, 3)).build()
          : b.named("Identity", output, y).build();
    }
    if (crop) {
      y = b.op("Slice", y, b.int64s(0, 0), b.int64s(h, w), b.int64s(2, 3));
    }
    return b.named("Add", output, y, b.op("Reshape", bias, b.int64s(1, k, 1, 1))).build();
  }

  /**
   * Tile rows {@code t0 .. t1-1}: their input rows (with the padding that falls in them), the
   * three Winograd steps, and the (1, k, m (t1 - t0), m tw) outputs, before cropping.
   */
  private String strip(GraphBuilder b, String x, String u, String inputTransform, String outputTransform,
      int c, int k, int h, int w, int t0, int t1, int tw) {
    int first = m * t0 - 1;
    int last = m * t1; // inclusive: the alpha x alpha window of tile row t1-1 ends here
    int from = Math.max(0, first);
    int to = Math.min(h, last + 1);
    String in = from == 0 && to == h ? x : b.op("Slice", x, b.int64s(from), b.int64s(to), b.int64s(2));
    long tiles = (long) (t1 - t0) * tw;
    int planes = alpha * alpha;
    String v = b.node("Conv", in, inputTransform)
        .ints("kernel_shape", alpha, alpha)
        .ints("strides", m, m)
        .ints("pads", from - first, 1, last + 1 - to, (long) m * tw + 1 - w)
        .i("group", c)
        .build();
    v = b.node("Transpose", b.op("Reshape", v, b.int64s(c, planes, tiles))).ints("perm", 1, 0, 2).build();
    // a backward variant multiplies by the forward's U (alpha^2, C, K) transposed per plane
    String product = readsForwardKernels()
        ? b.node("FusedMatMul", u, v).domain(GraphBuilder.MICROSOFT).i("transA", 1).build()
        : b.op("MatMul", u, v);
    String mm = b.op("Reshape", product, b.int64s(planes, k * tiles));
    String y = b.op("MatMul", outputTransform, mm);
    // (m^2, K, rows, Tw): plane p*m+q holds output pixel (m ty + p, m tx + q) of every tile
    y = b.op("Reshape", y, b.int64s(1, (long) m * m * k, t1 - t0, tw));
    return b.node("DepthToSpace", y).i("blocksize", m).s("mode", "DCR").build();
  }

  /**
   * Depthwise weight (alpha^2 c, 1, alpha, alpha): output channel c*alpha^2 + a*alpha + b holds
   * B^T[a] x B^T[b].
   */
  private Tensor inputTransform(int c) {
    float[] one = outerRows(bt);
    float[] bw = new float[c * one.length];
    for (int ch = 0; ch < c; ch++) {
      System.arraycopy(one, 0, bw, ch * one.length, one.length);
    }
    return Tensor.adopt(bw, c * alpha * alpha, 1, alpha, alpha);
  }

  /** (m^2, alpha^2): row p*m+q, column a*alpha+b holds A^T[p][a] A^T[q][b]. */
  private Tensor outputTransform() {
    return Tensor.adopt(outerRows(at), m * m, alpha * alpha);
  }

  /**
   * The outer products of a matrix's rows with each other, as the 2-D transforms need them: for
   * x of R rows and C columns, row a*R+b and column i*C+j hold x[a][i] x[b][j] ((R^2, C^2), row
   * major).
   */
  private static float[] outerRows(double[][] x) {
    int r = x.length;
    int c = x[0].length;
    float[] out = new float[r * r * c * c];
    for (int a = 0; a < r; a++) {
      for (int b = 0; b < r; b++) {
        for (int i = 0; i < c; i++) {
          for (int j = 0; j < c; j++) {
            out[((a * r + b) * c + i) * c + j] = (float) (x[a][i] * x[b][j]);
          }
        }
      }
    }
    return out;
  }
}
