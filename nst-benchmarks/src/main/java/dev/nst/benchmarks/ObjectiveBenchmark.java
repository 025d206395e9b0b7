package dev.nst.benchmarks;

import dev.nst.api.LayerWeight;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.BackendProvider;
import dev.nst.tck.RandomVgg;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One compiled-objective evaluation (forward to relu5_1, content loss at relu4_2, Gram style
 * losses at relu1_1..relu5_1, TV, backward to the image) of full-width VGG-19 with random
 * weights: the unit of work of one optimisation iteration, the same work as
 * {@code ../shared/tools/pytorch_peer.py}.
 *
 * <pre>java -jar nst-benchmarks/target/benchmarks.jar ObjectiveBenchmark -p size=512 -p styleLoss=GRAM,W2,HISTOGRAM</pre>
 *
 * {@code -p device=GPU} runs on a GPU, with a jar built with {@code -Ponnx-gpu} or {@code -Pnd4j-cuda}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class ObjectiveBenchmark {
  static final List<String> STYLE = List.of("relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1");

  @Param({"onnx", "nd4j"})
  public String backend;

  @Param({"256", "512"})
  public int size;

  @Param({"0"})
  public int threads;

  /** The device ({@link dev.nst.api.spi.Device}): CPU, GPU (with a CUDA build of the backend) or AUTO. */
  @Param({"CPU"})
  public String device = "CPU";

  /**
   * Whether the backend's lean mode is measured ({@code Backend.compileLean}): ND4J's frees
   * arrays at once, ONNX's convolves directly.
   */
  @Param({"false"})
  public boolean lean;

  /**
   * The style loss ({@link dev.nst.api.StyleLossKind}): GRAM with random mean Gram targets, W2
   * and HISTOGRAM with the targets of a random style image (their statistics must be those of
   * real activations); W2 and HISTOGRAM run as a statistics call and a gradient call.
   */
  @Param({"GRAM"})
  public String styleLoss = "GRAM"; // the initial values serve mains that set up an instance themselves (PeakMemory)

  private Backend opened;
  private Objective objective;
  private float[] image;
  private float[] gradient;

  /** The benchmarked objective for a size x size image: random targets, the classic weights. */
  static ObjectiveSpec spec(Network net, int size, SplittableRandom rnd) {
    int[] c = net.shapeOf("relu4_2", size, size);
    List<ObjectiveSpec.StyleTarget> style = new ArrayList<>();
    for (String l : STYLE) {
      int ch = net.shapeOf(l, size, size)[0];
      style.add(new ObjectiveSpec.StyleTarget(l, 0.2, random(rnd, 0.1f, ch, ch)));
    }
    return new ObjectiveSpec(
        List.of(new ObjectiveSpec.ContentTarget("relu4_2", 1.0, random(rnd, 1f, 1, c[0], c[1], c[2]))),
        style, 10, 40, 1e-3, Pooling.MAX, size, size);
  }

  @Setup(Level.Trial)
  public void setup() {
    Network net = RandomVgg.vgg19(42);
    SplittableRandom rnd = new SplittableRandom(7);
    ObjectiveSpec spec = spec(net, size, rnd);
    opened = provider(backend).open(new BackendOptions(
        dev.nst.api.spi.Device.valueOf(device.toUpperCase(java.util.Locale.ROOT)), threads));
    dev.nst.api.StyleLossKind kind = dev.nst.api.StyleLossKind.valueOf(styleLoss);
    if (kind != dev.nst.api.StyleLossKind.GRAM) {
      try (dev.nst.api.FeatureExtractor fx = opened.featureExtractor(net, Pooling.MAX)) {
        List<ObjectiveSpec.StyleTarget> style = dev.nst.core.loss.Targets.style(
            dev.nst.core.loss.Targets.StyleStatistics.whole(fx), List.of(random(rnd, 1f, 1, 3, size, size)),
            new double[] {1}, STYLE.stream().map(l -> new LayerWeight(l, 0.2)).toList(), kind);
        spec = new ObjectiveSpec(spec.content(), style, 0.015, 1, 1e-3, Pooling.MAX, size, size);
      }
    }
    objective = (lean ? opened.compileLean(net, spec) : opened.compile(net, spec)).orElseThrow();
    image = random(rnd, 1f, 1, 3, size, size).toArray();
    gradient = new float[image.length];
  }

  static Tensor random(SplittableRandom rnd, float scale, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextDouble(-1, 1) * scale);
    }
    return Tensor.adopt(v, shape);
  }

  static BackendProvider provider(String name) {
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("no backend " + name + " on the classpath");
  }

  /** The opened backend's own description (runtime, device, threads), for reports. */
  String backendDescription() {
    return opened.description();
  }

  @Benchmark
  public double evaluate() {
    return objective.evaluate(image, gradient).total();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    objective.close();
    opened.close();
  }
}
