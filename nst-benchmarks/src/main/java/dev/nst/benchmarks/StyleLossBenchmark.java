package dev.nst.benchmarks;

import dev.nst.api.LossValue;
import dev.nst.core.loss.ClassicStyleLoss;
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
 * Host style loss value and gradient at one layer: a Gram matrix plus the gradient product
 * D A, 2 x C x C x HW multiply-adds.
 *
 * <pre>java -jar nst-benchmarks/target/benchmarks.jar StyleLossBenchmark</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class StyleLossBenchmark {
  private final ClassicStyleLoss loss = new ClassicStyleLoss();

  @Benchmark
  public LossValue valueAndGradient(HostKernelState s) {
    return loss.evaluate(s.activation, s.meanGram);
  }
}
