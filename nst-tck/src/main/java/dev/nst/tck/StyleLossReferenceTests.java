package dev.nst.tck;

import static dev.nst.tck.Checks.assertRelative;
import static dev.nst.tck.Checks.evaluate;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.LossBreakdown;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.PaddingMode;
import dev.nst.api.Pooling;
import dev.nst.api.StyleLossKind;
import dev.nst.api.Tensor;
import dev.nst.core.loss.HostObjective;
import dev.nst.core.loss.Targets;
import dev.nst.core.model.format.OnnxModelLoader;
import dev.nst.tck.Checks.Evaluation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * The Wasserstein-2 and histogram style losses ({@link StyleLossKind}) against PyTorch float64
 * references made by {@code tools/style_loss_reference.py} on the shared reference networks:
 * one container per case folder of {@code ${nst.testdata.dir}/style-losses} (or
 * {@code -Dnst.style.reference.dir}), with the loss values and the image gradient of the
 * compiled objective (level 2, held to the declared features) and of the host objective over
 * the backend's extractor (level 1), whole and for the style term alone. Cases cover both
 * poolings, guided (masked) terms and replicate and reflect padding of the first convolution.
 */
abstract class StyleLossReferenceTests extends ConformanceTests {
  static final String DIR = "nst.style.reference.dir";

  StyleLossReferenceTests(BackendUnderTest target) {
    super(target);
  }

