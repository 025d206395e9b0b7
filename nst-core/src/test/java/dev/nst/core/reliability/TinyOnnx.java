package dev.nst.core.reliability;

import com.google.protobuf.ByteString;
import dev.nst.core.model.format.proto.AttributeProto;
import dev.nst.core.model.format.proto.GraphProto;
import dev.nst.core.model.format.proto.ModelProto;
import dev.nst.core.model.format.proto.NodeProto;
import dev.nst.core.model.format.proto.OperatorSetIdProto;
import dev.nst.core.model.format.proto.TensorProto;
import dev.nst.core.model.format.proto.TensorShapeProto;
import dev.nst.core.model.format.proto.TypeProto;
import dev.nst.core.model.format.proto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A small ONNX model using every feature the loader reads, so that byte-level mutations hit
 * structure rather than weights: Conv 3->4 (3x3, pads 1, bias) -> BatchNormalization ->
 * LeakyRelu(0.1) -> MaxPool 2/2 -> Identity -> Conv 4->2 (1x1, weight from a Constant node, no
 * bias) -> Relu -> AveragePool 2/2 -> Flatten -> Gemm (the head, where loading stops).
 * It loads as conv1_1, relu1_1, pool1, conv2_1, relu2_1, pool2.
 */
final class TinyOnnx {
  private TinyOnnx() {}

  static TensorProto floats(String name, float[] values, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
        .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  static float[] ramp(int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (i % 7 - 3) * scale;
    }
    return v;
  }

  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  static AttributeProto real(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  static NodeProto node(String op, String name, String[] inputs, String output, AttributeProto... attrs) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
    for (String i : inputs) {
      n.addInput(i);
    }
    for (AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    return n.build();
  }

  static ValueInfoProto imageInput(String name, long channels) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(channels))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("height"))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("width"));
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
  }

  static ModelProto model() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("tiny");
    g.addInput(imageInput("x", 3));
    g.addNode(node("Constant", "k2", new String[0], "w2",
        AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
            .setT(floats("", ramp(8, 0.25f), 2, 4, 1, 1)).build()));
    g.addNode(node("Conv", "conv_a", new String[] {"x", "w1", "b1"}, "c1",
        ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), ints("strides", 1, 1)));
    g.addNode(node("BatchNormalization", "bn_a", new String[] {"c1", "g1", "be1", "m1", "v1"}, "n1",
        real("epsilon", 1e-5f)));
    g.addNode(node("LeakyRelu", "lr_a", new String[] {"n1"}, "a1", real("alpha", 0.1f)));
    g.addNode(node("MaxPool", "pool_a", new String[] {"a1"}, "p1", ints("kernel_shape", 2, 2), ints("strides", 2, 2)));
    g.addNode(node("Identity", "id", new String[] {"p1"}, "i1"));
    g.addNode(node("Conv", "conv_b", new String[] {"i1", "w2"}, "c2", ints("kernel_shape", 1, 1)));
    g.addNode(node("Relu", "relu_b", new String[] {"c2"}, "a2"));
    g.addNode(node("AveragePool", "pool_b", new String[] {"a2"}, "p2", ints("kernel_shape", 2, 2), ints("strides", 2, 2)));
    g.addNode(node("Flatten", "flat", new String[] {"p2"}, "f"));
    g.addNode(node("Gemm", "head", new String[] {"f", "wh", "bh"}, "y"));
    g.addInitializer(floats("w1", ramp(4 * 3 * 9, 0.1f), 4, 3, 3, 3));
    g.addInitializer(floats("b1", new float[] {0.1f, -0.2f, 0.3f, 0f}, 4));
    g.addInitializer(floats("g1", new float[] {1, 2, 0.5f, 1}, 4));
    g.addInitializer(floats("be1", new float[] {0, 0.5f, -0.5f, 1}, 4));
    g.addInitializer(floats("m1", new float[] {0, 1, 0, -1}, 4));
    g.addInitializer(floats("v1", new float[] {1, 4, 0.25f, 1}, 4));
    g.addInitializer(floats("wh", ramp(10 * 2, 0.5f), 10, 2));
    g.addInitializer(floats("bh", new float[10], 10));
    g.addOutput(ValueInfoProto.newBuilder().setName("y"));
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("nst-fuzz")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
  }
}
