package dev.nst.backend.onnx;

import dev.nst.api.Tensor;
import dev.nst.core.model.format.proto.TensorProto;
import dev.nst.core.spi.ContentTerm;
import dev.nst.core.spi.LayerSite;
import dev.nst.core.spi.ObjectivePlan;
import dev.nst.core.spi.StyleTerm;
import dev.nst.core.spi.Term;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole objective as ONE ONNX graph (level 2): forward pass to the deepest layer used, the
 * loss of every term of an {@link ObjectivePlan} with its target (and mask) as graph inputs,
 * the total variation, and the analytic backward pass to the image. The plan holds the
 * formulas' constants; here each term becomes nodes, with the constants folded into the
 * Gemm/Mul nodes:
 *
 * <pre>
 * content: d = a - t;                       J = kc sum(d^2);  gradient += gradientFactor d
 * style:   F = (a, times the mask) as (C, HW);  D = F F^T - target;  J = k sum(D^2);
 *                                           gradient += gradientFactor D F (times the mask)
 * tv:      differences along each axis;     J = sum of their squares;  gradient 2 gamma (shifted - unshifted)
 * </pre>
 *
 * With normalised gradients each term's contribution is divided by its L1 norm and multiplied by
 * its strength. Contributions at the same layer are added before they flow back.
 */
final class ObjectiveGraph {
  static final String IMAGE = "image";
  static final String GRADIENT = "gradient";
  static final String TV = "J_tv";

  final ObjectivePlan plan;
  final GraphBuilder.Generated model;
  /** The graph's constant inputs by name: each term's target, and its mask when it has one. */
  final Map<String, Tensor> feeds = new LinkedHashMap<>();

  ObjectiveGraph(ObjectivePlan plan) {
    this(plan, WinogradConv.MIN_CHANNELS);
  }

  /** As above, with the Winograd channel threshold of {@link NetworkGraph} given (tests). */
  ObjectiveGraph(ObjectivePlan plan, int winogradMinChannels) {
    this.plan = plan;
    int[] image = plan.imageShape();
    GraphBuilder b = new GraphBuilder();
    b.input(IMAGE, image);
    NetworkGraph net = new NetworkGraph(b, plan.network(), IMAGE, image[2], image[3], true, winogradMinChannels);
    Map<Integer, String> grads = new HashMap<>();

    for (ContentTerm t : plan.content()) {
      String target = input(b, "content_target/" + t.index(), t.target());
      String d = b.op("Sub", net.output(t.layer()), target);
      loss(b, t, d);
      if (t.differentiated()) {
        addGradient(b, grads, t, b.op("Mul", d, b.scalar((float) t.gradientFactor())));
      }
    }

    for (StyleTerm t : plan.style()) {
      LayerSite s = t.site();
      String target = input(b, "style_target/" + t.index(), t.target());
      String act = net.output(t.layer());
      String mask = t.hasMask() ? input(b, "style_mask/" + t.index(), t.mask()) : null;
      if (mask != null) {
        act = b.op("Mul", act, mask); // guided Gram: the mask selects the region
      }
      String f = b.op("Reshape", act, b.int64s(s.channels(), s.positions()));
      String gram = b.node("Gemm", f, f).i("transB", 1).build();
      String d = b.op("Sub", gram, target);
      loss(b, t, d);
      if (t.differentiated()) {
        String df = b.node("Gemm", d, f).f("alpha", (float) t.gradientFactor()).build();
        String g = b.op("Reshape", df, b.int64s(1, s.channels(), s.height(), s.width()));
        addGradient(b, grads, t, mask == null ? g : b.op("Mul", g, mask));
      }
    }

    String gradient = net.backward(grads);
    String tvGradient = totalVariation(b, image);
    if (tvGradient != null) {
      gradient = gradient == null ? tvGradient : b.op("Add", gradient, tvGradient);
    }
    if (gradient == null) {
      gradient = b.op("Mul", IMAGE, b.scalar(0f));
    }
    b.named("Identity", GRADIENT, gradient).build();
    b.output(GRADIENT);
    model = b.build();
  }

  /** The name of the graph output holding a term's unweighted loss. */
  static String lossOutput(Term t) {
    return (t instanceof ContentTerm ? "J_content/" : "J_style/") + t.index();
  }

