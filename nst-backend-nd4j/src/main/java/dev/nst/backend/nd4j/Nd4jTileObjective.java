package dev.nst.backend.nd4j;

import static com.google.common.base.Preconditions.checkArgument;

import dev.nst.api.Network;
import dev.nst.api.RunFailedException;
import dev.nst.api.StyleLossKind;
import dev.nst.api.Tensor;
import dev.nst.api.spi.TileSpec;
import dev.nst.core.spi.AbstractTileObjective;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The tile objective on ND4J: a statistics graph (forward to the deepest style layer, each style
 * term's statistics of its kind: the Gram of its masked activation, for W2 also the weighted
 * first moment, for a histogram the node weights by two unsorted segment sums) and a gradient
 * graph (forward, the layer gradients from the fed targets, masks, scales, matrices, offsets and
 * remap tables, the backward pass of {@link NetworkGraph}). When every style term is a Gram term
 * the gradient graph has a second output, the gradient with each term's own Gram matrix of the
 * tile added, times {@code style_self/i}, to its matrix, for
 * {@link dev.nst.api.spi.TileObjective#gradientWithOwnStatistics}; SameDiff computes only what
 * the requested outputs need, so a plain gradient pass does no Gram work. Every
 * placeholder is fed from a native array allocated once and overwritten per call; results are
 * freed as soon as they are copied out.
 */
final class Nd4jTileObjective extends AbstractTileObjective {
  private final int[] imageShape;
  private final Graph statistics;
  private final Graph gradientGraph;
  /** Native arrays of every placeholder by name (shared by both graphs where names match). */
  private final Map<String, INDArray> arrays = new HashMap<>();
  private final Map<String, INDArray> statisticsFeed = new HashMap<>();
  private final Map<String, INDArray> gradientFeed = new HashMap<>();
  private final List<String> grams = new ArrayList<>();
  private final List<String> gradientOutputs = new ArrayList<>();
  /** The sums of the gradient pass: each content term's, then each histogram term's. */
  private final List<String> sums = new ArrayList<>();
  /** Whether the gradient graph forms the tile's own Gram matrices (every style term a Gram term). */
  private final boolean joinable;
  /** The outputs of a gradient pass with the tile's own Gram matrices: the sums, the gradient, each Gram. */
  private final List<String> ownOutputs = new ArrayList<>();
  private static final String OWN_GRADIENT = "gradient_with_own_statistics";

  /**
   * @param lean whether its graphs free intermediate arrays at once instead of caching them (the
   *     backend's lean mode, see {@link Graph})
   */
  Nd4jTileObjective(Network network, TileSpec spec, boolean lean) {
    super(spec, network.inputChannels(), Nd4jBackendProvider.NAME);
    Network pooled = network.withPooling(spec.pooling());
    imageShape = imageShape();
    int contentTerms = contentTerms();
    int styleTerms = styleTerms();
    List<String> all = new ArrayList<>(new LinkedHashSet<>(spec.contentLayers()));
    all.addAll(spec.styleLayers());
    Network net = pooled.truncatedAfter(all);
    joinable = styleTerms > 0 && spec.style().stream().allMatch(st -> st.kind() == StyleLossKind.GRAM);
    allocate(IMAGE, imageShape);
    for (int i = 0; i < styleTerms; i++) {
      int[] s = shape(net, spec.styleLayers().get(i), spec);
      allocate(styleMask(i), new int[] {1, 1, s[2], s[3]});
      if (style(i).kind() == StyleLossKind.HISTOGRAM) {
        allocate(styleTable(i), new int[] {s[1] * (style(i).binCount() + 1)});
        allocate(styleScale(i), new int[] {1});
      } else {
        allocate(styleMatrix(i), new int[] {s[1], s[1]});
      }
      if (joinable) {
        allocate(styleSelf(i), new int[] {1});
      }
      if (style(i).kind() == StyleLossKind.W2) {
        allocate(styleOffset(i), new int[] {1, s[1], 1, 1});
      }
    }
    for (int i = 0; i < contentTerms; i++) {
      int[] s = shape(net, spec.contentLayers().get(i), spec);
      allocate(contentTarget(i), s);
      allocate(contentMask(i), new int[] {1, 1, s[2], s[3]});
      allocate(contentScale(i), new int[] {1});
    }
    Graph stats = null;
    try {
      Network styleNet = net.truncatedAfter(spec.styleLayers());
      stats = styleTerms == 0 ? null
          : Graph.build(lean ? 0 : Nd4jBackend.cacheBytes(styleNet, spec.height(), spec.width()),
              g -> statisticsGraph(g, styleNet, spec));
      statistics = stats;
      gradientGraph = Graph.build(lean ? 0 : Nd4jBackend.cacheBytes(net, spec.height(), spec.width()),
          g -> gradientGraph(g, net, spec));
    } catch (RuntimeException e) {
      if (stats != null) {
        stats.close();
      }
      arrays.values().forEach(Graph::release);
      throw e;
    }
  }

  private static int[] shape(Network net, String layer, TileSpec spec) {
    int[] chw = net.shapeOf(layer, spec.height(), spec.width());
    return new int[] {1, chw[0], chw[1], chw[2]};
  }

  private void allocate(String name, int[] shape) {
    arrays.put(name, Nd4j.create(DataType.FLOAT, Graph.longs(shape), 'c'));
  }

  private SDVariable placeholder(Graph g, String name, Map<String, INDArray> feed) {
    INDArray a = arrays.get(name);
    feed.put(name, a);
    return g.placeholder(name, java.util.Arrays.stream(a.shape()).mapToInt(Math::toIntExact).toArray());
  }

  private Graph statisticsGraph(Graph g, Network net, TileSpec spec) {
    SameDiff sd = g.sameDiff();
    NetworkGraph n = new NetworkGraph(g, net, placeholder(g, IMAGE, statisticsFeed), imageShape[2],
        imageShape[3]);
    for (int i = 0; i < styleTerms(); i++) {
      String layer = spec.styleLayers().get(i);
      int[] s = n.shape(layer);
      long positions = (long) s[2] * s[3];
      SDVariable mask = placeholder(g, styleMask(i), statisticsFeed);
      SDVariable a = sd.reshape(n.output(layer), s[1], positions);
      SDVariable w = sd.reshape(mask.mul(mask), 1, positions);
      TileSpec.Style st = style(i);
      if (st.kind() == StyleLossKind.HISTOGRAM) {
        // node weights: w (1 - t) on node k and w t on node k + 1, as two unsorted segment sums
        Binned x = bin(g, a, i, st);
        SDVariable wt = x.t().mul(w);
        int nodes = s[1] * (st.binCount() + 1);
        SDVariable lower = sd.unsortedSegmentSum(sd.reshape(w.sub(wt), -1), sd.reshape(x.index(), -1), nodes);
        SDVariable upper = sd.unsortedSegmentSum(sd.reshape(wt, -1), sd.reshape(x.index().add(1), -1), nodes);
        sd.identity("gram/" + i, lower.add(upper));
      } else {
        SDVariable f = sd.reshape(n.output(layer).mul(mask), s[1], positions);
        SDVariable gram = ObjectiveGraph.gram(sd, f, s[1], positions).castTo(DataType.FLOAT);
        sd.identity("gram/" + i, st.kind() == StyleLossKind.W2
            ? sd.concat(0, sd.reshape(gram, -1), sd.reshape(sd.mmul(a, w, false, true, false), -1)) : gram);
      }
      grams.add("gram/" + i);
    }
    return g;
  }

  private Graph gradientGraph(Graph g, Network net, TileSpec spec) {
    SameDiff sd = g.sameDiff();
    NetworkGraph n = new NetworkGraph(g, net, placeholder(g, IMAGE, gradientFeed), imageShape[2],
        imageShape[3]);
    Map<Integer, List<SDVariable>> contributions = new HashMap<>();
    Map<Integer, List<SDVariable>> own = new HashMap<>(); // the same with each term's own Gram matrix
    for (int i = 0; i < contentTerms(); i++) {
      String layer = spec.contentLayers().get(i);
      SDVariable d = n.output(layer).sub(placeholder(g, contentTarget(i), gradientFeed))
          .mul(placeholder(g, contentMask(i), gradientFeed));
      sd.identity("content_sum/" + i, ObjectiveGraph.sumOfSquares(sd, d, 4));
      sums.add("content_sum/" + i);
      SDVariable c = d.mul(placeholder(g, contentScale(i), gradientFeed));
      contributions.computeIfAbsent(n.indexOf(layer), k -> new ArrayList<>()).add(c);
      own.computeIfAbsent(n.indexOf(layer), k -> new ArrayList<>()).add(c);
    }
    for (int i = 0; i < styleTerms(); i++) {
      String layer = spec.styleLayers().get(i);
      int[] s = n.shape(layer);
      long positions = (long) s[2] * s[3];
      SDVariable mask = placeholder(g, styleMask(i), gradientFeed);
      TileSpec.Style st = style(i);
      SDVariable contribution;
      if (st.kind() == StyleLossKind.HISTOGRAM) {
        SDVariable a = sd.reshape(n.output(layer), s[1], positions);
        Binned x = bin(g, a, i, st);
        SDVariable table = placeholder(g, styleTable(i), gradientFeed);
        SDVariable t0 = sd.reshape(sd.gather(table, sd.reshape(x.index(), -1), 0), s[1], positions);
        SDVariable t1 = sd.reshape(sd.gather(table, sd.reshape(x.index().add(1), -1), 0), s[1], positions);
        SDVariable d = a.sub(t0.add(x.t().mul(t1.sub(t0))));
        SDVariable m = sd.reshape(mask, 1, positions);
        // sum w d^2 = sum (m d)^2, in float64 like the content sums
        sd.identity("style_sum/" + i, ObjectiveGraph.sumOfSquares(sd, d.mul(m), 2));
        sums.add("style_sum/" + i);
        contribution = sd.reshape(d.mul(m.mul(m)).mul(placeholder(g, styleScale(i), gradientFeed)), s[0], s[1],
            s[2], s[3]);
      } else {
        SDVariable f = sd.reshape(n.output(layer).mul(mask), s[1], positions);
        SDVariable matrix = placeholder(g, styleMatrix(i), gradientFeed);
        SDVariable af = sd.reshape(sd.mmul(matrix, f), s[0], s[1], s[2], s[3]);
        contribution = af.mul(mask);
        if (joinable) {
          SDVariable gram = sd.identity("own_gram/" + i,
              ObjectiveGraph.gram(sd, f, s[1], positions).castTo(DataType.FLOAT));
          SDVariable withOwn = matrix.add(gram.mul(placeholder(g, styleSelf(i), gradientFeed)));
          own.computeIfAbsent(n.indexOf(layer), k -> new ArrayList<>())
              .add(sd.reshape(sd.mmul(withOwn, f), s[0], s[1], s[2], s[3]).mul(mask));
          ownOutputs.add("own_gram/" + i);
        }
        if (st.kind() == StyleLossKind.W2) {
          contribution = contribution.add(placeholder(g, styleOffset(i), gradientFeed).mul(mask.mul(mask)));
        }
      }
      contributions.computeIfAbsent(n.indexOf(layer), k -> new ArrayList<>()).add(contribution);
    }
    sd.identity(ObjectiveGraph.GRADIENT, n.backward(sum(sd, contributions))); // every term reaches a layer
    gradientOutputs.addAll(sums);
    gradientOutputs.add(ObjectiveGraph.GRADIENT);
    if (joinable) {
      sd.identity(OWN_GRADIENT, n.backward(sum(sd, own)));
      ownOutputs.addAll(sums);
      ownOutputs.add(OWN_GRADIENT);
    }
    return g;
  }

  /** Each layer's gradient, the sum of its terms' contributions. */
  private static Map<Integer, SDVariable> sum(SameDiff sd, Map<Integer, List<SDVariable>> contributions) {
    Map<Integer, SDVariable> atLayers = new HashMap<>();
    contributions.forEach((layer, list) -> atLayers.put(layer,
        list.size() == 1 ? list.get(0) : sd.math().mergeAdd(list.toArray(new SDVariable[0]))));
    return atLayers;
  }

  /** A histogram term's bin of every value: the flat node index k (int) and the fraction t, both (C, N). */
  private record Binned(SDVariable index, SDVariable t) {}

  /**
   * u = clamp((a - lo) s, 0, B), k = min(floor(u), B - 1), t = u - k for a (C, N), with the term's
   * bins as constants; the index is k + c (B + 1), the node's place in the flat (C (B + 1)) table.
   */
  private static Binned bin(Graph g, SDVariable a, int i, TileSpec.Style st) {
    SameDiff sd = g.sameDiff();
    int c = st.bins().dim(1);
    int bins = st.binCount();
    float[] v = st.bins().toArray();
    SDVariable low = g.constant("hist_low/" + i, Tensor.of(Arrays.copyOfRange(v, 0, c), c, 1));
    SDVariable scale = g.constant("hist_scale/" + i, Tensor.of(Arrays.copyOfRange(v, c, 2 * c), c, 1));
    SDVariable u = sd.math().clipByValue(a.sub(low).mul(scale), 0, bins);
    SDVariable k = sd.math().floor(u);
    k = sd.math().min(k, g.constant("hist_top/" + i, Nd4j.scalar((float) (bins - 1))));
    int[] offsets = new int[c];
    for (int ch = 0; ch < c; ch++) {
      offsets[ch] = ch * (bins + 1);
    }
    SDVariable offset = g.constant("hist_offset/" + i, Nd4j.createFromArray(offsets).reshape(c, 1));
    return new Binned(sd.castTo(k, DataType.INT).add(offset), u.sub(k));
  }

  @Override
  protected void feed(String input, float[] values, int from, int length) {
    INDArray a = arrays.get(input);
    checkArgument(length == a.length() && from + length <= values.length, "%s holds %s values where the tile needs "
        + "%s", input, Math.min(length, values.length - from), a.length());
    a.data().setData(from == 0 && length == values.length ? values : Arrays.copyOfRange(values, from, from + length));
  }

  @Override
  protected void runStatistics(float[][] out) {
    Map<String, INDArray> r = run(statistics, statisticsFeed, grams, "statistics");
    try {
      for (int i = 0; i < out.length; i++) {
        Graph.copy(r.get(grams.get(i)), out[i]);
      }
    } finally {
      Graph.release(r);
    }
  }

  @Override
  protected double[] runGradient(float[] gradient) {
    Map<String, INDArray> r = run(gradientGraph, gradientFeed, gradientOutputs, "gradient");
    try {
      double[] out = new double[sums.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = r.get(sums.get(i)).getDouble(0);
      }
      Graph.copy(r.get(ObjectiveGraph.GRADIENT), gradient);
      return out;
    } finally {
      Graph.release(r);
    }
  }

  @Override
  protected boolean formsOwnStatistics() {
    return joinable;
  }

  @Override
  protected double[] runGradientWithOwnStatistics(float[] gradient, float[][] grams) {
    Map<String, INDArray> r = run(gradientGraph, gradientFeed, ownOutputs, "gradient");
    try {
      double[] out = new double[sums.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = r.get(sums.get(i)).getDouble(0);
      }
      for (int i = 0; i < grams.length; i++) {
        Graph.copy(r.get("own_gram/" + i), grams[i]);
      }
      Graph.copy(r.get(OWN_GRADIENT), gradient);
      return out;
    } finally {
      Graph.release(r);
    }
  }

  private static Map<String, INDArray> run(Graph g, Map<String, INDArray> feed, List<String> outputs, String pass) {
    try {
      return g.run(feed, outputs);
    } catch (RuntimeException e) {
      throw new RunFailedException("ND4J failed in the " + pass + " pass of a tile: " + e.getMessage(), e);
    }
  }

  @Override
  protected void release() {
    try {
      if (statistics != null) {
        statistics.close();
      }
      gradientGraph.close();
    } finally {
      arrays.values().forEach(Graph::release);
    }
  }
}
