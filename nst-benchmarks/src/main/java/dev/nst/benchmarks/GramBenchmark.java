package dev.nst.benchmarks;

import dev.nst.api.Tensor;
import dev.nst.core.loss.ClassicStyleLoss;
import dev.nst.core.loss.GramKernel;
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
 * The host Gram matrix A A^T of a VGG-19 activation (C x C x HW multiply-adds; relu1_1 at
 * 512 px: 64 x 64 x 262144 = 1.07 G MACs). GFLOP/s = 2 x MACs / time.
 *
 * <pre>java -jar nst-benchmarks/target/benchmarks.jar GramBenchmark</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class GramBenchmark {
  private final ClassicStyleLoss loss = new ClassicStyleLoss();

  /** Through the public API: includes copying the activation out of its Tensor. */
  @Benchmark
  public Tensor gram(HostKernelState s) {
    return loss.gram(s.activation);
  }

  /** The kernel alone, on an array (what the performance target is about). */
  @Benchmark
  public double[] kernel(HostKernelState s) {
    GramKernel.gram(s.activationValues, s.channels, s.positions, s.gramOut);
    return s.gramOut;
  }
}
