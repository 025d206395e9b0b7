package dev.nst.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nst.api.Optimizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LbfgsTest {

  /** Runs until the callback has seen {@code iterations} points; returns them. */
  static List<float[]> iterates(dev.nst.api.Optimizer opt, dev.nst.api.DifferentiableFunction f, float[] x,
      int iterations, List<Double> values) {
    List<float[]> points = new ArrayList<>();
    opt.minimize(f, x, (k, p, v) -> {
      points.add(p.clone());
      values.add(v);
      return k < iterations;
    });
    return points;
  }

  static void assertIterates(List<float[]> actual, float[][] expected, double tol) {
    assertThat(actual).hasSizeGreaterThanOrEqualTo(expected.length);
    for (int k = 0; k < expected.length; k++) {
      for (int i = 0; i < expected[k].length; i++) {
        assertThat(actual.get(k)[i]).as("iterate " + (k + 1) + " component " + i)
            .isCloseTo(expected[k][i], within((float) tol));
      }
    }
  }

  /*
   * Expected iterates from torch 1.13 (float32), the points at which the closure was evaluated:
   *
   *   A = torch.tensor(TestFunctions.A, dtype=torch.float32); b = torch.tensor(TestFunctions.B)
   *   x = torch.tensor([0.3, -0.7, 1.1, 0.4, -0.2], requires_grad=True)
   *   opt = torch.optim.LBFGS([x], lr=1, max_iter=n, history_size=h, tolerance_grad=0,
   *                           tolerance_change=0)
   *   def closure():
   *       opt.zero_grad(); f = 0.5 * x @ (A @ x) - b @ x; f.backward()
   *       points.append(x.detach().clone().tolist()); return f
   *   opt.step(closure)          # (h, n) = (100, 6) and (2, 8)
   */
  static final float[][] TORCH_QUADRATIC_HISTORY_100 = {
    {0.300000012f, -0.699999988f, 1.10000002f, 0.400000006f, -0.200000003f}, // f = -1.56699991
    {0.298188418f, -0.803260863f, 0.777536213f, 0.775000036f, -0.397463739f}, // f = -3.00044274
    {1.01336813f, -0.710266352f, -0.363912046f, 2.69228411f, -1.60951066f}, // f = -5.06684208
    {0.315318167f, -1.08008301f, -0.322476149f, 2.5895195f, -1.96210146f}, // f = -5.40032721
    {0.567678928f, -0.923954248f, -0.181197196f, 2.39732718f, -1.75117302f}, // f = -5.70091772
    {0.581815243f, -0.925236821f, -0.166444108f, 2.38125944f, -1.80308199f}, // f = -5.71179152
  };

  static final float[][] TORCH_QUADRATIC_HISTORY_2 = {
    {0.300000012f, -0.699999988f, 1.10000002f, 0.400000006f, -0.200000003f}, // f = -1.56699991
    {0.298188418f, -0.803260863f, 0.777536213f, 0.775000036f, -0.397463739f}, // f = -3.00044274
    {1.01336813f, -0.710266352f, -0.363912046f, 2.69228411f, -1.60951066f}, // f = -5.06684208
    {0.315318167f, -1.08008301f, -0.322476149f, 2.5895195f, -1.96210146f}, // f = -5.40032721
    {0.567641258f, -0.923899293f, -0.180999279f, 2.39720345f, -1.75125825f}, // f = -5.70095491
    {0.577062666f, -0.925617874f, -0.159095645f, 2.3696692f, -1.79575765f}, // f = -5.71141338
    {0.597260058f, -0.927161634f, -0.13086924f, 2.3577168f, -1.96753395f}, // f = -5.72473764
    {0.595409572f, -0.939822912f, -0.134278253f, 2.35767198f, -1.97510195f}, // f = -5.72461891
  };

  /*
   * Rosenbrock from (-1.5, 2) with torch's defaults (lr 1, history 100, tolerances 1e-7/1e-9):
   *   opt = torch.optim.LBFGS([x], lr=1, max_iter=500); f = (1-x0)^2 + 100 (x1-x0^2)^2
   * torch evaluates 81 times and stops (|f - f_prev| < 1e-9) at (0.99999595, 0.99999255).
   */
  static final float[][] TORCH_ROSENBROCK = {
    {-1.5f, 2f}, // f = 12.5
    {-0.743902445f, 2.24390244f}, // f = 288.824127
    {-1.31437755f, 2.02033615f}, // f = 13.9264746
    {-1.5714972f, 1.99102509f}, // f = 29.5163307
    {-1.397861f, 2.00676703f}, // f = 6.02801085
    {-1.41056204f, 2.00436783f}, // f = 5.83236694
    {-1.41249704f, 2.00306273f}, // f = 5.826406
    {-1.41242492f, 2.00183797f}, // f = 5.82454681
  };

  static final Lbfgs NO_TOLERANCE = Lbfgs.defaults().withTolerances(-1, -1);

  @Test
  void reproducesTorchIteratesOnAQuadratic() {
    List<Double> values = new ArrayList<>();
    assertIterates(iterates(NO_TOLERANCE, new TestFunctions.Quadratic(), TestFunctions.quadraticStart(), 6, values),
        TORCH_QUADRATIC_HISTORY_100, 2e-6);
    assertThat(values.get(5)).isCloseTo(-5.71179152, within(1e-6));
  }

  @Test
  void reproducesTorchIteratesWithAShortHistory() {
    assertIterates(iterates(NO_TOLERANCE.withHistorySize(2), new TestFunctions.Quadratic(),
        TestFunctions.quadraticStart(), 8, new ArrayList<>()), TORCH_QUADRATIC_HISTORY_2, 2e-6);
  }

  @Test
  void reproducesTorchOnRosenbrockAndConvergesLikeIt() {
    TestFunctions.Rosenbrock f = new TestFunctions.Rosenbrock();
    float[] x = {-1.5f, 2f};
    List<float[]> points = iterates(Lbfgs.defaults(), f, x, 1000, new ArrayList<>());
    assertIterates(points, TORCH_ROSENBROCK, 2e-5);
    assertThat(x[0]).isCloseTo(1f, within(1e-4f));
    assertThat(x[1]).isCloseTo(1f, within(1e-4f));
    assertThat(f.evaluations).as("torch needs 81; float rounding makes the later iterates of this ill-conditioned problem drift apart (we need 104)").isBetween(60, 150).isEqualTo(points.size());
  }

  @Test
  void minimisesTheQuadraticAndStopsByItself() {
    TestFunctions.Quadratic f = new TestFunctions.Quadratic();
    float[] x = TestFunctions.quadraticStart();
    double[] last = new double[1];
    Lbfgs.defaults().minimize(f, x, (k, p, v) -> {
      last[0] = v;
      return k < 1000;
    });
    assertThat(f.evaluations).isLessThan(100);
    for (int i = 0; i < 5; i++) {
      assertThat((double) x[i]).isCloseTo(TestFunctions.MINIMUM[i], within(1e-5));
    }
    assertThat(last[0]).isCloseTo(TestFunctions.MINIMUM_VALUE, within(1e-6));
  }

  @Test
  void backtrackingMinimisesRosenbrock() {
    TestFunctions.Rosenbrock f = new TestFunctions.Rosenbrock();
    float[] x = {-1.5f, 2f};
    int[] iterations = new int[1];
    double[] values = {Double.POSITIVE_INFINITY};
    boolean[] monotone = {true};
    Lbfgs.defaults().withLineSearch(Lbfgs.LineSearch.BACKTRACKING).minimize(f, x, (k, p, v) -> {
      iterations[0] = k;
      monotone[0] &= v <= values[0];
      values[0] = v;
      return k < 1000;
    });
    assertThat(monotone[0]).as("Armijo steps never increase f").isTrue();
    assertThat(x[0]).isCloseTo(1f, within(1e-3f));
    assertThat(x[1]).isCloseTo(1f, within(2e-3f));
    assertThat(f.evaluations).isGreaterThanOrEqualTo(iterations[0]);
  }

  @Test
  void stoppingAfterNIterationsEvaluatesExactlyNTimes() {
    for (int n : new int[] {1, 2, 7, 50}) {
      TestFunctions.Rosenbrock f = new TestFunctions.Rosenbrock();
      float[] x = {-1.5f, 2f};
      int[] seen = new int[1];
      NO_TOLERANCE.minimize(f, x, (k, p, v) -> {
        seen[0] = k;
        return k < n;
      });
      assertThat(seen[0]).isEqualTo(n);
      assertThat(f.evaluations).isEqualTo(n);
    }
  }

  @Test
  void theCallbackSeesTheValueAtThePointItIsGiven() {
    TestFunctions.Quadratic f = new TestFunctions.Quadratic();
    NO_TOLERANCE.minimize(f, TestFunctions.quadraticStart(), (k, p, v) -> {
      assertThat(v).isCloseTo(new TestFunctions.Quadratic().evaluate(p.clone(), new float[5]), within(1e-12));
      return k < 10;
    });
  }

  @Test
  void isDeterministic() {
    List<Double> v1 = new ArrayList<>();
    List<Double> v2 = new ArrayList<>();
    float[] x1 = {-1.5f, 2f};
    float[] x2 = {-1.5f, 2f};
    iterates(NO_TOLERANCE.withHistorySize(5), new TestFunctions.Rosenbrock(), x1, 40, v1);
    iterates(NO_TOLERANCE.withHistorySize(5), new TestFunctions.Rosenbrock(), x2, 40, v2);
    assertThat(x1).containsExactly(x2);
    assertThat(v1).isEqualTo(v2);
  }

  @Test
  void addAndDotMatchesAPlainLoopAcrossChunkBorders() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    for (int n : new int[] {1, 3, Lbfgs.CHUNK - 1, Lbfgs.CHUNK + 5, 3 * Lbfgs.CHUNK + 7}) {
      double[] q = new double[n];
      float[] v = new float[n];
      float[] w = new float[n];
      for (int i = 0; i < n; i++) {
        q[i] = r.nextGaussian();
        v[i] = (float) r.nextGaussian();
        w[i] = (float) r.nextGaussian();
      }
      double[] expectedQ = q.clone();
      double expected = 0;
      for (int i = 0; i < n; i++) {
        expectedQ[i] += 0.25 * v[i];
        expected += w[i] * expectedQ[i];
      }
      double[] onThisThread = q.clone();
      double dot = Lbfgs.addAndDot(q, 0.25, v, w, new double[Lbfgs.chunks(n)], true);
      assertThat(q).as("n = %d", n).containsExactly(expectedQ);
      assertThat(dot).as("n = %d", n).isCloseTo(expected, within(1e-9 * Math.sqrt(n)));
      // the calling thread alone gives the same bits
      assertThat(Lbfgs.addAndDot(onThisThread, 0.25, v, w, new double[Lbfgs.chunks(n)], false)).isEqualTo(dot);
      assertThat(onThisThread).containsExactly(q);
      double[] before = q.clone();
      assertThat(Lbfgs.addAndDot(q, 0, null, w, new double[Lbfgs.chunks(n)], true))
          .isCloseTo(dot, within(1e-9 * Math.sqrt(n)));
      assertThat(q).containsExactly(before);
    }
  }

  @Test
  void aRunGivenOneThreadKeepsEveryChunkOnTheCallingThread() {
    int n = 5 * Lbfgs.CHUNK + 3;
    java.util.Set<Thread> ran = java.util.concurrent.ConcurrentHashMap.newKeySet();
    int[] chunks = new int[1];
    Lbfgs.inChunks(n, false, (c, from, to) -> {
      ran.add(Thread.currentThread());
      assertThat(c).isEqualTo(chunks[0]++); // in order
    });
    assertThat(ran).containsExactly(Thread.currentThread());
    assertThat(chunks[0]).isEqualTo(Lbfgs.chunks(n));
  }

  @Test
  void theIteratesDoNotDependOnTheNumberOfThreads() throws Exception {
    // a problem of several chunks, so that the two-loop recursion's passes run in parallel
    int n = 3 * Lbfgs.CHUNK + 11;
    float[] curvature = new float[n];
    float[] start = new float[n];
    java.util.SplittableRandom r = new java.util.SplittableRandom(2);
    for (int i = 0; i < n; i++) {
      curvature[i] = (float) Math.pow(10, 3 * r.nextDouble());
      start[i] = (float) r.nextGaussian();
    }
    dev.nst.api.DifferentiableFunction f = (x, g) -> {
      double sum = 0;
      for (int i = 0; i < x.length; i++) {
        g[i] = curvature[i] * x[i];
        sum += 0.5 * g[i] * x[i];
      }
      return sum;
    };
    float[][] results = new float[3][];
    int[] threads = {1, 4};
    for (int t = 0; t < 2; t++) {
      java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads[t]);
      try {
        float[] x = start.clone();
        pool.submit(() -> NO_TOLERANCE.withHistorySize(8).minimize(f, x, (k, p, v) -> k < 30)).get();
        results[t] = x;
      } finally {
        pool.shutdown();
      }
    }
    float[] alone = start.clone(); // a run given one thread: every pass on the calling thread
    NO_TOLERANCE.withHistorySize(8).minimize(f, alone, (k, p, v) -> k < 30, Optimizer.Workspace.of(1));
    results[2] = alone;
    assertThat(results[2]).containsExactly(results[0]);
    assertThat(results[1]).containsExactly(results[0]);
    double moved = 0;
    for (int i = 0; i < n; i++) {
      moved += Math.abs(results[0][i] - start[i]);
    }
    assertThat(moved).isGreaterThan(0.1 * n); // it went somewhere
  }

  @Test
  void stopsWhenTheValueIsNotFinite() {
    int[] calls = new int[1];
    Lbfgs.defaults().minimize((x, g) -> {
      calls[0]++;
      g[0] = 1;
      return Double.NaN;
    }, new float[1], (k, p, v) -> true);
    assertThat(calls[0]).isEqualTo(1);
  }

  @Test
  void rejectsNonsenseSettings() {
    assertThatThrownBy(() -> Lbfgs.defaults().withHistorySize(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("historySize");
    assertThatThrownBy(() -> Lbfgs.defaults().withLearningRate(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("learningRate");
    assertThat(Lbfgs.defaults()).isEqualTo(new Lbfgs(100, 1, 1e-7, 1e-9, Lbfgs.LineSearch.NONE));
    assertThat(Lbfgs.defaults().name()).isEqualTo("lbfgs");
  }
}
