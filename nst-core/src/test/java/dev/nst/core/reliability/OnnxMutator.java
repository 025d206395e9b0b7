package dev.nst.core.reliability;

import com.google.protobuf.ByteString;
import dev.nst.core.model.format.proto.AttributeProto;
import dev.nst.core.model.format.proto.GraphProto;
import dev.nst.core.model.format.proto.ModelProto;
import dev.nst.core.model.format.proto.NodeProto;
import dev.nst.core.model.format.proto.TensorProto;
import dev.nst.core.model.format.proto.TensorShapeProto;
import dev.nst.core.model.format.proto.TypeProto;
import dev.nst.core.model.format.proto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Protobuf-aware mutations of an ONNX model: absurd dims, wrong data types, short raw data,
 * self-consuming, cyclic and branching node wiring, unknown ops, missing initializers, broken
 * attributes, odd graph inputs, external data, non-finite weights, misplaced batch norms and
 * deeply nested sub-graphs. Each mutant keeps a description of what was done.
 */
final class OnnxMutator {
  record Mutant(String description, ModelProto model, boolean mustSerialize) {}

  static final String[] OPS = {"Conv", "Relu", "LeakyRelu", "MaxPool", "AveragePool", "BatchNormalization",
      "Identity", "Dropout", "Gemm", "Flatten", "Constant", "NoSuchOp", ""};
  static final long[] ABSURD = {-1, 0, 1L << 40, 1L << 31, (1L << 32) + 1, Long.MAX_VALUE, Long.MIN_VALUE,
      65536, 3, 1 << 20, -(1L << 32) + 2};
  static final String[] ATTRS = {"strides", "pads", "kernel_shape", "group", "dilations", "auto_pad",
      "ceil_mode", "alpha", "epsilon"};
  static final int KINDS = 19;

  private final Random random;

  OnnxMutator(Random random) {
    this.random = random;
  }

  /** One to three stacked mutations of {@code seed}. */
  Mutant mutate(ModelProto seed) {
    ModelProto.Builder m = seed.toBuilder();
    List<String> what = new ArrayList<>();
    boolean serialize = false;
    int count = 1 + (random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0);
    for (int i = 0; i < count; i++) {
      int kind = random.nextInt(KINDS);
      what.add(apply(kind, m));
      serialize |= kind == 18;
    }
    return new Mutant(String.join(" + ", what), m.build(), serialize);
  }

