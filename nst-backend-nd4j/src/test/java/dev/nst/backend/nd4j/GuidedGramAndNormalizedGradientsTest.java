package dev.nst.backend.nd4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.LayerWeight;
import dev.nst.api.LossBreakdown;
import dev.nst.api.LossNormalization;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.core.loss.HostObjective;
import dev.nst.core.loss.Targets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Guided Gram matrices (style masks) and jcjohnson's normalised gradients compile on ND4J and
 * compute what the host objective computes over this backend's own feature extractor: every
 * loss within 1e-5 relative, the gradient within 1e-4 relative L2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuidedGramAndNormalizedGradientsTest {
  private Backend backend;
  private Reference ref;
  private Network net;
  private FeatureExtractor fx;
  private Tensor generated;
  private List<ObjectiveSpec.ContentTarget> content;
  private List<ObjectiveSpec.StyleTarget> style;

  @BeforeAll
  void open() {
    backend = new Nd4jBackendProvider().open(BackendOptions.defaults());
    ref = Reference.load("case01_default");
    net = ref.network();
    fx = backend.featureExtractor(net, Pooling.MAX);
    generated = ref.input("generated");
    content = Targets.content(fx, ref.input("content"), List.of(new LayerWeight("relu4_2", 1)));
    style = Targets.style(fx, ref.input("style"), List.of(new LayerWeight("relu1_1", 0.5), new LayerWeight("relu3_1", 0.5)));
  }

  @AfterAll
  void close() {
    fx.close();
    backend.close();
  }

  private ObjectiveSpec spec(List<ObjectiveSpec.StyleTarget> styles, double gamma, LossNormalization normalization,
      boolean normalizeGradients) {
    return new ObjectiveSpec(content, styles, 10, 40, gamma, Pooling.MAX, generated.dim(2), generated.dim(3),
        normalization, normalizeGradients);
  }

  /** The style targets with soft random masks, plus relu3_1 again unguided (two terms at one layer). */
  private List<ObjectiveSpec.StyleTarget> guided() {
    SplittableRandom r = new SplittableRandom(17);
    List<ObjectiveSpec.StyleTarget> out = new ArrayList<>();
    for (ObjectiveSpec.StyleTarget t : style) {
      int[] chw = net.shapeOf(t.layer(), generated.dim(2), generated.dim(3));
      float[] m = new float[chw[1] * chw[2]];
      for (int i = 0; i < m.length; i++) {
        m[i] = (float) r.nextDouble();
      }
      out.add(new ObjectiveSpec.StyleTarget(t.layer(), t.weight(), t.meanGram(), Tensor.of(m, 1, 1, chw[1], chw[2])));
    }
    out.add(style.get(style.size() - 1));
    return out;
  }

  private void assertCompiledMatchesHost(ObjectiveSpec spec) {
    float[] compiledGrad = new float[generated.size()];
    float[] hostGrad = new float[generated.size()];
    LossBreakdown compiled;
    LossBreakdown host;
    try (Objective o = backend.compile(net, spec).orElseThrow(); Objective h = HostObjective.classic(fx, spec)) {
      compiled = o.evaluate(generated.toArray(), compiledGrad);
      host = h.evaluate(generated.toArray(), hostGrad);
    }
    assertThat(Reference.relativeError(compiled.total(), host.total())).as("total").isLessThan(1e-5);
    assertThat(Reference.relativeError(compiled.content(), host.content())).as("content").isLessThan(1e-5);
    assertThat(Reference.relativeError(compiled.style(), host.style())).as("style").isLessThan(1e-5);
    assertThat(Reference.relativeError(compiled.totalVariation(), host.totalVariation())).as("tv").isLessThan(1e-5);
    host.styleByLayer().forEach((l, v) ->
        assertThat(Reference.relativeError(compiled.styleByLayer().get(l), v)).as("style at %s", l).isLessThan(1e-5));
    assertThat(Reference.relativeError(compiledGrad, hostGrad)).as("gradient").isLessThan(1e-4);
  }

  @ParameterizedTest
  @EnumSource(LossNormalization.class)
  void guidedGramsMatchTheHost(LossNormalization normalization) {
    assertCompiledMatchesHost(spec(guided(), 1e-3, normalization, false));
  }

  @Test
  void normalisedGradientsMatchTheHostWithAndWithoutMasks() {
    assertCompiledMatchesHost(spec(style, 0, LossNormalization.CLASSIC, true));
    assertCompiledMatchesHost(spec(guided(), 0, LossNormalization.CLASSIC, true));
  }

  @Test
  void normalisedGradientsIgnoreTheLossScaling() {
    float[][] grads = new float[2][generated.size()];
    LossNormalization[] normalizations = {LossNormalization.CLASSIC, LossNormalization.GRAM_BY_ELEMENTS};
    for (int k = 0; k < 2; k++) {
      try (Objective o = backend.compile(net, spec(style, 0, normalizations[k], true)).orElseThrow()) {
        o.evaluate(generated.toArray(), grads[k]);
      }
    }
    assertThat(Reference.relativeError(grads[0], grads[1])).isLessThan(1e-5);
    float[] raw = new float[generated.size()];
    try (Objective o = backend.compile(net, spec(style, 0, LossNormalization.CLASSIC, false)).orElseThrow()) {
      o.evaluate(generated.toArray(), raw);
    }
    assertThat(Reference.relativeError(grads[0], raw)).as("normalising changes the gradient").isGreaterThan(0.1);
  }
}
