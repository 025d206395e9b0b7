package dev.nst.tck;

import static dev.nst.tck.Checks.assertRelative;
import static dev.nst.tck.Checks.evaluate;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.google.common.collect.ImmutableSet;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.LossBreakdown;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Tensor;
import dev.nst.core.loss.ClassicStyleLoss;
import dev.nst.core.loss.HostObjective;
import dev.nst.core.loss.Targets;
import dev.nst.core.model.format.OnnxModelLoader;
import dev.nst.tck.Checks.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Reference cases against PyTorch float64 data: one container per case folder of the reference
 * directory (a folder whose {@code case.json} lists {@code variants}; nothing is tied to case
 * names), one per pooling variant inside, with activations, Gram matrices, the compiled
 * objective (level 2, held to the declared features) and the host objective over the backend's
 * feature extractor (level 1), each within the case's {@code suggested_float32_tolerances}.
 * The reference directory is {@code -Dnst.reference.dir}, else {@code ${nst.shared.dir}/reference}
 * when present, else {@code ${nst.testdata.dir}/reference}; the first test's name shows the one
 * used. The project's own seeded cases (see {@link ReferenceDirectory}) run in addition.
 */
abstract class ReferenceCaseTests extends ConformanceTests {
  private static final System.Logger LOG = System.getLogger(ReferenceCaseTests.class.getName());

  private final boolean seededCases;

  /**
   * @param seededCases whether the project's own seeded (full-width) cases run; when false they
   *     are reported as skipped
   */
  ReferenceCaseTests(BackendUnderTest target, boolean seededCases) {
    super(target);
    this.seededCases = seededCases;
  }

  @TestFactory
  @DisplayName("reference cases")
  final Stream<DynamicNode> referenceCases() throws IOException {
    ReferenceDirectory.Choice choice = ReferenceDirectory.resolve();
    Path dir = choice.path();
    LOG.log(System.Logger.Level.INFO, "reference cases from {0} ({1})", dir, choice.reason());
    List<DynamicNode> nodes = new ArrayList<>();
    List<Path> folders = new ArrayList<>();
    if (dir != null && Files.isDirectory(dir)) {
      folders.addAll(caseFolders(dir));
    }
    int inDir = folders.size();
    folders.addAll(ReferenceDirectory.ownCases(dir, folders));
    List<DynamicNode> caseNodes = new ArrayList<>();
    int found = 0;
    for (int i = 0; i < folders.size(); i++) {
      Path folder = folders.get(i);
      String name = folder.getFileName().toString();
      Optional<ReferenceCase> c;
      try {
        c = ReferenceCase.read(folder);
      } catch (RuntimeException e) {
        caseNodes.add(dynamicContainer(name, Stream.of(dynamicTest("case.json", () -> {
          target().assumeOpen();
          fail(e.getMessage(), e);
        }))));
        continue;
      }
      if (c.isEmpty()) {
        LOG.log(System.Logger.Level.DEBUG, "{0} holds no loss case (its case.json lists no variants)", folder);
        continue;
      }
      if (c.get().seeded != null && !seededCases) {
        caseNodes.add(dynamicContainer(name, Stream.of(dynamicTest("full-width case", () -> Assumptions.abort(
            "this suite's fullWidthReferenceCases() is false")))));
        continue;
      }
      caseNodes.add(dynamicContainer(name, caseTests(c.get())));
      found += i < inDir ? 1 : 0;
    }
    boolean any = found > 0;
    nodes.add(dynamicTest("reference directory " + dir + " (" + choice.reason() + ")", () -> {
      target().assumeOpen();
      assertNotNull(dir, choice.reason());
      assertTrue(Files.isDirectory(dir), () -> "the reference directory " + dir + " (" + choice.reason()
          + ") does not exist; point -D" + ReferenceDirectory.REFERENCE_DIR + " at the reference cases");
      assertTrue(any, () -> dir + " holds no loss case (no folder with a case.json listing variants)");
    }));
    nodes.addAll(caseNodes);
    return nodes.stream();
  }

