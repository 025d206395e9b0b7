package dev.nst.backend.nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.Network;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.UnsupportedNetworkException;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.backend.onnx.OnnxBackendProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layer shapes the conformance suite's networks do not use: strided and asymmetrically padded
 * convolutions, overlapping and padded pools, a Darknet-style 2x2 stride-1 max pool padded on
 * the bottom and right, and even sizes that a stride-2 convolution truncates in floor mode (so
 * its transposed convolution must be padded back). The forward pass is checked
 * against ONNX Runtime (an independent implementation), the hand-written backward pass against
 * SameDiff's own autodiff of the same forward graph.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkGraphTest {
  private Backend nd4j;
  private Backend onnx;

  @BeforeAll
  void open() {
    nd4j = new Nd4jBackendProvider().open(BackendOptions.defaults());
    onnx = new OnnxBackendProvider().open(BackendOptions.defaults());
  }

  @AfterAll
  void close() {
    nd4j.close();
    onnx.close();
  }

  /** Every layer except the bottom/right-padded pool, which average pooling cannot run. */
  static Network odd(boolean darknetPool) {
    SplittableRandom r = new SplittableRandom(11);
    List<Layer> layers = new ArrayList<>();
    layers.add(conv("c1", r, 4, 3, 3, 2, Padding.same(1)));
    layers.add(new Layer.Relu("r1"));
    layers.add(conv("c2", r, 5, 4, 3, 1, new Padding(0, 1, 2, 1)));
    layers.add(new Layer.LeakyRelu("l2", 0.2f));
    layers.add(new Layer.Pool("p2", Pooling.MAX, 3, 2, Padding.same(1)));
    layers.add(conv("c3", r, 6, 5, 2, 2, Padding.NONE));
    if (darknetPool) {
      layers.add(new Layer.Pool("p3", Pooling.MAX, 2, 1, new Padding(0, 0, 1, 1)));
    }
    layers.add(new Layer.Relu("r3"));
    layers.add(conv("c4", r, 7, 6, 1, 1, Padding.NONE));
    layers.add(new Layer.Pool("p4", Pooling.MAX, 2, 2, Padding.NONE));
    return new Network("odd", InputConvention.UNIT, 3, layers);
  }

  private static Layer.Convolution conv(String name, SplittableRandom r, int out, int in, int k, int stride, Padding p) {
    return new Layer.Convolution(name, gaussian(r, Math.sqrt(2.0 / (in * k * k)), out, in, k, k), gaussian(r, 0.1, out),
        stride, p);
  }

  static Tensor gaussian(SplittableRandom r, double std, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double u = 1.0 - r.nextDouble();
      v[i] = (float) (std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()));
    }
    return Tensor.adopt(v, shape);
  }

  @ParameterizedTest
  @EnumSource(Pooling.class)
  void forwardMatchesOnnxRuntime(Pooling pooling) {
    Network net = odd(pooling == Pooling.MAX);
    Tensor x = gaussian(new SplittableRandom(3), 1.0, 1, 3, 30, 24);
    try (FeatureExtractor a = nd4j.featureExtractor(net, pooling); FeatureExtractor b = onnx.featureExtractor(net, pooling)) {
      Map<String, Tensor> mine = a.forward(x, net.layerNames());
      Map<String, Tensor> theirs = b.forward(x, net.layerNames());
      for (String l : net.layerNames()) {
        assertThat(mine.get(l).shape()).as(l).containsExactly(theirs.get(l).shape());
        assertThat(Reference.relativeError(mine.get(l).toArray(), theirs.get(l).toArray())).as(l).isLessThan(1e-5);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Pooling.class)
  void backwardMatchesSameDiffAutodiff(Pooling pooling) {
    Network net = odd(pooling == Pooling.MAX).withPooling(pooling);
    Tensor x = gaussian(new SplittableRandom(5), 1.0, 1, 3, 30, 24);
    SplittableRandom r = new SplittableRandom(6);
    Map<String, Tensor> grads = new LinkedHashMap<>();
    for (String l : List.of("r1", "p2", "c3", "p4")) {
      int[] chw = net.shapeOf(l, 30, 24);
      grads.put(l, gaussian(r, 1.0, 1, chw[0], chw[1], chw[2]));
    }
    Tensor mine;
    try (FeatureExtractor fx = nd4j.featureExtractor(net, pooling)) {
      mine = fx.backward(x, grads);
    }
    assertThat(mine.shape()).containsExactly(x.shape());

    // Autodiff of sum_l <grads_l, out_l> with the image as a trainable variable.
    try (Graph g = Graph.build(0, java.util.function.Function.identity())) {
      SameDiff sd = g.sameDiff();
      INDArray image = Graph.upload(x);
      SDVariable in = sd.var("image", image);
      NetworkGraph graph = new NetworkGraph(g, net, in, 30, 24);
      SDVariable loss = null;
      for (var e : grads.entrySet()) {
        SDVariable term = graph.output(e.getKey()).mul(g.constant("G/" + e.getKey(), e.getValue())).sum();
        loss = loss == null ? term : loss.add(term);
      }
      sd.setLossVariables(loss);
      INDArray autodiff = sd.calculateGradients(Map.of(), "image").get("image");
      float[] expected = Graph.download(autodiff).toArray();
      assertThat(Reference.relativeError(mine.toArray(), expected)).isLessThan(1e-5);
      assertThat(mine.squaredNorm()).isGreaterThan(0);
    }
  }

  /**
   * Directional derivatives of sum_l &lt;grads_l, out_l&gt; against central differences, an
   * independent check of libnd4j's pool _bp ops on padded, overlapping windows (autodiff uses the
   * same ops). Piecewise linear: a step rarely crosses a kink, so the median error is tiny.
   */
  @ParameterizedTest
  @EnumSource(Pooling.class)
  void backwardMatchesCentralDifferences(Pooling pooling) {
    Network net = odd(pooling == Pooling.MAX);
    Tensor x = gaussian(new SplittableRandom(8), 1.0, 1, 3, 30, 24);
    SplittableRandom r = new SplittableRandom(9);
    Map<String, Tensor> grads = new LinkedHashMap<>();
    for (String l : List.of("p2", "p4")) {
      int[] chw = net.shapeOf(l, 30, 24);
      grads.put(l, gaussian(r, 1.0, 1, chw[0], chw[1], chw[2]));
    }
    try (FeatureExtractor fx = nd4j.featureExtractor(net, pooling)) {
      float[] g = fx.backward(x, grads).toArray();
      List<Double> errors = new ArrayList<>();
      for (int k = 0; k < 7; k++) {
        float[] v = gaussian(r, 1.0, x.size()).toArray();
        float[] plus = x.toArray();
        float[] minus = x.toArray();
        double analytic = 0;
        for (int i = 0; i < v.length; i++) {
          plus[i] += 1e-3f * v[i];
          minus[i] -= 1e-3f * v[i];
          analytic += (double) g[i] * v[i];
        }
        double fd = (phi(fx, Tensor.of(plus, x.shape()), grads) - phi(fx, Tensor.of(minus, x.shape()), grads)) / 2e-3;
        errors.add(Math.abs(fd - analytic) / Math.abs(analytic));
      }
      errors.sort(null);
      assertThat(errors.get(errors.size() / 2)).as("median of %s", errors).isLessThan(1e-2);
    }
  }

  private static double phi(FeatureExtractor fx, Tensor x, Map<String, Tensor> weights) {
    Map<String, Tensor> acts = fx.forward(x, weights.keySet());
    double s = 0;
    for (var e : weights.entrySet()) {
      for (int i = 0; i < e.getValue().size(); i++) {
        s += (double) e.getValue().get(i) * acts.get(e.getKey()).get(i);
      }
    }
    return s;
  }

  @Test
  void averagePoolWithAsymmetricPaddingIsRefusedWithAReason() {
    Network net = odd(true);
    assertThatThrownBy(() -> nd4j.featureExtractor(net, Pooling.AVERAGE))
        .isInstanceOf(UnsupportedNetworkException.class)
        .hasMessageContaining("p3").hasMessageContaining("asymmetric padding").hasMessageContaining("max pooling");
  }
}