  private String input(GraphBuilder b, String name, Tensor value) {
    b.input(name, value.shape());
    feeds.put(name, value);
    return name;
  }

  /** Output {@link #lossOutput}: lossFactor * sum(d^2), float64. */
  private static void loss(GraphBuilder b, Term t, String d) {
    String j = b.op("Mul", sumOfSquares(b, d), b.scalarDouble(t.lossFactor()));
    String out = lossOutput(t);
    b.named("Identity", out, j).build();
    b.output(out, TensorProto.DataType.DOUBLE);
  }

  private void addGradient(GraphBuilder b, Map<Integer, String> grads, Term t, String g) {
    String contribution = plan.normalizesGradients() ? l1Normalized(b, g, t.strength()) : g;
    grads.merge(t.site().layerIndex(), contribution, (sum, next) -> b.op("Add", sum, next));
  }

  /** strength * g / (sum |g| + 1e-8): jcjohnson's normalised gradients. */
  private static String l1Normalized(GraphBuilder b, String g, double strength) {
    String l1 = inDouble(b, b.node("ReduceL1", g).ints("axes", -1).i("keepdims", 0).build());
    String scale = b.op("Div", b.scalarDouble(strength), b.op("Add", l1, b.scalarDouble(1e-8)));
    return b.op("Mul", g, b.node("Cast", scale).i("to", TensorProto.DataType.FLOAT_VALUE).build());
  }

  /**
   * Total variation on the image: output {@link #TV} always; returns its gradient when the plan
   * differentiates it, else null.
   */
  private String totalVariation(GraphBuilder b, int[] image) {
    String tv = null;
    String gradient = null;
    for (int axis : plan.totalVariationAxes()) {
      int n = image[axis];
      String diff = b.op("Sub", slice(b, axis, 1, n), slice(b, axis, 0, n - 1));
      String sum = sumOfSquares(b, diff);
      tv = tv == null ? sum : b.op("Add", tv, sum);
      if (plan.differentiatesTotalVariation()) {
        String v = b.op("Mul", diff, b.scalar((float) plan.totalVariationGradientFactor()));
        // d/dx of sum(diff^2): the scaled difference lands on its later pixel (+) and its earlier one (-)
        String g = b.op("Sub", padAlong(b, v, axis, 1, 0), padAlong(b, v, axis, 0, 1));
        gradient = gradient == null ? g : b.op("Add", gradient, g);
      }
    }
    b.named("Identity", TV, tv == null ? b.scalarDouble(0) : tv).build(); // a 1x1 image has no pixel pairs
    b.output(TV, TensorProto.DataType.DOUBLE);
    return gradient;
  }

  /**
   * sum(x^2) as a float64 scalar. One float32 accumulator over millions of values (what a plain
   * ReduceSumSquare does) loses ~1e-4 of the sum at 512 px and more beyond; here float32 only
   * sums along the last axis (a row: at most a few thousand values, summed in vector lanes), and
   * the rows are added in float64, which keeps the sum within ~1e-7 at any size and costs one
   * cast of a tensor the size of a row count.
   */
  static String sumOfSquares(GraphBuilder b, String x) {
    return inDouble(b, b.node("ReduceSumSquare", x).ints("axes", -1).i("keepdims", 0).build());
  }

  /** The float64 sum of all elements of the float32 partial sums {@code rows}. */
  private static String inDouble(GraphBuilder b, String rows) {
    String d = b.node("Cast", rows).i("to", TensorProto.DataType.DOUBLE_VALUE).build();
    return b.node("ReduceSum", d).i("keepdims", 0).build();
  }

  private static String slice(GraphBuilder b, int axis, int start, int end) {
    return b.op("Slice", IMAGE, b.int64s(start), b.int64s(end), b.int64s(axis));
  }

  /** Zero-pads an NCHW tensor along {@code axis} (2 or 3) by {@code before} and {@code after} pixels. */
  private static String padAlong(GraphBuilder b, String x, int axis, int before, int after) {
    long[] pads = new long[8];
    pads[axis] = before;
    pads[4 + axis] = after;
    return b.op("Pad", x, b.int64s(pads));
  }
}
