package dev.nst.tck;

import static dev.nst.tck.Checks.assertRelative;
import static dev.nst.tck.Checks.assertRelativeNorm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.LossBreakdown;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.core.loss.HostObjective;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Gradients of {@link TinyNetwork}, which uses every layer kind, against central differences,
 * for both pooling kinds: the feature extractor's backward and the host objective (level 1),
 * and the compiled objective (level 2), which must also agree with level 1.
 */
abstract class GradientTests extends ConformanceTests {
  private static final long SEED = TinyNetwork.SEED;
  /** Layers whose gradients the level-1 check injects: after ReLU, after a pool, the output. */
  private static final List<String> INJECTED_LAYERS = List.of("relu1", "pool1", "lrelu2", "conv3");
  /** Level 2 against level 1: both float32, same arithmetic up to the order of summation. */
  private static final double LEVEL_TOLERANCE = 1e-4;

  GradientTests(BackendUnderTest target) {
    super(target);
  }

  @ParameterizedTest(name = "{0} pooling")
  @EnumSource(Pooling.class)
  @DisplayName("level 1: backward of the tiny network vs central differences")
  final void level1BackwardMatchesCentralDifferences(Pooling pooling) {
    Network net = TinyNetwork.build(SEED);
    try (FeatureExtractor fx = backend().featureExtractor(net, pooling)) {
      Tensor x = TinyNetwork.image(SEED + 1);
      Map<String, Tensor> acts = fx.forward(x, INJECTED_LAYERS);
      List<int[]> shapes = net.shapes(TinyNetwork.HEIGHT, TinyNetwork.WIDTH);
      Random r = new Random(SEED + 2);
      Map<String, Tensor> weights = new LinkedHashMap<>();
      for (String layer : INJECTED_LAYERS) {
        int[] chw = shapes.get(net.indexOf(layer));
        assertArrayEquals(new int[] {1, chw[0], chw[1], chw[2]}, acts.get(layer).shape(), "shape of " + layer);
        weights.put(layer, Numerics.gaussian(r, 1.0, 1, chw[0], chw[1], chw[2]));
      }
      Tensor grad = fx.backward(x, weights);
      assertArrayEquals(x.shape(), grad.shape(), "shape of the backward result");
      ToDoubleFunction<float[]> phi = p -> {
        Map<String, Tensor> a = fx.forward(Tensor.of(p, x.shape()), INJECTED_LAYERS);
        double s = 0;
        for (String layer : INJECTED_LAYERS) {
          Tensor w = weights.get(layer);
          Tensor al = a.get(layer);
          for (int i = 0; i < w.size(); i++) {
            s += (double) w.get(i) * al.get(i);
          }
        }
        return s;
      };
      CentralDifferences.assertMatches("backward", phi, x.toArray(), grad.toArray());
    }
  }

  @ParameterizedTest(name = "{0} pooling")
  @EnumSource(Pooling.class)
  @DisplayName("level 1: HostObjective gradient on the tiny network vs central differences")
  final void level1ObjectiveMatchesCentralDifferences(Pooling pooling) {
    Network net = TinyNetwork.build(SEED);
    try (FeatureExtractor fx = backend().featureExtractor(net, pooling);
        Objective o = HostObjective.classic(fx, TinySpecs.everyTerm(fx, pooling))) {
      checkObjective(o);
    }
  }

  @ParameterizedTest(name = "{0} pooling")
  @EnumSource(Pooling.class)
  @DisplayName("level 2: compiled objective on the tiny network vs central differences and level 1")
  final void level2ObjectiveMatchesCentralDifferencesAndLevel1(Pooling pooling) {
    Network net = TinyNetwork.build(SEED);
    try (FeatureExtractor fx = backend().featureExtractor(net, pooling)) {
      ObjectiveSpec spec = TinySpecs.everyTerm(fx, pooling);
      try (Objective o = compiled(net, spec); Objective host = HostObjective.classic(fx, spec)) {
        checkObjective(o);
        float[] x = TinyNetwork.image(SEED + 1).toArray();
        float[] g2 = new float[x.length];
        float[] g1 = new float[x.length];
        LossBreakdown b2 = o.evaluate(x.clone(), g2);
        LossBreakdown b1 = host.evaluate(x.clone(), g1);
        assertRelative(b2.total(), b1.total(), LEVEL_TOLERANCE, "level 2 total vs level 1");
        assertRelative(b2.content(), b1.content(), LEVEL_TOLERANCE, "level 2 content vs level 1");
        assertRelative(b2.style(), b1.style(), LEVEL_TOLERANCE, "level 2 style vs level 1");
        assertRelative(b2.totalVariation(), b1.totalVariation(), LEVEL_TOLERANCE, "level 2 total variation vs level 1");
        assertRelativeNorm(g2, g1, LEVEL_TOLERANCE, "level 2 gradient vs level 1");
      }
    }
  }

  private static void checkObjective(Objective o) {
    assertArrayEquals(TinyNetwork.imageShape(), o.imageShape(), "imageShape()");
    float[] x = TinyNetwork.image(SEED + 1).toArray();
    float[] g = new float[x.length];
    LossBreakdown b = o.evaluate(x.clone(), g);
    assertTrue(b.content() > 0 && b.style() > 0 && b.totalVariation() > 0, () -> "every term should be positive: " + b);
    assertRelative(b.total(), TinySpecs.ALPHA * b.content() + TinySpecs.BETA * b.style()
        + TinySpecs.GAMMA * b.totalVariation(), 1e-9, "total = alpha content + beta style + gamma tv");
    CentralDifferences.assertMatches("objective gradient", p -> o.evaluate(p, new float[p.length]).total(), x, g);
  }
}
