package dev.nst.backend.nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.LayerWeight;
import dev.nst.api.LossBreakdown;
import dev.nst.api.LossValue;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.backend.onnx.OnnxBackendProvider;
import dev.nst.core.loss.SquaredTotalVariation;
import dev.nst.core.loss.Targets;
import dev.nst.tck.RandomVgg;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * ND4J and ONNX Runtime agree (1e-4 relative on every loss term and on the gradient) on the
 * same spec: a random full-width VGG-19 at 64x64 with the default layers, and a reference
 * network with average pooling and TV. Targets come from the ONNX extractor so that both
 * backends evaluate exactly the same objective.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossBackendTest {
  static final List<LayerWeight> STYLE = List.of(new LayerWeight("relu1_1", 0.2), new LayerWeight("relu2_1", 0.2),
      new LayerWeight("relu3_1", 0.2), new LayerWeight("relu4_1", 0.2), new LayerWeight("relu5_1", 0.2));

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

  @Test
  void randomVgg19At64AgreesWithOnnx() {
    Network net = RandomVgg.vgg19(2024);
    SplittableRandom r = new SplittableRandom(1);
    Tensor content = NetworkGraphTest.gaussian(r, 1.0, 1, 3, 64, 64);
    Tensor style = NetworkGraphTest.gaussian(r, 1.0, 1, 3, 80, 48);
    Tensor x = NetworkGraphTest.gaussian(r, 1.0, 1, 3, 64, 64);
    try (FeatureExtractor fx = onnx.featureExtractor(net, Pooling.MAX);
        FeatureExtractor mine = nd4j.featureExtractor(net, Pooling.MAX)) {
      Map<String, Tensor> a = fx.forward(x, List.of("relu1_1", "pool3", "relu5_1"));
      Map<String, Tensor> b = mine.forward(x, List.of("relu1_1", "pool3", "relu5_1"));
      for (String l : a.keySet()) {
        assertThat(Reference.relativeError(b.get(l).toArray(), a.get(l).toArray())).as("activation %s", l).isLessThan(2e-5);
      }
      ObjectiveSpec spec = new ObjectiveSpec(Targets.content(fx, content, List.of(new LayerWeight("relu4_2", 1.0))),
          Targets.style(fx, style, STYLE), 10, 40, 1e-3, Pooling.MAX, 64, 64);
      compare(net, spec, x);
    }
  }

  @Test
  void referenceNetworkWithAveragePoolingAndTvAgreesWithOnnx() {
    Reference ref = Reference.load("case02_custom_layers_tv_avgpool");
    Network net = ref.network();
    try (FeatureExtractor fx = onnx.featureExtractor(net, Pooling.AVERAGE)) {
      compare(net, ref.spec(fx, Pooling.AVERAGE), ref.input("generated"));
    }
  }

  /**
   * A TV-only objective on images with a 1-pixel edge: the axis without pixel pairs adds nothing,
   * in both backends, and both agree with the host's total variation (a 1x1 image has none).
   */
  @Test
  void totalVariationOnOnePixelEdgesMatchesTheHost() {
    Network net = RandomVgg.vgg19(7);
    for (int[] size : new int[][] {{1, 7}, {6, 1}, {1, 1}}) {
      ObjectiveSpec spec = new ObjectiveSpec(List.of(), List.of(), 0, 0, 0.5, Pooling.MAX, size[0], size[1]);
      Tensor x = NetworkGraphTest.gaussian(new SplittableRandom(size[0] * 10 + size[1]), 1.0, 1, 3, size[0], size[1]);
      LossValue host = new SquaredTotalVariation().evaluate(x);
      for (Backend b : List.of(onnx, nd4j)) {
        float[] g = new float[x.size()];
        try (Objective o = b.compile(net, spec).orElseThrow()) {
          LossBreakdown lb = o.evaluate(x.toArray(), g);
          String what = b.name() + " at " + size[0] + "x" + size[1];
          assertThat(lb.totalVariation()).as(what).isCloseTo(host.value(), within(1e-5 * (1 + host.value())));
          float[] expected = host.gradient().toArray();
          for (int i = 0; i < g.length; i++) {
            assertThat(g[i]).as("%s: gradient [%d]", what, i).isCloseTo(0.5f * expected[i], within(1e-5f));
          }
        }
      }
      assertThat(host.value() == 0).isEqualTo(size[0] == 1 && size[1] == 1);
    }
  }

  private void compare(Network net, ObjectiveSpec spec, Tensor x) {
    float[] g1 = new float[x.size()];
    float[] g2 = new float[x.size()];
    LossBreakdown b1;
    LossBreakdown b2;
    try (Objective o = onnx.compile(net, spec).orElseThrow()) {
      b1 = o.evaluate(x.toArray(), g1);
    }
    try (Objective o = nd4j.compile(net, spec).orElseThrow()) {
      b2 = o.evaluate(x.toArray(), g2);
    }
    List<String> checked = new ArrayList<>();
    assertThat(Reference.relativeError(b2.total(), b1.total())).as("total").isLessThan(1e-4);
    assertThat(Reference.relativeError(b2.content(), b1.content())).as("content").isLessThan(1e-4);
    assertThat(Reference.relativeError(b2.style(), b1.style())).as("style").isLessThan(1e-4);
    assertThat(Reference.relativeError(b2.totalVariation(), b1.totalVariation())).as("tv").isLessThan(1e-4);
    assertThat(b2.styleByLayer().keySet()).isEqualTo(b1.styleByLayer().keySet());
    assertThat(b2.contentByLayer().keySet()).isEqualTo(b1.contentByLayer().keySet());
    b1.styleByLayer().forEach((l, v) -> {
      assertThat(Reference.relativeError(b2.styleByLayer().get(l), v)).as("style at %s", l).isLessThan(1e-4);
      checked.add(l);
    });
    assertThat(checked).isNotEmpty();
    assertThat(b1.total()).isPositive();
    assertThat(Reference.relativeError(g2, g1)).as("gradient").isLessThan(1e-4);
  }
}
