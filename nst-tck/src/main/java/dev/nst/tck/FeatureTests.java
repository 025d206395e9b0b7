package dev.nst.tck;

import static dev.nst.tck.Checks.assertClose;
import static dev.nst.tck.Checks.assertRelative;
import static dev.nst.tck.Checks.assertRelativeNorm;
import static dev.nst.tck.Checks.evaluate;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Sets;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.LossBreakdown;
import dev.nst.api.LossNormalization;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.core.loss.HostObjective;
import dev.nst.core.spi.ObjectiveFeature;
import dev.nst.tck.Checks.Evaluation;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The declared features ({@link BackendConformanceSuite#features()}), one spec per
 * {@link ObjectiveFeature} on {@link TinyNetwork}. For a declared feature the compiled
 * objective (level 2) must exist and agree with the host objective over the backend's own
 * extractor (level 1); for an undeclared one {@code compile} must return empty, so that a run
 * falls back to level 1, which is checked for every feature too.
 */
abstract class FeatureTests extends ConformanceTests {
  private static final long SEED = TinyNetwork.SEED;
  private static final Pooling POOLING = Pooling.MAX;
  /** Level 2 against level 1 on the same extractor: float32 losses summed in another order. */
  private static final double LOSS_TOLERANCE = 1e-5;
  private static final double GRADIENT_TOLERANCE = 1e-4;
  /**
   * Normalised gradients under two loss normalisations. They differ only through the 1e-8
   * added to each L1 norm, which the tiny network's small style gradients make visible.
   */
  private static final double NORMALIZED_TOLERANCE = 1e-3;

  FeatureTests(BackendUnderTest target) {
    super(target);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ObjectiveFeature.class)
  @DisplayName("level 2: a declared feature compiles and agrees with level 1; an undeclared one compiles to empty")
  final void compileHonoursTheDeclaredFeatures(ObjectiveFeature feature) {
    Network net = TinyNetwork.build(SEED);
    String backend = target().label();
    Set<ObjectiveFeature> declared = target().declared();
    try (FeatureExtractor fx = backend().featureExtractor(net, POOLING)) {
      ObjectiveSpec spec = TinySpecs.exercising(feature, fx, POOLING);
      if (!declared.contains(feature)) {
        Optional<Objective> o = backend().compile(net, spec);
        o.ifPresent(Objective::close);
        assertTrue(o.isEmpty(), () -> SpecFeatures.compiledUndeclared(backend, Set.of(feature)));
        return;
      }
      Set<ObjectiveFeature> needed = SpecFeatures.required(spec);
      Set<ObjectiveFeature> missing = ImmutableSet.copyOf(Sets.difference(needed, declared));
      assertTrue(missing.isEmpty(), () -> backend + " declares " + feature + " but not " + missing
          + ", which a spec exercising it needs too; declare them as well");
      Optional<Objective> o = backend().compile(net, spec);
      assertTrue(o.isPresent(), () -> SpecFeatures.declaredButEmpty(backend, needed));
      try (Objective compiled = o.get(); Objective host = HostObjective.classic(fx, spec)) {
        Tensor x = TinyNetwork.image(SEED + 1);
        Evaluation level2 = evaluate(compiled, x);
        Evaluation level1 = evaluate(host, x);
        LossBreakdown b2 = level2.losses();
        LossBreakdown b1 = level1.losses();
        String what = feature + ": level 2 ";
        assertClose(b2.total(), b1.total(), LOSS_TOLERANCE, what + "total vs level 1");
        assertClose(b2.content(), b1.content(), LOSS_TOLERANCE, what + "content vs level 1");
        assertClose(b2.style(), b1.style(), LOSS_TOLERANCE, what + "style vs level 1");
        assertClose(b2.totalVariation(), b1.totalVariation(), LOSS_TOLERANCE, what + "total variation vs level 1");
        assertRelativeNorm(level2.gradient(), level1.gradient(), GRADIENT_TOLERANCE, what + "gradient vs level 1");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ObjectiveFeature.class)
  @DisplayName("level 1: the host objective over the backend's extractor (the fallback) handles the feature")
  final void hostObjectiveHandlesTheFeature(ObjectiveFeature feature) {
    Network net = TinyNetwork.build(SEED);
    try (FeatureExtractor fx = backend().featureExtractor(net, POOLING)) {
      ObjectiveSpec spec = TinySpecs.exercising(feature, fx, POOLING);
      if (feature == ObjectiveFeature.NORMALIZED_GRADIENTS) {
        checkNormalizedGradients(fx, spec);
        return;
      }
      try (Objective host = HostObjective.classic(fx, spec)) {
        float[] x = TinyNetwork.image(SEED + 1).toArray();
        float[] g = new float[x.length];
        LossBreakdown b = host.evaluate(x.clone(), g);
        double exercised = switch (feature) {
          case CONTENT -> b.content();
          case GRAM_STYLE, STYLE_MASKS, W2_STYLE, HISTOGRAM_STYLE -> b.style();
          default -> b.totalVariation();
        };
        assertTrue(exercised > 0, () -> feature + ": the term the spec exercises should be positive: " + b);
        assertRelative(b.total(), spec.alpha() * b.content() + spec.beta() * b.style()
            + spec.gamma() * b.totalVariation(), 1e-9, feature + ": total = alpha content + beta style + gamma tv");
        if (feature == ObjectiveFeature.HISTOGRAM_STYLE) {
          assertDescends(host, x, g); // the remap is held constant: no derivative of the loss
          return;
        }
        CentralDifferences.assertMatches(feature + " objective gradient",
            p -> host.evaluate(p, new float[p.length]).total(), x, g);
      }
    }
  }

  /**
   * The histogram loss holds its remap constant, so its gradient is no derivative of the loss and
   * central differences cannot check it; it must still be a descent direction: a small step
   * against it lowers the loss.
   */
  private static void assertDescends(Objective host, float[] x, float[] g) {
    double before = host.evaluate(x.clone(), new float[x.length]).total();
    double norm = Numerics.norm(g);
    float[] step = x.clone();
    double size = 1e-3 / norm;
    for (int i = 0; i < step.length; i++) {
      step[i] -= (float) (size * g[i]);
    }
    double after = host.evaluate(step, new float[x.length]).total();
    double predicted = size * norm * norm;
    // the remap moves with the step, so the loss falls by less than the quadratic with a fixed remap predicts
    assertTrue(before - after > 0.1 * predicted, () -> String.format(Locale.ROOT, "a step of 1e-3 against the "
        + "histogram gradient should lower the loss by at least a tenth of %.3g, it went from %.6g to %.6g", predicted,
        before, after));
  }

  /**
   * Normalised gradients are no derivative of the loss, so central differences cannot check
   * them. What defines them: the loss is unchanged, the gradient changes, and since each term's
   * gradient is divided by its own L1 norm, constant factors of the loss normalisation cancel.
   */
  private static void checkNormalizedGradients(FeatureExtractor fx, ObjectiveSpec spec) {
    Tensor x = TinyNetwork.image(SEED + 1);
    Evaluation normalized = hostEvaluation(fx, spec, x);
    Evaluation raw = hostEvaluation(fx, with(spec, spec.normalization(), false), x);
    Evaluation rescaled = hostEvaluation(fx, with(spec, LossNormalization.GRAM_BY_ELEMENTS, true), x);
    Evaluation rescaledRaw = hostEvaluation(fx, with(spec, LossNormalization.GRAM_BY_ELEMENTS, false), x);
    assertRelative(normalized.losses().total(), raw.losses().total(), 1e-12,
        "normalising gradients leaves the loss unchanged");
    double changed = Numerics.relNorm(normalized.gradient(), raw.gradient());
    assertTrue(changed > 0.1, () -> String.format(Locale.ROOT,
        "normalising should change the gradient, but it moved by %.3g (relative L2)", changed));
    double rawScaling = Numerics.relNorm(rescaledRaw.gradient(), raw.gradient());
    assertTrue(rawScaling > 0.1, () -> String.format(Locale.ROOT,
        "the raw gradient should depend on the loss normalisation, but it moved by %.3g (relative L2)", rawScaling));
    assertRelativeNorm(rescaled.gradient(), normalized.gradient(), NORMALIZED_TOLERANCE,
        "normalised gradient under GRAM_BY_ELEMENTS vs CLASSIC (constant factors should cancel)");
  }

  private static Evaluation hostEvaluation(FeatureExtractor fx, ObjectiveSpec spec, Tensor x) {
    try (Objective host = HostObjective.classic(fx, spec)) {
      return evaluate(host, x);
    }
  }

  private static ObjectiveSpec with(ObjectiveSpec s, LossNormalization normalization, boolean normalizeGradients) {
    return new ObjectiveSpec(s.content(), s.style(), s.alpha(), s.beta(), s.gamma(), s.pooling(), s.height(),
        s.width(), normalization, normalizeGradients);
  }
}
