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
 *
 * <p>Loss values are float64 outputs: every sum over a layer, the Gram matrix over positions
 * included, is a float32 sum over at most a row or a block and float64 beyond (docs/reliability.md,
 * "Loss precision"); D reaches the gradient rounded to float32.
 */
final class ObjectiveGraph {
  static final String IMAGE = "image";
  static final String GRADIENT = "gradient";
  static final String TV = "J_tv";
  /** Positions per block of a blocked Gram ({@link #gram}). */
  static final long GRAM_BLOCK = 65_536;
  /** From this many positions on a Gram is blocked (below, one GEMM stays within ~3e-7). */
  static final long GRAM_BLOCK_MIN = 2 * GRAM_BLOCK;

  final ObjectivePlan plan;
  final GraphBuilder.Generated model;
  /** The graph's constant inputs by name: each term's target, and its mask when it has one. */
  final Map<String, Tensor> feeds = new LinkedHashMap<>();

  ObjectiveGraph(ObjectivePlan plan) {
    this(plan, WinogradConv.DEFAULT);
  }

  /** As above, with the Winograd choice of {@link NetworkGraph} given (tests). */
  ObjectiveGraph(ObjectivePlan plan, WinogradConv.Choice winograd) {
    this.plan = plan;
    int[] image = plan.imageShape();
    GraphBuilder b = new GraphBuilder();
    b.input(IMAGE, image);
    NetworkGraph net = new NetworkGraph(b, plan.network(), IMAGE, image[2], image[3], true, winograd);
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
      String exact = b.op("Sub", gram(b, f, s.positions()), toDouble(b, target)); // G - T in float64
      loss(b, t, exact);
      String d = b.node("Cast", exact).i("to", TensorProto.DataType.FLOAT_VALUE).build();
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

  /**
   * The Gram matrix F F^T of {@code f} (C, positions) in float64. A float32 GEMM adds the
   * products of each K-block of positions into its float32 result, so over millions of positions
   * its error grows with their number (1.9e-6 relative at 4.2M, 2048 px at relu1_1, against
   * 2.3e-7 at 65,536); near convergence, where G and the target almost cancel, the style loss
   * multiplies that error. So from {@value #GRAM_BLOCK_MIN} positions on, the positions are split
   * into blocks of about {@value #GRAM_BLOCK} (one copy of the activation), each block's Gram is
   * a float32 GEMM, and the blocks are added in float64.
   */
  static String gram(GraphBuilder b, String f, long positions) {
    if (positions < GRAM_BLOCK_MIN) {
      return toDouble(b, b.node("Gemm", f, f).i("transB", 1).build());
    }
    int blocks = Math.toIntExact((positions + GRAM_BLOCK - 1) / GRAM_BLOCK);
    long[] sizes = new long[blocks];
    for (int i = 0; i < blocks; i++) {
      sizes[i] = positions / blocks + (i < positions % blocks ? 1 : 0);
    }
    GraphBuilder.Node split = b.node("Split", f, b.int64s(sizes)).i("axis", 1);
    String[] parts = new String[blocks];
    for (int i = 1; i < blocks; i++) {
      parts[i] = split.secondOutput("gram_block");
    }
    parts[0] = split.build();
    String[] grams = new String[blocks];
    for (int i = 0; i < blocks; i++) {
      grams[i] = toDouble(b, b.node("Gemm", parts[i], parts[i]).i("transB", 1).build());
    }
    return b.op("Sum", grams);
  }

  private static String toDouble(GraphBuilder b, String x) {
    return b.node("Cast", x).i("to", TensorProto.DataType.DOUBLE_VALUE).build();
  }

  /** Output {@link #lossOutput}: lossFactor * sum(d^2), float64 (d is float32 or float64). */
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
    return b.node("ReduceSum", toDouble(b, rows)).i("keepdims", 0).build();
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
