package dev.nst.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nst.api.LayerWeight;
import dev.nst.api.LossBreakdown;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.UnknownLayerException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostObjectiveTest {
  static final int H = 6;
  static final int W = 7;

  final LinearFeatureExtractor fx = new LinearFeatureExtractor(11);
  final Random random = new Random(12);
  final Tensor content = image();
  final Tensor style = Tensor.of(ClassicLossesTest.random(random, 3 * 8 * 5), 1, 3, 8, 5);
  final float[] x = ClassicLossesTest.random(random, 3 * H * W);

  Tensor image() {
    return Tensor.of(ClassicLossesTest.random(random, 3 * H * W), 1, 3, H, W);
  }

  /** content at mix (0.7) and pool (0.3), style at mix (0.6) and pool (1.5): mix serves both. */
  ObjectiveSpec spec(double alpha, double beta, double gamma) {
    List<ObjectiveSpec.ContentTarget> c = Targets.content(fx, content,
        List.of(new LayerWeight("mix", 0.7), new LayerWeight("pool", 0.3)));
    List<ObjectiveSpec.StyleTarget> s = Targets.style(fx, style,
        List.of(new LayerWeight("mix", 0.6), new LayerWeight("pool", 1.5)));
    return new ObjectiveSpec(c, s, alpha, beta, gamma, Pooling.AVERAGE, H, W);
  }

  @Test
  void breakdownCombinesTheTermsWithTheirWeights() {
    ObjectiveSpec spec = spec(2.0, 30.0, 0.01);
    fx.forwards = 0;
    LossBreakdown b;
    try (HostObjective obj = HostObjective.classic(fx, spec)) {
      b = obj.evaluate(x, new float[x.length]);
    }
    var acts = fx.forward(Tensor.of(x, 1, 3, H, W), List.of("mix", "pool"));
    ClassicContentLoss cl = new ClassicContentLoss();
    ClassicStyleLoss sl = new ClassicStyleLoss();
    double cMix = cl.evaluate(acts.get("mix"), spec.content().get(0).activation()).value();
    double cPool = cl.evaluate(acts.get("pool"), spec.content().get(1).activation()).value();
    double sMix = sl.evaluate(acts.get("mix"), spec.style().get(0).meanGram()).value();
    double sPool = sl.evaluate(acts.get("pool"), spec.style().get(1).meanGram()).value();
    double tv = new SquaredTotalVariation().evaluate(Tensor.of(x, 1, 3, H, W)).value();
    assertThat(b.contentByLayer()).containsEntry("mix", cMix).containsEntry("pool", cPool);
    assertThat(b.styleByLayer()).containsEntry("mix", sMix).containsEntry("pool", sPool);
    assertThat(b.content()).isCloseTo(0.7 * cMix + 0.3 * cPool, within(1e-12));
    assertThat(b.style()).isCloseTo(0.6 * sMix + 1.5 * sPool, within(1e-12));
    assertThat(b.totalVariation()).isEqualTo(tv);
    assertThat(b.total()).isCloseTo(2.0 * b.content() + 30.0 * b.style() + 0.01 * tv, within(1e-12));
    assertThat(cMix).isPositive();
    assertThat(sPool).isPositive();
  }

  @Test
  void oneForwardAndOneBackwardPerEvaluation() {
    try (HostObjective obj = HostObjective.classic(fx, spec(1, 1, 1))) {
      fx.forwards = 0;
      fx.backwards = 0;
      obj.evaluate(x, new float[x.length]);
      obj.evaluate(x, new float[x.length]);
      assertThat(fx.forwards).isEqualTo(2);
      assertThat(fx.backwards).isEqualTo(2);
    }
  }

  @Test
  void totalVariationIsReportedWhenGammaIsZeroAndOnlyTvContributesWhenTheOthersAreZero() {
    float[] g = new float[x.length];
    try (HostObjective obj = HostObjective.classic(fx, spec(0, 0, 0.5))) {
      fx.backwards = 0;
      LossBreakdown b = obj.evaluate(x, g);
      assertThat(fx.backwards).as("nothing to pull back").isZero();
      var tv = new SquaredTotalVariation().evaluate(Tensor.of(x, 1, 3, H, W));
      assertThat(b.total()).isCloseTo(0.5 * tv.value(), within(1e-9));
      for (int i = 0; i < g.length; i++) {
        assertThat(g[i]).isCloseTo(0.5f * tv.gradient().get(i), within(1e-6f));
      }
    }
    try (HostObjective obj = HostObjective.classic(fx, spec(1, 1, 0))) {
      LossBreakdown b = obj.evaluate(x, g);
      assertThat(b.totalVariation()).isPositive();
      assertThat(b.total()).isCloseTo(b.content() + b.style(), within(1e-12));
    }
  }

  @Test
  void gradientMatchesCentralDifferences() {
    ObjectiveSpec spec = spec(2.0, 30.0, 0.01);
    try (HostObjective obj = HostObjective.classic(fx, spec)) {
      float[] g = new float[x.length];
      obj.evaluate(x, g);
      Random r = new Random(13);
      List<Double> errors = new ArrayList<>();
      for (int k = 0; k < 6; k++) {
        float[] v = ClassicLossesTest.random(r, x.length);
        double h = 1e-2;
        float[] p = x.clone();
        float[] m = x.clone();
        double analytic = 0;
        for (int i = 0; i < x.length; i++) {
          p[i] += (float) (h * v[i]);
          m[i] -= (float) (h * v[i]);
          analytic += (double) g[i] * v[i];
        }
        double fd = (obj.evaluate(p, new float[x.length]).total() - obj.evaluate(m, new float[x.length]).total())
            / (2 * h);
        errors.add(Math.abs(fd - analytic) / Math.abs(analytic));
      }
      assertThat(errors).allSatisfy(e -> assertThat(e).isLessThan(1e-3));
    }
  }

  @Test
  void validatesItsInputsWithMessagesThatSayWhatIsExpected() {
    ObjectiveSpec good = spec(1, 1, 0);
    ObjectiveSpec unknown = new ObjectiveSpec(List.of(), List.of(new ObjectiveSpec.StyleTarget("relu9_9", 1,
        Tensor.zeros(4, 4))), 1, 1, 0, Pooling.MAX, H, W);
    assertThatThrownBy(() -> HostObjective.classic(fx, unknown)).isInstanceOf(UnknownLayerException.class)
        .hasMessageContaining("relu9_9");
    ObjectiveSpec badContent = new ObjectiveSpec(List.of(new ObjectiveSpec.ContentTarget("mix", 1,
        Tensor.zeros(1, 4, H + 1, W))), List.of(), 1, 1, 0, Pooling.MAX, H, W);
    assertThatThrownBy(() -> HostObjective.classic(fx, badContent)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[1, 4, 6, 7]");
    ObjectiveSpec badGram = new ObjectiveSpec(List.of(), List.of(new ObjectiveSpec.StyleTarget("pool", 1,
        Tensor.zeros(3, 3))), 1, 1, 0, Pooling.MAX, H, W);
    assertThatThrownBy(() -> HostObjective.classic(fx, badGram)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(4, 4)");
    HostObjective obj = HostObjective.classic(fx, good);
    assertThat(obj.imageShape()).containsExactly(1, 3, H, W);
    assertThatThrownBy(() -> obj.evaluate(new float[5], new float[5])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[1, 3, 6, 7]");
    obj.close();
    obj.close();
    assertThat(fx.closed).as("the extractor belongs to the caller").isFalse();
    assertThatThrownBy(() -> obj.evaluate(x, new float[x.length])).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void styleTargetsBlendMeanGramsWithNormalisedWeights() {
    Tensor other = Tensor.of(ClassicLossesTest.random(random, 3 * 4 * 9), 1, 3, 4, 9);
    List<LayerWeight> layers = List.of(new LayerWeight("pool", 2.0));
    List<ObjectiveSpec.StyleTarget> blended = Targets.style(fx, List.of(style, other), new double[] {2, 6}, layers);
    ClassicStyleLoss sl = new ClassicStyleLoss();
    Tensor a = Targets.meanGram(sl, fx.forward(style, List.of("pool")).get("pool"));
    Tensor b = Targets.meanGram(sl, fx.forward(other, List.of("pool")).get("pool"));
    assertThat(blended).hasSize(1);
    assertThat(blended.get(0).layer()).isEqualTo("pool");
    assertThat(blended.get(0).weight()).isEqualTo(2.0);
    for (int i = 0; i < a.size(); i++) {
      assertThat(blended.get(0).meanGram().get(i)).isCloseTo(0.25f * a.get(i) + 0.75f * b.get(i), within(1e-5f));
    }
    assertThatThrownBy(() -> Targets.style(fx, List.of(style), new double[] {0}, layers))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    assertThatThrownBy(() -> Targets.style(fx, List.of(style, other), new double[] {1}, layers))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one weight per image");
  }

  @Test
  void contentTargetsAreTheContentActivations() {
    List<ObjectiveSpec.ContentTarget> t = Targets.content(fx, content, List.of(new LayerWeight("pool", 0.5)));
    assertThat(t).hasSize(1);
    assertThat(t.get(0).weight()).isEqualTo(0.5);
    assertThat(t.get(0).activation()).isEqualTo(fx.forward(content, List.of("pool")).get("pool"));
  }
}
