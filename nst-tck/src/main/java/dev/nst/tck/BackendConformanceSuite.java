package dev.nst.tck;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.LossBreakdown;
import dev.nst.api.Network;
import dev.nst.api.NstException;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.UnknownLayerException;
import dev.nst.api.spi.Availability;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.BackendProvider;
import dev.nst.api.spi.Device;
import dev.nst.core.io.Npy;
import dev.nst.core.loss.ClassicStyleLoss;
import dev.nst.core.loss.HostObjective;
import dev.nst.core.loss.Targets;
import dev.nst.core.model.format.OnnxModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The backend conformance suite (DESIGN.md sections 2 and 3). A backend module runs it by
 * subclassing it in its tests:
 *
 * <pre>
 * class OnnxConformanceTest extends BackendConformanceSuite {
 *   protected BackendProvider provider() { return new OnnxBackendProvider(); }
 * }
 * </pre>
 *
 * <p>What it checks:
 *
 * <ul>
 *   <li><b>Reference cases</b>: one container per case folder of the reference directory (a
 *       folder whose {@code case.json} lists {@code variants}; nothing is tied to case names),
 *       one per pooling variant inside, with activations, Gram matrices, the compiled objective
 *       (level 2; skipped when {@link Backend#compile} returns empty) and the host objective
 *       over the backend's feature extractor (level 1) against the float64 references, within
 *       each case's {@code suggested_float32_tolerances}. The reference directory is
 *       {@code -Dnst.reference.dir}, else {@code ${nst.shared.dir}/reference} when present, else
 *       {@code ${nst.testdata.dir}/reference}; the first test's name shows the one used.
 *   <li><b>Gradients</b> of a tiny random network that uses every layer kind, against central
 *       differences, for both pooling kinds, at level 1 and level 2.
 *   <li><b>Lifecycle</b>: closing twice is harmless, use after close is an
 *       {@link IllegalStateException}.
 *   <li><b>Bad input</b>: wrong shapes are {@link IllegalArgumentException}s (or
 *       {@link NstException}s) naming the expected shape; unknown layers are
 *       {@link UnknownLayerException}s.
 * </ul>
 *
 * A backend whose provider reports itself unavailable (for example a GPU backend on a machine
 * without a GPU) is skipped as a whole, with the provider's reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceSuite {
  private static final System.Logger LOG = System.getLogger(BackendConformanceSuite.class.getName());

  /** Seed of the tiny network's weights and inputs. */
  private static final long SEED = 20240601L;
  /**
   * Central-difference step on inputs of unit scale: large enough that float32 rounding of f
   * stays near 1e-3 relative, small enough that few ReLU or max-pool kinks fall inside a step.
   */
  private static final double FD_STEP = 1e-3;
  /** Relative tolerance of central differences against a float32 gradient. */
  private static final double FD_TOLERANCE = 1e-2;
  /** Share of coordinates whose difference may cross a kink (a correct float32 backend: ~3%). */
  private static final double FD_KINK_SHARE = 0.10;
  private static final int FD_DIRECTIONS = 9;

  private Backend backend;
  private final List<AutoCloseable> resources = Collections.synchronizedList(new ArrayList<>());

  /** The provider of the backend under test. */
  protected abstract BackendProvider provider();

  /** Options the backend is opened with; CPU with all cores by default. */
  protected BackendOptions options() {
    return new BackendOptions(Device.CPU, 0);
  }

  @BeforeAll
  final void openBackend() {
    BackendProvider p = provider();
    Availability a = p.probe();
    Assumptions.assumeTrue(a.available(),
        () -> "backend '" + p.name() + "' is not available here, so the conformance suite is skipped: " + a.detail());
    backend = p.open(options());
    LOG.log(System.Logger.Level.INFO, "conformance suite for backend {0}: {1}", p.name(), backend.description());
  }

  @AfterAll
  final void closeBackend() {
    List<AutoCloseable> open = new ArrayList<>(resources);
    Collections.reverse(open);
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "closing " + c + " failed", e);
      }
    }
    if (backend != null) {
      backend.close();
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  // ---------------------------------------------------------------------------------------
  // Reference cases
  // ---------------------------------------------------------------------------------------

  @TestFactory
  @DisplayName("reference cases")
  final Stream<DynamicNode> referenceCases() throws IOException {
    ReferenceDirectory.Choice choice = ReferenceDirectory.resolve();
    Path dir = choice.path();
    LOG.log(System.Logger.Level.INFO, "reference cases from {0} ({1})", dir, choice.reason());
    List<DynamicNode> nodes = new ArrayList<>();
    List<Path> folders = new ArrayList<>();
    if (dir != null && Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> Files.isRegularFile(p.resolve("case.json"))).sorted().forEach(folders::add);
      }
    }
    List<DynamicNode> caseNodes = new ArrayList<>();
    for (Path folder : folders) {
      String name = folder.getFileName().toString();
      Optional<ReferenceCase> c;
      try {
        c = ReferenceCase.read(folder);
      } catch (RuntimeException e) {
        caseNodes.add(dynamicContainer(name, Stream.of(dynamicTest("case.json", () -> fail(e.getMessage(), e)))));
        continue;
      }
      if (c.isEmpty()) {
        LOG.log(System.Logger.Level.DEBUG, "{0} holds no loss case (its case.json lists no variants)", folder);
        continue;
      }
      caseNodes.add(dynamicContainer(name, caseTests(c.get())));
    }
    int found = caseNodes.size();
    nodes.add(dynamicTest("reference directory " + dir + " (" + choice.reason() + ")", () -> {
      assertNotNull(dir, choice.reason());
      assertTrue(Files.isDirectory(dir), () -> "the reference directory " + dir + " (" + choice.reason()
          + ") does not exist; point -D" + ReferenceDirectory.REFERENCE_DIR + " at the reference cases");
      assertTrue(found > 0, () -> dir + " holds no loss case (no folder with a case.json listing variants)");
    }));
    nodes.addAll(caseNodes);
    return nodes.stream();
  }

  private Stream<DynamicNode> caseTests(ReferenceCase c) {
    Lazy<Network> network = new Lazy<>(() -> OnnxModelLoader.load(c.model, InputConvention.TORCH));
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

    VariantTests(ReferenceCase c, ReferenceCase.Variant v, Lazy<Network> network, Lazy<Tensor> generated,
        Lazy<Tensor> content, Lazy<Tensor> style) {
      this.c = c;
      this.v = v;
      this.network = network;
      this.generated = generated;
      this.extractor = new Lazy<>(() -> track(backend.featureExtractor(network.get(), v.pooling())));
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
        t.add(dynamicTest("gram " + layer + " of the generated image",
            () -> compareGram(generatedActs.get().get(layer), e.getValue()[1], layer)));
        t.add(dynamicTest("gram " + layer + " of the style image",
            () -> compareGram(styleActs.get().get(layer), e.getValue()[0], layer)));
      }
      String l2 = "level 2 (compiled objective): ";
      t.add(dynamicTest(l2 + "losses", () -> compareLosses(level2.get().losses(), v.lossesFile())));
      t.add(dynamicTest(l2 + "gradient", () -> compareGradient(level2.get().gradient(), v.gradFile())));
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
      Optional<Objective> o = backend.compile(network.get(), s);
      Assumptions.assumeTrue(o.isPresent(),
          () -> "backend '" + backend.name() + "' has no compiled objective (compile returned empty); level 1 covers it");
      return o.get();
    }
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

  private record Evaluation(LossBreakdown losses, float[] gradient) {}

  private static Evaluation evaluate(Objective o, Tensor image) {
    assertArrayEquals(image.shape(), o.imageShape(), "imageShape() of the objective");
    float[] g = new float[image.size()];
    LossBreakdown b = o.evaluate(image.toArray(), g);
    assertNotNull(b, "evaluate returned no loss breakdown");
    return new Evaluation(b, g);
  }

  private static void assertRelative(double actual, double expected, double tol, String what) {
    double err = Math.abs(actual - expected) / Math.abs(expected);
    assertTrue(err <= tol, () -> String.format(Locale.ROOT, "%s: got %.10g, reference %.10g, relative error %.3g exceeds %.3g",
        what, actual, expected, err, tol));
  }

  private static List<String> names(List<LayerWeight> layers) {
    List<String> out = new ArrayList<>();
    for (LayerWeight l : layers) {
      if (!out.contains(l.layer())) {
        out.add(l.layer());
      }
    }
    return out;
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  // ---------------------------------------------------------------------------------------
  // Gradients of a tiny random network against central differences
  // ---------------------------------------------------------------------------------------

  /** Layers whose gradients the level-1 check injects: after ReLU, after a pool, the output. */
  private static final List<String> FD_LAYERS = List.of("relu1", "pool1", "lrelu2", "conv3");

  @ParameterizedTest(name = "{0} pooling")
  @EnumSource(Pooling.class)
  @DisplayName("level 1: backward of the tiny network vs central differences")
  final void level1BackwardMatchesCentralDifferences(Pooling pooling) {
    Network net = TinyNetwork.build(SEED);
    try (FeatureExtractor fx = backend.featureExtractor(net, pooling)) {
      Tensor x = TinyNetwork.image(SEED + 1);
      Map<String, Tensor> acts = fx.forward(x, FD_LAYERS);
      List<int[]> shapes = net.shapes(TinyNetwork.HEIGHT, TinyNetwork.WIDTH);
      Random r = new Random(SEED + 2);
      Map<String, Tensor> weights = new LinkedHashMap<>();
      for (String layer : FD_LAYERS) {
        int[] chw = shapes.get(net.indexOf(layer));
        assertArrayEquals(new int[] {1, chw[0], chw[1], chw[2]}, acts.get(layer).shape(), "shape of " + layer);
        weights.put(layer, Numerics.gaussian(r, 1.0, 1, chw[0], chw[1], chw[2]));
      }
      Tensor grad = fx.backward(x, weights);
      assertArrayEquals(x.shape(), grad.shape(), "shape of the backward result");
      ToDoubleFunction<float[]> phi = p -> {
        Map<String, Tensor> a = fx.forward(Tensor.of(p, x.shape()), FD_LAYERS);
        double s = 0;
        for (String layer : FD_LAYERS) {
          Tensor w = weights.get(layer);
          Tensor al = a.get(layer);
          for (int i = 0; i < w.size(); i++) {
            s += (double) w.get(i) * al.get(i);
          }
        }
        return s;
      };
      assertMatchesCentralDifferences("backward", phi, x.toArray(), grad.toArray());
    }
  }

  @ParameterizedTest(name = "{0} pooling")
  @EnumSource(Pooling.class)
  @DisplayName("level 1: HostObjective gradient on the tiny network vs central differences")
  final void level1ObjectiveMatchesCentralDifferences(Pooling pooling) {
    Network net = TinyNetwork.build(SEED);
    try (FeatureExtractor fx = backend.featureExtractor(net, pooling);
        Objective o = HostObjective.classic(fx, tinySpec(fx, pooling))) {
      checkObjective(o);
    }
  }

  @ParameterizedTest(name = "{0} pooling")
  @EnumSource(Pooling.class)
  @DisplayName("level 2: compiled objective on the tiny network vs central differences and level 1")
  final void level2ObjectiveMatchesCentralDifferencesAndLevel1(Pooling pooling) {
    Network net = TinyNetwork.build(SEED);
    try (FeatureExtractor fx = backend.featureExtractor(net, pooling)) {
      ObjectiveSpec spec = tinySpec(fx, pooling);
      Optional<Objective> compiled = backend.compile(net, spec);
      Assumptions.assumeTrue(compiled.isPresent(),
          () -> "backend '" + backend.name() + "' has no compiled objective (compile returned empty)");
      try (Objective o = compiled.get(); Objective host = HostObjective.classic(fx, spec)) {
        checkObjective(o);
        float[] x = TinyNetwork.image(SEED + 1).toArray();
        float[] g2 = new float[x.length];
        float[] g1 = new float[x.length];
        LossBreakdown b2 = o.evaluate(x.clone(), g2);
        LossBreakdown b1 = host.evaluate(x.clone(), g1);
        assertRelative(b2.total(), b1.total(), 1e-4, "level 2 total vs level 1");
        assertRelative(b2.content(), b1.content(), 1e-4, "level 2 content vs level 1");
        assertRelative(b2.style(), b1.style(), 1e-4, "level 2 style vs level 1");
        assertRelative(b2.totalVariation(), b1.totalVariation(), 1e-4, "level 2 total variation vs level 1");
        double err = Numerics.relNorm(g2, g1);
        assertTrue(err <= 1e-4, () -> "level 2 gradient differs from level 1 by " + err + " (relative norm)");
      }
    }
  }

  /** Content at conv2 and pool2, style at relu1, lrelu2 and conv3 (a style image of another size), TV. */
  private static ObjectiveSpec tinySpec(FeatureExtractor fx, Pooling pooling) {
    Tensor content = TinyNetwork.image(SEED + 3);
    Tensor style = Numerics.gaussian(new Random(SEED + 4), 1.0, 1, TinyNetwork.CHANNELS, 13, 9);
    return new ObjectiveSpec(
        Targets.content(fx, content, List.of(new LayerWeight("conv2", 1.0), new LayerWeight("pool2", 0.5))),
        Targets.style(fx, style, List.of(new LayerWeight("relu1", 0.5), new LayerWeight("lrelu2", 1.0),
            new LayerWeight("conv3", 2.0))),
        1.0, 20.0, 0.01, pooling, TinyNetwork.HEIGHT, TinyNetwork.WIDTH);
  }

  private static void checkObjective(Objective o) {
    assertArrayEquals(TinyNetwork.imageShape(), o.imageShape(), "imageShape()");
    float[] x = TinyNetwork.image(SEED + 1).toArray();
    float[] g = new float[x.length];
    LossBreakdown b = o.evaluate(x.clone(), g);
    assertTrue(b.content() > 0 && b.style() > 0 && b.totalVariation() > 0, () -> "every term should be positive: " + b);
    assertRelative(b.total(), 1.0 * b.content() + 20.0 * b.style() + 0.01 * b.totalVariation(), 1e-9,
        "total = alpha content + beta style + gamma tv");
    assertMatchesCentralDifferences("objective gradient", p -> o.evaluate(p, new float[p.length]).total(), x, g);
  }

  /**
   * Directional derivatives along random directions and along every coordinate against
   * central differences. The network is piecewise linear, so a difference is exact except
   * when the step crosses a ReLU or max-pool kink: the directional check uses the median over
   * several directions, the coordinate check lets a small share of coordinates be off (a
   * wrong backward gets most of them wrong).
   */
  private static void assertMatchesCentralDifferences(String what, ToDoubleFunction<float[]> f, float[] x,
      float[] grad) {
    assertTrue(Numerics.norm(grad) > 0, () -> what + " is zero everywhere");
    Random r = new Random(SEED + 5);
    List<Double> errors = new ArrayList<>();
    for (int k = 0; k < FD_DIRECTIONS; k++) {
      float[] v = Numerics.gaussian(r, x.length, 1.0);
      float[] p = x.clone();
      float[] m = x.clone();
      for (int i = 0; i < x.length; i++) {
        p[i] += (float) (FD_STEP * v[i]);
        m[i] -= (float) (FD_STEP * v[i]);
      }
      double analytic = 0;
      double step = 0;
      for (int i = 0; i < x.length; i++) {
        analytic += (double) grad[i] * v[i];
        step += ((double) p[i] - m[i]) * v[i];
      }
      // divide by the step actually taken (float rounding of x +- h v), projected on v
      double h2 = step / Numerics.norm(v) / Numerics.norm(v);
      double fd = (f.applyAsDouble(p) - f.applyAsDouble(m)) / h2;
      errors.add(Math.abs(fd - analytic) / Math.abs(analytic));
    }
    double median = Numerics.median(errors);
    assertTrue(median <= FD_TOLERANCE, () -> String.format(Locale.ROOT,
        "%s: median relative error of directional derivatives %.3g exceeds %.3g (all: %s)", what, median,
        FD_TOLERANCE, errors));

    float[] fd = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      float[] p = x.clone();
      float[] m = x.clone();
      p[i] += (float) FD_STEP;
      m[i] -= (float) FD_STEP;
      fd[i] = (float) ((f.applyAsDouble(p) - f.applyAsDouble(m)) / ((double) p[i] - m[i]));
    }
    double rms = Numerics.norm(grad) / Math.sqrt(grad.length);
    List<String> off = new ArrayList<>();
    for (int i = 0; i < grad.length; i++) {
      double e = Math.abs(fd[i] - grad[i]) / (Math.abs(grad[i]) + rms);
      if (e > FD_TOLERANCE) {
        off.add(String.format(Locale.ROOT, "[%d] %.6g vs %.6g", i, grad[i], fd[i]));
      }
    }
    assertTrue(off.size() <= FD_KINK_SHARE * grad.length, () -> String.format(Locale.ROOT,
        "%s: %d of %d coordinates differ from central differences by more than %.3g (relative to |g_i| + rms(g)); "
            + "kinks explain at most %.0f%%. Gradient vs difference: %s", what, off.size(), grad.length,
        FD_TOLERANCE, 100 * FD_KINK_SHARE, off.subList(0, Math.min(off.size(), 12))));
  }

  // ---------------------------------------------------------------------------------------
  // Identity and lifecycle
  // ---------------------------------------------------------------------------------------

  @Test
  @DisplayName("backend: name, device and description")
  final void backendDescribesItself() {
    assertEquals(provider().name(), backend.name(), "backend name vs provider name");
    assertNotNull(backend.device(), "device()");
    assertNotEquals(Device.AUTO, backend.device(), "device() must be the device actually used, never AUTO");
    if (options().device() != Device.AUTO) {
      assertEquals(options().device(), backend.device(), "device() vs the device asked for");
    }
    assertTrue(backend.description() != null && !backend.description().isBlank(), "description() must say something");
  }

  @Test
  @DisplayName("lifecycle: backend closes twice, use after close is IllegalStateException")
  final void backendLifecycle() {
    Backend b = provider().open(options());
    b.close();
    b.close();
    Network net = TinyNetwork.build(SEED);
    assertThrows(IllegalStateException.class, () -> b.featureExtractor(net, Pooling.MAX), "featureExtractor after close");
    assertThrows(IllegalStateException.class, () -> b.compile(net, anySpec(net)), "compile after close");
  }

  @Test
  @DisplayName("lifecycle: feature extractor closes twice, use after close is IllegalStateException")
  final void extractorLifecycle() {
    Network net = TinyNetwork.build(SEED);
    FeatureExtractor fx = backend.featureExtractor(net, Pooling.MAX);
    Tensor x = TinyNetwork.image(SEED);
    Map<String, Tensor> acts = fx.forward(x, List.of("conv3"));
    fx.close();
    fx.close();
    assertThrows(IllegalStateException.class, () -> fx.forward(x, List.of("conv3")), "forward after close");
    assertThrows(IllegalStateException.class, () -> fx.backward(x, acts), "backward after close");
  }

  @Test
  @DisplayName("lifecycle: compiled objective closes twice, use after close is IllegalStateException")
  final void objectiveLifecycle() {
    Network net = TinyNetwork.build(SEED);
    Optional<Objective> o = backend.compile(net, anySpec(net));
    Assumptions.assumeTrue(o.isPresent(), "the backend has no compiled objective");
    Objective obj = o.get();
    float[] x = TinyNetwork.image(SEED).toArray();
    obj.evaluate(x, new float[x.length]);
    obj.close();
    obj.close();
    assertThrows(IllegalStateException.class, () -> obj.evaluate(x, new float[x.length]), "evaluate after close");
  }

  /** A valid spec for the tiny network, computed without the backend (TV only plus a zero-weight term). */
  private static ObjectiveSpec anySpec(Network net) {
    int[] chw = net.shapeOf("pool2", TinyNetwork.HEIGHT, TinyNetwork.WIDTH);
    return new ObjectiveSpec(List.of(new ObjectiveSpec.ContentTarget("pool2", 1.0,
        Tensor.zeros(1, chw[0], chw[1], chw[2]))), List.of(), 1.0, 0.0, 0.01, Pooling.MAX,
        TinyNetwork.HEIGHT, TinyNetwork.WIDTH);
  }

  // ---------------------------------------------------------------------------------------
  // Bad input
  // ---------------------------------------------------------------------------------------

  /** The expected shape as numbers in order, such as "(1, 3, 11, 12)" or "[1, 3, H, W]". */
  private static Pattern shapePattern(Object... dims) {
    StringBuilder sb = new StringBuilder("(?s).*");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append("[^0-9A-Za-z]{1,4}");
      }
      sb.append("\\b").append(Pattern.quote(dims[i].toString())).append("\\b");
    }
    return Pattern.compile(sb.append(".*").toString());
  }

  private static void assertRejected(Executable call, Pattern expectedShape, String what) {
    RuntimeException e = assertThrows(RuntimeException.class, call, what + " must be rejected");
    assertTrue(e instanceof IllegalArgumentException || e instanceof NstException,
        () -> what + ": expected IllegalArgumentException or NstException, got " + e);
    assertTrue(e.getMessage() != null && expectedShape.matcher(e.getMessage()).matches(),
        () -> what + ": the message should name the expected shape (" + expectedShape + "), was: " + e.getMessage());
  }

  @Test
  @DisplayName("bad input: wrong image shapes name the expected shape")
  final void wrongImageShapes() {
    Network net = TinyNetwork.build(SEED);
    try (FeatureExtractor fx = backend.featureExtractor(net, Pooling.MAX)) {
      Pattern expected = shapePattern(1, TinyNetwork.CHANNELS);
      assertRejected(() -> fx.forward(Tensor.zeros(1, 4, 11, 12), List.of("conv3")), expected,
          "forward of a 4-channel image to a 3-channel network");
      assertRejected(() -> fx.forward(Tensor.zeros(3, 11, 12), List.of("conv3")), expected,
          "forward of a rank-3 image");
      assertRejected(() -> fx.forward(Tensor.zeros(2, 3, 11, 12), List.of("conv3")), expected,
          "forward of a batch of 2");
      Map<String, Tensor> grads = Map.of("conv3", Tensor.zeros(1, 5, 2, 3));
      assertRejected(() -> fx.backward(Tensor.zeros(1, 2, 11, 12), grads), expected,
          "backward with a 2-channel image");
    }
  }

  @Test
  @DisplayName("bad input: a layer gradient of the wrong shape names the expected shape")
  final void wrongLayerGradientShape() {
    Network net = TinyNetwork.build(SEED);
    try (FeatureExtractor fx = backend.featureExtractor(net, Pooling.MAX)) {
      int[] chw = net.shapeOf("lrelu2", TinyNetwork.HEIGHT, TinyNetwork.WIDTH);
      assertRejected(() -> fx.backward(TinyNetwork.image(SEED), Map.of("lrelu2", Tensor.zeros(1, chw[0], chw[1] + 1, chw[2]))),
          shapePattern(1, chw[0], chw[1], chw[2]), "backward with a gradient at lrelu2 of the wrong size");
    }
  }

  @Test
  @DisplayName("bad input: a compiled objective rejects arrays of the wrong length")
  final void compiledObjectiveRejectsWrongLengths() {
    Network net = TinyNetwork.build(SEED);
    Optional<Objective> o = backend.compile(net, anySpec(net));
    Assumptions.assumeTrue(o.isPresent(), "the backend has no compiled objective");
    try (Objective obj = o.get()) {
      assertRejected(() -> obj.evaluate(new float[10], new float[10]),
          shapePattern(1, TinyNetwork.CHANNELS, TinyNetwork.HEIGHT, TinyNetwork.WIDTH), "evaluate with 10 values");
    }
  }

  @Test
  @DisplayName("bad input: unknown layers are UnknownLayerException")
  final void unknownLayers() {
    Network net = TinyNetwork.build(SEED);
    try (FeatureExtractor fx = backend.featureExtractor(net, Pooling.MAX)) {
      Tensor x = TinyNetwork.image(SEED);
      UnknownLayerException e = assertThrows(UnknownLayerException.class, () -> fx.forward(x, List.of("conv1", "relu9_9")));
      assertTrue(e.getMessage().contains("relu9_9"), () -> "the message should name the layer: " + e.getMessage());
      assertThrows(UnknownLayerException.class, () -> fx.backward(x, Map.of("relu9_9", Tensor.zeros(1, 4, 11, 12))));
    }
    ObjectiveSpec unknown = new ObjectiveSpec(List.of(), List.of(new ObjectiveSpec.StyleTarget("relu9_9", 1.0,
        Tensor.zeros(4, 4))), 1, 1, 0, Pooling.MAX, TinyNetwork.HEIGHT, TinyNetwork.WIDTH);
    try {
      Optional<Objective> o = backend.compile(net, unknown);
      o.ifPresent(Objective::close);
      assertTrue(o.isEmpty(), "compile of a spec with an unknown layer must throw UnknownLayerException (or return empty)");
    } catch (UnknownLayerException expected) {
      assertTrue(expected.getMessage().contains("relu9_9"), () -> "the message should name the layer: " + expected.getMessage());
    }
  }
}
