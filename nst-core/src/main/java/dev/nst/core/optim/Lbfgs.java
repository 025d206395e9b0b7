package dev.nst.core.optim;

import dev.nst.api.DifferentiableFunction;
import dev.nst.api.Optimizer;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Limited-memory BFGS, by default step for step the algorithm of {@code torch.optim.LBFGS}
 * with {@code line_search_fn=None}, which is what jcjohnson/neural-style and the PyTorch
 * tutorial run: exactly one evaluation of f per iteration, so an iteration budget is an
 * evaluation budget.
 *
 * <h2>Iteration</h2>
 *
 * Iteration k evaluates f and its gradient g at the current x, reports (k, x, f(x)) to the
 * callback, and, unless the callback returns false or a stopping rule below fires, moves x:
 *
 * <ol>
 *   <li>Direction: on the first iteration d = -g. Later, with s = t d (the previous step) and
 *       y = g - g_previous, the pair (s, y) enters the history (dropping the oldest beyond
 *       {@link #historySize()}) only when y.s &gt; 1e-10, and H_diag = y.s / y.y; then
 *       d = -H g by the two-loop recursion with initial matrix H_diag I.
 *   <li>Step length: {@code t = min(1, 1/||g||_1) * learningRate} on the first iteration
 *       (a cautious first step, as the scale of f is unknown), {@code t = learningRate} after.
 *   <li>With {@link LineSearch#NONE}: x = x + t d. With {@link LineSearch#BACKTRACKING}: t is
 *       halved until f(x + t d) &lt;= f(x) + 1e-4 t g.d (Armijo), at most 30 tries; the
 *       accepted evaluation is the next iteration's, so the callback still sees one call per
 *       iteration, but f may run several times.
 * </ol>
 *
 * <h2>Stopping</h2>
 *
 * {@link #minimize} returns when the callback returns false (x is then the point just
 * reported), or, like torch, when max|g| &lt;= {@link #toleranceGrad()}, when the directional
 * derivative g.d &gt; -{@link #toleranceChange()}, when the last step max|t d| &lt;=
 * toleranceChange, when |f - f_previous| &lt; toleranceChange, when f or g is not finite, or
 * when backtracking finds no acceptable step (x is then restored to the last reported point).
 * Set both tolerances to a negative value to run until the callback stops.
 *
 * <h2>Numerics</h2>
 *
 * x, g, d and the history pairs are float arrays, as in torch with float32 parameters (the
 * history is the memory cost: 2 x historySize x n floats). Dot products and the two-loop work
 * vector are double, which removes the rounding of long float32 reductions. The two-loop
 * recursion, about 2 x historySize passes over n values per iteration (each adds one pair's
 * multiple and takes the next pair's dot product at once), runs in chunks of fixed size, on the
 * common fork-join pool or, for a run given one thread, on the calling thread alone, and partial
 * sums are added in chunk order. No randomness, and no dependence on the number of threads: the
 * same f and start give the same iterates.
 *
 * @param historySize number of (s, y) pairs kept; torch's default 100
 * @param learningRate the step length factor t; torch's default 1
 * @param toleranceGrad stop when max|g| is at or below it; torch's default 1e-7
 * @param toleranceChange stop on steps or changes of f below it; torch's default 1e-9
 * @param lineSearch the step rule
 */
public record Lbfgs(int historySize, double learningRate, double toleranceGrad, double toleranceChange,
    LineSearch lineSearch) implements Optimizer {

  /** How the step length of each iteration is chosen. */
  public enum LineSearch {
    /** torch's {@code line_search_fn=None}: take the step t d, one evaluation per iteration. */
    NONE,
    /** Armijo backtracking from t: halve until f decreases enough; more evaluations, steadier. */
    BACKTRACKING
  }

  /** Sufficient-decrease constant of the Armijo rule. */
  static final double ARMIJO_C1 = 1e-4;
  /** Most evaluations one backtracking search may spend. */
  static final int MAX_BACKTRACKS = 30;
  /** Curvature pairs with y.s at or below this are skipped, as in torch. */
  static final double CURVATURE_EPS = 1e-10;

  /** Checks the history size, the learning rate, the tolerances and the line search. */
  public Lbfgs {
    if (historySize < 1) {
      throw new IllegalArgumentException("historySize must be >= 1, got " + historySize);
    }
    if (!Double.isFinite(learningRate) || learningRate <= 0) {
      throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
    }
    if (Double.isNaN(toleranceGrad) || Double.isNaN(toleranceChange)) {
      throw new IllegalArgumentException("tolerances must not be NaN");
    }
    Objects.requireNonNull(lineSearch, "lineSearch");
  }

  /** torch's defaults: history 100, learning rate 1, tolerances 1e-7 and 1e-9, no line search. */
  public static Lbfgs defaults() {
    return new Lbfgs(100, 1.0, 1e-7, 1e-9, LineSearch.NONE);
  }

  /** This optimiser keeping the last {@code size} curvature pairs. */
  public Lbfgs withHistorySize(int size) {
    return new Lbfgs(size, learningRate, toleranceGrad, toleranceChange, lineSearch);
  }

  /** This optimiser with another learning rate (the step scale t of the first direction). */
  public Lbfgs withLearningRate(double rate) {
    return new Lbfgs(historySize, rate, toleranceGrad, toleranceChange, lineSearch);
  }

  /** Both tolerances; negative values disable the corresponding stopping rules. */
  public Lbfgs withTolerances(double grad, double change) {
    return new Lbfgs(historySize, learningRate, grad, change, lineSearch);
  }

  /** This optimiser with another line search. */
  public Lbfgs withLineSearch(LineSearch search) {
    return new Lbfgs(historySize, learningRate, toleranceGrad, toleranceChange, search);
  }

  @Override
  public String name() {
    return "lbfgs";
  }

  /** "the learning rate of lbfgs (VALUE)". */
  @Override
  public String stepSizeDescription() {
    return "the learning rate of lbfgs (" + learningRate + ")";
  }

  @Override
  public void minimize(DifferentiableFunction f, float[] x, IterationCallback callback) {
    minimize(f, x, callback, Workspace.of(0));
  }

  /**
   * With 1 thread every pass runs on the calling thread alone (nothing waits on the JVM's common
   * pool, which other workers share); otherwise passes are split over the common fork-join pool.
   * The history pairs are the workspace's arrays, so a session reuses them from image to image.
   * The iterates are the same either way.
   */
  @Override
  public void minimize(DifferentiableFunction f, float[] x, IterationCallback callback, Workspace workspace) {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(callback, "callback");
    Objects.requireNonNull(workspace, "workspace");
    new Run(f, x, workspace).run(callback);
  }

  /** The state of one minimisation. */
  private final class Run {
    private final DifferentiableFunction f;
    private final float[] x;
    private final int n;
    /** Whether passes split over the common pool, or run on the calling thread. */
    private final boolean parallel;
    /** Lends the history arrays: at least n values each, of which the first n are used. */
    private final Workspace workspace;
    private float[] g;
    private float[] gPrev;
    private final float[] d;
    private final double[] q;
    private final float[][] sHist = new float[historySize][];
    private final float[][] yHist = new float[historySize][];
    private final double[] rho = new double[historySize];
    private final double[] al = new double[historySize];
    private final double[] partials;
    private int first; // ring index of the oldest pair
    private int count;
    private double hDiag = 1;

    Run(DifferentiableFunction f, float[] x, Workspace workspace) {
      this.parallel = workspace.threads() != 1;
      this.workspace = workspace;
      this.f = f;
      this.x = x;
      this.n = x.length;
      this.g = new float[n];
      this.gPrev = new float[n];
      this.d = new float[n];
      this.q = new double[n];
      this.partials = new double[chunks(n)];
    }

    void run(IterationCallback callback) {
      double fx = f.evaluate(x, g);
      double fPrev = Double.NaN;
      double t = 0;
      float[] xPrev = lineSearch == LineSearch.BACKTRACKING ? new float[n] : null;
      for (int iter = 1; ; iter++) {
        if (!callback.onIteration(iter, x, fx)) {
          return;
        }
        if (!Double.isFinite(fx) || !allFinite(g)) {
          return;
        }
        if (maxAbs(g) <= toleranceGrad) {
          return;
        }
        if (iter == 1) {
          for (int i = 0; i < n; i++) {
            d[i] = -g[i];
          }
        } else {
          if (maxAbs(d) * Math.abs(t) <= toleranceChange) {
            return;
          }
          if (Math.abs(fx - fPrev) < toleranceChange) {
            return;
          }
          updateHistory(t);
          direction();
        }
        t = iter == 1 ? Math.min(1.0, 1.0 / sumAbs(g)) * learningRate : learningRate;
        double gtd = dot(g, d);
        if (gtd > -toleranceChange) {
          return;
        }
        float[] swap = gPrev;
        gPrev = g;
        g = swap;
        fPrev = fx;
        if (lineSearch == LineSearch.NONE) {
          step(x, (float) t);
          fx = f.evaluate(x, g);
        } else {
          System.arraycopy(x, 0, xPrev, 0, n);
          boolean accepted = false;
          for (int k = 0; k < MAX_BACKTRACKS; k++) {
            System.arraycopy(xPrev, 0, x, 0, n);
            step(x, (float) t);
            fx = f.evaluate(x, g);
            if (Double.isFinite(fx) && fx <= fPrev + ARMIJO_C1 * t * gtd) {
              accepted = true;
              break;
            }
            t *= 0.5;
          }
          if (!accepted) {
            System.arraycopy(xPrev, 0, x, 0, n);
            return;
          }
        }
      }
    }

    private void step(float[] target, float t) {
      for (int i = 0; i < n; i++) {
        target[i] += t * d[i];
      }
    }

    /** Adds (s, y) = (t d, g - gPrev) to the history when its curvature is positive. */
    private void updateHistory(double t) {
      double ys = 0;
      double yy = 0;
      float tf = (float) t;
      for (int i = 0; i < n; i++) {
        double y = (double) g[i] - gPrev[i];
        ys += y * (tf * d[i]);
        yy += y * y;
      }
      if (ys <= CURVATURE_EPS) {
        return;
      }
      int slot;
      if (count == historySize) {
        slot = first;
        first = (first + 1) % historySize;
      } else {
        slot = (first + count) % historySize;
        count++;
      }
      if (sHist[slot] == null) {
        sHist[slot] = workspace.floats(n);
        yHist[slot] = workspace.floats(n);
      }
      float[] s = sHist[slot];
      float[] y = yHist[slot];
      for (int i = 0; i < n; i++) {
        s[i] = tf * d[i];
        y[i] = g[i] - gPrev[i];
      }
      rho[slot] = 1.0 / ys;
      hDiag = ys / yy;
    }

    /**
     * d = -H g by the two-loop recursion over the history, newest pair first. Each pass over q
     * adds the previous pair's multiple and takes the next pair's dot product at once (half the
     * passes over q of doing them apart), chunk by chunk on the common pool.
     */
    private void direction() {
      inChunks(n, parallel, (c, from, to) -> {
        for (int i = from; i < to; i++) {
          q[i] = -g[i];
        }
      });
      double pending = 0;
      float[] pendingVector = null;
      for (int k = count - 1; k >= 0; k--) {
        int slot = (first + k) % historySize;
        double a = rho[slot] * addAndDot(q, -pending, pendingVector, sHist[slot], partials, parallel);
        al[slot] = a;
        pending = a;
        pendingVector = yHist[slot];
      }
      double scale = hDiag;
      double lastA = pending;
      float[] lastY = pendingVector;
      inChunks(n, parallel, (c, from, to) -> {
        for (int i = from; i < to; i++) {
          q[i] = (lastY == null ? q[i] : q[i] - lastA * lastY[i]) * scale;
        }
      });
      pending = 0;
      pendingVector = null;
      for (int k = 0; k < count; k++) {
        int slot = (first + k) % historySize;
        double b = rho[slot] * addAndDot(q, pending, pendingVector, yHist[slot], partials, parallel);
        pending = al[slot] - b;
        pendingVector = sHist[slot];
      }
      double lastC = pending;
      float[] lastS = pendingVector;
      inChunks(n, parallel, (c, from, to) -> {
        for (int i = from; i < to; i++) {
          d[i] = (float) (lastS == null ? q[i] : q[i] + lastC * lastS[i]);
        }
      });
    }
  }

  /**
   * Values per chunk of the two-loop recursion's passes: a fixed size, so sums do not depend on
   * the threads.
   */
  static final int CHUNK = 1 << 15;

  static int chunks(int n) {
    return Math.max(1, (n + CHUNK - 1) / CHUNK);
  }

  /** One chunk's work: chunk {@code c} covers positions {@code from} to {@code to - 1}. */
  @FunctionalInterface
  interface ChunkTask {
    void run(int c, int from, int to);
  }

  /** Runs {@code task} on every chunk of n positions: on the common pool, or in order on this thread. */
  static void inChunks(int n, boolean parallel, ChunkTask task) {
    if (parallel) {
      IntStream.range(0, chunks(n)).parallel().forEach(c -> task.run(c, c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
    } else { // a plain loop: no stream built 200 times an iteration
      for (int c = 0, chunks = chunks(n); c < chunks; c++) {
        task.run(c, c * CHUNK, Math.min(n, (c + 1) * CHUNK));
      }
    }
  }

  /**
   * q += c v (when v is not null), then returns w . q, on the common pool in chunks of
   * {@value #CHUNK} whose partial sums (four interleaved accumulators each, which keeps the
   * floating-point adds from waiting on each other) are added in chunk order: the same result
   * on any number of threads.
   *
   * @param partials work space of {@link #chunks} values
   * @param parallel whether the chunks run on the common pool or on this thread
   */
  static double addAndDot(double[] q, double c, float[] v, float[] w, double[] partials, boolean parallel) {
    int n = q.length;
    inChunks(n, parallel, (k, from, end) -> {
      int i = from;
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      if (v != null) {
        for (; i + 3 < end; i += 4) {
          double q0 = q[i] + c * v[i];
          double q1 = q[i + 1] + c * v[i + 1];
          double q2 = q[i + 2] + c * v[i + 2];
          double q3 = q[i + 3] + c * v[i + 3];
          q[i] = q0;
          q[i + 1] = q1;
          q[i + 2] = q2;
          q[i + 3] = q3;
          s0 += w[i] * q0;
          s1 += w[i + 1] * q1;
          s2 += w[i + 2] * q2;
          s3 += w[i + 3] * q3;
        }
        for (; i < end; i++) {
          q[i] += c * v[i];
          s0 += w[i] * q[i];
        }
      } else {
        for (; i + 3 < end; i += 4) {
          s0 += w[i] * q[i];
          s1 += w[i + 1] * q[i + 1];
          s2 += w[i + 2] * q[i + 2];
          s3 += w[i + 3] * q[i + 3];
        }
        for (; i < end; i++) {
          s0 += w[i] * q[i];
        }
      }
      partials[k] = (s0 + s1) + (s2 + s3);
    });
    double sum = 0;
    for (int k = 0, chunks = chunks(n); k < chunks; k++) {
      sum += partials[k];
    }
    return sum;
  }

  static boolean allFinite(float[] v) {
    for (float f : v) {
      if (!Float.isFinite(f)) {
        return false;
      }
    }
    return true;
  }

  static double maxAbs(float[] v) {
    double m = 0;
    for (float f : v) {
      m = Math.max(m, Math.abs(f));
    }
    return m;
  }

  static double sumAbs(float[] v) {
    double s = 0;
    for (float f : v) {
      s += Math.abs(f);
    }
    return s;
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
