package dev.nst.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.LayerWeight;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.StyleLossKind;
import dev.nst.api.Tensor;
import dev.nst.api.spi.TileObjective;
import dev.nst.api.spi.TileSpec;
import dev.nst.core.loss.HostObjective;
import dev.nst.core.loss.Targets;
import dev.nst.core.tile.TileLayout;
import dev.nst.core.tile.TiledObjective;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Exact tiles (DESIGN.md section 10): an image evaluated tile by tile gives the untiled value and
 * gradient, on the backend's compiled tile objective when it offers one ({@code compileTile})
 * and over its level-1 features in any case, with both poolings, content and style terms of each
 * {@link StyleLossKind}, and a guided (masked) style term. The image is sized so that tile borders fall at different phases
 * of the network's stride.
 */
abstract class TiledEvaluationTests extends ConformanceTests {
  private static final int HEIGHT = 47;
  private static final int WIDTH = 58;

  TiledEvaluationTests(BackendUnderTest target) {
    super(target);
  }

  @ParameterizedTest(name = "{0} pooling, {1} style loss, style weight {2}")
  @CsvSource({"MAX, GRAM, 30", "AVERAGE, GRAM, 30", "MAX, W2, 30", "AVERAGE, W2, 30", "MAX, HISTOGRAM, 30",
      "AVERAGE, HISTOGRAM, 30", "MAX, GRAM, 30000", "AVERAGE, GRAM, 30000"})
  @DisplayName("tiles: tiled evaluation equals untiled, compiled tiles and level-1 tiles")
  final void tiledEqualsUntiled(Pooling pooling, StyleLossKind kind, double beta) {
    Network net = TinyNetwork.build(TinyNetwork.SEED);
    FeatureExtractor fx = track(backend().featureExtractor(net, pooling));
    ObjectiveSpec spec = spec(fx, net, pooling, kind, beta);
    TileLayout layout = layout(net, spec);
    float[] x = Numerics.gaussian(new Random(TinyNetwork.SEED + 11), 1.0, 1, TinyNetwork.CHANNELS, HEIGHT, WIDTH)
        .toArray();
    Objective untiled = track(backend().compile(net, spec).orElseGet(() -> HostObjective.classic(fx, spec)));
    float[] expected = new float[x.length];
    var reference = untiled.evaluate(x, expected);

    List<TiledObjective> tiled = new ArrayList<>();
    tiled.add(track(TiledObjective.overFeatures(fx, spec, layout, null)));
    TiledObjective onBackend = track(TiledObjective.on(backend(), fx, spec, layout, null));
    if (onBackend.compiled()) {
      tiled.add(onBackend);
    }
    for (TiledObjective o : tiled) {
      String how = o.compiled() ? "compiled tiles" : "level-1 tiles";
      float[] g = new float[x.length];
      var b = o.evaluate(x, g);
      Checks.assertRelative(b.content(), reference.content(), 1e-5, how + ": content loss");
      // A histogram's node weights summed tile by tile round differently, and the remap passes
      // that through the steep inverse of the target's sparse stretches: 1e-4, the tiling bound.
      Checks.assertRelative(b.style(), reference.style(), kind == StyleLossKind.HISTOGRAM ? 1e-4 : 1e-5,
          how + ": style loss");
      Checks.assertRelative(b.totalVariation(), reference.totalVariation(), 1e-5, how + ": total variation");
      Checks.assertRelative(b.total(), reference.total(), kind == StyleLossKind.HISTOGRAM ? 1e-4 : 1e-5,
          how + ": total");
      Checks.assertRelativeNorm(g, expected, 1e-4, how + ": gradient");
    }
  }

  @Test
  @DisplayName("tiles: a compiled tile objective has the tile's shape and the lifecycle of an objective")
  final void tileObjectiveLifecycle() {
    Network net = TinyNetwork.build(TinyNetwork.SEED);
    TileSpec spec = TileSpec.ofGram(24, 28, Pooling.MAX, List.of("lrelu2"), List.of("relu1"));
    Optional<TileObjective> compiled = backend().compileTile(net, spec);
    if (compiled.isEmpty()) {
      return; // level-1 tiles serve this backend; tiledEqualsUntiled checks them
    }
    TileObjective o = compiled.get();
    assertArrayEquals(new int[] {1, TinyNetwork.CHANNELS, 24, 28}, o.imageShape(), "imageShape()");
    float[] tile = new float[TinyNetwork.CHANNELS * 24 * 28];
    float[][] grams = {new float[16]};
    float[][] masks = {ones(24 * 28)};
    o.statistics(tile, masks, grams);
    o.close();
    o.close();
    assertThrows(IllegalStateException.class, () -> o.statistics(tile, masks, grams), "statistics after close");
  }

