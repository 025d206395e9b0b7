package dev.nst.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.LossBreakdown;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.StyleLossKind;
import dev.nst.api.spi.MemoryModel;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lean mode ({@link dev.nst.api.spi.Backend#compileLean}): the same objective as the default
 * mode, evaluation after evaluation (a lean mode frees memory sooner, so a buffer freed while
 * still read would show on a later evaluation), and a memory model that promises no more than the
 * default mode's. A backend without a lean mode compiles its default one, which must pass too.
 */
abstract class LeanModeTests extends ConformanceTests {
  private static final Pooling POOLING = Pooling.MAX;

  LeanModeTests(BackendUnderTest target) {
    super(target);
  }

  @ParameterizedTest(name = "{0} style loss")
  @EnumSource(StyleLossKind.class)
  @DisplayName("lean mode: every term and the gradient equal the default mode's, evaluation after evaluation")
  final void leanEqualsDefault(StyleLossKind kind) {
    Network net = TinyNetwork.build(TinyNetwork.SEED);
    FeatureExtractor fx = track(backend().featureExtractor(net, POOLING));
    ObjectiveSpec every = TinySpecs.everyTerm(fx, POOLING);
    // W2 and histogram terms compile through a statistics pass (compileTile), Gram terms do not
    ObjectiveSpec spec = new ObjectiveSpec(every.content(), TinySpecs.style(fx, kind), every.alpha(),
        every.beta(), every.gamma(), POOLING, every.height(), every.width());
    Optional<Objective> fast = backend().compile(net, spec);
    Optional<Objective> lean = backend().compileLean(net, spec);
    assertTrue(fast.isPresent() == lean.isPresent(), "compileLean compiles what compile compiles");
    if (fast.isEmpty()) {
      return; // a backend that never compiles: level 1 serves both modes
    }
    Objective a = track(fast.get());
    Objective b = track(lean.get());
    Random rnd = new Random(TinyNetwork.SEED + 21);
    for (int i = 0; i < 3; i++) {
      float[] x = Numerics.gaussian(rnd, 1.0, 1, TinyNetwork.CHANNELS, TinyNetwork.HEIGHT, TinyNetwork.WIDTH)
          .toArray();
      float[] ga = new float[x.length];
      float[] gb = new float[x.length];
      LossBreakdown expected = a.evaluate(x, ga);
      LossBreakdown actual = b.evaluate(x, gb);
      String at = "evaluation " + (i + 1) + ": ";
      Checks.assertRelative(actual.content(), expected.content(), 1e-6, at + "content loss");
      Checks.assertRelative(actual.style(), expected.style(), 1e-6, at + "style loss");
      Checks.assertRelative(actual.totalVariation(), expected.totalVariation(), 1e-6, at + "total variation");
      Checks.assertRelativeNorm(gb, ga, 1e-6, at + "gradient");
    }
  }

  @Test
  @DisplayName("lean mode: its memory model estimates no more than the default mode's")
  final void leanModelIsLeaner() {
    Optional<MemoryModel> lean = backend().leanMemoryModel();
    if (lean.isEmpty()) {
      return;
    }
    Network net = TinyNetwork.build(TinyNetwork.SEED);
    for (int side : new int[] {TinyNetwork.HEIGHT, 256, 1024}) {
      long l = lean.get().bytes(net, side, side);
      long d = backend().memoryModel().bytes(net, side, side);
      assertTrue(l <= d, () -> "at " + side + " px the lean mode's estimate " + l + " exceeds the default's " + d);
    }
  }
}
