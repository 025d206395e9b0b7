package dev.nst.backend.onnx;

import static dev.nst.core.spi.AbstractTileObjective.contentMask;
import static dev.nst.core.spi.AbstractTileObjective.contentScale;
import static dev.nst.core.spi.AbstractTileObjective.contentTarget;
import static dev.nst.core.spi.AbstractTileObjective.styleMask;
import static dev.nst.core.spi.AbstractTileObjective.styleMatrix;
import static dev.nst.core.spi.AbstractTileObjective.styleOffset;
import static dev.nst.core.spi.AbstractTileObjective.styleScale;
import static dev.nst.core.spi.AbstractTileObjective.styleSelf;
import static dev.nst.core.spi.AbstractTileObjective.styleTable;

import dev.nst.api.Network;
import dev.nst.api.StyleLossKind;
import dev.nst.api.Tensor;
import dev.nst.api.spi.TileSpec;
import dev.nst.core.model.format.proto.TensorProto;
import dev.nst.core.spi.AbstractTileObjective;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The two graphs of a {@link TileSpec} (see {@link dev.nst.api.spi.TileObjective}): the
 * statistics graph, forward to the deepest style layer and per style term the statistics of its
 * kind (the Gram matrix of the activation times its mask; for W2 also the weighted first moment
 * by a MatMul; for a histogram the node weights by two ScatterElements adds); the gradient
 * graph, forward to the deepest term layer, the layer gradients from the inputs (targets, masks,
 * scales, matrices, offsets, remap tables, read by Gather) and the analytic backward pass of
 * {@link NetworkGraph} to the tile's pixels. The gradient graph also forms each Gram term's own
 * Gram matrix of the tile and adds it, times the term's {@code style_self/i} factor, to its matrix
 * ({@link dev.nst.api.spi.TileObjective#gradientWithOwnStatistics}): of every channel when the
 * factor is not 0, else of none, an empty slice that costs nothing.
 */
final class TileGraphs {
  static final String IMAGE = AbstractTileObjective.IMAGE;
  static final String GRADIENT = ObjectiveGraph.GRADIENT;

  final GraphBuilder.Generated statistics;
  final GraphBuilder.Generated gradient;
  /** Shape (1, C, h, w) of each content term's layer, then of each style term's. */
  final List<int[]> contentShapes = new ArrayList<>();
  final List<int[]> styleShapes = new ArrayList<>();
  private final WinogradConv.Choice winograd;

  TileGraphs(Network network, TileSpec spec) {
    this(network, spec, WinogradConv.DEFAULT);
  }

  /** As above, with the Winograd choice of {@link NetworkGraph} given (the lean mode's none). */
  TileGraphs(Network network, TileSpec spec, WinogradConv.Choice winograd) {
    this.winograd = winograd;
    Network pooled = network.withPooling(spec.pooling());
    int[] image = {1, pooled.inputChannels(), spec.height(), spec.width()};
    List<String> all = new ArrayList<>(new LinkedHashSet<>(spec.contentLayers()));
    all.addAll(spec.styleLayers());
    Network net = pooled.truncatedAfter(all);
    for (String l : spec.contentLayers()) {
      contentShapes.add(shape(net, l, spec));
    }
    for (String l : spec.styleLayers()) {
      styleShapes.add(shape(net, l, spec));
    }
    statistics = spec.styleLayers().isEmpty() ? null : statisticsGraph(net, spec, image);
    gradient = gradientGraph(net, spec, image);
  }

  private static int[] shape(Network net, String layer, TileSpec spec) {
    int[] chw = net.shapeOf(layer, spec.height(), spec.width());
    return new int[] {1, chw[0], chw[1], chw[2]};
  }

  /** A W2 term's first moment, sum w a, (C, 1). */
  static String moment(int i) {
    return "moment/" + i;
  }

  /** A histogram term's weighted sum of squared remap distances. */
  static String styleSum(int i) {
    return "style_sum/" + i;
  }

  static String gram(int i) {
    return "gram/" + i;
  }

  /** A Gram term's own Gram matrix of the tile in the gradient graph, zeros when its factor is 0. */
  static String ownGram(int i) {
    return "own_gram/" + i;
  }

  static String contentSum(int i) {
    return "content_sum/" + i;
  }

  private GraphBuilder.Generated statisticsGraph(Network net, TileSpec spec, int[] image) {
    GraphBuilder b = new GraphBuilder();
    b.input(IMAGE, image);
    NetworkGraph g = new NetworkGraph(b, net.truncatedAfter(spec.styleLayers()), IMAGE, image[2], image[3], false,
        winograd);
    for (int i = 0; i < spec.style().size(); i++) {
      TileSpec.Style st = spec.style().get(i);
      int[] s = styleShapes.get(i);
      b.input(styleMask(i), 1, 1, s[2], s[3]);
      String act = g.output(st.layer());
      long n = (long) s[2] * s[3];
      if (st.kind() == StyleLossKind.HISTOGRAM) {
        // node weights: w (1 - t) on node k and w t on node k + 1, by two scatter-adds
        Binned x = bin(b, b.op("Reshape", act, b.int64s(s[1], n)), i, st);
        String w = b.op("Reshape", b.op("Mul", styleMask(i), styleMask(i)), b.int64s(1, n));
        String wt = b.op("Mul", w, x.t());
        String nodes = b.initializer(b.fresh("zeros"), Tensor.zeros(s[1] * (st.binCount() + 1)));
        nodes = scatterAdd(b, nodes, x.index(), b.op("Sub", w, wt));
        b.named("Identity", gram(i), scatterAdd(b, nodes, b.op("Add", x.index(), b.int64s(1)), wt)).build();
        b.output(gram(i));
        continue;
      }
      String f = b.op("Reshape", b.op("Mul", act, styleMask(i)), b.int64s(s[1], n));
      b.named("Cast", gram(i), ObjectiveGraph.gram(b, f, n)).i("to", TensorProto.DataType.FLOAT_VALUE).build();
      b.output(gram(i));
      if (st.kind() == StyleLossKind.W2) {
        String w = b.op("Reshape", b.op("Mul", styleMask(i), styleMask(i)), b.int64s(n, 1));
        b.named("MatMul", moment(i), b.op("Reshape", act, b.int64s(s[1], n)), w).build();
        b.output(moment(i));
      }
    }
    return b.build();
  }

  private GraphBuilder.Generated gradientGraph(Network net, TileSpec spec, int[] image) {
    GraphBuilder b = new GraphBuilder();
    b.input(IMAGE, image);
    NetworkGraph g = new NetworkGraph(b, net, IMAGE, image[2], image[3], true, winograd);
    Map<Integer, String> grads = new HashMap<>();
    for (int i = 0; i < spec.contentLayers().size(); i++) {
      String layer = spec.contentLayers().get(i);
      int[] s = contentShapes.get(i);
      b.input(contentTarget(i), s);
      b.input(contentMask(i), 1, 1, s[2], s[3]);
      b.input(contentScale(i), 1);
      String d = b.op("Mul", b.op("Sub", g.output(layer), contentTarget(i)), contentMask(i));
      b.named("Identity", contentSum(i), ObjectiveGraph.sumOfSquares(b, d)).build();
      b.output(contentSum(i), TensorProto.DataType.DOUBLE);
      add(b, grads, net.indexOf(layer), b.op("Mul", d, contentScale(i)));
    }
    for (int i = 0; i < spec.style().size(); i++) {
      TileSpec.Style st = spec.style().get(i);
      int[] s = styleShapes.get(i);
      long n = (long) s[2] * s[3];
      b.input(styleMask(i), 1, 1, s[2], s[3]);
      String act = g.output(st.layer());
      String contribution;
      if (st.kind() == StyleLossKind.HISTOGRAM) {
        b.input(styleTable(i), s[1] * (st.binCount() + 1));
        b.input(styleScale(i), 1);
        String f = b.op("Reshape", act, b.int64s(s[1], n));
        Binned x = bin(b, f, i, st);
        String t0 = b.node("Gather", styleTable(i), x.index()).i("axis", 0).build();
        String t1 = b.node("Gather", styleTable(i), b.op("Add", x.index(), b.int64s(1))).i("axis", 0).build();
        String d = b.op("Sub", f, b.op("Add", t0, b.op("Mul", x.t(), b.op("Sub", t1, t0))));
        String w = b.op("Reshape", b.op("Mul", styleMask(i), styleMask(i)), b.int64s(1, n));
        String wd = b.op("Mul", w, d);
        // sum w d^2 = sum (m d)^2, in float64 like the content sums
        String m = b.op("Reshape", styleMask(i), b.int64s(1, n));
        b.named("Identity", styleSum(i), ObjectiveGraph.sumOfSquares(b, b.op("Mul", m, d))).build();
        b.output(styleSum(i), TensorProto.DataType.DOUBLE);
        contribution = b.op("Reshape", b.op("Mul", wd, styleScale(i)), b.int64s(Resources.longs(s)));
      } else {
        b.input(styleMatrix(i), s[1], s[1]);
        String f = b.op("Reshape", b.op("Mul", act, styleMask(i)), b.int64s(s[1], n));
        String matrix = styleMatrix(i);
        if (st.kind() == StyleLossKind.GRAM) {
          matrix = b.op("Add", matrix, b.op("Mul", styleSelf(i), ownGram(b, f, i, s[1], n)));
        }
        String af = b.op("Reshape", b.op("MatMul", matrix, f), b.int64s(Resources.longs(s)));
        contribution = b.op("Mul", af, styleMask(i));
        if (st.kind() == StyleLossKind.W2) {
          b.input(styleOffset(i), s[1], 1);
          String offset = b.op("Reshape", styleOffset(i), b.int64s(1, s[1], 1, 1));
          contribution = b.op("Add", contribution, b.op("Mul", offset, b.op("Mul", styleMask(i), styleMask(i))));
        }
      }
      add(b, grads, net.indexOf(st.layer()), contribution);
    }
    String gradient = g.backward(grads);
    b.named("Identity", GRADIENT, gradient == null ? b.op("Mul", IMAGE, b.scalar(0f)) : gradient).build();
    b.output(GRADIENT);
    return b.build();
  }

  /**
   * The tile's own Gram matrix (C x C) of {@code f} (C, n) when the one-value input
   * {@code style_self/i} is not 0, else zeros: the Gram of the first C or 0 rows of {@code f},
   * padded to C x C, so that a plain gradient pass does no Gram work.
   */
  private static String ownGram(GraphBuilder b, String f, int i, int channels, long n) {
    b.input(styleSelf(i), 1);
    String rows = b.node("Cast", b.op("Mul", b.op("Sign", b.op("Abs", styleSelf(i))), b.scalar(channels)))
        .i("to", TensorProto.DataType.INT64_VALUE).build();
    String kept = b.op("Slice", f, b.int64s(0), rows, b.int64s(0));
    String gram = b.node("Cast", ObjectiveGraph.gram(b, kept, n)).i("to", TensorProto.DataType.FLOAT_VALUE).build();
    String missing = b.op("Sub", b.int64s(channels), rows);
    String pads = b.node("Concat", b.int64s(0, 0), missing, missing).i("axis", 0).build();
    b.named("Pad", ownGram(i), gram, pads).build();
    b.output(ownGram(i));
    return ownGram(i);
  }

  /** A histogram term's bin of every value: the flat node index k (int64) and the fraction t, both (C, N). */
  private record Binned(String index, String t) {}

  /**
   * u = clamp((f - lo) s, 0, B), k = min(floor(u), B - 1), t = u - k for f (C, N), with the term's
   * bins compiled in; the index is k + c (B + 1), the node's place in the flat (C (B + 1)) table.
   */
  private static Binned bin(GraphBuilder b, String f, int i, TileSpec.Style st) {
    int c = st.bins().dim(1);
    int bins = st.binCount();
    float[] v = st.bins().toArray();
    String low = b.initializer("hist_low/" + i, Tensor.of(java.util.Arrays.copyOfRange(v, 0, c), c, 1));
    String scale = b.initializer("hist_scale/" + i, Tensor.of(java.util.Arrays.copyOfRange(v, c, 2 * c), c, 1));
    String u = b.op("Clip", b.op("Mul", b.op("Sub", f, low), scale), b.scalar(0f), b.scalar(bins));
    String k = b.op("Min", b.op("Floor", u), b.scalar(bins - 1));
    long[] offsets = new long[c];
    for (int ch = 0; ch < c; ch++) {
      offsets[ch] = (long) ch * (bins + 1);
    }
    String index = b.op("Add", b.node("Cast", k).i("to", 7).build(), // 7: INT64
        b.op("Reshape", b.int64s(offsets), b.int64s(c, 1)));
    return new Binned(index, b.op("Sub", u, k));
  }

  /** {@code data} (1-D) plus every update (C, N) added at its index (C, N). */
  private static String scatterAdd(GraphBuilder b, String data, String index, String updates) {
    return b.node("ScatterElements", data, b.op("Reshape", index, b.int64s(-1)), b.op("Reshape", updates, b.int64s(-1)))
        .i("axis", 0).s("reduction", "add").build();
  }

  private static void add(GraphBuilder b, Map<Integer, String> grads, int layer, String g) {
    grads.merge(layer, g, (sum, next) -> b.op("Add", sum, next));
  }
}
