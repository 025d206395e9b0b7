package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nst.api.InputConvention;
import dev.nst.api.LossBreakdown;
import dev.nst.api.Network;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.BackendOptions;
import dev.nst.core.io.Npy;
import dev.nst.core.model.OnnxModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Percentage;
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
    Path dir = OnnxObjectiveSmokeTest.ref().resolve("case01_default");
    JsonObject c = JsonParser.parseString(Files.readString(dir.resolve("case.json"))).getAsJsonObject();
    JsonObject losses = JsonParser.parseString(Files.readString(dir.resolve("losses.json"))).getAsJsonObject();
    Network net = OnnxModelLoader.load(dir.resolve("model.onnx"), InputConvention.TORCH);
    Tensor gen = Npy.read(dir.resolve("generated.npy"));
    String cl = c.get("content_layer").getAsString();
    List<ObjectiveSpec.StyleTarget> style = new ArrayList<>();
    for (var e : c.get("style_layers").getAsJsonArray()) {
      String l = e.getAsString();
      var shape = c.getAsJsonObject("activation_shapes_style_maxpool").getAsJsonArray(l);
      int hw = shape.get(2).getAsInt() * shape.get(3).getAsInt();
      float[] g = Npy.read(dir.resolve("gram_style_" + l + ".npy")).toArray();
      for (int i = 0; i < g.length; i++) {
        g[i] /= hw;
      }
      int ch = shape.get(1).getAsInt();
      style.add(new ObjectiveSpec.StyleTarget(l, c.getAsJsonObject("style_weights").get(l).getAsDouble(), Tensor.adopt(g, ch, ch)));
    }
    ObjectiveSpec spec = new ObjectiveSpec(
        List.of(new ObjectiveSpec.ContentTarget(cl, 1.0, Npy.read(dir.resolve("content_act_" + cl + ".npy")))),
        style, c.get("alpha").getAsDouble(), c.get("beta").getAsDouble(), c.get("gamma").getAsDouble(),
        Pooling.MAX, gen.dim(2), gen.dim(3));
    ObjectiveGraph graph = new ObjectiveGraph(net, spec, 1);
    long matMuls = graph.model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("MatMul")).count();
    long convs = graph.model.getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("Conv") && n.getAttributeList().stream().noneMatch(a -> a.getName().equals("group")))
        .count();
    // 13 convolutions forward and 13 backward to relu5_1, all 3x3 pad 1: 2 MatMuls each, no plain Conv left
    assertThat(matMuls).isEqualTo(2 * 26);
    assertThat(convs).isZero();
    try (OnnxBackend b = (OnnxBackend) new OnnxBackendProvider().open(BackendOptions.defaults());
        OnnxObjective o = new OnnxObjective(b, graph, spec)) {
      float[] grad = new float[gen.size()];
      LossBreakdown lb = o.evaluate(gen.toArray(), grad);
      assertThat(lb.content()).isCloseTo(losses.get("J_content").getAsDouble(), Percentage.withPercentage(0.01));
      assertThat(lb.style()).isCloseTo(losses.get("J_style").getAsDouble(), Percentage.withPercentage(0.01));
      assertThat(lb.total()).isCloseTo(losses.get("J").getAsDouble(), Percentage.withPercentage(0.01));
      Npy.Array ref = Npy.readDoubles(dir.resolve("grad_generated.npy"));
      double num = 0;
      double den = 0;
      for (int i = 0; i < grad.length; i++) {
        num += (grad[i] - ref.values()[i]) * (grad[i] - ref.values()[i]);
        den += ref.values()[i] * ref.values()[i];
      }
      assertThat(Math.sqrt(num / den)).isLessThan(1e-4);
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
