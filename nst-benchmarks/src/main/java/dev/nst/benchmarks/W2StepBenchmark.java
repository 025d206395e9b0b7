package dev.nst.benchmarks;

import dev.nst.api.StyleLossKind;
import dev.nst.api.Tensor;
import dev.nst.core.loss.GaussianW2;
import dev.nst.core.loss.GramKernel;
import dev.nst.core.loss.StyleSums;
import dev.nst.core.loss.Targets;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The host work of one W2 term per evaluation, between the statistics and the gradient call:
 * the covariance, K = R S R, K's eigendecomposition and the transport matrix (about 17 C^3
 * flops), for the channel counts of VGG and Darknet layers.
 *
 * <pre>java -jar nst-benchmarks/target/benchmarks.jar W2StepBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class W2StepBenchmark {
  @Param({"64", "128", "256", "512"})
  public int channels;

  private GaussianW2 target;
  private double[] gram;
  private double[] first;
  private double weight;

  @Setup(Level.Trial)
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(3);
    int n = 4096;
    Tensor style = ObjectiveBenchmark.random(rnd, 1f, 1, channels, 64, 64);
    Targets.LayerStatistics t = Targets.LayerStatistics.of(StyleLossKind.W2, style);
    target = GaussianW2.target(t.mean(), t.meanGram());
    float[] a = ObjectiveBenchmark.random(rnd, 1f, 1, channels, 64, 64).toArray();
    gram = new double[channels * channels];
    GramKernel.gram(a, channels, n, gram);
    first = StyleSums.firstMoment(a, StyleSums.weights(null, n), channels, n);
    weight = n;
  }

  @Benchmark
  public GaussianW2.Step step() {
    return target.evaluate(gram, first, weight, 1);
  }
}
