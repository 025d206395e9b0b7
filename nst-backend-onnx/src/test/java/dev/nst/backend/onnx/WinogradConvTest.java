package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.Padding;
import dev.nst.api.Tensor;
import dev.nst.api.spi.BackendOptions;
import dev.nst.core.spi.ObjectivePlan;
import org.junit.jupiter.api.Test;

/**
 * Winograd F(2x2, 3x3) convolutions. The reference networks are narrow (8-64 channels), below
 * the threshold where the backend uses Winograd, so this test forces it onto every 3x3
 * convolution and checks the PyTorch float64 reference again: losses and the input gradient,
 * through both the forward and the backward (flipped-weight) convolutions, on odd sizes too
 * (case01 reaches 9 x 13 and 2 x 3).
 */
class WinogradConvTest {
  @Test
  void referenceCase01MatchesWithWinogradOnEveryConvolution() throws Exception {
    OnnxObjectiveSmokeTest.Case01 c = OnnxObjectiveSmokeTest.Case01.load();
    ObjectiveGraph graph = new ObjectiveGraph(ObjectivePlan.of(c.net(), c.spec()), 1);
    long matMuls = graph.model.model().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("MatMul")).count();
    long convs = graph.model.model().getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("Conv") && n.getAttributeList().stream().noneMatch(a -> a.getName().equals("group")))
        .count();
    // 13 convolutions forward and 13 backward to relu5_1, all 3x3 pad 1: 2 MatMuls each, no plain Conv left
    assertThat(matMuls).isEqualTo(2 * 26);
    assertThat(convs).isZero();
    try (OnnxBackend b = (OnnxBackend) new OnnxBackendProvider().open(BackendOptions.defaults());
        OnnxObjective o = new OnnxObjective(b, graph)) {
      c.assertMatches(o);
    }
  }

  @Test
  void onlyWide3x3SameConvolutionsAreWrittenAsWinograd() {
    Padding same = new Padding(1, 1, 1, 1);
    assertThat(WinogradConv.applies(Tensor.zeros(256, 256, 3, 3), 1, same, WinogradConv.MIN_CHANNELS)).isTrue();
    assertThat(WinogradConv.applies(Tensor.zeros(512, 256, 3, 3), 1, same, WinogradConv.MIN_CHANNELS)).isTrue();
    assertThat(WinogradConv.applies(Tensor.zeros(128, 128, 3, 3), 1, same, WinogradConv.MIN_CHANNELS)).isTrue();
    assertThat(WinogradConv.applies(Tensor.zeros(128, 64, 3, 3), 1, same, WinogradConv.MIN_CHANNELS)).isFalse();
    assertThat(WinogradConv.applies(Tensor.zeros(64, 128, 3, 3), 1, same, WinogradConv.MIN_CHANNELS)).isFalse();
    assertThat(WinogradConv.applies(Tensor.zeros(256, 256, 3, 3), 2, same, WinogradConv.MIN_CHANNELS)).isFalse();
    assertThat(WinogradConv.applies(Tensor.zeros(256, 256, 3, 3), 1, Padding.NONE, WinogradConv.MIN_CHANNELS)).isFalse();
    assertThat(WinogradConv.applies(Tensor.zeros(256, 256, 5, 5), 1, new Padding(2, 2, 2, 2), WinogradConv.MIN_CHANNELS)).isFalse();
  }

  @Test
  void weightTransformOfACentreTapIsGTimesGTransposed() {
    // g = centre tap 1: G g G^T = column 1 of G times row 1 of G^T
    float[] w = new float[9];
    w[4] = 1;
    float[] u = WinogradConv.weightTransform(Tensor.of(w, 1, 1, 3, 3)).toArray();
    float[] g1 = {0, .5f, -.5f, 0};
    for (int a = 0; a < 4; a++) {
      for (int b = 0; b < 4; b++) {
        assertThat(u[a * 4 + b]).as("U[" + a + "][" + b + "]").isEqualTo(g1[a] * g1[b]);
      }
    }
  }
}
