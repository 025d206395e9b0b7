package dev.nst.backend.onnx;

import dev.nst.api.Padding;
import dev.nst.api.Tensor;

/**
 * Writes a 3x3, stride-1, pad-1 convolution as Winograd F(2x2, 3x3) (Lavin and Gray, 2015):
 * 16 multiplies per 2x2 output tile and channel pair instead of 36, so 2.25x fewer multiply-adds
 * in the part that dominates. ONNX Runtime's CPU convolutions are direct (im2col / NCHWc) and
 * already run at the machine's SGEMM rate, so fewer multiply-adds is the way left to go faster.
 *
 * <p>As ONNX ops, with T = ceil(H/2) x ceil(W/2) tiles:
 *
 * <ol>
 *   <li>input transform B^T d B of every overlapping 4x4 tile: one depthwise Conv (kernel 4,
 *       stride 2, 16 outputs per channel) to (1, 16 C, Th, Tw), seen as (C, 16, T);
 *   <li>16 independent products U[t] (K x C) x V[t] (C x T): one batched MatMul after a
 *       Transpose to (16, C, T) (which ONNX Runtime fuses into the MatMul);
 *   <li>output transform A^T m A: one MatMul (4 x 16) x (16, K T), then DepthToSpace to
 *       (K, H, W) (a Transpose measured 1.5x slower), cropped when H or W is odd, plus the bias.
 * </ol>
 *
 * <p>The transformed planes hold 4 times a layer's input (V) and output (M): for a 1024 px
 * VGG-19 evaluation that made the peak memory 2x that of direct convolutions. So the input
 * rows are cut into strips whose planes stay under {@link #STRIP_VALUES} values, each strip
 * runs the three steps, and the strips' outputs are concatenated: peak at 1024 px 5.11 -> 3.94
 * GiB, at 512 px 1.82 -> 1.65 GiB (docs/benchmarks.md).
 *
 * <p>The weight transform U = G g G^T is done once here, in Java. Winograd is only worth it
 * where the channel products dominate the transforms. Measured per VGG-19 layer shape at 512 px
 * on the 2-core build machine (docs/benchmarks.md), as a fraction of the direct Conv's time:
 * 512 -&gt; 512 at 64 x 64 0.65, 256 -&gt; 256 at 128 x 128 0.71, 128 -&gt; 128 at 256 x 256
 * 0.82, 64 -&gt; 128 0.94, 128 -&gt; 64 1.01, 64 -&gt; 64 at 512 x 512 1.08; hence
 * {@link #MIN_CHANNELS}. Float32 error stays at the direct convolution's level (max difference
 * 6e-6 on outputs of magnitude 10).
 */
final class WinogradConv {
  /** Both input and output channels must be at least this for Winograd to pay off. */
  static final int MIN_CHANNELS = 128;

  private static final float[][] BT = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
  private static final float[][] G = {{1, 0, 0}, {.5f, .5f, .5f}, {.5f, -.5f, .5f}, {0, 0, 1}};
  private static final float[][] AT = {{1, 1, 1, 0}, {0, 1, -1, -1}};

  private WinogradConv() {}

  /**
   * Whether a convolution with this kernel, stride and padding, and at least {@code minChannels}
   * input and output channels, is written as Winograd.
   */
  static boolean applies(Tensor weight, int stride, Padding padding, int minChannels) {
    return weight.dim(2) == 3 && weight.dim(3) == 3 && stride == 1
        && padding.top() == 1 && padding.left() == 1 && padding.bottom() == 1 && padding.right() == 1
        && weight.dim(0) >= minChannels && weight.dim(1) >= minChannels;
  }

  /** U[a*4+b][k][c] = (G g_kc G^T)[a][b] for a (K, C, 3, 3) weight: shape (16, K, C). */
  static Tensor weightTransform(Tensor weight) {
    int k = weight.dim(0);
    int c = weight.dim(1);
    float[] w = weight.toArray();
    float[] u = new float[16 * k * c];
    for (int ko = 0; ko < k; ko++) {
      for (int ci = 0; ci < c; ci++) {
        int base = (ko * c + ci) * 9;
        for (int a = 0; a < 4; a++) {
          for (int b = 0; b < 4; b++) {
            double s = 0;
            for (int i = 0; i < 3; i++) {
              for (int j = 0; j < 3; j++) {
                s += (double) G[a][i] * w[base + i * 3 + j] * G[b][j];
              }
            }
            u[((a * 4 + b) * k + ko) * c + ci] = (float) s;
          }
        }
      }
    }
    return Tensor.adopt(u, 16, k, c);
  }

