package dev.nst.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.core.model.format.OnnxModelLoader;
import dev.nst.core.model.format.proto.AttributeProto;
import dev.nst.core.model.format.proto.GraphProto;
import dev.nst.core.model.format.proto.ModelProto;
import dev.nst.core.model.format.proto.OperatorSetIdProto;
import dev.nst.core.model.format.proto.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights that reach a convolution through {@code Identity} or {@code Constant} nodes, as
 * {@code torch.onnx.export} writes them when it deduplicates identical initializers (a VGG whose
 * biases are all zero keeps one zero tensor per size and passes it on through an Identity node
 * per use). Before: "input 'onnx::Conv_7' of node 'conv_b' is not a constant; nst needs weights
 * stored as initializers". Written with the project's protobuf classes, as the exporter lays it
 * out: the Identity nodes first, each named after the tensor it makes.
 */
class OnnxSharedConstantsTest {
  @TempDir Path tmp;

  private static AttributeProto floats(String name, float... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
    for (float v : values) {
      a.addFloats(v);
    }
    return a.build();
  }

  /**
   * VGG-style: three 3x3 convolutions of 4 channels with zero biases deduplicated into one
   * initializer (two through a chain of Identity nodes, listed after their use), a fourth whose
   * bias is a Constant node's {@code value_floats} passed on by an Identity, and a weight that is a
   * Constant node's tensor.
   */
  static ModelProto deduplicated() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("vgg-dedup");
    g.addInput(TinyOnnx.imageInput("input", 3));
    g.addNode(TinyOnnx.node("Identity", "Identity_0", new String[] {"features.0.bias"}, "onnx::Conv_31"));
    g.addNode(TinyOnnx.node("Constant", "Constant_0", new String[0], "const_bias", floats("value_floats",
        0.5f, -0.5f, 0.25f, 0f)));
    g.addNode(TinyOnnx.node("Identity", "Identity_2", new String[] {"const_bias"}, "onnx::Conv_35"));
    g.addNode(TinyOnnx.node("Constant", "Constant_1", new String[0], "w4",
        AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
            .setT(TinyOnnx.floats("", TinyOnnx.ramp(4 * 4 * 9, 0.05f), 4, 4, 3, 3)).build()));
    String[][] convs = {{"input", "features.0.weight", "onnx::Conv_31"}, {"r1", "features.2.weight", "onnx::Conv_33"},
        {"p1", "features.5.weight", "onnx::Conv_34"}, {"r3", "w4", "onnx::Conv_35"}};
    String[] outs = {"c1", "c2", "c3", "c4"};
    for (int i = 0; i < 4; i++) {
      g.addNode(TinyOnnx.node("Conv", "Conv_" + i, convs[i], outs[i], TinyOnnx.ints("kernel_shape", 3, 3),
          TinyOnnx.ints("pads", 1, 1, 1, 1)));
      g.addNode(TinyOnnx.node("Relu", "Relu_" + i, new String[] {outs[i]}, "r" + (i + 1)));
      if (i == 1) {
        g.addNode(TinyOnnx.node("MaxPool", "MaxPool_0", new String[] {"r2"}, "p1", TinyOnnx.ints("kernel_shape", 2, 2),
            TinyOnnx.ints("strides", 2, 2)));
      }
    }
    // a chain, after its uses: Conv_33 <- Identity_1 <- Identity_3 <- features.0.bias
    g.addNode(TinyOnnx.node("Identity", "Identity_1", new String[] {"onnx::Conv_32"}, "onnx::Conv_33"));
    g.addNode(TinyOnnx.node("Identity", "Identity_3", new String[] {"features.0.bias"}, "onnx::Conv_32"));
    g.addNode(TinyOnnx.node("Identity", "Identity_4", new String[] {"features.0.bias"}, "onnx::Conv_34"));
    g.addNode(TinyOnnx.node("Flatten", "Flatten_0", new String[] {"r4"}, "f"));
    g.addInitializer(TinyOnnx.floats("features.0.weight", TinyOnnx.ramp(4 * 3 * 9, 0.1f), 4, 3, 3, 3));
    g.addInitializer(TinyOnnx.floats("features.0.bias", new float[4], 4));
    g.addInitializer(TinyOnnx.floats("features.2.weight", TinyOnnx.ramp(4 * 4 * 9, 0.2f), 4, 4, 3, 3));
    g.addInitializer(TinyOnnx.floats("features.5.weight", TinyOnnx.ramp(4 * 4 * 9, 0.3f), 4, 4, 3, 3));
    g.addOutput(ValueInfoProto.newBuilder().setName("f"));
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("pytorch")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
  }

  @Test
  void biasesSharedThroughIdentityNodesAndConstantNodesLoad() throws Exception {
    Path file = Files.write(tmp.resolve("vgg.onnx"), deduplicated().toByteArray());
    Network n = OnnxModelLoader.load(file, InputConvention.TORCH);
    assertThat(n.layerNames()).containsExactly("conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1", "conv2_1",
        "relu2_1", "conv2_2", "relu2_2");
    List<Layer.Convolution> convs = n.layers().stream().filter(Layer.Convolution.class::isInstance)
        .map(Layer.Convolution.class::cast).toList();
    for (int i = 0; i < 3; i++) {
      assertThat(convs.get(i).bias().toArray()).as("conv %d", i).containsExactly(0f, 0f, 0f, 0f);
    }
    assertThat(convs.get(3).bias().toArray()).containsExactly(0.5f, -0.5f, 0.25f, 0f);
    assertThat(convs.get(0).weight().toArray()).containsExactly(TinyOnnx.ramp(4 * 3 * 9, 0.1f));
    assertThat(convs.get(2).weight().toArray()).containsExactly(TinyOnnx.ramp(4 * 4 * 9, 0.3f));
    assertThat(convs.get(3).weight().toArray()).containsExactly(TinyOnnx.ramp(4 * 4 * 9, 0.05f));
  }

  @Test
  void anIdentityCycleOrAnIdentityOfNothingIsStillNotAConstant() {
    ModelProto.Builder m = deduplicated().toBuilder();
    GraphProto.Builder g = m.getGraphBuilder();
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (g.getNode(i).getName().equals("Identity_3")) {
        g.getNodeBuilder(i).setInput(0, "onnx::Conv_33"); // Conv_33 <- Conv_32 <- Conv_33
      }
    }
    assertThatThrownBy(() -> OnnxModelLoader.fromProto(m.build(), "cycle", InputConvention.TORCH))
        .isExactlyInstanceOf(ModelLoadException.class)
        .hasMessage("input 'onnx::Conv_33' of node 'Conv_1' is not a constant; nst reads weights stored as "
            + "initializers, Constant nodes with a float tensor value, or Identity nodes of those");
  }
}
