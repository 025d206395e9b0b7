package dev.nst.tck;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.LossBreakdown;
import dev.nst.api.LossNormalization;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.TileObjective;
import dev.nst.api.spi.TileSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/**
 * Loss values of large reductions. A 512x512 image goes through a 1x1 convolution to 8 channels
 * and a ReLU ({@value #FULL}, 262,144 positions), two 2x2 max pools, a 1x1 convolution to 256
 * channels and a ReLU ({@value #LAYER}, 128x128): a content term over 4.2M values, a style term
 * over the 65,536 entries of a 256x256 Gram, a Gram over 262,144 positions (which a backend may
 * sum in blocks) and a total variation over 1.6M pixel pairs, sizes at which one float32
 * accumulator loses 1e-5..1e-4 of a sum. Every value the backend reports (compiled objective,
 * and tile objective when it has one) must agree with float64 sums over the backend's own
 * float32 activations within {@value #TOLERANCE}: the difference is the error of the backend's
 * reductions alone, since the inputs of those reductions are the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one set of activations and float64 sums for all tests
abstract class LossPrecisionTests extends ConformanceTests {
  /** Relative error allowed; float64 sums of float32 rows stay near 1e-7. */
  static final double TOLERANCE = 2e-6;
  private static final int SIZE = 512;
  private static final String FULL = "full";
  private static final String LAYER = "act";
  private static final List<String> STYLE = List.of(FULL, LAYER);
  /** Channels and side of {@link #FULL} and {@link #LAYER}. */
  private static final int[] CHANNELS = {8, 256};
  private static final int[] SIDE = {SIZE, SIZE / 4};

  private final Lazy<Exact> exact = new Lazy<>(Exact::new);

  LossPrecisionTests(BackendUnderTest target) {
    super(target);
  }

  private static Layer.Convolution conv(String name, SplittableRandom r, int out, int in) {
    float[] w = new float[out * in];
    float[] b = new float[out];
    double bound = Math.sqrt(6.0 / in);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextDouble(-bound, bound);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) r.nextDouble(-0.1, 0.1);
    }
    return new Layer.Convolution(name, Tensor.adopt(w, out, in, 1, 1), Tensor.adopt(b, out), 1, Padding.same(0));
  }

  static Network network() {
    SplittableRandom r = new SplittableRandom(31);
    return new Network("two-convs", InputConvention.TORCH, 3, List.of(
        conv("conv1", r, CHANNELS[0], 3), new Layer.Relu(FULL),
        new Layer.Pool("pool1", Pooling.MAX, 2, 2, Padding.NONE), new Layer.Pool("pool2", Pooling.MAX, 2, 2, Padding.NONE),
        conv("conv2", r, CHANNELS[1], CHANNELS[0]), new Layer.Relu(LAYER)));
  }

  static Tensor image(long seed, double scale) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[3 * SIZE * SIZE];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextDouble(-1, 1) * scale);
    }
    return Tensor.adopt(v, 1, 3, SIZE, SIZE);
  }

  private static int positions(int layer) {
    return SIDE[layer] * SIDE[layer];
  }

  /** The activations, targets and float64 loss values the backend's numbers are held to. */
  private final class Exact {
    final Network net = network();
    final Tensor generated = image(1, 1);
    /** The generated image's activations at {@link #FULL} and {@link #LAYER}. */
    final float[][] act = new float[2][];
    final float[] contentTarget;
    final float[][] meanGram = new float[2][];
    final double[][] gram = new double[2][];
    final double content;
    final double[] style = new double[2];
    final double tv;

    Exact() {
      try (FeatureExtractor fx = backend().featureExtractor(net, Pooling.MAX)) {
        Map<String, Tensor> g = fx.forward(generated, STYLE);
        contentTarget = fx.forward(image(2, 1), List.of(LAYER)).get(LAYER).toArray();
        // a style 10% brighter: its Gram differs from the generated one by ~20%, as in a run
        Map<String, Tensor> s = fx.forward(image(3, 1.1), STYLE);
        for (int l = 0; l < 2; l++) {
          act[l] = g.get(STYLE.get(l)).toArray();
          double[] sg = ExactSums.gram(s.get(STYLE.get(l)).toArray(), CHANNELS[l], positions(l));
          meanGram[l] = new float[sg.length];
          for (int i = 0; i < sg.length; i++) {
            meanGram[l][i] = (float) (sg[i] / positions(l));
          }
        }
      }
      LossNormalization n = LossNormalization.CLASSIC;
      content = n.contentFactor(CHANNELS[1], SIDE[1], SIDE[1]) * ExactSums.sumSquaredDifferences(act[1], contentTarget);
      for (int l = 0; l < 2; l++) {
        gram[l] = ExactSums.gram(act[l], CHANNELS[l], positions(l));
        float hw = positions(l);
        double sum = 0;
        for (int i = 0; i < gram[l].length; i++) {
          double d = gram[l][i] - meanGram[l][i] * hw; // the target as the plan rescales it, in float
          sum += d * d;
        }
        style[l] = n.styleFactor(CHANNELS[l], SIDE[l], SIDE[l]) * sum;
      }
      tv = ExactSums.totalVariation(generated.toArray(), 3, SIZE, SIZE);
    }

    ObjectiveSpec spec(double alpha, double beta, double gamma, boolean normalizeGradients) {
      return new ObjectiveSpec(
          List.of(new ObjectiveSpec.ContentTarget(LAYER, 1, Tensor.adopt(contentTarget, 1, CHANNELS[1], SIDE[1], SIDE[1]))),
          List.of(new ObjectiveSpec.StyleTarget(FULL, 1, Tensor.adopt(meanGram[0], CHANNELS[0], CHANNELS[0])),
              new ObjectiveSpec.StyleTarget(LAYER, 1, Tensor.adopt(meanGram[1], CHANNELS[1], CHANNELS[1]))),
          alpha, beta, gamma, Pooling.MAX, SIZE, SIZE, LossNormalization.CLASSIC, normalizeGradients);
    }
  }

  @Test
  @DisplayName("compiled objective: content (4.2M values), style (Grams of 262,144 positions and of 256x256) and TV "
      + "(512x512) within 2e-6 of float64")
  final void compiledLossValuesAreExact() {
    Exact e = exact.get();
    float[] g = new float[e.generated.size()];
    LossBreakdown b;
    try (Objective o = compiled(e.net, e.spec(1, 1, 1, false))) {
      b = o.evaluate(e.generated.toArray(), g);
    }
    LossBreakdown reported = b;
    assertAll("loss values vs float64",
        () -> assertClose(reported.contentByLayer().get(LAYER), e.content, "content loss over 4.2M values"),
        () -> assertClose(reported.styleByLayer().get(FULL), e.style[0], "style loss of a Gram over 262,144 positions"),
        () -> assertClose(reported.styleByLayer().get(LAYER), e.style[1], "style loss over a 256x256 Gram"),
        () -> assertClose(reported.totalVariation(), e.tv, "total variation over 1.6M pixel pairs"));
  }

  @Test
  @DisplayName("compiled objective: the L1 norm of normalised gradients within 2e-6 of float64")
  final void normalisedGradientScaleIsExact() {
    Exact e = exact.get();
    // content term alone: its layer gradient is 2 kc (a - t), normalised by its L1 norm, so the
    // image gradients with and without normalisation differ by exactly that norm
    double kc = LossNormalization.CLASSIC.contentFactor(CHANNELS[1], SIDE[1], SIDE[1]);
    double l1 = 0;
    for (int i = 0; i < e.act[1].length; i++) {
      l1 += Math.abs(2 * kc * ((double) e.act[1][i] - e.contentTarget[i]));
    }
    float[] plain = new float[e.generated.size()];
    float[] normalized = new float[e.generated.size()];
    try (Objective p = compiled(e.net, e.spec(1, 0, 0, false)); Objective n = compiled(e.net, e.spec(1, 0, 0, true))) {
      p.evaluate(e.generated.toArray(), plain);
      n.evaluate(e.generated.toArray(), normalized);
    }
    double scale = ExactSums.dot(normalized, plain) / ExactSums.dot(plain, plain);
    assertClose(scale, 1 / (l1 + 1e-8), "1 / L1 norm of the content term's layer gradient (4.2M values)");
  }

  @Test
  @DisplayName("tile objective: content sum (4.2M values) and Grams (262,144 and 16,384 positions) within 2e-6 of float64")
  final void tileSumsAreExact() {
    Exact e = exact.get();
    Optional<TileObjective> t = backend().compileTile(e.net,
        TileSpec.ofGram(SIZE, SIZE, Pooling.MAX, List.of(LAYER), STYLE));
    Assumptions.assumeTrue(t.isPresent(), "the backend has no tile objective");
    try (TileObjective o = t.get()) {
      float[][] masks = {ones(positions(0)), ones(positions(1))};
      float[][] grams = {new float[CHANNELS[0] * CHANNELS[0]], new float[CHANNELS[1] * CHANNELS[1]]};
      o.statistics(e.generated.toArray(), masks, grams);
      List<Executable> checks = new ArrayList<>();
      for (int l = 0; l < 2; l++) {
        int layer = l;
        checks.add(() -> {
          double err = Numerics.relNorm(grams[layer], e.gram[layer]);
          assertTrue(err <= TOLERANCE, () -> String.format(Locale.ROOT, "Gram at %s over %d positions: relative L2 "
              + "error %.3g exceeds %.3g", STYLE.get(layer), positions(layer), err, TOLERANCE));
        });
      }
      float[] g = new float[e.generated.size()];
      float[][] matrices = {new float[grams[0].length], new float[grams[1].length]};
      double[] sums = o.gradient(e.generated.toArray(), new float[][] {e.contentTarget}, new float[][] {masks[1]},
          new float[] {1f}, masks, matrices, g);
      checks.add(() -> assertClose(sums[0], ExactSums.sumSquaredDifferences(e.act[1], e.contentTarget),
          "tile content sum over 4.2M values"));
      assertAll("tile objective vs float64", checks);
    }
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    Arrays.fill(v, 1f);
    return v;
  }

  private static void assertClose(double actual, double exact, String what) {
    double err = Math.abs(actual - exact) / Math.abs(exact);
    assertTrue(err <= TOLERANCE, () -> String.format(Locale.ROOT,
        "%s: got %.10g, float64 %.10g, relative error %.3g exceeds %.3g", what, actual, exact, err, TOLERANCE));
  }
}
