package dev.nst.benchmarks;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.Device;
import dev.nst.core.tile.TileLayout;
import dev.nst.core.tile.TiledObjective;
import dev.nst.tck.RandomVgg;
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
 * The cost of exact tiles: one evaluation of the {@link ObjectiveBenchmark} objective (full-width
 * VGG-19, content relu4_2, Gram styles relu1_1..relu5_1, TV) at {@code size} x {@code size},
 * untiled ({@code tile=0}) or in tiles of at most {@code tile} pixels on the backend's compiled
 * tile objective. Tiled / untiled at the same size is the overhead of the second forward pass and
 * the halos.
 *
 * <pre>java -jar nst-benchmarks/target/benchmarks.jar TiledObjectiveBenchmark -p size=1024 -p tile=0,512,768</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class TiledObjectiveBenchmark {
  @Param({"onnx"})
  public String backend;

  @Param({"1024"})
  public int size;

  @Param({"0", "512", "768"})
  public int tile;

  /** The tiles' largest height, 0 for {@code tile}: {@code -p tile=1024 -p tileHeight=592} gives strips. */
  @Param({"0"})
  public int tileHeight;

  private Backend opened;
  private FeatureExtractor extractor;
  private Objective objective;
  private float[] image;
  private float[] gradient;

  @Setup(Level.Trial)
  public void setup() {
    Network net = RandomVgg.vgg19(42);
    ObjectiveSpec spec = ObjectiveBenchmark.spec(net, size, new SplittableRandom(7));
    opened = ObjectiveBenchmark.provider(backend).open(new BackendOptions(Device.CPU, 0));
    Network truncated = net.truncatedAfter(spec.layers());
    if (tile == 0) {
      objective = opened.compile(truncated, spec).orElseThrow();
    } else {
      extractor = opened.featureExtractor(truncated, Pooling.MAX);
      int height = tileHeight > 0 ? tileHeight : tile;
      TileLayout layout = TileLayout.plan(truncated, spec.layers(), size, size, height, tile).orElseThrow();
      objective = TiledObjective.on(opened, extractor, spec, layout, null);
      System.out.println(layout + ", " + String.format("%.2f", layout.overlap()) + "x the pixels");
    }
    image = ObjectiveBenchmark.random(new SplittableRandom(8), 1f, 1, 3, size, size).toArray();
    gradient = new float[image.length];
  }

  @Benchmark
  public double evaluate() {
    return objective.evaluate(image, gradient).total();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    objective.close();
    if (extractor != null) {
      extractor.close();
    }
    opened.close();
  }
}
