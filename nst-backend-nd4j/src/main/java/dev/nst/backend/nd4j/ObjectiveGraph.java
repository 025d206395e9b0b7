package dev.nst.backend.nd4j;

import dev.nst.api.Network;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The whole objective as ONE SameDiff graph (level 2), the same formulas as the ONNX backend's
 * generated graph: forward pass to the deepest layer used, content, Gram style and TV losses
 * with their targets as constants, and the backward pass to the image. Per term, with the
 * spec's normalisation factors kc and k ({@link dev.nst.api.LossNormalization}; classic:
 * 1/(4 C H W) and 1/(4 C^2 (HW)^2)):
 *
 * <pre>
 * content: d = a - t;            J = kc sum(d^2);       dJ/da contribution = 2 kc alpha w d
 * style:   F = a as (C, HW);  D = F F^T - G_target;  J = k sum(D^2);
 *                                                    dJ/dF contribution = 4 k beta w D F
 * tv:      vertical and horizontal differences dv, dh; J = sum(dv^2) + sum(dh^2),
 *          dJ/dx = 2 (dv shifted down - dv) + 2 (dh shifted right - dh), zero-padded
 * </pre>
 *
 * The style target constant is the mean Gram multiplied by the generated layer's H*W (so the
 * rescaling of the reference formulas costs nothing per evaluation). Every term is an output,
 * J_tv included when gamma = 0 (it is reported, just not differentiated); the gradient is an
 * output only when some term has a non-zero coefficient.
 */
final class ObjectiveGraph {
  static final String IMAGE = "image";
  static final String GRADIENT = "gradient";
  static final String TV = "J_tv";

  final List<String> contentOutputs = new ArrayList<>();
  final List<String> styleOutputs = new ArrayList<>();
  /** Every output: content terms, style terms, J_tv, then the gradient when there is one. */
  final List<String> outputs = new ArrayList<>();
  final boolean hasGradient;
  final int channels;