  @TestFactory
  @DisplayName("W2 and histogram style losses against PyTorch float64")
  final Stream<DynamicNode> styleLossCases() throws IOException {
    Path dir = directory();
    List<DynamicNode> nodes = new ArrayList<>();
    List<Path> folders = new ArrayList<>();
    if (dir != null && Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> Files.isRegularFile(p.resolve("case.json"))).sorted().forEach(folders::add);
      }
    }
    nodes.add(dynamicTest("style loss cases in " + dir, () -> {
      target().assumeOpen();
      assertTrue(!folders.isEmpty(), () -> "no style loss case (a folder with case.json) in " + dir + "; set -D" + DIR
          + " or -Dnst.testdata.dir");
    }));
    for (Path folder : folders) {
      nodes.add(dynamicContainer(folder.getFileName().toString(), new Case(folder).tests()));
    }
    return nodes.stream();
  }

  private static Path directory() {
    String explicit = System.getProperty(DIR);
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String testdata = System.getProperty(ReferenceDirectory.TESTDATA_DIR);
    return testdata == null || testdata.isBlank() ? null : Path.of(testdata, "style-losses");
  }

  /** One case: its objective rebuilt from case.json, evaluated once per level. */
  private final class Case {
    private final Path dir;
    private final JsonObject json;
    private final Lazy<Network> network;
    private final Lazy<FeatureExtractor> extractor;
    private final Lazy<ObjectiveSpec> spec;
    private final Lazy<Tensor> generated;

    Case(Path dir) {
      this.dir = dir;
      try {
        this.json = JsonParser.parseString(Files.readString(dir.resolve("case.json"))).getAsJsonObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Pooling pooling = json.get("pooling").getAsString().equals("max") ? Pooling.MAX : Pooling.AVERAGE;
      PaddingMode padding = PaddingMode.valueOf(json.get("first_conv_padding").getAsString().toUpperCase(Locale.ROOT));
      this.network = new Lazy<>(() -> OnnxModelLoader.load(file("model"), InputConvention.TORCH)
          .withFirstConvolutionPadding(padding));
      this.extractor = new Lazy<>(() -> track(backend().featureExtractor(network.get(), pooling)));
      this.generated = new Lazy<>(() -> Npy.read(file("generated")));
      this.spec = new Lazy<>(() -> spec(pooling));
    }

    private Path file(String key) {
      return dir.resolve(json.get(key).getAsString());
    }

    private ObjectiveSpec spec(Pooling pooling) {
      FeatureExtractor fx = extractor.get();
      StyleLossKind kind = StyleLossKind.valueOf(json.get("style_loss").getAsString().toUpperCase(Locale.ROOT));
      List<LayerWeight> layers = new ArrayList<>();
      JsonObject weights = json.getAsJsonObject("style_weights");
      for (JsonElement l : json.getAsJsonArray("style_layers")) {
        layers.add(new LayerWeight(l.getAsString(), weights.get(l.getAsString()).getAsDouble()));
      }
      JsonObject masks = json.getAsJsonObject("masks");
      List<ObjectiveSpec.StyleTarget> style = new ArrayList<>();
      for (ObjectiveSpec.StyleTarget t : Targets.style(Targets.StyleStatistics.whole(fx), List.of(Npy.read(file("style"))),
          new double[] {1}, layers, kind)) {
        style.add(masks.has(t.layer()) ? t.withWeightAndMask(t.weight(), Npy.read(dir.resolve(
            masks.get(t.layer()).getAsString()))) : t);
      }
      Tensor x = generated.get();
      return new ObjectiveSpec(Targets.content(fx, Npy.read(file("content")),
          List.of(new LayerWeight(json.get("content_layer").getAsString(), 1))), style, json.get("alpha").getAsDouble(),
          json.get("beta").getAsDouble(), json.get("gamma").getAsDouble(), pooling, x.dim(2), x.dim(3));
    }

    Stream<DynamicNode> tests() {
      double lossTolerance = json.getAsJsonObject("tolerances").get("loss_rel").getAsDouble();
      double gradTolerance = json.getAsJsonObject("tolerances").get("grad_rel_norm").getAsDouble();
      Lazy<Evaluation> level2 = new Lazy<>(() -> {
        try (Objective o = compiled(network.get(), spec.get())) {
          return evaluate(o, generated.get());
        }
      });
      Lazy<Evaluation> level1 = new Lazy<>(() -> {
        try (Objective o = HostObjective.classic(extractor.get(), spec.get())) {
          return evaluate(o, generated.get());
        }
      });
      List<DynamicNode> t = new ArrayList<>();
      for (boolean compiled : new boolean[] {true, false}) {
        String level = compiled ? "level 2 (compiled objective): " : "level 1 (HostObjective over the feature extractor): ";
        Lazy<Evaluation> e = compiled ? level2 : level1;
        t.add(dynamicTest(level + "losses", () -> compareLosses(e.get().losses(), lossTolerance)));
        t.add(dynamicTest(level + "gradient", () -> compareGradient(e.get().gradient(), "grad_generated.npy",
            gradTolerance)));
        t.add(dynamicTest(level + "gradient of the style term alone", () -> {
          ObjectiveSpec s = spec.get();
          ObjectiveSpec alone = new ObjectiveSpec(s.content(), s.style(), 0, 1, 0, s.pooling(), s.height(), s.width());
          try (Objective o = compiled ? compiled(network.get(), alone) : HostObjective.classic(extractor.get(), alone)) {
            compareGradient(evaluate(o, generated.get()).gradient(), "grad_style.npy", gradTolerance);
          }
        }));
      }
      return t.stream();
    }

    private void compareLosses(LossBreakdown b, double tolerance) throws IOException {
      JsonObject reference = JsonParser.parseString(Files.readString(dir.resolve("losses.json"))).getAsJsonObject();
      List<Executable> checks = new ArrayList<>();
      for (Map.Entry<String, JsonElement> e : reference.entrySet()) {
        String key = e.getKey();
        double expected = e.getValue().getAsDouble();
        Double actual = switch (key) {
          case "J" -> b.total();
          case "J_content" -> b.content();
          case "J_style" -> b.style();
          case "J_tv" -> b.totalVariation();
          default -> b.styleByLayer().get(key.substring("J_style_".length()));
        };
        checks.add(() -> {
          assertNotNull(actual, () -> "no value for " + key + " in " + b);
          assertRelative(actual, expected, tolerance, key + " (" + dir.getFileName() + ")");
        });
      }
      assertAll("losses vs " + dir.resolve("losses.json"), checks);
    }

    private void compareGradient(float[] gradient, String file, double tolerance) {
      double[] ref = Npy.readDoubles(dir.resolve(file)).values();
      double err = Numerics.relNorm(gradient, ref);
      assertTrue(err <= tolerance, () -> String.format(Locale.ROOT, "%s: relative error %.3g exceeds %.3g", file, err,
          tolerance));
    }
  }
}
