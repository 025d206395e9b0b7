package dev.nst.backend.onnx;

import dev.nst.api.Tensor;
import dev.nst.core.model.format.OnnxTensors;
import dev.nst.core.model.format.proto.AttributeProto;
import dev.nst.core.model.format.proto.GraphProto;
import dev.nst.core.model.format.proto.ModelProto;
import dev.nst.core.model.format.proto.NodeProto;
import dev.nst.core.model.format.proto.OperatorSetIdProto;
import dev.nst.core.model.format.proto.StringStringEntryProto;
import dev.nst.core.model.format.proto.TensorProto;
import dev.nst.core.model.format.proto.TensorShapeProto;
import dev.nst.core.model.format.proto.TypeProto;
import dev.nst.core.model.format.proto.ValueInfoProto;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Small fluent helper that writes an ONNX graph (opset 17) node by node with unique names.
 * Large constants (weights) are not written into the graph: they are declared as external
 * initializers and handed to the session as tensors ({@link Generated#weights}), which spares
 * the Java heap a serialised copy of every weight and ONNX Runtime a parsed one.
 */
final class GraphBuilder {
  static final int OPSET = 17;

  /** ONNX Runtime's own operators (FusedMatMul), opset 1 of this domain. */
  static final String MICROSOFT = "com.microsoft";

  /** Constants of at least this many values travel beside the graph rather than in it. */
  static final int EXTERNAL_MIN_VALUES = 1024;

  private final GraphProto.Builder graph = GraphProto.newBuilder().setName("nst");
  private final Map<String, Tensor> weights = new LinkedHashMap<>();
  private final Set<String> initializers = new HashSet<>();
  private final Set<String> domains = new TreeSet<>();
  private int counter;

  /**
   * A generated graph and the constants that travel beside it.
   *
   * @param model the graph, its large initializers declared external
   * @param weights the values of those initializers by name
   */
  record Generated(ModelProto model, Map<String, Tensor> weights) {
    Generated {
      weights = Map.copyOf(weights);
    }
  }

  /** A fresh unique tensor name starting with {@code hint}. */
  String fresh(String hint) {
    return hint + "#" + (counter++);
  }

  /** Adds a node with one output and returns the output's name. */
  Node node(String op, String... inputs) {
    return named(op, fresh(op), inputs);
  }

  /** Adds a node whose first output is {@code output}. */
  Node named(String op, String output, String... inputs) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(output);
    for (String in : inputs) {
      n.addInput(in);
    }
    n.addOutput(output);
    return new Node(n);
  }

  /** Binary and unary shortcuts. */
  String op(String op, String... inputs) {
    return node(op, inputs).build();
  }

  String initializer(String name, Tensor t) {
    if (t.size() < EXTERNAL_MIN_VALUES) {
      graph.addInitializer(OnnxTensors.toProto(name, t));
      return name;
    }
    TensorProto.Builder p = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("nst:" + name));
    for (int d : t.shape()) {
      p.addDims(d);
    }
    graph.addInitializer(p);
    weights.put(name, t);
    return name;
  }

  /**
   * The initializer {@code name}, added with {@code values} the first time: constants that many
   * nodes share (a Winograd transform per channel count) are held once.
   */
  String sharedInitializer(String name, java.util.function.Supplier<Tensor> values) {
    if (!initializers.contains(name)) {
      initializers.add(name);
      initializer(name, values.get());
    }
    return name;
  }

  String int64s(long... values) {
    String name = fresh("const");
    graph.addInitializer(OnnxTensors.int64s(name, values));
    return name;
  }

  String scalar(float value) {
    String name = fresh("scalar");
    graph.addInitializer(OnnxTensors.scalar(name, value));
    return name;
  }

  /** A float64 scalar constant, for arithmetic on the double-precision loss sums. */
  String scalarDouble(double value) {
    String name = fresh("scalar");
    graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.DOUBLE_VALUE)
        .addDoubleData(value));
    return name;
  }

  /** A float32 1-D constant (Resize scales and the like). */
  String scalarsInitializer(float... values) {
    String name = fresh("const");
    graph.addInitializer(OnnxTensors.toProto(name, Tensor.of(values, values.length)));
    return name;
  }

  void input(String name, int... shape) {
    graph.addInput(valueInfo(name, shape));
  }

  void output(String name) {
    output(name, TensorProto.DataType.FLOAT);
  }

  /** A graph output of the given element type (the loss values are float64). */
  void output(String name, TensorProto.DataType type) {
    graph.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()))));
  }

  private static ValueInfoProto valueInfo(String name, int... shape) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (int d : shape) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s)))
        .build();
  }

  Generated build() {
    // ONNX Runtime drops initializers no node reads before it takes the external ones, and then
    // refuses a tensor for a name it no longer has: keep only the weights the graph uses.
    Set<String> used = new HashSet<>();
    graph.getNodeList().forEach(n -> used.addAll(n.getInputList()));
    Map<String, Tensor> kept = new LinkedHashMap<>(weights);
    kept.keySet().retainAll(used);
    for (int i = graph.getInitializerCount() - 1; i >= 0; i--) {
      String name = graph.getInitializer(i).getName();
      if (weights.containsKey(name) && !kept.containsKey(name)) {
        graph.removeInitializer(i);
      }
    }
    return new Generated(ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("nst")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .addAllOpsetImport(domains.stream()
            .map(d -> OperatorSetIdProto.newBuilder().setDomain(d).setVersion(1).build()).toList())
        .setGraph(graph)
        .build(), kept);
  }

  /** A node under construction; {@link #build()} adds it and returns its first output. */
  final class Node {
    private final NodeProto.Builder n;

    private Node(NodeProto.Builder n) {
      this.n = n;
    }

    Node ints(String name, long... values) {
      AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
      for (long v : values) {
        a.addInts(v);
      }
      n.addAttribute(a);
      return this;
    }

    Node i(String name, long value) {
      n.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value));
      return this;
    }

    Node f(String name, float value) {
      n.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value));
      return this;
    }

    /** Puts the node in another operator domain than ONNX's own, e.g. {@link #MICROSOFT}. */
    Node domain(String name) {
      n.setDomain(name);
      domains.add(name);
      return this;
    }

    Node s(String name, String value) {
      n.addAttribute(OnnxTensors.stringAttribute(name, value));
      return this;
    }

    /** Adds another output (MaxPool's indices, Split's parts) and returns its name. */
    String secondOutput(String hint) {
      String name = fresh(hint);
      n.addOutput(name);
      return name;
    }

    String build() {
      graph.addNode(n);
      return n.getOutput(0);
    }
  }
}
