package dev.nst.backend.nd4j;

import static com.google.common.base.Preconditions.checkArgument;

import dev.nst.api.Network;
import dev.nst.api.RunFailedException;
import dev.nst.api.spi.TileSpec;
import dev.nst.core.spi.AbstractTileObjective;
import java.util.ArrayList;
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
 * The tile objective on ND4J: a statistics graph (forward to the deepest style layer, the Gram
 * of each style term's masked activation) and a gradient graph (forward, the layer gradients from
 * the fed targets, masks, scales and matrices, the backward pass of {@link NetworkGraph}). Every
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

  Nd4jTileObjective(Network network, TileSpec spec) {
    super(spec, network.inputChannels(), Nd4jBackendProvider.NAME);
    Network pooled = network.withPooling(spec.pooling());
    imageShape = imageShape();
    int contentTerms = contentTerms();
    int styleTerms = styleTerms();
    List<String> all = new ArrayList<>(new LinkedHashSet<>(spec.contentLayers()));
    all.addAll(spec.styleLayers());
    Network net = pooled.truncatedAfter(all);
    allocate(IMAGE, imageShape);
    for (int i = 0; i < styleTerms; i++) {
      int[] s = shape(net, spec.styleLayers().get(i), spec);
      allocate(styleMask(i), new int[] {1, 1, s[2], s[3]});
      allocate(styleMatrix(i), new int[] {s[1], s[1]});
    }
    for (int i = 0; i < contentTerms; i++) {
      int[] s = shape(net, spec.contentLayers().get(i), spec);
      allocate(contentTarget(i), s);
      allocate(contentMask(i), new int[] {1, 1, s[2], s[3]});
      allocate(contentScale(i), new int[] {1});
    }
    Graph stats = null;
    try {
      stats = styleTerms == 0 ? null
          : Graph.build(g -> statisticsGraph(g, net.truncatedAfter(spec.styleLayers()), spec));
      statistics = stats;
      gradientGraph = Graph.build(g -> gradientGraph(g, net, spec));
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
      SDVariable f = sd.reshape(n.output(layer).mul(placeholder(g, styleMask(i), statisticsFeed)), s[1],
          (long) s[2] * s[3]);
      sd.identity("gram/" + i, ObjectiveGraph.gram(sd, f, s[1], (long) s[2] * s[3]).castTo(DataType.FLOAT));
      grams.add("gram/" + i);
    }
    return g;
  }

  private Graph gradientGraph(Graph g, Network net, TileSpec spec) {
    SameDiff sd = g.sameDiff();
    NetworkGraph n = new NetworkGraph(g, net, placeholder(g, IMAGE, gradientFeed), imageShape[2],
        imageShape[3]);
    Map<Integer, List<SDVariable>> contributions = new HashMap<>();
    for (int i = 0; i < contentTerms(); i++) {
      String layer = spec.contentLayers().get(i);
      SDVariable d = n.output(layer).sub(placeholder(g, contentTarget(i), gradientFeed))
          .mul(placeholder(g, contentMask(i), gradientFeed));
      sd.identity("content_sum/" + i, ObjectiveGraph.sumOfSquares(sd, d, 4));
      gradientOutputs.add("content_sum/" + i);
      contributions.computeIfAbsent(n.indexOf(layer), k -> new ArrayList<>())
          .add(d.mul(placeholder(g, contentScale(i), gradientFeed)));
    }
    for (int i = 0; i < styleTerms(); i++) {
      String layer = spec.styleLayers().get(i);
      int[] s = n.shape(layer);
      SDVariable mask = placeholder(g, styleMask(i), gradientFeed);
      SDVariable f = sd.reshape(n.output(layer).mul(mask), s[1], (long) s[2] * s[3]);
      SDVariable af = sd.reshape(sd.mmul(placeholder(g, styleMatrix(i), gradientFeed), f), s[0], s[1], s[2], s[3]);
      contributions.computeIfAbsent(n.indexOf(layer), k -> new ArrayList<>()).add(af.mul(mask));
    }
    Map<Integer, SDVariable> atLayers = new HashMap<>();
    contributions.forEach((layer, list) -> atLayers.put(layer,
        list.size() == 1 ? list.get(0) : sd.math().mergeAdd(list.toArray(new SDVariable[0]))));
    sd.identity(ObjectiveGraph.GRADIENT, n.backward(atLayers)); // every term reaches a layer, so never null
    gradientOutputs.add(ObjectiveGraph.GRADIENT);
    return g;
  }

  @Override
  protected void feed(String input, float[] values) {
    INDArray a = arrays.get(input);
    checkArgument(values.length == a.length(), "%s holds %s values where the tile needs %s", input, values.length,
        a.length());
    a.data().setData(values);
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
      double[] sums = new double[contentTerms()];
      for (int i = 0; i < sums.length; i++) {
        sums[i] = r.get("content_sum/" + i).getDouble(0);
      }
      Graph.copy(r.get(ObjectiveGraph.GRADIENT), gradient);
      return sums;
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
