package dev.nst.core.model.format;

import dev.nst.core.model.format.proto.AttributeProto;
import dev.nst.core.model.format.proto.GraphProto;
import dev.nst.core.model.format.proto.NodeProto;
import dev.nst.core.model.format.proto.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The constant tensors of an ONNX graph by name, wherever the exporter put them: initializers,
 * {@code Constant} nodes (a tensor {@code value}, or {@code value_float} / {@code value_floats}),
 * and {@code Identity} nodes of either, followed through chains. {@code torch.onnx.export}
 * deduplicates identical weights (zero-initialised biases, for example) into one initializer
 * that several {@code Identity} nodes pass on, so a convolution's bias may be such an output.
 */
final class OnnxConstants {
  private OnnxConstants() {}

  /**
   * Every constant of {@code g}, each named by the output that carries it.
   *
   * @param g the graph
   * @return the constants by tensor name
   */
  static Map<String, TensorProto> of(GraphProto g) {
    Map<String, TensorProto> constants = new HashMap<>();
    for (TensorProto t : g.getInitializerList()) {
      constants.put(t.getName(), t);
    }
    for (NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
        TensorProto value = value(n);
        if (value != null) {
          constants.put(n.getOutput(0), value.toBuilder().setName(n.getOutput(0)).build());
        }
      }
    }
    // Identity chains, in any node order and without recursion: each chain is walked once.
    Map<String, String> identityInput = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Identity") && n.getInputCount() == 1 && n.getOutputCount() == 1) {
        identityInput.putIfAbsent(n.getOutput(0), n.getInput(0));
      }
    }
    Set<String> resolved = new HashSet<>();
    for (String output : identityInput.keySet()) {
      List<String> chain = new ArrayList<>();
      String name = output;
      while (!constants.containsKey(name) && identityInput.containsKey(name) && resolved.add(name)) {
        chain.add(name);
        name = identityInput.get(name);
      }
      TensorProto value = constants.get(name);
      if (value != null) {
        for (String link : chain) {
          constants.put(link, value.toBuilder().setName(link).build());
        }
      }
    }
    return constants;
  }

  /** The float tensor a Constant node holds, or null when it holds none (or another kind of value). */
  private static TensorProto value(NodeProto n) {
    for (AttributeProto a : n.getAttributeList()) {
      switch (a.getName()) {
        case "value" -> {
          if (a.hasT()) {
            return a.getT();
          }
        }
        case "value_float" -> {
          return TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(a.getF()).build();
        }
        case "value_floats" -> {
          return TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(a.getFloatsCount())
              .addAllFloatData(a.getFloatsList()).build();
        }
        default -> {
          // value_int(s), value_string(s), sparse_value: not weights
        }
      }
    }
    return null;
  }
}