  @Test
  @DisplayName("tiles: a tile's own Gram matrices joined to its gradient pass equal a statistics and a gradient pass")
  final void ownStatisticsJoinTheGradientPass() {
    Network net = TinyNetwork.build(TinyNetwork.SEED);
    int h = 24;
    int w = 28;
    List<String> styleLayers = List.of("relu1", "conv3");
    TileSpec spec = TileSpec.ofGram(h, w, Pooling.MAX, List.of("lrelu2"), styleLayers);
    Optional<TileObjective> compiled = backend().compileTile(net, spec);
    if (compiled.isEmpty()) {
      return; // level-1 tiles serve this backend and run the two passes apart
    }
    TileObjective o = compiled.get();
    Random r = new Random(TinyNetwork.SEED + 21);
    float[] tile = Numerics.gaussian(r, TinyNetwork.CHANNELS * h * w, 1.0);
    int[] c = net.shapeOf("lrelu2", h, w);
    float[][] contentTargets = {Numerics.gaussian(r, c[0] * c[1] * c[2], 1.0)};
    float[][] contentMasks = {uniform(r, c[1] * c[2])};
    float[] contentScales = {0.7f};
    float[][] styleMasks = new float[2][];
    float[][] matrices = new float[2][];
    float[][] grams = new float[2][];
    float[][] ownGrams = new float[2][];
    for (int i = 0; i < 2; i++) {
      int[] s = net.shapeOf(styleLayers.get(i), h, w);
      styleMasks[i] = uniform(r, s[1] * s[2]);
      matrices[i] = Numerics.gaussian(r, s[0] * s[0], 0.01);
      grams[i] = new float[s[0] * s[0]];
      ownGrams[i] = new float[s[0] * s[0]];
    }
    float[] selfScales = {0.3f, 1.7f};
    float[][] given = {matrices[0].clone(), matrices[1].clone()};
    try (o) {
      o.statistics(tile, styleMasks, grams);
      float[][] whole = new float[2][];
      for (int i = 0; i < 2; i++) {
        whole[i] = matrices[i].clone();
        for (int k = 0; k < whole[i].length; k++) {
          whole[i][k] += selfScales[i] * grams[i][k];
        }
      }
      float[] expected = new float[tile.length];
      double[] expectedSums = o.gradient(tile, contentTargets, contentMasks, contentScales, styleMasks, whole, expected);
      float[] joined = new float[tile.length];
      double[] sums = o.gradientWithOwnStatistics(tile, contentTargets, contentMasks, contentScales, styleMasks,
          matrices, selfScales, ownGrams, joined);
      for (int i = 0; i < 2; i++) {
        Checks.assertRelativeNorm(ownGrams[i], grams[i], 1e-5, "own Gram matrix of style term " + i);
        assertArrayEquals(given[i], matrices[i], "the caller's matrix " + i + " is read only");
      }
      Checks.assertRelativeNorm(joined, expected, 1e-5, "gradient with the tile's own Gram matrices");
      assertEquals(expectedSums.length, sums.length, "sums");
      Checks.assertRelative(sums[0], expectedSums[0], 1e-6, "content sum");
    }
  }

  private static float[] uniform(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextFloat();
    }
    return v;
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return v;
  }

  /**
   * Content at lrelu2, style of {@code kind} at relu1 (whole image) and conv3 (guided by a ramp),
   * TV; a style weight of 30 balances the terms' gradients, 30000 lets the style terms dominate.
   */
  private static ObjectiveSpec spec(FeatureExtractor fx, Network net, Pooling pooling, StyleLossKind kind,
      double beta) {
    Tensor content = Numerics.gaussian(new Random(TinyNetwork.SEED + 12), 1.0, 1, TinyNetwork.CHANNELS, HEIGHT, WIDTH);
    Tensor style = Numerics.gaussian(new Random(TinyNetwork.SEED + 13), 1.0, 1, TinyNetwork.CHANNELS, 31, 40);
    List<ObjectiveSpec.StyleTarget> styles = new ArrayList<>();
    for (ObjectiveSpec.StyleTarget t : Targets.style(Targets.StyleStatistics.whole(fx), List.of(style),
        new double[] {1}, List.of(new LayerWeight("relu1", 0.5), new LayerWeight("conv3", 0.5)), kind)) {
      int[] s = net.shapeOf(t.layer(), HEIGHT, WIDTH);
      styles.add(t.layer().equals("conv3") ? t.withWeightAndMask(t.weight(), ramp(s[1], s[2])) : t);
    }
    return new ObjectiveSpec(Targets.content(fx, content, List.of(new LayerWeight("lrelu2", 1))), styles,
        2, beta, 0.01, pooling, HEIGHT, WIDTH);
  }

  private static Tensor ramp(int h, int w) {
    float[] m = new float[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        m[y * w + x] = (float) (x + y + 1) / (h + w);
      }
    }
    return Tensor.adopt(m, 1, 1, h, w);
  }

  /** Tiles just above the smallest the layers allow: several along each axis. */
  private static TileLayout layout(Network net, ObjectiveSpec spec) {
    int side = TileLayout.minimumTileSide(net, spec.layers());
    TileLayout layout = TileLayout.plan(net, spec.layers(), HEIGHT, WIDTH, side + 5, side + 9).orElseThrow();
    assertTrue(layout.grid()[0] >= 2 && layout.grid()[1] >= 2, () -> "expected a grid of tiles, got " + layout);
    assertEquals(layout.tileHeight() * layout.tileWidth() * layout.tiles().size() > HEIGHT * WIDTH, true,
        "tiles overlap by their halos");
    return layout;
  }
}
