package dev.nst.benchmarks;

import dev.nst.api.LossValue;
import dev.nst.core.loss.SquaredTotalVariation;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Host total variation value and gradient of a 3 x size x size image.
 *
 * <pre>java -jar nst-benchmarks/target/benchmarks.jar TotalVariationBenchmark -p layer=relu1_1</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TotalVariationBenchmark {
  private final SquaredTotalVariation tv = new SquaredTotalVariation();

  @Benchmark
  public LossValue valueAndGradient(HostKernelState s) {
    return tv.evaluate(s.image);
  }
}