  private String apply(int kind, ModelProto.Builder m) {
    GraphProto.Builder g = m.getGraphBuilder();
    int inits = g.getInitializerCount();
    int nodes = g.getNodeCount();
    switch (kind) {
      case 0: {
        if (inits == 0) {
          return "noop";
        }
        int t = random.nextInt(inits);
        TensorProto.Builder tb = g.getInitializerBuilder(t);
        long v = pick(ABSURD);
        if (tb.getDimsCount() == 0 || random.nextInt(4) == 0) {
          tb.addDims(v);
          return "dims: append " + v + " to " + tb.getName();
        }
        int d = random.nextInt(tb.getDimsCount());
        tb.setDims(d, v);
        return "dims: " + tb.getName() + "[" + d + "] = " + v;
      }
      case 1: {
        if (inits == 0) {
          return "noop";
        }
        TensorProto.Builder tb = g.getInitializerBuilder(random.nextInt(inits));
        long[][] shapes = {{16384, 16384}, {16384, 16385}, {1 << 20, 1 << 20}, {1 << 14, 1 << 14, 3, 3},
            {Integer.MAX_VALUE}, {65536, 65536, 65536, 65536}};
        long[] s = shapes[random.nextInt(shapes.length)];
        tb.clearDims();
        for (long d : s) {
          tb.addDims(d);
        }
        return "huge shape: " + tb.getName() + " " + java.util.Arrays.toString(s) + " with its old data";
      }
      case 2: {
        if (inits == 0) {
          return "noop";
        }
        TensorProto.Builder tb = g.getInitializerBuilder(random.nextInt(inits));
        int[] types = {0, 2, 3, 6, 7, 8, 9, 10, 11, 16, 99, -1};
        int type = types[random.nextInt(types.length)];
        tb.setDataType(type);
        return "data type: " + tb.getName() + " = " + type;
      }
      case 3: {
        if (inits == 0) {
          return "noop";
        }
        TensorProto.Builder tb = g.getInitializerBuilder(random.nextInt(inits));
        ByteString raw = tb.getRawData();
        switch (random.nextInt(5)) {
          case 0 -> {
            int cut = raw.isEmpty() ? 0 : random.nextInt(raw.size());
            tb.setRawData(raw.substring(0, cut));
            return "raw_data: " + tb.getName() + " cut to " + cut + " of " + raw.size();
          }
          case 1 -> {
            tb.clearRawData();
            return "raw_data: " + tb.getName() + " removed";
          }
          case 2 -> {
            tb.setRawData(raw.concat(ByteString.copyFrom(new byte[1 + random.nextInt(7)])));
            return "raw_data: " + tb.getName() + " lengthened";
          }
          case 3 -> {
            tb.clearRawData().clearFloatData();
            for (int i = 0; i < 1 + random.nextInt(5); i++) {
              tb.addFloatData(random.nextFloat());
            }
            return "raw_data: " + tb.getName() + " replaced by " + tb.getFloatDataCount() + " float_data";
          }
          default -> {
            tb.addFloatData(1f);
            return "raw_data: " + tb.getName() + " plus float_data";
          }
        }
      }
      case 4: {
        if (nodes == 0) {
          return "noop";
        }
        int i = random.nextInt(nodes);
        NodeProto.Builder nb = g.getNodeBuilder(i);
        if (nb.getOutputCount() == 0) {
          return "noop";
        }
        if (random.nextBoolean() || i == 0) {
          if (nb.getInputCount() == 0) {
            nb.addInput(nb.getOutput(0));
          } else {
            nb.setInput(0, nb.getOutput(0));
          }
          return "self loop: node " + i + " consumes its own output " + nb.getOutput(0);
        }
        int j = random.nextInt(i);
        String back = g.getNode(j).getInputCount() > 0 ? g.getNode(j).getInput(0) : "x";
        nb.setOutput(0, back);
        return "cycle: node " + i + " writes " + back + ", the input of node " + j;
      }
      case 5: {
        if (nodes == 0) {
          return "noop";
        }
        int i = random.nextInt(nodes);
        NodeProto copy = g.getNode(i).toBuilder().clearOutput().addOutput("branch_" + i).build();
        g.addNode(copy);
        return "branch: node " + i + " duplicated on the same input";
      }
      case 6: {
        if (nodes < 2) {
          return "noop";
        }
        int i = random.nextInt(nodes);
        if (random.nextBoolean()) {
          g.removeNode(i);
          return "remove node " + i;
        }
        int j = random.nextInt(nodes);
        NodeProto a = g.getNode(i);
        g.setNode(i, g.getNode(j));
        g.setNode(j, a);
        return "reorder nodes " + i + " and " + j;
      }
      case 7: {
        if (nodes == 0) {
          return "noop";
        }
        int i = random.nextInt(nodes);
        NodeProto.Builder nb = g.getNodeBuilder(i);
        switch (random.nextInt(3)) {
          case 0 -> {
            nb.clearOutput();
            return "outputs: node " + i + " has none";
          }
          case 1 -> {
            nb.addOutput("extra_" + i);
            return "outputs: node " + i + " has an extra one";
          }
          default -> {
            if (nb.getOutputCount() > 0) {
              nb.setOutput(0, "");
            }
            return "outputs: node " + i + " writes ''";
          }
        }
      }
      case 8: {
        if (nodes == 0) {
          return "noop";
        }
        int i = random.nextInt(nodes);
        NodeProto.Builder nb = g.getNodeBuilder(i);
        switch (random.nextInt(3)) {
          case 0 -> {
            nb.clearInput();
            return "inputs: node " + i + " has none";
          }
          case 1 -> {
            if (nb.getInputCount() > 1) {
              nb.setInput(1 + random.nextInt(nb.getInputCount() - 1), "no_such_weight");
            }
            return "inputs: node " + i + " names a missing weight";
          }
          default -> {
            if (nb.getInputCount() > 1) {
              nb.setInput(nb.getInputCount() - 1, "");
            }
            return "inputs: node " + i + " omits its last input";
          }
        }
      }
      case 9: {
        if (nodes == 0) {
          return "noop";
        }
        int i = random.nextInt(nodes);
        NodeProto.Builder nb = g.getNodeBuilder(i);
        if (random.nextInt(4) == 0) {
          String[] domains = {"com.microsoft", "ai.onnx", "x", "ai.onnx.ml"};
          nb.setDomain(domains[random.nextInt(domains.length)]);
          return "op: node " + i + " domain " + nb.getDomain();
        }
        nb.setOpType(OPS[random.nextInt(OPS.length)]);
        return "op: node " + i + " becomes '" + nb.getOpType() + "'";
      }
      case 10: {
        if (inits == 0) {
          return "noop";
        }
        int t = random.nextInt(inits);
        String name = g.getInitializer(t).getName();
        if (random.nextBoolean()) {
          g.removeInitializer(t);
          return "missing initializer " + name;
        }
        TensorProto dup = g.getInitializer(random.nextInt(inits)).toBuilder().setName(name).build();
        g.addInitializer(dup);
        return "duplicate initializer " + name;
      }
      case 11:
        return attribute(g);
      case 12:
        return graphInput(g);
      case 13: {
        if (inits == 0) {
          return "noop";
        }
        TensorProto.Builder tb = g.getInitializerBuilder(random.nextInt(inits));
        tb.setDataLocation(TensorProto.DataLocation.EXTERNAL);
        return "external data: " + tb.getName();
      }
      case 14: {
        if (inits == 0) {
          return "noop";
        }
        TensorProto.Builder tb = g.getInitializerBuilder(random.nextInt(inits));
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float v = bad[random.nextInt(bad.length)];
        if (tb.getRawData().size() >= 4 && tb.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
          byte[] raw = tb.getRawData().toByteArray();
          int at = random.nextInt(raw.length / 4) * 4;
          ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, v);
          tb.setRawData(ByteString.copyFrom(raw));
        } else if (tb.getFloatDataCount() > 0) {
          tb.setFloatData(random.nextInt(tb.getFloatDataCount()), v);
        }
        return "non-finite: " + tb.getName() + " holds " + v;
      }
      case 15:
        return batchNorm(g);
      case 16:
        m.clearGraph();
        return "no graph";
      case 17: {
        if (inits == 0) {
          return "noop";
        }
        int t = random.nextInt(inits);
        TensorProto init = g.getInitializer(t);
        g.removeInitializer(t);
        NodeProto.Builder c = NodeProto.newBuilder().setOpType("Constant").setName("const_" + t).addOutput(init.getName());
        if (random.nextInt(3) > 0) {
          c.addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(init));
          g.addNode(0, c);
          return "constant: " + init.getName() + " as a Constant node";
        }
        g.addNode(0, c);
        return "constant: " + init.getName() + " as a Constant node without a value";
      }
      default: {
        GraphProto nested = GraphProto.newBuilder().setName("leaf").build();
        int depth = 40 + random.nextInt(200);
        for (int d = 0; d < depth; d++) {
          nested = GraphProto.newBuilder().setName("level" + d).addNode(NodeProto.newBuilder().setOpType("If")
              .addAttribute(AttributeProto.newBuilder().setName("then_branch").setG(nested))).build();
        }
        if (nodes > 0) {
          g.getNodeBuilder(random.nextInt(nodes)).addAttribute(AttributeProto.newBuilder().setName("body").setG(nested));
        }
        return "nesting: sub-graphs " + depth + " deep";
      }
    }
  }

  private String attribute(GraphProto.Builder g) {
    if (g.getNodeCount() == 0) {
      return "noop";
    }
    int i = random.nextInt(g.getNodeCount());
    NodeProto.Builder nb = g.getNodeBuilder(i);
    String name = ATTRS[random.nextInt(ATTRS.length)];
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
    String value;
    switch (random.nextInt(5)) {
      case 0 -> {
        int n = random.nextInt(6);
        List<Long> ints = new ArrayList<>();
        for (int k = 0; k < n; k++) {
          ints.add(random.nextBoolean() ? pick(ABSURD) : (long) random.nextInt(4));
        }
        a.addAllInts(ints).setType(AttributeProto.AttributeType.INTS);
        value = ints.toString();
      }
      case 1 -> {
        long v = random.nextBoolean() ? pick(ABSURD) : random.nextInt(3);
        a.setI(v).setType(AttributeProto.AttributeType.INT);
        value = Long.toString(v);
      }
      case 2 -> {
        float[] fs = {Float.NaN, Float.POSITIVE_INFINITY, -1f, 0f, 1e30f, -1e-5f};
        float f = fs[random.nextInt(fs.length)];
        a.setF(f).setType(AttributeProto.AttributeType.FLOAT);
        value = Float.toString(f);
      }
      case 3 -> {
        String[] ss = {"SAME_UPPER", "SAME_LOWER", "VALID", "NOTSET", "BOGUS", ""};
        String s = ss[random.nextInt(ss.length)];
        a.setS(ByteString.copyFromUtf8(s)).setType(AttributeProto.AttributeType.STRING);
        value = "'" + s + "'";
      }
      default -> {
        value = "(removed)";
      }
    }
    for (int k = nb.getAttributeCount() - 1; k >= 0; k--) {
      if (nb.getAttribute(k).getName().equals(name)) {
        nb.removeAttribute(k);
      }
    }
    if (!value.equals("(removed)")) {
      nb.addAttribute(a);
    }
    return "attribute: node " + i + " (" + nb.getOpType() + ") " + name + " = " + value;
  }

  private String graphInput(GraphProto.Builder g) {
    switch (random.nextInt(5)) {
      case 0 -> {
        g.clearInput();
        return "graph input: none";
      }
      case 1 -> {
        g.addInput(ValueInfoProto.newBuilder().setName("second_image"));
        return "graph input: a second one";
      }
      case 2 -> {
        if (g.getInputCount() == 0) {
          return "noop";
        }
        ValueInfoProto.Builder v = g.getInputBuilder(0);
        v.clearType();
        return "graph input: no type";
      }
      default -> {
        if (g.getInputCount() == 0) {
          return "noop";
        }
        int rank = random.nextInt(3) == 0 ? random.nextInt(6) : 4;
        long channels = random.nextBoolean() ? pick(ABSURD) : 1 + random.nextInt(4);
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int d = 0; d < rank; d++) {
          s.addDim(d == 1 ? TensorShapeProto.Dimension.newBuilder().setDimValue(channels)
              : TensorShapeProto.Dimension.newBuilder().setDimParam("d" + d));
        }
        g.getInputBuilder(0).setType(TypeProto.newBuilder().setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(1).setShape(s)));
        return "graph input: rank " + rank + ", channels " + channels;
      }
    }
  }

  private String batchNorm(GraphProto.Builder g) {
    int nodes = g.getNodeCount();
    if (nodes == 0) {
      return "noop";
    }
    int i = random.nextInt(nodes);
    NodeProto target = g.getNode(i);
    if (target.getOutputCount() == 0) {
      return "noop";
    }
    String in = target.getOutput(0);
    String out = in + "_bn";
    // Re-wire the consumers of `in` to read the batch norm's output.
    for (int k = 0; k < nodes; k++) {
      NodeProto.Builder nb = g.getNodeBuilder(k);
      if (nb.getInputCount() > 0 && nb.getInput(0).equals(in)) {
        nb.setInput(0, out);
      }
    }
    int channels = random.nextInt(3) == 0 ? random.nextInt(10) : channelsOf(g, target);
    float[][] params = new float[4][channels];
    String how;
    switch (random.nextInt(4)) {
      case 0 -> how = "variance -epsilon";
      case 1 -> how = "negative variance";
      case 2 -> how = "NaN mean";
      default -> how = "ordinary";
    }
    for (int c = 0; c < channels; c++) {
      params[0][c] = 1 + c;
      params[1][c] = 0.5f;
      params[2][c] = how.equals("NaN mean") ? Float.NaN : 0.1f * c;
      params[3][c] = how.equals("variance -epsilon") ? -1e-5f : how.equals("negative variance") ? -2f : 1f;
    }
    NodeProto.Builder bn = NodeProto.newBuilder().setOpType("BatchNormalization").setName("bn_fuzz_" + i).addInput(in);
    String[] names = {"scale", "shift", "mean", "var"};
    for (int p = 0; p < 4; p++) {
      String n = "bn_fuzz_" + i + "_" + names[p];
      bn.addInput(n);
      ByteBuffer b = ByteBuffer.allocate(4 * channels).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : params[p]) {
        b.putFloat(v);
      }
      g.addInitializer(TensorProto.newBuilder().setName(n).setDataType(1).addDims(channels)
          .setRawData(ByteString.copyFrom(b.array())));
    }
    bn.addAttribute(AttributeProto.newBuilder().setName("epsilon").setF(1e-5f)).addOutput(out);
    g.addNode(i + 1, bn);
    return "batchnorm: after node " + i + " (" + target.getOpType() + "), " + channels + " channels, " + how;
  }

  private static int channelsOf(GraphProto.Builder g, NodeProto n) {
    if (n.getInputCount() > 1) {
      for (TensorProto t : g.getInitializerList()) {
        if (t.getName().equals(n.getInput(1)) && t.getDimsCount() > 0) {
          return (int) Math.min(1024, Math.max(0, t.getDims(0)));
        }
      }
    }
    return 8;
  }

  private long pick(long[] values) {
    return values[random.nextInt(values.length)];
  }
}
