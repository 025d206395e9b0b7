package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.LossBreakdown;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.core.loss.Targets;
import dev.nst.core.model.format.OnnxModelLoader;
import dev.nst.core.tile.TileLayout;
import dev.nst.core.tile.TiledObjective;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tiled evaluation equals untiled evaluation: on the VGG-19-shaped reference network, at odd
 * sizes whose tile borders fall at different phases of the 16-pixel stride, with both poolings,
 * TV, and masked (guided) style terms.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TiledObjectiveTest {
  private static final List<LayerWeight> CONTENT = List.of(new LayerWeight("relu4_2", 1));
  private static final List<LayerWeight> STYLE = List.of(new LayerWeight("relu1_1", 0.2),
      new LayerWeight("relu2_1", 0.2), new LayerWeight("relu3_1", 0.2), new LayerWeight("relu4_1", 0.2),
      new LayerWeight("relu5_1", 0.2));

  private Backend backend;
  private Network network;

  @BeforeAll
  void open() {
    backend = new OnnxBackendProvider().open(BackendOptions.defaults());
    network = OnnxModelLoader.load(OnnxObjectiveSmokeTest.ref().resolve("case01_default/model.onnx"),
        InputConvention.TORCH);
  }

  @AfterAll
  void close() {
    backend.close();
  }

  @ParameterizedTest(name = "{0}x{1}, tiles up to {2}x{3}, {4} pooling, masks {5}, compiled tiles {6}")
  @CsvSource({
      "257, 301, 200, 230, MAX, false, false",
      "262, 243, 190, 200, AVERAGE, false, false",
      "279, 290, 210, 190, MAX, true, false",
      "300, 211, 250, 199, AVERAGE, true, false",
      "257, 301, 200, 230, MAX, false, true",
      "262, 243, 190, 200, AVERAGE, false, true",
      "279, 290, 210, 190, MAX, true, true",
      "300, 211, 250, 199, AVERAGE, true, true"})
  void tiledEqualsUntiled(int h, int w, int maxTileH, int maxTileW, Pooling pooling, boolean masks,
      boolean compiledTiles) {
    Random rnd = new Random(h * 31L + w);
    Network net = network.truncatedAfter(List.of("relu5_1")).withPooling(pooling);
    try (FeatureExtractor fx = backend.featureExtractor(net, pooling)) {
      Tensor content = noise(rnd, h, w);
      Tensor style = noise(rnd, 190, 230);
      List<ObjectiveSpec.ContentTarget> ct = Targets.content(fx, content, CONTENT);
      List<ObjectiveSpec.StyleTarget> st = Targets.style(fx, style, STYLE);
      if (masks) {
        List<ObjectiveSpec.StyleTarget> guided = new ArrayList<>();
        for (ObjectiveSpec.StyleTarget t : st) {
          int[] s = net.shapeOf(t.layer(), h, w);
          guided.add(new ObjectiveSpec.StyleTarget(t.layer(), t.weight(), t.meanGram(), mask(s[1], s[2])));
        }
        st = guided;
      }
      ObjectiveSpec spec = new ObjectiveSpec(ct, st, 10, 40, 0.01, pooling, h, w);
      TileLayout layout = TileLayout.plan(net, spec.layers(), h, w, maxTileH, maxTileW).orElseThrow();
      assertThat(layout.tiles().size()).isGreaterThanOrEqualTo(2);
      float[] x = noise(rnd, h, w).toArray();
      float[] untiledGradient = new float[x.length];
      float[] tiledGradient = new float[x.length];
      LossBreakdown untiled;
      try (Objective o = backend.compile(net, spec).orElseThrow()) {
        untiled = o.evaluate(x, untiledGradient);
      }
      LossBreakdown tiled;
      try (TiledObjective o = compiledTiles ? TiledObjective.on(backend, fx, spec, layout, null)
          : TiledObjective.overFeatures(fx, spec, layout, null)) {
        assertThat(o.compiled()).isEqualTo(compiledTiles);
        tiled = o.evaluate(x, tiledGradient);
      }
      assertThat(relative(tiled.content(), untiled.content())).isLessThan(1e-5);
      untiled.styleByLayer().forEach((layer, v) ->
          assertThat(relative(tiled.styleByLayer().get(layer), v)).as("style at %s", layer).isLessThan(1e-4));
      // the host sums TV in double, ONNX in float32 (2e-6 apart here)
      assertThat(relative(tiled.totalVariation(), untiled.totalVariation())).isLessThan(1e-5);
      assertThat(relative(tiled.total(), untiled.total())).isLessThan(1e-5);
      assertThat(l2Relative(tiledGradient, untiledGradient)).isLessThan(1e-4);
    }
  }

  private static Tensor noise(Random rnd, int h, int w) {
    float[] v = new float[3 * h * w];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return Tensor.adopt(v, 1, 3, h, w);
  }

  /** A soft diagonal ramp: every tile sees a different part of it. */
  private static Tensor mask(int h, int w) {
    float[] m = new float[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        m[y * w + x] = (float) ((double) (x + y) / (h + w));
      }
    }
    return Tensor.adopt(m, 1, 1, h, w);
  }

  static double relative(double a, double b) {
    return Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);
  }

  static double l2Relative(float[] a, float[] b) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      num += (double) (a[i] - b[i]) * (a[i] - b[i]);
      den += (double) b[i] * b[i];
    }
    return Math.sqrt(num / den);
  }
}
