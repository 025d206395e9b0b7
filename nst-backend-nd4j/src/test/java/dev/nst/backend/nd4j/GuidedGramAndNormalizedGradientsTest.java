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

  @BeforeAll
  void open() {
    backend = new Nd4jBackendProvider().open(BackendOptions.defaults());
    ref = Reference.load("case01_default");
    net = ref.network();
  }

  @AfterAll
  void close() {
    backend.close();
  }

  /** Style targets at relu1_1 and relu3_1: soft random masks on two of them, relu3_1 twice (masked and not). */
  private static List<ObjectiveSpec.StyleTarget> guided(List<ObjectiveSpec.StyleTarget> plain, Network net, int h, int w) {
    SplittableRandom r = new SplittableRandom(17);
    List<ObjectiveSpec.StyleTarget> out = new ArrayList<>();
    for (ObjectiveSpec.StyleTarget t : plain) {
      int[] chw = net.shapeOf(t.layer(), h, w);
      float[] m = new float[chw[1] * chw[2]];
      for (int i = 0; i < m.length; i++) {
        m[i] = (float) r.nextDouble();
      }
      out.add(new ObjectiveSpec.StyleTarget(t.layer(), t.weight(), t.meanGram(), Tensor.of(m, 1, 1, chw[1], chw[2])));
    }
    out.add(plain.get(plain.size() - 1)); // an unguided term at a layer that also has a guided one
    return out;
  }

  private void assertCompiledMatchesHost(ObjectiveSpec spec, FeatureExtractor fx) {
    Tensor x = ref.input("generated");
    float[] compiledGrad = new float[x.size()];
    float[] hostGrad = new float[x.size()];
    LossBreakdown compiled;
    LossBreakdown host;
    try (Objective o = backend.compile(net, spec).orElseThrow(); Objective h = HostObjective.classic(fx, spec)) {
      compiled = o.evaluate(x.toArray(), compiledGrad);
      host = h.evaluate(x.toArray(), hostGrad);
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
    try (FeatureExtractor fx = backend.featureExtractor(net, Pooling.MAX)) {
      Tensor generated = ref.input("generated");
      int h = generated.dim(2);
      int w = generated.dim(3);
      var content = Targets.content(fx, ref.input("content"), List.of(new LayerWeight("relu4_2", 1)));
      var style = Targets.style(fx, ref.input("style"), List.of(new LayerWeight("relu1_1", 0.5), new LayerWeight("relu3_1", 0.5)));
      ObjectiveSpec spec = new ObjectiveSpec(content, guided(style, net, h, w), 10, 40, 1e-3, Pooling.MAX, h, w,
          normalization, false);
      assertCompiledMatchesHost(spec, fx);
    }
  }

  @Test
  void normalisedGradientsMatchTheHostWithAndWithoutMasks() {
    try (FeatureExtractor fx = backend.featureExtractor(net, Pooling.MAX)) {
      Tensor generated = ref.input("generated");
      int h = generated.dim(2);
      int w = generated.dim(3);
      var content = Targets.content(fx, ref.input("content"), List.of(new LayerWeight("relu4_2", 1)));
      var style = Targets.style(fx, ref.input("style"), List.of(new LayerWeight("relu1_1", 0.5), new LayerWeight("relu3_1", 0.5)));
      for (boolean masked : new boolean[] {false, true}) {
        ObjectiveSpec spec = new ObjectiveSpec(content, masked ? guided(style, net, h, w) : style, 10, 40, 0, Pooling.MAX,
            h, w, LossNormalization.CLASSIC, true);
        assertCompiledMatchesHost(spec, fx);
      }
    }
  }

  @Test
  void normalisedGradientsIgnoreTheLossScaling() {
    try (FeatureExtractor fx = backend.featureExtractor(net, Pooling.MAX)) {
      Tensor x = ref.input("generated");
      var content = Targets.content(fx, ref.input("content"), List.of(new LayerWeight("relu4_2", 1)));
      var style = Targets.style(fx, ref.input("style"), List.of(new LayerWeight("relu1_1", 0.5), new LayerWeight("relu3_1", 0.5)));
      float[][] grads = new float[2][x.size()];
      LossNormalization[] normalizations = {LossNormalization.CLASSIC, LossNormalization.GRAM_BY_ELEMENTS};
      for (int k = 0; k < 2; k++) {
        ObjectiveSpec spec = new ObjectiveSpec(content, style, 10, 40, 0, Pooling.MAX, x.dim(2), x.dim(3),
            normalizations[k], true);
        try (Objective o = backend.compile(net, spec).orElseThrow()) {
          o.evaluate(x.toArray(), grads[k]);
        }
      }
      assertThat(Reference.relativeError(grads[0], grads[1])).isLessThan(1e-5);
    }
  }
}
