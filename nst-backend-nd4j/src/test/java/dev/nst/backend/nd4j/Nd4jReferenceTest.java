package dev.nst.backend.nd4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.LayerWeight;
import dev.nst.api.LossBreakdown;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.core.loss.ClassicStyleLoss;
import dev.nst.core.loss.HostObjective;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both levels against the PyTorch float64 references, with the tolerances of the reference
 * README: activations and Grams 2e-5, every loss term and the gradient 1e-4 (relative). Targets
 * come from this backend's own forward pass, as in a real run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Nd4jReferenceTest {
  private Backend backend;

  @BeforeAll
  void open() {
    backend = new Nd4jBackendProvider().open(BackendOptions.defaults());
  }

  @AfterAll
  void close() {
    backend.close();
  }

  static Stream<Arguments> variants() {
    return Stream.of(
        Arguments.of("case01_default", Pooling.MAX),
        Arguments.of("case02_custom_layers_tv_avgpool", Pooling.MAX),
        Arguments.of("case02_custom_layers_tv_avgpool", Pooling.AVERAGE));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("variants")
  void activationsAndGramsMatch(String name, Pooling pooling) {
    Reference ref = Reference.load(name);
    String suffix = Reference.suffix(pooling);
    Network net = ref.network();
    List<String> layers = new ArrayList<>();
    for (String l : net.layerNames()) {
      if (ref.has("act_" + l + suffix + ".npy")) {
        layers.add(l);
      }
    }
    assertThat(layers).contains("pool5", ref.contentLayer());
    try (FeatureExtractor fx = backend.featureExtractor(net, pooling)) {
      Map<String, Tensor> acts = fx.forward(ref.input("generated"), layers);
      for (String l : layers) {
        assertThat(Reference.relativeError(acts.get(l).toArray(), ref.doubles("act_" + l + suffix + ".npy")))
            .as("activation %s", l).isLessThan(2e-5);
      }
      for (LayerWeight s : ref.styleLayers()) {
        Tensor gram = new ClassicStyleLoss().gram(acts.get(s.layer()));
        assertThat(Reference.relativeError(gram.toArray(), ref.doubles("gram_gen_" + s.layer() + suffix + ".npy")))
            .as("Gram of the generated image at %s", s.layer()).isLessThan(2e-5);
      }
      Tensor content = fx.forward(ref.input("content"), List.of(ref.contentLayer())).get(ref.contentLayer());
      assertThat(Reference.relativeError(content.toArray(),
          ref.doubles("content_act_" + ref.contentLayer() + suffix + ".npy"))).isLessThan(2e-5);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("variants")
  void compiledObjectiveMatchesLossesAndGradient(String name, Pooling pooling) {
    Reference ref = Reference.load(name);
    Network net = ref.network();
    try (FeatureExtractor fx = backend.featureExtractor(net, pooling)) {
      ObjectiveSpec spec = ref.spec(fx, pooling);
      try (Objective o = backend.compile(net, spec).orElseThrow()) {
        assertThat(o.imageShape()).containsExactly(ref.input("generated").shape());
        check(ref, pooling, o);
        check(ref, pooling, o); // a second evaluation of the same graph gives the same answer
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("variants")
  void hostObjectiveOverFeatureExtractorMatches(String name, Pooling pooling) {
    Reference ref = Reference.load(name);
    try (FeatureExtractor fx = backend.featureExtractor(ref.network(), pooling)) {
      check(ref, pooling, HostObjective.classic(fx, ref.spec(fx, pooling)));
    }
  }

  /** Each term's own gradient (alpha, beta or gamma alone set to 1) against grad_content/style/tv. */
  @Test
  void perTermGradientsMatch() {
    Reference ref = Reference.load("case02_custom_layers_tv_avgpool");
    Network net = ref.network();
    try (FeatureExtractor fx = backend.featureExtractor(net, Pooling.MAX)) {
      ObjectiveSpec full = ref.spec(fx, Pooling.MAX);
      Tensor x = ref.input("generated");
      String[] files = {"grad_content.npy", "grad_style.npy", "grad_tv.npy"};
      for (int term = 0; term < 3; term++) {
        ObjectiveSpec only = new ObjectiveSpec(full.content(), full.style(), term == 0 ? 1 : 0, term == 1 ? 1 : 0,
            term == 2 ? 1 : 0, Pooling.MAX, full.height(), full.width());
        try (Objective o = backend.compile(net, only).orElseThrow()) {
          float[] g = new float[x.size()];
          o.evaluate(x.toArray(), g);
          assertThat(Reference.relativeError(g, ref.doubles(files[term]))).as(files[term]).isLessThan(1e-4);
        }
      }
    }
  }

  private static void check(Reference ref, Pooling pooling, Objective o) {
    Tensor x = ref.input("generated");
    float[] g = new float[x.size()];
    LossBreakdown lb = o.evaluate(x.toArray(), g);
    JsonObject losses = ref.losses(pooling);
    assertThat(Reference.relativeError(lb.content(), losses.get("J_content").getAsDouble())).as("J_content").isLessThan(1e-4);
    assertThat(Reference.relativeError(lb.style(), losses.get("J_style").getAsDouble())).as("J_style").isLessThan(1e-4);
    assertThat(Reference.relativeError(lb.totalVariation(), losses.get("J_tv").getAsDouble())).as("J_tv").isLessThan(1e-4);
    assertThat(Reference.relativeError(lb.total(), losses.get("J").getAsDouble())).as("J").isLessThan(1e-4);
    assertThat(lb.contentByLayer()).containsOnlyKeys(ref.contentLayer());
    for (LayerWeight s : ref.styleLayers()) {
      assertThat(Reference.relativeError(lb.styleByLayer().get(s.layer()), losses.get("J_style_" + s.layer()).getAsDouble()))
          .as("J_style_%s", s.layer()).isLessThan(1e-4);
    }
    assertThat(Reference.relativeError(g, ref.doubles("grad_generated" + Reference.suffix(pooling) + ".npy")))
        .as("gradient").isLessThan(1e-4);
  }
}
