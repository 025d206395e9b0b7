package dev.nst.benchmarks;

import dev.nst.api.DifferentiableFunction;
import dev.nst.api.Optimizer;
import dev.nst.core.optim.Lbfgs;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The optimiser's own work in a run: {@link Lbfgs#defaults()} (history 100) for {@value #ITERATIONS}
 * iterations on a function that costs almost nothing (a diagonal quadratic, one pass over x), so
 * the time is the history update, the two-loop recursion and the step: with a full history about
 * 2 x 100 passes over n values, each reading one history vector. Divide the score by
 * {@value #ITERATIONS}.
 * The default n is a 512 x 341 RGB image, the whole-run comparison's.
 *
 * <pre>java -jar nst-benchmarks/target/benchmarks.jar LbfgsBenchmark</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@State(Scope.Benchmark)
public class LbfgsBenchmark {
  static final int ITERATIONS = 150;

  @Param({"523776"})
  public int n;

  /** The run's threads: 0 splits the passes over the common pool, 1 keeps them on the caller (a batch worker). */
  @Param({"0", "1"})
  public int threads;

  private float[] start;
  private float[] curvature;

  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(3);
    start = new float[n];
    curvature = new float[n];
    for (int i = 0; i < n; i++) {
      start[i] = (float) r.nextGaussian();
      curvature[i] = (float) Math.pow(10, 4 * r.nextDouble()); // condition number 1e4
    }
  }

  @Benchmark
  public float minimize() {
    float[] x = start.clone();
    DifferentiableFunction f = (v, g) -> {
      double sum = 0;
      for (int i = 0; i < v.length; i++) {
        g[i] = curvature[i] * v[i];
        sum += 0.5 * g[i] * v[i];
      }
      return sum;
    };
    int[] reached = new int[1];
    Lbfgs.defaults().withTolerances(-1, -1).minimize(f, x, (iteration, point, value) -> {
      reached[0] = iteration;
      return iteration < ITERATIONS;
    }, Optimizer.Workspace.of(threads));
    if (reached[0] != ITERATIONS) {
      throw new IllegalStateException("L-BFGS stopped after " + reached[0] + " iterations: the benchmark's "
          + "function no longer measures " + ITERATIONS);
    }
    return x[0];
  }
}