  /**
   * Values of the transformed input V (16 per tile and channel) one strip may hold: larger
   * images run the transform strip by strip, so that the planes, 4 times the layer's input and
   * output, never exist for the whole image at once.
   */
  static final long STRIP_VALUES = 1L << 22;

  /**
   * Emits y = conv(x) (+ bias) for x of shape (1, c, h, w), u from {@link #weightTransform};
   * {@code bias} may be null. The result, shape (1, k, h, w), is named {@code output}.
   */
  static String emit(GraphBuilder b, String output, String x, String u, String bias, int c, int k, int h, int w) {
    return emit(b, output, x, u, bias, c, k, h, w, STRIP_VALUES);
  }

  /** As above, with the strip size given (tests cut small images into many strips). */
  static String emit(GraphBuilder b, String output, String x, String u, String bias, int c, int k, int h, int w,
      long stripValues) {
    int th = (h + 1) / 2;
    int tw = (w + 1) / 2;
    long perRow = 16L * c * tw;
    int rowsPerStrip = (int) Math.max(1, Math.min(th, stripValues / perRow));
    String inputTransform = b.initializer(b.fresh("WinogradB"), inputTransform(c));
    String outputTransform = b.initializer(b.fresh("WinogradA"), outputTransform());
    java.util.List<String> strips = new java.util.ArrayList<>();
    for (int t0 = 0; t0 < th; t0 += rowsPerStrip) {
      int t1 = Math.min(th, t0 + rowsPerStrip);
      strips.add(strip(b, x, u, inputTransform, outputTransform, c, k, h, w, t0, t1, tw));
    }
    String y = strips.size() == 1 ? strips.get(0) : b.node("Concat", strips.toArray(new String[0])).i("axis", 2).build();
    boolean crop = h % 2 != 0 || w % 2 != 0;
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
   * three Winograd steps, and the (1, k, 2 (t1 - t0), 2 tw) outputs, before cropping.
   */
  private static String strip(GraphBuilder b, String x, String u, String inputTransform, String outputTransform,
      int c, int k, int h, int w, int t0, int t1, int tw) {
    int first = 2 * t0 - 1;
    int last = 2 * t1; // inclusive: the 4x4 window of tile row t1-1 ends here
    int from = Math.max(0, first);
    int to = Math.min(h, last + 1);
    String in = from == 0 && to == h ? x : b.op("Slice", x, b.int64s(from), b.int64s(to), b.int64s(2));
    long tiles = (long) (t1 - t0) * tw;
    String v = b.node("Conv", in, inputTransform)
        .ints("kernel_shape", 4, 4)
        .ints("strides", 2, 2)
        .ints("pads", from - first, 1, last + 1 - to, 1 + w % 2)
        .i("group", c)
        .build();
    v = b.node("Transpose", b.op("Reshape", v, b.int64s(c, 16, tiles))).ints("perm", 1, 0, 2).build();
    String m = b.op("Reshape", b.op("MatMul", u, v), b.int64s(16, k * tiles));
    String y = b.op("MatMul", outputTransform, m);
    // (4, K, rows, Tw): plane p*2+q holds output pixel (2 ty + p, 2 tx + q) of every tile
    y = b.op("Reshape", y, b.int64s(1, 4L * k, t1 - t0, tw));
    return b.node("DepthToSpace", y).i("blocksize", 2).s("mode", "DCR").build();
  }

  /** Depthwise weight (16 c, 1, 4, 4): output channel c*16 + a*4 + b holds B^T[a] x B^T[b]. */
  private static Tensor inputTransform(int c) {
    float[] bw = new float[c * 256];
    for (int ch = 0; ch < c; ch++) {
      for (int a = 0; a < 4; a++) {
        for (int b = 0; b < 4; b++) {
          for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
              bw[(((ch * 16 + a * 4 + b) * 4 + i) * 4) + j] = BT[a][i] * BT[b][j];
            }
          }
        }
      }
    }
    return Tensor.adopt(bw, c * 16, 1, 4, 4);
  }

  /** (4, 16): row p*2+q, column a*4+b holds A^T[p][a] A^T[q][b]. */
  private static Tensor outputTransform() {
    float[] ao = new float[64];
    for (int p = 0; p < 2; p++) {
      for (int q = 0; q < 2; q++) {
        for (int a = 0; a < 4; a++) {
          for (int b = 0; b < 4; b++) {
            ao[(p * 2 + q) * 16 + a * 4 + b] = AT[p][a] * AT[q][b];
          }
        }
      }
    }
    return Tensor.adopt(ao, 4, 16);
  }
}