  /** The folders of {@code dir} that hold a case.json, sorted. */
  static List<Path> caseFolders(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> Files.isRegularFile(p.resolve("case.json"))).sorted().toList();
    }
  }

  private Stream<DynamicNode> caseTests(ReferenceCase c) {
    Lazy<Network> network = new Lazy<>(() -> c.seeded == null ? OnnxModelLoader.load(c.model, InputConvention.TORCH)
        : seeded(c.seeded));
    Lazy<Tensor> generated = new Lazy<>(() -> Npy.read(c.generatedImage));
    Lazy<Tensor> content = new Lazy<>(() -> Npy.read(c.contentImage));
    Lazy<Tensor> style = new Lazy<>(() -> Npy.read(c.styleImage));
    return c.variants.stream().map(v -> dynamicContainer(v.toString(),
        new VariantTests(c, v, network, generated, content, style).tests()));
  }

  /** The dynamic tests of one pooling variant of one case, sharing forward passes. */
  private final class VariantTests {
    private final ReferenceCase c;
    private final ReferenceCase.Variant v;
    private final Lazy<Network> network;
    private final Lazy<Tensor> generated;
    private final Lazy<FeatureExtractor> extractor;
    private final Lazy<Map<String, Tensor>> generatedActs;
    private final Lazy<Map<String, Tensor>> styleActs;
    private final Lazy<Map<String, Tensor>> contentActs;
    private final Lazy<Map<String, Double>> losses;
    private final Lazy<ObjectiveSpec> spec;
    private final Lazy<Evaluation> level2;
    private final Lazy<Evaluation> level1;
    private final Lazy<Evaluation> lean;

    VariantTests(ReferenceCase c, ReferenceCase.Variant v, Lazy<Network> network, Lazy<Tensor> generated,
        Lazy<Tensor> content, Lazy<Tensor> style) {
      this.c = c;
      this.v = v;
      this.network = network;
      this.generated = generated;
      this.extractor = new Lazy<>(() -> track(backend().featureExtractor(network.get(), v.pooling())));
      Set<String> genLayers = new LinkedHashSet<>(v.activationLayers());
      c.contentLayers.forEach(l -> genLayers.add(l.layer()));
      c.styleLayers.forEach(l -> genLayers.add(l.layer()));
      this.generatedActs = new Lazy<>(() -> extractor.get().forward(generated.get(), List.copyOf(genLayers)));
      this.styleActs = new Lazy<>(() -> extractor.get().forward(style.get(), names(c.styleLayers)));
      this.contentActs = new Lazy<>(() -> extractor.get().forward(content.get(), names(c.contentLayers)));
      this.losses = new Lazy<>(() -> c.losses(v));
      this.spec = new Lazy<>(() -> new ObjectiveSpec(
          c.contentLayers.isEmpty() ? List.of() : Targets.content(extractor.get(), content.get(), c.contentLayers),
          c.styleLayers.isEmpty() ? List.of() : Targets.style(extractor.get(), style.get(), c.styleLayers),
          c.alpha, c.beta, c.gamma, v.pooling(), generated.get().dim(2), generated.get().dim(3)));
      this.level2 = new Lazy<>(() -> {
        try (Objective o = compiled(spec.get())) {
          return evaluate(o, generated.get());
        }
      });
      this.lean = new Lazy<>(() -> {
        Assumptions.assumeTrue(backend().leanMemoryModel().isPresent(),
            "this backend has no lean mode: compileLean compiles its default one, checked above");
        try (Objective o = backend().compileLean(network.get(), spec.get()).orElseThrow(
            () -> new AssertionError("compileLean returned empty for a spec that compile compiled"))) {
          return evaluate(o, generated.get());
        }
      });
      this.level1 = new Lazy<>(() -> {
        try (Objective o = HostObjective.classic(extractor.get(), spec.get())) {
          return evaluate(o, generated.get());
        }
      });
    }

    Stream<DynamicNode> tests() {
      List<DynamicNode> t = new ArrayList<>();
      for (String layer : v.activationLayers()) {
        t.add(dynamicTest("activation " + layer, () -> compareActivation(generatedActs.get().get(layer),
            v.activationFile(layer), "activation of the generated image at " + layer)));
      }
      for (Map.Entry<String, String> e : v.contentActFiles().entrySet()) {
        t.add(dynamicTest("content image activation " + e.getKey(), () -> compareActivation(
            contentActs.get().get(e.getKey()), e.getValue(), "activation of the content image at " + e.getKey())));
      }
      for (Map.Entry<String, String[]> e : v.gramFiles().entrySet()) {
        String layer = e.getKey();
        if (e.getValue()[1] != null) {
          t.add(dynamicTest("gram " + layer + " of the generated image",
              () -> compareGram(generatedActs.get().get(layer), e.getValue()[1], layer)));
        }
        if (e.getValue()[0] != null) {
          t.add(dynamicTest("gram " + layer + " of the style image",
              () -> compareGram(styleActs.get().get(layer), e.getValue()[0], layer)));
        }
      }
      String l2 = "level 2 (compiled objective): ";
      t.add(dynamicTest(l2 + "losses", () -> compareLosses(level2.get().losses(), v.lossesFile())));
      t.add(dynamicTest(l2 + "gradient", () -> compareGradient(level2.get().gradient(), v.gradFile())));
      String lean2 = "level 2 in the lean mode (compileLean): ";
      t.add(dynamicTest(lean2 + "losses", () -> {
        level2.get(); // the default mode first: a spec it does not compile skips both
        compareLosses(lean.get().losses(), v.lossesFile());
      }));
      t.add(dynamicTest(lean2 + "gradient", () -> {
        level2.get();
        compareGradient(lean.get().gradient(), v.gradFile());
      }));
      String l1 = "level 1 (HostObjective over the feature extractor): ";
      t.add(dynamicTest(l1 + "losses", () -> compareLosses(level1.get().losses(), v.lossesFile())));
      t.add(dynamicTest(l1 + "gradient", () -> compareGradient(level1.get().gradient(), v.gradFile())));
      for (Map.Entry<String, String> e : v.perTermGradFiles().entrySet()) {
        t.add(dynamicTest(l2 + "gradient of the " + e.getKey() + " term alone",
            () -> perTerm(e.getKey(), e.getValue(), true)));
        t.add(dynamicTest(l1 + "gradient of the " + e.getKey() + " term alone",
            () -> perTerm(e.getKey(), e.getValue(), false)));
      }
      return t.stream();
    }

    private void compareActivation(Tensor actual, String file, String what) {
      Npy.Array ref = Npy.readDoubles(c.file(file));
      assertNotNull(actual, () -> "the backend returned no " + what);
      assertArrayEquals(ref.shape(), actual.shape(), () -> "shape of the " + what);
      double err = Numerics.relNorm(actual.toArray(), ref.values());
      assertTrue(err <= c.tolerances.activationRelNorm(), () -> String.format(Locale.ROOT,
          "%s: relative error %.3g exceeds %.3g (vs %s)", what, err, c.tolerances.activationRelNorm(), file));
    }

    private void compareGram(Tensor activation, String file, String layer) {
      assertNotNull(activation, () -> "the backend returned no activation at " + layer);
      Npy.Array ref = Npy.readDoubles(c.file(file));
      Tensor g = new ClassicStyleLoss().gram(activation);
      assertArrayEquals(ref.shape(), g.shape(), () -> "Gram shape at " + layer);
      double err = Numerics.relNorm(g.toArray(), ref.values());
      assertTrue(err <= c.tolerances.gramRelNorm(), () -> String.format(Locale.ROOT,
          "Gram at %s: relative error %.3g exceeds %.3g (vs %s)", layer, err, c.tolerances.gramRelNorm(), file));
    }

    private void compareLosses(LossBreakdown b, String file) {
      List<Executable> checks = new ArrayList<>();
      for (Map.Entry<String, Double> e : losses.get().entrySet()) {
        checks.add(() -> {
          Double actual = lookup(b, e.getKey());
          assertNotNull(actual, () -> "the loss breakdown has no value for " + e.getKey() + " of " + file + ": " + b);
          assertRelative(actual, e.getValue(), c.tolerances.lossRel(), e.getKey() + " (" + file + ")");
        });
      }
      assertAll("losses vs " + file, checks);
    }

    private void compareGradient(float[] gradient, String file) {
      double[] ref = Npy.readDoubles(c.file(file)).values();
      double err = Numerics.relNorm(gradient, ref);
      assertTrue(err <= c.tolerances.gradRelNorm(), () -> String.format(Locale.ROOT,
          "gradient: relative error %.3g exceeds %.3g (vs %s; norm %.6g, reference norm %.6g)", err,
          c.tolerances.gradRelNorm(), file, Numerics.norm(gradient), Numerics.norm(toFloat(ref))));
    }

    /** One term alone: (alpha, beta, gamma) = (1,0,0), (0,1,0) or (0,0,1), same targets. */
    private void perTerm(String term, String file, boolean compiled) {
      double[] coefficients = switch (term) {
        case "content" -> new double[] {1, 0, 0};
        case "style" -> new double[] {0, 1, 0};
        case "tv" -> new double[] {0, 0, 1};
        default -> null;
      };
      assertNotNull(coefficients, () -> "unknown term '" + term + "' in per_term_grad_files of " + c.name);
      String key = switch (term) {
        case "content" -> "J_content";
        case "style" -> "J_style";
        default -> "J_tv";
      };
      ObjectiveSpec full = spec.get();
      ObjectiveSpec alone = new ObjectiveSpec(full.content(), full.style(), coefficients[0], coefficients[1],
          coefficients[2], full.pooling(), full.height(), full.width());
      Evaluation e;
      try (Objective o = compiled ? compiled(alone) : HostObjective.classic(extractor.get(), alone)) {
        e = evaluate(o, generated.get());
      }
      Double ref = losses.get().get(key);
      if (ref != null) {
        assertRelative(e.losses().total(), ref, c.tolerances.lossRel(), "total of the " + term + " term alone vs " + key);
      }
      compareGradient(e.gradient(), file);
    }

    private Objective compiled(ObjectiveSpec s) {
      return ReferenceCaseTests.this.compiled(network.get(), s);
    }
  }

  /**
   * Full-width VGG-19 from the case's seed, refused unless its weights have the case's digest
   * (then the case was made with another generator, and every value would disagree for that).
   */
  private static Network seeded(ReferenceCase.Seeded s) {
    Network net = RandomVgg.vgg19(s.seed(), s.lastLayer());
    String digest = RandomVgg.weightsSha256(net);
    if (!digest.equals(s.weightsSha256())) {
      throw new IllegalStateException("RandomVgg.vgg19(" + s.seed() + ") up to " + s.lastLayer()
          + " has weights with SHA-256 " + digest + " but the case was generated from weights with "
          + s.weightsSha256() + ": RandomVgg and tools/seeded_vgg.py no longer draw the same weights");
    }
    return net;
  }

  /** A breakdown entry by its losses-file key, or null for an unknown key. */
  private static Double lookup(LossBreakdown b, String key) {
    return switch (key) {
      case "J" -> b.total();
      case "J_content" -> b.content();
      case "J_style" -> b.style();
      case "J_tv" -> b.totalVariation();
      default -> {
        if (key.startsWith("J_style_")) {
          yield b.styleByLayer().get(key.substring("J_style_".length()));
        }
        if (key.startsWith("J_content_")) {
          yield b.contentByLayer().get(key.substring("J_content_".length()));
        }
        yield null;
      }
    };
  }

  /** The distinct layer names, in first-use order. */
  private static List<String> names(List<LayerWeight> layers) {
    return layers.stream().map(LayerWeight::layer).collect(ImmutableSet.toImmutableSet()).asList();
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