  ObjectiveGraph(Graph graph, Network fullNetwork, ObjectiveSpec spec) {
    SameDiff sd = graph.sameDiff();
    Network network = fullNetwork.truncatedAfter(spec.layers()).withPooling(spec.pooling());
    int c = network.inputChannels();
    int h = spec.height();
    int w = spec.width();
    channels = c;
    SDVariable image = graph.placeholder(IMAGE, 1, c, h, w);
    NetworkGraph net = new NetworkGraph(graph, network, image, h, w);
    Map<Integer, List<SDVariable>> grads = new HashMap<>();

    for (int i = 0; i < spec.content().size(); i++) {
      ObjectiveSpec.ContentTarget t = spec.content().get(i);
      int[] shape = net.shape(t.layer());
      requireShape(t.activation(), shape, "the content target at layer " + t.layer(), spec,
          "compute the content target from a content image of the generated image's size");
      double kc = spec.normalization().contentFactor(shape[1], shape[2], shape[3]);
      SDVariable d = net.output(t.layer()).sub(graph.constant("content_target/" + i, t.activation()));
      String out = "J_content/" + i;
      sd.squaredNorm(d, false).mul(out, kc);
      contentOutputs.add(out);
      double factor = 2 * kc * spec.alpha() * t.weight();
      if (factor != 0) {
        grads.computeIfAbsent(net.indexOf(t.layer()), k -> new ArrayList<>()).add(d.mul(factor));
      }
    }

    for (int i = 0; i < spec.style().size(); i++) {
      ObjectiveSpec.StyleTarget t = spec.style().get(i);
      int[] shape = net.shape(t.layer());
      int ch = shape[1];
      long hw = (long) shape[2] * shape[3];
      requireShape(t.meanGram(), new int[] {ch, ch}, "the style target at layer " + t.layer(), spec,
          "compute style targets with the same network");
      INDArray scaled = Graph.upload(t.meanGram()).muli(hw);
      SDVariable f = sd.reshape(net.output(t.layer()), ch, hw);
      SDVariable d = sd.mmul(f, f, false, true, false).sub(graph.constant("style_target/" + i, scaled));
      double k = spec.normalization().styleFactor(ch, shape[2], shape[3]);
      String out = "J_style/" + i;
      sd.squaredNorm(d, false).mul(out, k);
      styleOutputs.add(out);
      double factor = 4.0 * k * spec.beta() * t.weight();
      if (factor != 0) {
        SDVariable df = sd.mmul(d, f).mul(factor);
        grads.computeIfAbsent(net.indexOf(t.layer()), key -> new ArrayList<>())
            .add(sd.reshape(df, 1, ch, shape[2], shape[3]));
      }
    }

    Map<Integer, SDVariable> summed = new HashMap<>();
    grads.forEach((layer, list) -> {
      SDVariable g = list.get(0);
      for (int i = 1; i < list.size(); i++) {
        g = g.add(list.get(i));
      }
      summed.put(layer, g);
    });
    SDVariable gradient = net.backward(summed);

    // Total variation of the image: always reported, differentiated only when gamma > 0.
    SDVariable tv = null;
    SDVariable tvGradient = null;
    double two = 2 * spec.gamma();
    if (h > 1) {
      SDVariable dv = sd.slice(image, new int[] {0, 0, 1, 0}, 1, c, h - 1, w)
          .sub(sd.slice(image, new int[] {0, 0, 0, 0}, 1, c, h - 1, w));
      tv = sd.squaredNorm(dv, false);
      if (two != 0) {
        SDVariable v = dv.mul(two);
        tvGradient = pad(graph, "tvpad/0", v, 1, 0, 0, 0).sub(pad(graph, "tvpad/1", v, 0, 0, 1, 0));
      }
    }
    if (w > 1) {
      SDVariable dh = sd.slice(image, new int[] {0, 0, 0, 1}, 1, c, h, w - 1)
          .sub(sd.slice(image, new int[] {0, 0, 0, 0}, 1, c, h, w - 1));
      SDVariable jh = sd.squaredNorm(dh, false);
      tv = tv == null ? jh : tv.add(jh);
      if (two != 0) {
        SDVariable z = dh.mul(two);
        SDVariable gh = pad(graph, "tvpad/2", z, 0, 1, 0, 0).sub(pad(graph, "tvpad/3", z, 0, 0, 0, 1));
        tvGradient = tvGradient == null ? gh : tvGradient.add(gh);
      }
    }
    if (tv == null) { // a 1x1 image has no pixel pairs
      tv = sd.constant(0f);
    }
    sd.identity(TV, tv);
    if (tvGradient != null) {
      gradient = gradient == null ? tvGradient : gradient.add(tvGradient);
    }
    hasGradient = gradient != null;
    outputs.addAll(contentOutputs);
    outputs.addAll(styleOutputs);
    outputs.add(TV);
    if (hasGradient) {
      sd.identity(GRADIENT, gradient);
      outputs.add(GRADIENT);
    }
  }

  private static void requireShape(Tensor t, int[] expected, String what, ObjectiveSpec spec, String fix) {
    if (t == null || !t.hasShape(expected)) {
      throw new IllegalArgumentException(what + " has shape " + (t == null ? "null" : Arrays.toString(t.shape()))
          + " but a " + spec.height() + "x" + spec.width() + " image needs " + Arrays.toString(expected) + "; " + fix);
    }
  }

  /** Zero-pads an NCHW tensor by top, left, bottom, right pixels. */
  private static SDVariable pad(Graph graph, String name, SDVariable x, int top, int left, int bottom, int right) {
    SDVariable paddings = graph.constant(name, Nd4j.createFromArray(new int[][] {{0, 0}, {0, 0}, {top, bottom}, {left, right}}));
    return graph.sameDiff().nn().pad(x, paddings, 0.0);
  }
}
