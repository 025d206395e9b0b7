package dev.nst.core.model.format;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.core.io.RegularFiles;
import dev.nst.core.model.format.OnnxTensors;
import dev.nst.core.model.format.proto.AttributeProto;
import dev.nst.core.model.format.proto.GraphProto;
import dev.nst.core.model.format.proto.ModelProto;
import dev.nst.core.model.format.proto.NodeProto;
import dev.nst.core.model.format.proto.TensorProto;
import dev.nst.core.model.format.proto.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads the convolutional feature part of an ONNX model by following the graph from its image
 * input, never by node names: Conv (+bias), Relu, LeakyRelu, MaxPool, AveragePool, and
 * BatchNormalization folded into the preceding Conv. Identity and Dropout pass through. Weights
 * may be initializers, Constant nodes or Identity nodes of either ({@link OnnxConstants}). It
 * stops at the first node that is not a feature layer (Flatten, Gemm, Reshape of a classifier
 * head, ...), and names layers the VGG way ({@link LayerNamer}).
 */
public final class OnnxModelLoader {
  private static final int MAX_MODEL_BYTES = Integer.MAX_VALUE - 8;
  private static final Set<String> PASS_THROUGH = Set.of("Identity", "Dropout");
  private static final Set<String> AUTO_PADS = Set.of("NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER");
  /** Largest stride, padding, kernel size or channel count accepted from a file. */
  static final int MAX_GEOMETRY = 1 << 16;

  private OnnxModelLoader() {}

