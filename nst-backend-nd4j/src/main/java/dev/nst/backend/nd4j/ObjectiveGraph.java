package dev.nst.backend.nd4j;

import com.google.common.collect.ArrayListMultimap;
import com.google.common.collect.ListMultimap;
import dev.nst.core.spi.ContentTerm;
import dev.nst.core.spi.LayerSite;
import dev.nst.core.spi.ObjectivePlan;
import dev.nst.core.spi.StyleTerm;
import dev.nst.core.spi.Term;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The whole objective as ONE SameDiff graph (level 2): forward pass to the deepest layer used,
 * the loss of every term of an {@link ObjectivePlan} with its target (and mask) as graph
 * constants, the total variation, and the backward pass to the image. The plan holds the
 * formulas' constants (the same the ONNX backend folds into its graph); here each term becomes
 * ops:
 *
 * <pre>
 * content: d = a - t;                         J = kc sum(d^2);  gradient += gradientFactor d
 * style:   F = (a, times the mask) as (C, HW);   D = F F^T - target;  J = k sum(D^2);
 *                                             gradient += gradientFactor D F (times the mask)
 * tv:      J = sum of squared differences along each axis;
 *          dJ/dx = 2 gamma (difference padded before - difference padded after), summed over axes
 * </pre>
 *
 * With normalised gradients each term's contribution is divided by its L1 norm and multiplied by
 * its strength. The contributions at one layer are added by one {@code mergeAdd} before they
 * flow back. Every term's loss is an output, J_tv included when gamma = 0 (it is reported, just
 * not differentiated); the gradient is an output only when something is differentiated.
 *
 * <p>Loss values are float64: every sum over a layer, the Gram matrix over positions included,
 * is a float32 sum over at most a row or a block and float64 beyond (docs/reliability.md, "Loss
 * precision"); D reaches the gradient rounded to float32.
 */
final class ObjectiveGraph {
  static final String GRADIENT = "gradient";
  static final String TV = "J_tv";
  /** Positions per block of a blocked Gram ({@link #gram}). */
  static final long GRAM_BLOCK = 65_536;
  /** From this many positions on a Gram is blocked (below, one GEMM stays within ~3e-7). */
  static final long GRAM_BLOCK_MIN = 2 * GRAM_BLOCK;

  final ObjectivePlan plan;
  /** The graph, which owns every array below. */
  final Graph graph;
  /** The native array the image placeholder is fed from; each evaluation overwrites it. */
  final INDArray input;
  /** The loss output of each term, in the order of {@link ObjectivePlan#terms()}. */
  final List<String> termLosses = new ArrayList<>();
  /** Every output: the term losses, J_tv, then the gradient when there is one. */
  final List<String> outputs = new ArrayList<>();
  final boolean hasGradient;
  private final SameDiff sd;

  ObjectiveGraph(Graph graph, ObjectivePlan plan) {
    this.graph = graph;
    this.sd = graph.sameDiff();
    this.plan = plan;
    int[] shape = plan.imageShape();
    this.input = graph.own(Nd4j.create(DataType.FLOAT, Graph.longs(shape), 'c'));
    SDVariable image = graph.placeholder(Graph.IMAGE, shape);
    NetworkGraph net = new NetworkGraph(graph, plan.network(), image, shape[2], shape[3]);
    ListMultimap<Integer, SDVariable> contributions = ArrayListMultimap.create();

    for (ContentTerm t : plan.content()) {
      SDVariable d = net.output(t.layer()).sub(graph.constant("content_target/" + t.index(), t.target()));
      loss(t, d);
      if (t.differentiated()) {
        contributions.put(t.site().layerIndex(), normalized(t, d.mul(t.gradientFactor())));
      }
    }

    for (StyleTerm t : plan.style()) {
      LayerSite s = t.site();
      SDVariable mask = t.hasMask() ? graph.constant("style_mask/" + t.index(), t.mask()) : null;
      SDVariable a = mask == null ? net.output(t.layer()) : net.output(t.layer()).mul(mask); // guided Gram
      SDVariable f = sd.reshape(a, s.channels(), s.positions());
      SDVariable exact = gram(sd, f, s.channels(), s.positions()) // G - T in float64
          .sub(graph.constant("style_target/" + t.index(), t.target()).castTo(DataType.DOUBLE));
      loss(t, exact);
      SDVariable d = exact.castTo(DataType.FLOAT);
      if (t.differentiated()) {
        SDVariable df = sd.reshape(sd.mmul(d, f).mul(t.gradientFactor()), 1, s.channels(), s.height(), s.width());
        contributions.put(s.layerIndex(), normalized(t, mask == null ? df : df.mul(mask)));
      }
    }

    Map<Integer, SDVariable> atLayers = new HashMap<>();
    for (Integer layer : contributions.keySet()) {
      atLayers.put(layer, sum(contributions.get(layer)));
    }
    List<SDVariable> gradients = new ArrayList<>();
    SDVariable network = net.backward(atLayers);
    if (network != null) {
      gradients.add(network);
    }
    totalVariation(image, shape, gradients);
    hasGradient = !gradients.isEmpty();
    if (hasGradient) {
      sd.identity(GRADIENT, sum(gradients));
      outputs.add(GRADIENT);
    }
  }

  /**
   * The Gram matrix F F^T of {@code f} (C, positions) in float64. A float32 GEMM adds the
   * products of each K-block of positions into its float32 result, so over millions of positions
   * its error grows with their number (1.5e-6 relative at 4.2M, 2048 px at relu1_1, against
   * ~2e-7 at 65,536); near convergence, where G and the target almost cancel, the style loss
   * multiplies that error. So from {@value #GRAM_BLOCK_MIN} positions on, the positions are sliced
   * into blocks of about {@value #GRAM_BLOCK} (one copy of the activation), each block's Gram is
   * a float32 GEMM, and the blocks are added in float64.
   */
  static SDVariable gram(SameDiff sd, SDVariable f, int channels, long positions) {
    if (positions < GRAM_BLOCK_MIN) {
      return sd.mmul(f, f, false, true, false).castTo(DataType.DOUBLE);
    }
    int blocks = Math.toIntExact((positions + GRAM_BLOCK - 1) / GRAM_BLOCK);
    SDVariable[] grams = new SDVariable[blocks];
    int start = 0;
    for (int i = 0; i < blocks; i++) {
      int size = Math.toIntExact(positions / blocks + (i < positions % blocks ? 1 : 0));
      SDVariable part = sd.slice(f, new int[] {0, start}, channels, size);
      grams[i] = sd.mmul(part, part, false, true, false).castTo(DataType.DOUBLE);
      start += size;
    }
    return sd.math().mergeAdd(grams);
  }

  /** Output J of a term: lossFactor * sum(d^2) in float64, named after the term. */
  private void loss(Term t, SDVariable d) {
    String name = (t instanceof ContentTerm ? "J_content/" : "J_style/") + t.index();
    sumOfSquares(sd, d, t instanceof ContentTerm ? 4 : 2).mul(name, t.lossFactor()); // (1, C, H, W) or (C, C)
    termLosses.add(name);
    outputs.add(name);
  }

  /** With normalised gradients, strength * g / (sum |g| + 1e-8) (jcjohnson's); else g. */
  private SDVariable normalized(Term t, SDVariable g) {
    if (!plan.normalizesGradients()) {
      return g;
    }
    SDVariable l1 = inDouble(sd, sd.norm1(g, false, 3)); // g is (1, C, H, W)
    return g.mul(l1.add(1e-8).rdiv(t.strength()).castTo(DataType.FLOAT));
  }

  /**
   * sum(x^2) as a float64 scalar. A plain {@code squaredNorm} sums millions of values in one
   * float32 accumulator per thread and loses ~1e-4 of the sum at 512 px and more beyond (2e-4
   * measured for a 512 px content term); here float32 only sums each row along the last axis (at
   * most a few thousand values), and the rows are added in float64: within ~1e-7 at any size,
   * for one cast of a tensor the size of a row count.
   */
  static SDVariable sumOfSquares(SameDiff sd, SDVariable x, int rank) {
    return inDouble(sd, sd.squaredNorm(x, false, rank - 1));
  }

  /** The float64 sum of all elements of the float32 partial sums {@code rows}. */
  private static SDVariable inDouble(SameDiff sd, SDVariable rows) {
    return sd.sum(rows.castTo(DataType.DOUBLE));
  }

  /** Outputs J_tv (0 for a 1x1 image) and adds its gradient to {@code gradients} when the plan differentiates it. */
  private void totalVariation(SDVariable image, int[] shape, List<SDVariable> gradients) {
    List<SDVariable> sums = new ArrayList<>();
    for (int axis : plan.totalVariationAxes()) {
      int[] later = new int[4];
      later[axis] = 1;
      int[] size = shape.clone();
      size[axis]--;
      SDVariable diff = sd.slice(image, later, size).sub(sd.slice(image, new int[4], size));
      sums.add(sumOfSquares(sd, diff, 4));
      if (plan.differentiatesTotalVariation()) {
        SDVariable v = diff.mul(plan.totalVariationGradientFactor());
        gradients.add(padAlong(v, axis, true).sub(padAlong(v, axis, false)));
      }
    }
    sd.identity(TV, sums.isEmpty() ? sd.constant(0.0) : sum(sums));
    outputs.add(TV);
  }

  private SDVariable sum(List<SDVariable> terms) {
    return terms.size() == 1 ? terms.get(0) : sd.math().mergeAdd(terms.toArray(new SDVariable[0]));
  }

  /** {@code x} zero-padded by one pixel along {@code axis} (2 or 3), before or after. */
  private SDVariable padAlong(SDVariable x, int axis, boolean before) {
    int[][] pads = new int[4][2];
    pads[axis][before ? 0 : 1] = 1;
    return sd.nn().pad(x, graph.constant("tvpad/" + axis + (before ? "/before" : "/after"), Nd4j.createFromArray(pads)), 0.0);
  }
}
