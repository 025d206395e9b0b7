package dev.nst.backend.onnx;

import static dev.nst.core.spi.AbstractTileObjective.contentMask;
import static dev.nst.core.spi.AbstractTileObjective.contentScale;
import static dev.nst.core.spi.AbstractTileObjective.contentTarget;
import static dev.nst.core.spi.AbstractTileObjective.styleMask;
import static dev.nst.core.spi.AbstractTileObjective.styleMatrix;

import dev.nst.api.Network;
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
 * statistics graph, forward to the deepest style layer and one Gram matrix per style term of
 * the activation times its mask; the gradient graph, forward to the deepest term layer, the
 * layer gradients from the inputs (targets, masks, scales, matrices) and the analytic backward
 * pass of {@link NetworkGraph} to the tile's pixels.
 */
final class TileGraphs {
  static final String IMAGE = AbstractTileObjective.IMAGE;
  static final String GRADIENT = ObjectiveGraph.GRADIENT;

  final GraphBuilder.Generated statistics;
  final GraphBuilder.Generated gradient;
  /** Shape (1, C, h, w) of each content term's layer, then of each style term's. */
  final List<int[]> contentShapes = new ArrayList<>();
  final List<int[]> styleShapes = new ArrayList<>();

  TileGraphs(Network network, TileSpec spec) {
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

  static String gram(int i) {
    return "gram/" + i;
  }

  static String contentSum(int i) {
    return "content_sum/" + i;
  }

  private GraphBuilder.Generated statisticsGraph(Network net, TileSpec spec, int[] image) {
    GraphBuilder b = new GraphBuilder();
    b.input(IMAGE, image);
    NetworkGraph g = new NetworkGraph(b, net.truncatedAfter(spec.styleLayers()), IMAGE, image[2], image[3], false);
    for (int i = 0; i < spec.styleLayers().size(); i++) {
      int[] s = styleShapes.get(i);
      b.input(styleMask(i), 1, 1, s[2], s[3]);
      String f = b.op("Reshape", b.op("Mul", g.output(spec.styleLayers().get(i)), styleMask(i)),
          b.int64s(s[1], (long) s[2] * s[3]));
      b.named("Cast", gram(i), ObjectiveGraph.gram(b, f, (long) s[2] * s[3])).i("to", TensorProto.DataType.FLOAT_VALUE)
          .build();
      b.output(gram(i));
    }
    return b.build();
  }

  private GraphBuilder.Generated gradientGraph(Network net, TileSpec spec, int[] image) {
    GraphBuilder b = new GraphBuilder();
    b.input(IMAGE, image);
    NetworkGraph g = new NetworkGraph(b, net, IMAGE, image[2], image[3], true);
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
    for (int i = 0; i < spec.styleLayers().size(); i++) {
      String layer = spec.styleLayers().get(i);
      int[] s = styleShapes.get(i);
      b.input(styleMask(i), 1, 1, s[2], s[3]);
      b.input(styleMatrix(i), s[1], s[1]);
      String f = b.op("Reshape", b.op("Mul", g.output(layer), styleMask(i)), b.int64s(s[1], (long) s[2] * s[3]));
      String af = b.op("Reshape", b.op("MatMul", styleMatrix(i), f), b.int64s(Resources.longs(s)));
      add(b, grads, net.indexOf(layer), b.op("Mul", af, styleMask(i)));
    }
    String gradient = g.backward(grads);
    b.named("Identity", GRADIENT, gradient == null ? b.op("Mul", IMAGE, b.scalar(0f)) : gradient).build();
    b.output(GRADIENT);
    return b.build();
  }

  private static void add(GraphBuilder b, Map<Integer, String> grads, int layer, String g) {
    grads.merge(layer, g, (sum, next) -> b.op("Add", sum, next));
  }
}
