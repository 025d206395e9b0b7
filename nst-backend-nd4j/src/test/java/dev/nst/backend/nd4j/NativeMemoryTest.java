package dev.nst.backend.nd4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.LayerWeight;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.core.loss.HostObjective;
import dev.nst.core.loss.Targets;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * Native memory stays flat over many evaluations: every run's results are freed when copied
 * out, and SameDiff reuses its cached work arrays. Measured as the process's resident set
 * ({@link Pointer#physicalBytes()}): ND4J allocates its arrays outside JavaCPP's byte counters,
 * so the resident set is the figure that sees them, and with the fixed, pre-touched heap of this
 * module's test JVM (see the pom) the heap does not move it. The figures are printed for the
 * record.
 */
class NativeMemoryTest {
  /** Until the JIT, SameDiff's caches and the allocator's arenas have settled (measured: ~100). */
  private static final int WARM_UP = 100;
  private static final int ITERATIONS = 200;

  @Test
  void compiledObjectiveKeepsNativeMemoryFlat() {
    // The reference network at 80x80: each evaluation allocates ~5 MB of native arrays.
    Network net = Reference.load("case01_default").network();
    SplittableRandom r = new SplittableRandom(5);
    try (Backend b = new Nd4jBackendProvider().open(BackendOptions.defaults());
        Objective o = b.compile(net, spec(b, net, r)).orElseThrow()) {
      measure("compiled objective", o, NetworkGraphTest.gaussian(r, 1.0, 1, 3, 80, 80));
    }
  }

  @Test
  void leanObjectiveCachesNothingAndKeepsNativeMemoryFlat() {
    Network net = Reference.load("case01_default").network();
    SplittableRandom r = new SplittableRandom(6);
    try (Backend b = new Nd4jBackendProvider().open(BackendOptions.defaults())) {
      ObjectiveSpec spec = spec(b, net, r);
      try (Objective fast = b.compile(net, spec).orElseThrow(); Objective lean = b.compileLean(net, spec).orElseThrow()) {
        float[] x = NetworkGraphTest.gaussian(r, 1.0, 1, 3, 80, 80).toArray();
        float[] g = new float[x.length];
        fast.evaluate(x, g);
        lean.evaluate(x, g);
        assertThat(((Nd4jObjective) fast).cachedBytes()).as("the default mode keeps released arrays").isPositive();
        assertThat(((Nd4jObjective) lean).cachedBytes()).as("the lean mode frees them").isZero();
        fast.close(); // only the lean objective runs below
        measure("lean compiled objective", lean, NetworkGraphTest.gaussian(r, 1.0, 1, 3, 80, 80));
      }
    }
  }

  @Test
  void defaultObjectiveCachesNoMoreThanItsMemoryModelAllows() {
    // SameDiff's own bound is a quarter of the machine's memory; the graph's is the default
    // model's margin over the lean one, so that the plan's estimate holds (Graph's doc)
    Network net = Reference.load("case01_default").network();
    SplittableRandom r = new SplittableRandom(7);
    try (Backend b = new Nd4jBackendProvider().open(BackendOptions.defaults())) {
      ObjectiveSpec spec = spec(b, net, r);
      long bound = Nd4jBackend.cacheBytes(net.truncatedAfter(spec.layers()), 80, 80);
      try (Objective o = b.compile(net, spec).orElseThrow()) {
        float[] x = NetworkGraphTest.gaussian(r, 1.0, 1, 3, 80, 80).toArray();
        float[] g = new float[x.length];
        long most = 0;
        for (int i = 0; i < 5; i++) {
          o.evaluate(x, g);
          most = Math.max(most, ((Nd4jObjective) o).cachedBytes());
        }
        System.out.printf(Locale.ROOT, "default objective: cache at most %d bytes, bound %d%n", most, bound);
        assertThat(most).as("the cache is used").isPositive().isLessThanOrEqualTo(bound);
      }
    }
  }

  @Test
  void hostObjectiveOverTheFeatureExtractorKeepsNativeMemoryFlat() {
    Reference ref = Reference.load("case02_custom_layers_tv_avgpool");
    Network net = ref.network();
    try (Backend b = new Nd4jBackendProvider().open(BackendOptions.defaults());
        FeatureExtractor fx = b.featureExtractor(net, Pooling.AVERAGE)) {
      ObjectiveSpec spec = ref.spec(fx, Pooling.AVERAGE);
      try (Objective o = HostObjective.classic(fx, spec)) {
        measure("level 1 (forward + backward)", o, ref.input("generated"));
      }
    }
  }

  /** Content at relu4_2 and style of random 80x80 and 96x128 images, for the 80x80 objective. */
  /** A spec of content and style targets from random images, its extractor closed again. */
  private static ObjectiveSpec spec(Backend b, Network net, SplittableRandom r) {
    try (FeatureExtractor fx = b.featureExtractor(net, Pooling.MAX)) {
      return spec(fx, r);
    }
  }

  private static ObjectiveSpec spec(FeatureExtractor fx, SplittableRandom r) {
    Tensor content = NetworkGraphTest.gaussian(r, 1.0, 1, 3, 80, 80);
    Tensor style = NetworkGraphTest.gaussian(r, 1.0, 1, 3, 96, 128);
    return new ObjectiveSpec(Targets.content(fx, content, List.of(new LayerWeight("relu4_2", 1.0))),
        Targets.style(fx, style, CrossBackendTest.STYLE), 10, 40, 1e-3, Pooling.MAX, 80, 80);
  }

  private static void measure(String what, Objective o, Tensor start) {
    float[] x = start.toArray();
    float[] g = new float[x.length];
    float[] firstGradient = new float[x.length];
    double firstTotal = o.evaluate(start.toArray(), firstGradient).total();
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < WARM_UP; i++) {
      step(o, x, g, r);
    }
    long rss0 = Pointer.physicalBytes();
    long rssMax = rss0;
    for (int i = 0; i < ITERATIONS; i++) {
      step(o, x, g, r);
      rssMax = Math.max(rssMax, Pointer.physicalBytes());
    }
    long rss1 = Pointer.physicalBytes();
    System.out.printf(Locale.ROOT, "[native memory] %s, %d iterations after %d warm-up: resident set %.1f -> %.1f MiB "
            + "(max %.1f, end %+.2f%%, max %+.2f%%)%n", what, ITERATIONS, WARM_UP, mib(rss0), mib(rss1), mib(rssMax),
        100.0 * (rss1 - rss0) / rss0, 100.0 * (rssMax - rss0) / rss0);
    assertThat((double) rssMax).as("resident set during the run vs after warm-up").isLessThanOrEqualTo(rss0 * 1.10);
    // freeing memory early must not have freed anything the graph still uses
    float[] again = new float[x.length];
    assertThat(o.evaluate(start.toArray(), again).total()).isEqualTo(firstTotal);
    assertThat(again).containsExactly(firstGradient);
  }

  /** One optimiser-like step: evaluate, then move the image a little along the gradient. */
  private static void step(Objective o, float[] x, float[] g, SplittableRandom r) {
    o.evaluate(x, g);
    for (int i = 0; i < x.length; i++) {
      x[i] -= 1e-3f * g[i] + 1e-4f * (float) r.nextDouble(-1, 1);
    }
  }

  private static double mib(long bytes) {
    return bytes / 1048576.0;
  }
}
