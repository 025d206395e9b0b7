package dev.nst.core;

import dev.nst.api.BadImageException;
import dev.nst.api.DifferentiableFunction;
import dev.nst.api.DivergenceException;
import dev.nst.api.InputConvention;
import dev.nst.api.LossBreakdown;
import dev.nst.api.NstException;
import dev.nst.api.NumericalFailureException;
import dev.nst.api.Objective;
import dev.nst.api.Optimizer;
import dev.nst.api.ProgressEvent;
import dev.nst.api.ProgressListener;
import dev.nst.api.RunFailedException;
import dev.nst.api.Tensor;
import dev.nst.core.image.Images;
import dev.nst.core.image.Preprocessing;
import dev.nst.core.optim.Adam;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The optimisation of one scale: the function the optimiser sees, and the bookkeeping around
 * every iteration (best iterate, finiteness, the divergence rule, listeners, snapshots,
 * cancellation). One instance serves one {@link #minimize} call.
 *
 * <p>Two refinements of crowsonkb/style-transfer-pytorch: with an averaging decay d &gt; 0 the
 * scale's result is the bias-corrected exponential moving average of the iterates,
 * {@code a = d a + (1 - d) x} after every iteration, returned as {@code a / (1 - d^k)}, rather
 * than the iterate of the lowest loss (averaging removes the high-frequency noise Adam's steps
 * leave); and the function's domain ({@link #constrain}) is the box of pixel values the input
 * convention can represent, which an optimiser with a box constraint keeps the image in.
 */
final class IterationLoop implements DifferentiableFunction {
  // The logger keeps the facade's name, which is the one users configure.
  private static final System.Logger LOG = System.getLogger(StyleTransfer.class.getName());

  /**
   * Divergence rule: the run stops with a {@link DivergenceException} when the loss has been above
   * {@value #DIVERGENCE_FACTOR} times the best loss so far, and above the first iteration's loss,
   * for {@value #DIVERGENCE_PATIENCE} iterations in a row (or for {@value #DIVERGENCE_FAST_PATIENCE}
   * when it is also above {@value #DIVERGENCE_FAST_FACTOR} times the best). On the reference
   * problems (docs/reliability.md has the measurements) L-BFGS never rises above 1.1 times its
   * best, and Adam up to 5 times its default learning rate stays under 6 times its best and
   * never above the rule's bound; at 15 times the default it reaches the bound for at most 6
   * iterations in a row. A learning rate that is too large keeps the loss 10 to 10^4 times above
   * the best for as long as the run lasts (Adam, whose steps are bounded by the learning rate), or
   * multiplies it by orders of magnitude per iteration until it overflows (L-BFGS). The
   * first-loss condition keeps the rule quiet near convergence, where the best loss can be so
   * small that rounding noise is a large multiple of it.
   */
  static final double DIVERGENCE_FACTOR = 10;

  /** See {@link #DIVERGENCE_FACTOR}. */
  static final int DIVERGENCE_PATIENCE = 20;

  /**
   * The fast path of the divergence rule: a loss that has also grown past this multiple of the
   * best stops the run after {@value #DIVERGENCE_FAST_PATIENCE} such iterations instead of
   * {@value #DIVERGENCE_PATIENCE}, before it overflows into a NaN (a large learning rate can
   * multiply the loss by 10^16 per iteration).
   */
  static final double DIVERGENCE_FAST_FACTOR = 1e6;

  /** See {@link #DIVERGENCE_FAST_FACTOR}. */
  static final int DIVERGENCE_FAST_PATIENCE = 3;

  private final Objective objective;
  private final InputConvention convention;
  private final Optimizer optimizer;
  private final int iterations;
  private final long startNanos;
  private final Settings.Output output;
  private final Settings.Execution execution;
  private final Optimizer.Workspace workspace;
  private final double averageDecay;
  private final Adam.State warmStart;
  private Adam.State finalState;
  private double[] average;
  private double averageWeight;
  private final List<LossBreakdown> history = new ArrayList<>();
  private LossBreakdown last;
  private float[] best;
  private double bestValue = Double.POSITIVE_INFINITY;
  private int bestIteration;
  private double firstValue = Double.NaN;
  private int divergingFor;
  private boolean cancelled;
  private NstException failure;

  /**
   * A loop over one scale's objective.
   *
   * @param objective the function to minimise, in the network's input space
   * @param convention the input space, for writing snapshots
   * @param optimizer the optimiser to run
   * @param iterations the most iterations to run
   * @param startNanos {@link System#nanoTime()} at the start, for the elapsed time of progress events
   * @param output where snapshots go
   * @param execution the listeners and the cancellation token
   * @param averageDecay the decay of the iterate average, in [0, 1); 0 returns the best iterate
   * @param warmStart Adam's state to continue from (an Adam that carries its state), or null
   * @param workspace the threads and working arrays the optimiser is lent
   */
  IterationLoop(Objective objective, InputConvention convention, Optimizer optimizer, int iterations, long startNanos,
      Settings.Output output, Settings.Execution execution, double averageDecay, Adam.State warmStart,
      Optimizer.Workspace workspace) {
    this.objective = objective;
    this.convention = convention;
    this.optimizer = optimizer;
    this.iterations = iterations;
    this.startNanos = startNanos;
    this.output = output;
    this.execution = execution;
    this.averageDecay = averageDecay;
    this.warmStart = warmStart;
    this.workspace = workspace;
  }

  /**
   * Runs the optimiser from {@code x} (updated in place).
   *
   * @return the iterate with the lowest loss, or {@code x} when no evaluation finished
   * @throws NumericalFailureException if the loss or its gradient stopped being finite
   * @throws DivergenceException if the divergence rule fired
   */
  float[] minimize(float[] x) {
    if (optimizer instanceof Adam a && a.carriesState()) {
      finalState = a.minimize(this, x, this::afterIteration, warmStart);
    } else {
      optimizer.minimize(this, x, this::afterIteration, workspace);
    }
    if (failure != null) {
      throw failure;
    }
    if (average != null && !cancelled) {
      float[] out = new float[x.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) (average[i] / averageWeight);
      }
      return out;
    }
    return best != null ? best : x;
  }

  /** Adam's state after the last step, for the next scale; null unless an Adam that carries its state ran. */
  Adam.State finalState() {
    return finalState;
  }

  /** Clamps every channel of the image to the values the input convention can represent (0..255 pixels). */
  @Override
  public void constrain(float[] x) {
    clamp(x, convention, objective.imageShape()[1]);
  }

  /** Clamps each of the {@code channels} planes of {@code x} to the pixel values 0..255 of {@code convention}. */
  static void clamp(float[] x, InputConvention convention, int channels) {
    int plane = x.length / channels;
    for (int c = 0; c < channels; c++) {
      float lo = (float) ((0 - convention.mean(c)) / convention.std(c));
      float hi = (float) ((255 * convention.scale() - convention.mean(c)) / convention.std(c));
      for (int i = c * plane; i < (c + 1) * plane; i++) {
        x[i] = Math.min(hi, Math.max(lo, x[i]));
      }
    }
  }

  /** The loss terms of every iteration run, in order. */
  List<LossBreakdown> history() {
    return history;
  }

  /** True when the cancellation token stopped the loop. */
  boolean cancelled() {
    return cancelled;
  }

  /** The 1-based iteration of this loop that produced the best image, 0 before the first finite loss. */
  int bestIteration() {
    return best == null ? 0 : bestIteration;
  }

  /** The 1-based iteration whose evaluation runs now, or runs next. */
  int currentIteration() {
    return history.size() + 1;
  }

  /**
   * Thrown from inside an evaluation (between tiles of a tiled one) when the run is cancelled,
   * so that an evaluation taking minutes stops at once; the loop then ends as cancelled.
   */
  static final class EvaluationCancelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EvaluationCancelled() {
      super("cancelled", null, false, false);
    }
  }

  @Override
  public double evaluate(float[] x, float[] gradient) {
    if (failure != null || cancelled) {
      Arrays.fill(gradient, 0f);
      return Double.MAX_VALUE;
    }
    try {
      last = objective.evaluate(x, gradient);
    } catch (EvaluationCancelled e) {
      cancelled = true;
      Arrays.fill(gradient, 0f);
      return Double.MAX_VALUE;
    } catch (RunFailedException e) {
      // the backend failed (out of native memory, a device error): keep what the run achieved
      failure = new RunFailedException(e.getMessage() + " (at iteration " + currentIteration()
          + "; the exception holds the best image so far)", e, bestImage());
      Arrays.fill(gradient, 0f);
      return Double.MAX_VALUE;
    } catch (OutOfMemoryError e) {
      // What the failed evaluation allocated is garbage once the stack unwinds; the best image
      // was allocated before it, so the run can still hand it back.
      failure = new RunFailedException("the Java heap ran out at iteration " + currentIteration() + " ("
          + e.getMessage() + "); raise the heap limit (-Xmx, or NST_JAVA_OPTS=-Xmx... for bin/nst), lower the "
          + "memory budget so that the run evaluates in tiles, or use a smaller size (the exception holds the best "
          + "image so far)", e, bestImage());
      Arrays.fill(gradient, 0f);
      return Double.MAX_VALUE;
    }
    // A gradient can overflow float while the loss (a double) is still finite; the optimisers
    // then stop at once, and without this check the run would end as if it had converged.
    if (!last.isFinite() || !allFinite(gradient)) {
      String what = last.isFinite() ? "the gradient became infinite or NaN (the loss is " + last.total() + ")"
          : "the loss became " + last.total();
      failure = new NumericalFailureException(what + " at iteration " + (history.size() + 1)
          + "; lower the learning rate or the loss weights (the exception holds the last good image)",
          bestImage());
      // A zero gradient stops the optimiser from moving; the callback then ends the run.
      Arrays.fill(gradient, 0f);
      return Double.MAX_VALUE;
    }
    if (last.total() < bestValue) {
      bestValue = last.total();
      bestIteration = history.size() + 1;
      if (best == null) {
        best = new float[x.length];
      }
      System.arraycopy(x, 0, best, 0, x.length);
    }
    return last.total();
  }

  private boolean afterIteration(int iteration, float[] x, double value) {
    if (failure != null || cancelled) {
      return false;
    }
    history.add(last);
    if (averageDecay > 0) {
      if (average == null) {
        average = new double[x.length];
      }
      for (int i = 0; i < x.length; i++) {
        average[i] = averageDecay * average[i] + (1 - averageDecay) * x[i];
      }
      averageWeight = 1 - Math.pow(averageDecay, history.size());
    }
    ProgressEvent event = new ProgressEvent(iteration, iterations, last,
        Duration.ofNanos(System.nanoTime() - startNanos));
    for (ProgressListener l : execution.listeners()) {
      l.onProgress(event);
    }
    if (diverged(iteration, value)) {
      return false;
    }
    if (output.snapshotDue(iteration, iterations)) {
      snapshot(iteration, x);
    }
    if (execution.cancelRequested()) {
      cancelled = true;
      return false;
    }
    return iteration < iterations;
  }

  /**
   * Writes the snapshot of {@code iteration}. A snapshot that cannot be written (disk full, the
   * folder removed) does not end the run: the listeners and the log are told, and it goes on.
   */
  private void snapshot(int iteration, float[] x) {
    int[] shape = objective.imageShape();
    Path file = output.snapshotPath(iteration);
    try {
      Images.write(Preprocessing.toImage(x, shape[2], shape[3], convention), file);
    } catch (BadImageException e) {
      String notice = "could not write the snapshot of iteration " + iteration + " (" + e.getMessage()
          + "); the run goes on";
      LOG.log(System.Logger.Level.WARNING, "nst: {0}", notice);
      execution.listeners().forEach(l -> l.onNotice(notice));
    }
  }

  /** Applies the divergence rule ({@link #DIVERGENCE_FACTOR}); on divergence, sets {@link #failure}. */
  private boolean diverged(int iteration, double value) {
    if (history.size() == 1) {
      firstValue = value;
    }
    divergingFor = value > DIVERGENCE_FACTOR * bestValue && value > firstValue ? divergingFor + 1 : 0;
    boolean exploding = divergingFor >= DIVERGENCE_FAST_PATIENCE && value > DIVERGENCE_FAST_FACTOR * bestValue;
    if (divergingFor < DIVERGENCE_PATIENCE && !exploding) {
      return false;
    }
    failure = new DivergenceException(String.format(Locale.ROOT,
        "the loss diverged: it is %.4g at iteration %d and has stayed above %.0f times the best loss "
            + "(%.4g, at iteration %d) for %d iterations: %s is too large for this problem; lower it "
            + "(the exception holds the best image so far)",
        value, iteration, DIVERGENCE_FACTOR, bestValue, bestIteration, divergingFor,
        optimizer.stepSizeDescription()),
        bestValue, value, iteration, bestImage());
    return true;
  }

  /** The best iterate so far as an image tensor, or null before the first finite loss. */
  private Tensor bestImage() {
    return best == null ? null : Tensor.of(best, objective.imageShape());
  }

  private static boolean allFinite(float[] v) {
    for (float f : v) {
      if (!Float.isFinite(f)) {
        return false;
      }
    }
    return true;
  }
}
