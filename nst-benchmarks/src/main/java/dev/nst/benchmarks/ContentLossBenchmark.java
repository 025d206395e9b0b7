package dev.nst.benchmarks;

import dev.nst.api.LossValue;
import dev.nst.core.loss.ClassicContentLoss;
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
 * Host content loss value and gradient at one layer (memory-bound: C x HW elements read twice,
 * written once).
 *
 * <pre>java -jar nst-benchmarks/target/benchmarks.jar ContentLossBenchmark</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ContentLossBenchmark {
  private final ClassicContentLoss loss = new ClassicContentLoss();

  @Benchmark
  public LossValue valueAndGradient(HostKernelState s) {
    return loss.evaluate(s.activation, s.target);
  }
}
