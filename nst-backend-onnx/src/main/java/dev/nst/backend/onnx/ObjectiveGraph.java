package dev.nst.backend.onnx;

import dev.nst.api.Network;
import dev.nst.api.ObjectiveSpec;
import dev.nst.core.model.format.proto.ModelProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole objective as ONE ONNX graph (level 2): forward pass to the deepest layer used,
 * content, Gram style and TV losses with their targets as graph inputs, and the analytic
 * backward pass to the image. Per term, with the spec's normalisation factors kc and k
 * ({@link dev.nst.api.LossNormalization}; classic: 1/(4 C H W) and 1/(4 C^2 (HW)^2)):
 *
 * <pre>
 * content: d = a - t;            J = kc sum(d^2);   dJ/da contribution = 2 kc alpha w d
 * style:   F = a as (C, HW);  D = F F^T - G_target;  J = k sum(D^2);
 *                                                    dJ/dF contribution = 4 k beta w D F
 * tv:      vertical and horizontal differences dv, dh; J = sum(dv^2) + sum(dh^2)
 * </pre>
 *
 * Constant factors are folded into the Gemm/Mul nodes. The style target fed at run time is
 * the mean Gram already multiplied by the generated layer's H*W.
 */
final class ObjectiveGraph {
  static final String IMAGE = "image";
  static final String GRADIENT = "gradient";
  static final String TV = "J_tv";

  final ModelProto model;
  final List<String> contentTargetInputs = new ArrayList<>();
  final List<String> styleTargetInputs = new ArrayList<>();
  /** Mask input per style term, null for unguided terms. */
  final List<String> styleMaskInputs = new ArrayList<>();
  /** Shape (1, 1, H, W) a mask of each style term must have. */
  final List<int[]> styleMaskShapes = new ArrayList<>();
  final List<String> contentOutputs = new ArrayList<>();
  final List<String> styleOutputs = new ArrayList<>();
  /** Shapes of the target inputs, in the order of the two lists above (content first). */
  final List<int[]> targetShapes = new ArrayList<>();
  /** H*W of each style layer's activation for the generated image. */
  final List<Long> stylePositions = new ArrayList<>();
  /** Channels of the image input. */
  final int channels;

  ObjectiveGraph(Network fullNetwork, ObjectiveSpec spec) {
    this(fullNetwork, spec, WinogradConv.MIN_CHANNELS);
  }