  /** Loads {@code file}; the network is named after the file. */
  public static Network load(Path file, InputConvention convention) {
    ModelProto model;
    long size = RegularFiles.size(file, "ONNX model file", ModelLoadException::new);
    if (size > MAX_MODEL_BYTES) {
      throw new ModelLoadException(file + " is larger than 2 GiB; ONNX files that size keep weights "
          + "externally, which nst does not read");
    }
    try (InputStream in = Files.newInputStream(file)) {
      CodedInputStream cis = CodedInputStream.newInstance(in);
      cis.setSizeLimit((int) size); // no more than the file had when it was sized
      cis.setRecursionLimit(64);
      model = ModelProto.parseFrom(cis);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelLoadException(file + " is not a valid ONNX model (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
    }
    String name = file.getFileName().toString().replaceFirst("\\.onnx$", "");
    try {
      return fromProto(model, name, convention);
    } catch (ModelLoadException e) {
      throw new ModelLoadException(file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ModelLoadException(file + ": unsupported or malformed ONNX graph (" + e + ")", e);
    }
  }

  /** Builds the network from a parsed model. */
  public static Network fromProto(ModelProto model, String name, InputConvention convention) {
    if (!model.hasGraph()) {
      throw new ModelLoadException("the file holds no graph");
    }
    GraphProto g = model.getGraph();
    Map<String, TensorProto> constants = OnnxConstants.of(g);
    Map<String, List<NodeProto>> consumers = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Constant")) {
        continue;
      }
      if (n.getInputCount() > 0) {
        consumers.computeIfAbsent(n.getInput(0), k -> new ArrayList<>()).add(n);
      }
    }
    ValueInfoProto input = null;
    for (ValueInfoProto v : g.getInputList()) {
      if (!constants.containsKey(v.getName())) {
        if (input != null) {
          throw new ModelLoadException("the graph has several non-weight inputs (" + input.getName() + ", "
              + v.getName() + "); nst expects a single image input");
        }
        input = v;
      }
    }
    if (input == null) {
      throw new ModelLoadException("the graph has no image input");
    }
    int channels = inputChannels(input);

    List<Layer> layers = new ArrayList<>();
    LayerNamer namer = new LayerNamer();
    String current = input.getName();
    Set<String> visited = new HashSet<>();
    int currentChannels = channels;
    while (true) {
      List<NodeProto> next = consumers.getOrDefault(current, List.of());
      if (next.isEmpty()) {
        break;
      }
      if (next.size() > 1) {
        throw new ModelLoadException("tensor '" + current + "' feeds " + next.size() + " nodes; nst supports "
            + "chains of layers (VGG, Darknet), not branching graphs");
      }
      NodeProto n = next.get(0);
      if (n.getOutputCount() == 0) {
        throw new ModelLoadException("node '" + n.getName() + "' (" + n.getOpType() + ") has no output; the graph is corrupt");
      }
      if (!visited.add(n.getOutput(0))) {
        throw new ModelLoadException("the graph has a cycle at node '" + n.getName() + "'");
      }
      String op = n.getOpType();
      if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
        break;
      }
      switch (op) {
        case "Conv" -> {
          Layer.Convolution c = convolution(n, constants, namer.convolution());
          if (c.inChannels() != currentChannels) {
            throw new ModelLoadException("convolution " + c.name() + " expects " + c.inChannels()
                + " channels but receives " + currentChannels);
          }
          currentChannels = c.outChannels();
          layers.add(c);
        }
        case "BatchNormalization" -> {
          if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof Layer.Convolution c)) {
            throw new ModelLoadException("BatchNormalization node '" + n.getName()
                + "' does not follow a convolution, so it cannot be folded");
          }
          layers.set(layers.size() - 1, foldBatchNorm(c, n, constants));
        }
        case "Relu" -> layers.add(new Layer.Relu(activationName(n, namer, layers)));
        case "LeakyRelu" -> layers.add(new Layer.LeakyRelu(activationName(n, namer, layers), finiteAttr(n, "alpha", 0.01f)));
        case "MaxPool", "AveragePool" -> layers.add(pool(n, op.equals("MaxPool") ? Pooling.MAX : Pooling.AVERAGE, namer.pool()));
        default -> {
          if (!PASS_THROUGH.contains(op)) {
            current = null;
          }
        }
      }
      if (current == null) {
        break; // first node that is not a feature layer: the classifier head starts here
      }
      current = n.getOutput(0);
    }
    if (layers.isEmpty()) {
      throw new ModelLoadException("no convolutional feature layers follow the input '" + input.getName() + "'");
    }
    return new Network(name, convention, channels, layers);
  }

  /**
   * The VGG name of an activation node. Layer names give one activation per convolution, so a
   * second activation in a row (or one after a pool) has no name of its own and is refused.
   */
  private static String activationName(NodeProto n, LayerNamer namer, List<Layer> layers) {
    String name = namer.activation();
    for (Layer l : layers) {
      if (l.name().equals(name)) {
        throw new ModelLoadException("node '" + n.getName() + "' (" + n.getOpType() + ") would be a second " + name
            + ": nst supports one activation per convolution, and none after a pool or another activation; "
            + "remove the extra activation from the model");
      }
    }
    return name;
  }

  private static int inputChannels(ValueInfoProto input) {
    if (input.hasType() && input.getType().hasTensorType() && input.getType().getTensorType().hasShape()) {
      var dims = input.getType().getTensorType().getShape().getDimList();
      if (dims.size() == 4 && dims.get(1).hasDimValue()) {
        long c = dims.get(1).getDimValue();
        if (c < 1 || c > MAX_GEOMETRY) {
          throw new ModelLoadException("image input '" + input.getName() + "' declares " + c
              + " channels; expected 1 to " + MAX_GEOMETRY + " (NCHW layout)");
        }
        return (int) c;
      }
      if (dims.size() != 4) {
        throw new ModelLoadException("image input '" + input.getName() + "' has rank " + dims.size()
            + "; nst expects NCHW (rank 4)");
      }
    }
    return 3;
  }

  private static Layer.Convolution convolution(NodeProto n, Map<String, TensorProto> constants, String name) {
    Tensor w = constant(n, 1, constants);
    if (w.rank() != 4) {
      throw new ModelLoadException("Conv '" + n.getName() + "' has a weight of rank " + w.rank() + "; only 2-D convolutions are supported");
    }
    for (int d : w.shape()) {
      if (d < 1) {
        throw new ModelLoadException("Conv '" + n.getName() + "' has an empty weight of shape "
            + java.util.Arrays.toString(w.shape()) + "; the file is corrupt");
      }
    }
    geometry(n, "kernel height", w.dim(2), 1);
    geometry(n, "kernel width", w.dim(3), 1);
    Tensor b = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? constant(n, 2, constants) : Tensor.zeros(w.dim(0));
    if (b.rank() != 1 || b.dim(0) != w.dim(0)) {
      throw new ModelLoadException("Conv '" + n.getName() + "' has a bias of shape " + java.util.Arrays.toString(b.shape())
          + " for " + w.dim(0) + " output channels; the file is corrupt");
    }
    if (intAttr(n, "group", 1) != 1) {
      throw new ModelLoadException("Conv '" + n.getName() + "' is grouped; nst supports group = 1");
    }
    for (long d : intsAttr(n, "dilations")) {
      if (d != 1) {
        throw new ModelLoadException("Conv '" + n.getName() + "' is dilated; nst supports dilation 1");
      }
    }
    int stride = stride(n);
    Padding pad = padding(n, w.dim(2), w.dim(3), stride);
    return new Layer.Convolution(name, w, b, stride, pad);
  }

  private static Layer.Pool pool(NodeProto n, Pooling kind, String name) {
    long[] k = intsAttr(n, "kernel_shape");
    if (k.length != 2 || k[0] != k[1]) {
      throw new ModelLoadException("pool '" + n.getName() + "' must have a square 2-D kernel; it has kernel_shape "
          + java.util.Arrays.toString(k));
    }
    int kernel = geometry(n, "kernel_shape", k[0], 1);
    if (intAttr(n, "ceil_mode", 0) != 0) {
      throw new ModelLoadException("pool '" + n.getName() + "' uses ceil_mode; nst supports floor mode");
    }
    int stride = stride(n);
    return new Layer.Pool(name, kind, kernel, stride, padding(n, kernel, kernel, stride));
  }

  private static int stride(NodeProto n) {
    long[] s = intsAttr(n, "strides");
    if (s.length == 0) {
      return 1;
    }
    if (s.length != 2 || s[0] != s[1]) {
      throw new ModelLoadException("node '" + n.getName() + "' has strides " + java.util.Arrays.toString(s)
          + "; nst supports two equal strides");
    }
    return geometry(n, "strides", s[0], 1);
  }

  private static Padding padding(NodeProto n, int kh, int kw, int stride) {
    String autoPad = stringAttr(n, "auto_pad", "NOTSET");
    if (!AUTO_PADS.contains(autoPad)) {
      throw new ModelLoadException("node '" + n.getName() + "' has auto_pad '" + autoPad + "'; ONNX defines "
          + AUTO_PADS);
    }
    if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
      if (stride != 1) {
        throw new ModelLoadException("node '" + n.getName() + "' uses auto_pad " + autoPad
            + " with stride " + stride + "; export with explicit pads");
      }
      int th = kh - 1;
      int tw = kw - 1;
      boolean upper = autoPad.equals("SAME_UPPER");
      int top = upper ? th / 2 : th - th / 2;
      int left = upper ? tw / 2 : tw - tw / 2;
      return new Padding(top, left, th - top, tw - left);
    }
    long[] p = intsAttr(n, "pads");
    if (p.length == 0) {
      return Padding.NONE;
    }
    if (p.length != 4) {
      throw new ModelLoadException("node '" + n.getName() + "' has " + p.length + " pads; expected 4");
    }
    return new Padding(geometry(n, "pads", p[0], 0), geometry(n, "pads", p[1], 0), geometry(n, "pads", p[2], 0),
        geometry(n, "pads", p[3], 0));
  }

  private static Layer.Convolution foldBatchNorm(Layer.Convolution c, NodeProto n, Map<String, TensorProto> constants) {
    float[] scale = constant(n, 1, constants).toArray();
    float[] shift = constant(n, 2, constants).toArray();
    float[] mean = constant(n, 3, constants).toArray();
    float[] var = constant(n, 4, constants).toArray();
    float eps = finiteAttr(n, "epsilon", 1e-5f);
    return BatchNormFolding.fold(c, scale, shift, mean, var, eps);
  }

  private static Tensor constant(NodeProto n, int index, Map<String, TensorProto> constants) {
    if (n.getInputCount() <= index) {
      throw new ModelLoadException("node '" + n.getName() + "' (" + n.getOpType() + ") lacks input " + index);
    }
    TensorProto t = constants.get(n.getInput(index));
    if (t == null) {
      throw new ModelLoadException("input '" + n.getInput(index) + "' of node '" + n.getName()
          + "' is not a constant; nst reads weights stored as initializers, Constant nodes with a float tensor "
          + "value, or Identity nodes of those");
    }
    Tensor v = OnnxTensors.toTensor(t);
    for (int i = 0; i < v.size(); i++) {
      if (!Float.isFinite(v.get(i))) {
        throw new ModelLoadException("tensor '" + n.getInput(index) + "' (input " + index + " of node '" + n.getName()
            + "') holds " + v.get(i) + " at index " + i + "; the weights are corrupt (or were saved after training diverged)");
      }
    }
    return v;
  }

  /** An int attribute value that must lie in [min, MAX_GEOMETRY]. */
  private static int geometry(NodeProto n, String attr, long value, int min) {
    if (value < min || value > MAX_GEOMETRY) {
      throw new ModelLoadException("node '" + n.getName() + "' (" + n.getOpType() + ") has " + attr + " " + value
          + "; expected a value from " + min + " to " + MAX_GEOMETRY);
    }
    return (int) value;
  }

  private static AttributeProto attr(NodeProto n, String name) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  private static long[] intsAttr(NodeProto n, String name) {
    AttributeProto a = attr(n, name);
    return a == null ? new long[0] : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  private static long intAttr(NodeProto n, String name, long fallback) {
    AttributeProto a = attr(n, name);
    return a == null ? fallback : a.getI();
  }

  private static float floatAttr(NodeProto n, String name, float fallback) {
    AttributeProto a = attr(n, name);
    return a == null ? fallback : a.getF();
  }

  private static float finiteAttr(NodeProto n, String name, float fallback) {
    float v = floatAttr(n, name, fallback);
    if (!Float.isFinite(v)) {
      throw new ModelLoadException("node '" + n.getName() + "' (" + n.getOpType() + ") has " + name + " " + v
          + "; it must be a finite number");
    }
    return v;
  }

  private static String stringAttr(NodeProto n, String name, String fallback) {
    AttributeProto a = attr(n, name);
    return a == null ? fallback : a.getS().toStringUtf8();
  }
}
