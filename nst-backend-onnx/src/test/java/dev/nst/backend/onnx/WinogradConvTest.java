package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.Padding;
import dev.nst.api.Tensor;
import dev.nst.api.spi.BackendOptions;
import dev.nst.core.spi.ObjectivePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Winograd F(2x2, 3x3) and F(4x4, 3x3) convolutions. The reference networks are narrow (8-64
 * channels), below the threshold where the backend uses Winograd, so this test forces each
 * variant onto every 3x3 convolution and checks the PyTorch float64 reference again: losses and
 * the input gradient, through both the forward and the backward (flipped-weight) convolutions,
 * on sizes that neither tile side divides too (case01 reaches 9 x 13 and 2 x 3).
 */
class WinogradConvTest {
  @ParameterizedTest
  @ValueSource(ints = {2, 4})
  void referenceCase01MatchesWithWinogradOnEveryConvolution(int tile) throws Exception {
    OnnxObjectiveSmokeTest.Case01 c = OnnxObjectiveSmokeTest.Case01.load();
    ObjectiveGraph graph = new ObjectiveGraph(ObjectivePlan.of(c.net(), c.spec()), WinogradConv.Choice.always(variant(tile)));
    long convs = graph.model.model().getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("Conv") && n.getAttributeList().stream().noneMatch(a -> a.getName().equals("group")))
        .count();
    // 13 convolutions forward and 13 backward to relu5_1, all 3x3 pad 1: 2 MatMuls each (the
    // backward's first one transposing the forward's kernels) and one Einsum per convolution for
    // the weight transform (folded into a constant by ONNX Runtime), no plain Conv left
    assertThat(count(graph, "MatMul")).isEqualTo(26 + 13);
    assertThat(count(graph, "FusedMatMul")).isEqualTo(13);
    assertThat(count(graph, "Einsum")).isEqualTo(13);
    assertThat(convs).isZero();
    try (OnnxBackend b = (OnnxBackend) new OnnxBackendProvider().open(BackendOptions.defaults());
        OnnxObjective o = new OnnxObjective(b, graph)) {
      c.assertMatches(o);
    }
  }

  @Test
  void referenceCase01MatchesWhenTheBackwardPassUsesAnotherVariantThanTheForward() throws Exception {
    // F4 forward and F2 backward where a convolution widens, the other way round where it
    // narrows: each backward pass transforms its own turned kernels
    OnnxObjectiveSmokeTest.Case01 c = OnnxObjectiveSmokeTest.Case01.load();
    WinogradConv.Choice mixed = (in, out) -> in < out ? WinogradConv.F4 : WinogradConv.F2;
    ObjectiveGraph graph = new ObjectiveGraph(ObjectivePlan.of(c.net(), c.spec()), mixed);
    // one Einsum per forward pass and per backward pass of another variant, one FusedMatMul per
    // backward pass of the same variant (where the channel count stays): both kinds occur
    assertThat(count(graph, "Einsum") + count(graph, "FusedMatMul")).isEqualTo(26);
    assertThat(count(graph, "Einsum")).isGreaterThan(13);
    assertThat(count(graph, "FusedMatMul")).isPositive();
    try (OnnxBackend b = (OnnxBackend) new OnnxBackendProvider().open(BackendOptions.defaults());
        OnnxObjective o = new OnnxObjective(b, graph)) {
      c.assertMatches(o);
    }
  }

  private static long count(ObjectiveGraph graph, String op) {
    return graph.model.model().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
  }

  private static WinogradConv variant(int tile) {
    return tile == 2 ? WinogradConv.F2 : WinogradConv.F4;
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 4})
  void stripsGiveTheWholeImagesConvolution(int tile) throws Exception {
    WinogradConv v = variant(tile);
    java.util.Random r = new java.util.Random(5);
    int c = 3;
    int k = 4;
    Tensor weight = gaussian(r, 0.5, k, c, 3, 3);
    for (int[] hw : new int[][] {{9, 13}, {10, 7}, {2, 3}, {1, 1}, {13, 6}}) {
      Tensor x = gaussian(r, 1.0, 1, c, hw[0], hw[1]);
      float[] whole = run(v, weight, x, Long.MAX_VALUE);
      float[] direct = direct(weight, x);
      for (int i = 0; i < whole.length; i++) {
        assertThat(whole[i]).as("F(%d) %dx%d, output %d against the direct convolution", tile, hw[0], hw[1], i)
            .isCloseTo(direct[i], org.assertj.core.data.Offset.offset(1e-4f));
      }
      long row = (long) v.alpha * v.alpha * c * ((hw[1] + tile - 1) / tile);
      for (long strip : new long[] {1, row, 2 * row}) {
        float[] strips = run(v, weight, x, strip);
        for (int i = 0; i < whole.length; i++) {
          assertThat(strips[i]).as("%dx%d, strips of %d values, output %d", hw[0], hw[1], strip, i)
              .isCloseTo(whole[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 4})
  void theBackwardVariantOnTheForwardKernelsConvolvesWithTheTurnedSwappedKernel(int tile) throws Exception {
    WinogradConv v = variant(tile);
    java.util.Random r = new java.util.Random(6);
    int k = 4; // the forward convolution's output channels: the backward pass's input
    int c = 3;
    Tensor weight = gaussian(r, 0.5, k, c, 3, 3);
    float[] wv = weight.toArray();
    float[] turned = new float[wv.length]; // (C, K, 3, 3), each kernel turned by 180 degrees
    for (int o = 0; o < k; o++) {
      for (int i = 0; i < c; i++) {
        for (int t = 0; t < 9; t++) {
          turned[(i * k + o) * 9 + 8 - t] = wv[(o * c + i) * 9 + t];
        }
      }
    }
    Tensor backwardWeight = Tensor.of(turned, c, k, 3, 3);
    for (int[] hw : new int[][] {{9, 13}, {10, 7}, {2, 3}, {1, 1}}) {
      Tensor g = gaussian(r, 1.0, 1, k, hw[0], hw[1]);
      Tensor x = Tensor.of(java.util.Arrays.copyOf(g.toArray(), c * hw[0] * hw[1]), 1, c, hw[0], hw[1]);
      float[] direct = direct(backwardWeight, g);
      float[] forward = direct(weight, x);
      long row = (long) v.alpha * v.alpha * k * ((hw[1] + tile - 1) / tile);
      for (long strip : new long[] {Long.MAX_VALUE, row}) {
        float[] y = runBothPasses(v, weight, g, strip);
        for (int i = 0; i < direct.length; i++) {
          assertThat(y[i]).as("F(%d) backward %dx%d, strips of %d values, output %d", tile, hw[0], hw[1], strip, i)
              .isCloseTo(direct[i], org.assertj.core.data.Offset.offset(1e-4f));
        }
        for (int i = 0; i < forward.length; i++) {
          assertThat(y[direct.length + i]).as("F(%d) forward beside it %dx%d, output %d", tile, hw[0], hw[1], i)
              .isCloseTo(forward[i], org.assertj.core.data.Offset.offset(1e-4f));
        }
      }
    }
  }

  /**
   * One graph with both passes on one U, as a network's graph has them: the backward variant of
   * {@code v} on g (1, K, h, w), then v's forward convolution of g's first C channels; both
   * outputs, flattened one after the other.
   */
  private static float[] runBothPasses(WinogradConv v, Tensor weight, Tensor g, long stripValues) throws Exception {
    GraphBuilder b = new GraphBuilder();
    int[] s = g.shape();
    int c = weight.dim(1);
    b.input("g", s);
    String u = v.weightTransform(b, b.initializer("W", weight), false);
    String back = v.backward().emit(b, b.fresh("back"), "g", u, null, s[1], c, s[2], s[3], stripValues);
    String x = b.op("Slice", "g", b.int64s(0), b.int64s(c), b.int64s(1));
    String forward = v.emit(b, b.fresh("forward"), x, u, null, c, weight.dim(0), s[2], s[3], stripValues);
    b.named("Concat", "y", b.op("Reshape", back, b.int64s(-1)), b.op("Reshape", forward, b.int64s(-1)))
        .i("axis", 0).build();
    b.output("y");
    return runOnce(b, "g", g, "y");
  }

  private static Tensor gaussian(java.util.Random r, double std, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * std);
    }
    return Tensor.adopt(v, shape);
  }

  /** The 3x3 pad-1 convolution of x (1, C, H, W) with weight (K, C, 3, 3), summed in double. */
  private static float[] direct(Tensor weight, Tensor x) {
    int k = weight.dim(0);
    int c = weight.dim(1);
    int h = x.dim(2);
    int w = x.dim(3);
    float[] wv = weight.toArray();
    float[] xv = x.toArray();
    float[] y = new float[k * h * w];
    for (int o = 0; o < k; o++) {
      for (int r = 0; r < h; r++) {
        for (int q = 0; q < w; q++) {
          double s = 0;
          for (int i = 0; i < c; i++) {
            for (int dy = -1; dy <= 1; dy++) {
              for (int dx = -1; dx <= 1; dx++) {
                int yy = r + dy;
                int xx = q + dx;
                if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                  s += (double) wv[((o * c + i) * 3 + dy + 1) * 3 + dx + 1] * xv[(i * h + yy) * w + xx];
                }
              }
            }
          }
          y[(o * h + r) * w + q] = (float) s;
        }
      }
    }
    return y;
  }

  /** A Winograd convolution graph with the given strip size, run once on ONNX Runtime. */
  private static float[] run(WinogradConv v, Tensor weight, Tensor x, long stripValues) throws Exception {
    GraphBuilder b = new GraphBuilder();
    int[] s = x.shape();
    b.input("x", s);
    String u = v.weightTransform(b, b.initializer("W", weight), false);
    v.emit(b, "y", "x", u, null, s[1], weight.dim(0), s[2], s[3], stripValues);
    b.output("y");
    return runOnce(b, "x", x, "y");
  }

  /** Runs a graph of one input and one output once on ONNX Runtime. */
  private static float[] runOnce(GraphBuilder b, String input, Tensor value, String output) throws Exception {
    try (OnnxBackend backend = (OnnxBackend) new OnnxBackendProvider().open(BackendOptions.defaults());
        ai.onnxruntime.OrtSession session = backend.session(b.build(), "a Winograd test");
        ai.onnxruntime.OnnxTensor in = ai.onnxruntime.OnnxTensor.createTensor(backend.env(), value.buffer(),
            Resources.longs(value.shape()));
        ai.onnxruntime.OrtSession.Result r = session.run(java.util.Map.of(input, in))) {
      java.nio.FloatBuffer out = ((ai.onnxruntime.OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer();
      float[] y = new float[out.remaining()];
      out.get(y);
      return y;
    }
  }

  @Test
  void only3x3SameConvolutionsAreWrittenAsWinograd() {
    Padding same = new Padding(1, 1, 1, 1);
    assertThat(WinogradConv.applies(Tensor.zeros(256, 256, 3, 3), 1, same)).isTrue();
    assertThat(WinogradConv.applies(Tensor.zeros(8, 3, 3, 3), 1, same)).isTrue();
    assertThat(WinogradConv.applies(Tensor.zeros(256, 256, 3, 3), 2, same)).isFalse();
    assertThat(WinogradConv.applies(Tensor.zeros(256, 256, 3, 3), 1, Padding.NONE)).isFalse();
    assertThat(WinogradConv.applies(Tensor.zeros(256, 256, 5, 5), 1, new Padding(2, 2, 2, 2))).isFalse();
    assertThat(WinogradConv.applies(Tensor.zeros(256, 256, 3, 3), 1, new Padding(1, 1, 0, 0))).isFalse();
  }

  @Test
  void weightTransformOfACentreTapIsGTimesGTransposed() throws Exception {
    // g = centre tap 1: G g G^T = column 1 of G times row 1 of G^T
    float[] w = new float[9];
    w[4] = 1;
    float[] u = transform(WinogradConv.F2, Tensor.of(w, 1, 1, 3, 3), false);
    float[] g1 = {0, .5f, -.5f, 0};
    for (int a = 0; a < 4; a++) {
      for (int b = 0; b < 4; b++) {
        assertThat(u[a * 4 + b]).as("U[" + a + "][" + b + "]").isEqualTo(g1[a] * g1[b]);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 4})
  void theRotatedTransformIsTheTransformOfTheRotatedKernelWithChannelsSwapped(int tile) throws Exception {
    WinogradConv v = variant(tile);
    Tensor weight = gaussian(new java.util.Random(11), 1.0, 2, 3, 3, 3); // K = 2, C = 3
    float[] wv = weight.toArray();
    float[] turned = new float[wv.length]; // (C, K, 3, 3), each kernel turned by 180 degrees
    for (int k = 0; k < 2; k++) {
      for (int c = 0; c < 3; c++) {
        for (int t = 0; t < 9; t++) {
          turned[(c * 2 + k) * 9 + 8 - t] = wv[(k * 3 + c) * 9 + t];
        }
      }
    }
    float[] rotated = transform(v, weight, true);
    float[] direct = transform(v, Tensor.of(turned, 3, 2, 3, 3), false);
    assertThat(rotated).hasSize(v.alpha * v.alpha * 6);
    for (int i = 0; i < rotated.length; i++) {
      assertThat(rotated[i]).as("value %d", i).isCloseTo(direct[i], org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  /** {@link WinogradConv#weightTransform} of a weight given as the graph's input, run once. */
  private static float[] transform(WinogradConv v, Tensor weight, boolean rotated) throws Exception {
    GraphBuilder b = new GraphBuilder();
    int[] s = weight.shape();
    b.input("w", s);
    b.named("Identity", "u", v.weightTransform(b, "w", rotated)).build();
    b.output("u");
    return runOnce(b, "w", weight, "u");
  }
}