  /** As above, with the Winograd channel threshold of {@link NetworkGraph} given (tests). */
  ObjectiveGraph(Network fullNetwork, ObjectiveSpec spec, int winogradMinChannels) {
    Network network = fullNetwork.truncatedAfter(spec.layers());
    int c = network.inputChannels();
    channels = c;
    int h = spec.height();
    int w = spec.width();
    GraphBuilder b = new GraphBuilder();
    b.input(IMAGE, 1, c, h, w);
    NetworkGraph net = new NetworkGraph(b, network, spec.pooling(), IMAGE, h, w, true, winogradMinChannels);
    Map<Integer, List<String>> grads = new HashMap<>();

    for (int i = 0; i < spec.content().size(); i++) {
      ObjectiveSpec.ContentTarget t = spec.content().get(i);
      int[] shape = net.shape(t.layer());
      String target = "content_target/" + i;
      b.input(target, shape);
      contentTargetInputs.add(target);
      targetShapes.add(shape);
      double kc = spec.normalization().contentFactor(shape[1], shape[2], shape[3]);
      String d = b.op("Sub", net.output(t.layer()), target);
      String j = b.op("Mul", reduceSumSquare(b, d), b.scalar((float) kc));
      String out = "J_content/" + i;
      b.named("Identity", out, j).build();
      b.output(out);
      contentOutputs.add(out);
      double strength = spec.alpha() * t.weight();
      if (strength != 0) {
        String g = b.op("Mul", d, b.scalar((float) (2 * kc * (spec.normalizeGradients() ? 1 : strength))));
        addGradient(grads, net, t.layer(), spec.normalizeGradients() ? l1Normalized(b, g, strength) : g);
      }
    }

    for (int i = 0; i < spec.style().size(); i++) {
      ObjectiveSpec.StyleTarget t = spec.style().get(i);
      int[] shape = net.shape(t.layer());
      int ch = shape[1];
      long hw = (long) shape[2] * shape[3];
      String target = "style_target/" + i;
      b.input(target, ch, ch);
      styleTargetInputs.add(target);
      targetShapes.add(new int[] {ch, ch});
      stylePositions.add(hw);
      String act = net.output(t.layer());
      styleMaskShapes.add(new int[] {1, 1, shape[2], shape[3]});
      String mask = null;
      if (t.hasMask()) {
        mask = "style_mask/" + i;
        b.input(mask, 1, 1, shape[2], shape[3]);
        styleMaskInputs.add(mask);
        act = b.op("Mul", act, mask); // guided Gram: the mask selects the region
      } else {
        styleMaskInputs.add(null);
      }
      String f = b.op("Reshape", act, b.int64s(ch, hw));
      String gram = b.node("Gemm", f, f).i("transB", 1).build();
      String d = b.op("Sub", gram, target);
      double k = spec.normalization().styleFactor(ch, shape[2], shape[3]);
      String j = b.op("Mul", reduceSumSquare(b, d), b.scalar((float) k));
      String out = "J_style/" + i;
      b.named("Identity", out, j).build();
      b.output(out);
      styleOutputs.add(out);
      double strength = spec.beta() * t.weight();
      if (strength != 0) {
        String df = b.node("Gemm", d, f).f("alpha", (float) (4.0 * k * (spec.normalizeGradients() ? 1 : strength))).build();
        String g = b.op("Reshape", df, b.int64s(shape[0], shape[1], shape[2], shape[3]));
        g = mask == null ? g : b.op("Mul", g, mask);
        addGradient(grads, net, t.layer(), spec.normalizeGradients() ? l1Normalized(b, g, strength) : g);
      }
    }

    Map<Integer, String> summed = new HashMap<>();
    grads.forEach((layer, list) -> {
      String g = list.get(0);
      for (int i = 1; i < list.size(); i++) {
        g = b.op("Add", g, list.get(i));
      }
      summed.put(layer, g);
    });
    String gradient = net.backward(summed);

    // Total variation on the image: always reported, differentiated only when gamma > 0.
    String dv = b.op("Sub", slice(b, IMAGE, 2, 1, h), slice(b, IMAGE, 2, 0, h - 1));
    String dh = b.op("Sub", slice(b, IMAGE, 3, 1, w), slice(b, IMAGE, 3, 0, w - 1));
    String tv = b.op("Add", reduceSumSquare(b, dv), reduceSumSquare(b, dh));
    b.named("Identity", TV, tv).build();
    b.output(TV);
    if (spec.gamma() != 0) {
      float two = (float) (2 * spec.gamma());
      String v = b.op("Mul", dv, b.scalar(two));
      String hz = b.op("Mul", dh, b.scalar(two));
      String gv = b.op("Sub", pad(b, v, 1, 0, 0, 0), pad(b, v, 0, 0, 1, 0));
      String gh = b.op("Sub", pad(b, hz, 0, 1, 0, 0), pad(b, hz, 0, 0, 0, 1));
      String gtv = b.op("Add", gv, gh);
      gradient = gradient == null ? gtv : b.op("Add", gradient, gtv);
    }
    if (gradient == null) {
      gradient = b.op("Mul", IMAGE, b.scalar(0f));
    }
    b.named("Identity", GRADIENT, gradient).build();
    b.output(GRADIENT);
    model = b.build();
  }

  private static void addGradient(Map<Integer, List<String>> grads, NetworkGraph net, String layer, String g) {
    grads.computeIfAbsent(net.network().indexOf(layer), k -> new ArrayList<>()).add(g);
  }

  /** strength * g / (sum |g| + 1e-8): jcjohnson's normalised gradients. */
  private static String l1Normalized(GraphBuilder b, String g, double strength) {
    String l1 = b.op("Add", b.node("ReduceL1", g).i("keepdims", 0).build(), b.scalar(1e-8f));
    return b.op("Mul", b.op("Div", g, l1), b.scalar((float) strength));
  }

  static String reduceSumSquare(GraphBuilder b, String x) {
    return b.node("ReduceSumSquare", x).i("keepdims", 0).build();
  }

  private static String slice(GraphBuilder b, String x, int axis, int start, int end) {
    return b.op("Slice", x, b.int64s(start), b.int64s(end), b.int64s(axis));
  }

  /** Zero-pads an NCHW tensor by top, left, bottom, right pixels. */
  private static String pad(GraphBuilder b, String x, int top, int left, int bottom, int right) {
    return b.op("Pad", x, b.int64s(0, 0, top, left, 0, 0, bottom, right));
  }
}
