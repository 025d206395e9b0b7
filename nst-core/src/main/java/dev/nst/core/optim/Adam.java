package dev.nst.core.optim;

import dev.nst.api.DifferentiableFunction;
import dev.nst.api.Optimizer;
import java.util.Objects;

/**
 * Adam (Kingma and Ba), as {@code torch.optim.Adam} without weight decay: per iteration one
 * evaluation of f and g at x, then
 *
 * <pre>
 * m = beta1 m + (1 - beta1) g          v = beta2 v + (1 - beta2) g^2
 * x = x - learningRate * (m / (1 - beta1^k)) / (sqrt(v / (1 - beta2^k)) + epsilon)
 * </pre>
 *
 * Each component moves by about learningRate per iteration whatever the scale of f, so the
 * learning rate is a distance in the network's input space: the default
 * {@value #DEFAULT_LEARNING_RATE} is about one grey level per iteration for the torch
 * convention (inputs divided by 255 and by a std near 0.226); use about 1 to 10 for the caffe
 * convention (0..255 inputs), as jcjohnson/neural-style does.
 *
 * <p>Adam has no convergence test: {@link #minimize} returns when the callback returns false
 * (x is then the point just reported) or when f or g stops being finite. The moments are
 * double arrays; x stays float. Deterministic.
 *
 * <p>Three options of crowsonkb/style-transfer-pytorch ({@link #quality()}): a box constraint
 * (after every step x goes back into the function's domain, {@link
 * DifferentiableFunction#constrain}: the valid pixel values), moments carried across the scales
 * of a coarse-to-fine run ({@link #minimize(DifferentiableFunction, float[], IterationCallback,
 * State)}, the run resizes them with the image), and a learning rate in units of the pixel
 * range 0..1 that a run converts to the network's input space ({@link #inInputSpaceOf}).
 *
 * @param learningRate step size per iteration, &gt; 0
 * @param beta1 decay of the first moment, in [0, 1)
 * @param beta2 decay of the second moment, in [0, 1)
 * @param epsilon added to the root of the second moment, &gt; 0
 * @param boxConstraint whether x is constrained to the function's domain after every step
 * @param carriesState whether a coarse-to-fine run hands the moments from scale to scale
 * @param pixelUnits whether {@code learningRate} is in units of the pixel range 0..1 rather than
 *     of the network's input space
 */
public record Adam(double learningRate, double beta1, double beta2, double epsilon, boolean boxConstraint,
    boolean carriesState, boolean pixelUnits) implements Optimizer {

  /** Adam without box, carried state or pixel units. */
  public Adam(double learningRate, double beta1, double beta2, double epsilon) {
    this(learningRate, beta1, beta2, epsilon, false, false, false);
  }

  /** Default learning rate for inputs in the torch convention (see the class comment). */
  public static final double DEFAULT_LEARNING_RATE = 0.02;

  /** Checks the learning rate, the betas and epsilon. */
  public Adam {
    if (!Double.isFinite(learningRate) || learningRate <= 0) {
      throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
    }
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1), got " + beta1 + " and " + beta2);
    }
    if (!Double.isFinite(epsilon) || epsilon <= 0) {
      throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
    }
  }

  /** Learning rate {@value #DEFAULT_LEARNING_RATE}, betas 0.9 and 0.999, epsilon 1e-8. */
  public static Adam defaults() {
    return withLearningRate(DEFAULT_LEARNING_RATE);
  }

  /** torch's betas and epsilon with the given learning rate. */
  public static Adam withLearningRate(double learningRate) {
    return new Adam(learningRate, 0.9, 0.999, 1e-8);
  }

  /**
   * crowsonkb/style-transfer-pytorch's Adam: learning rate 0.02 of the pixel range, torch's
   * betas, box constraint, moments carried across scales.
   */
  public static Adam quality() {
    return new Adam(DEFAULT_LEARNING_RATE, 0.9, 0.999, 1e-8, true, true, true);
  }

  /** The same Adam with the box constraint on or off. */
  public Adam withBoxConstraint(boolean on) {
    return new Adam(learningRate, beta1, beta2, epsilon, on, carriesState, pixelUnits);
  }

  /** The same Adam handing its moments from scale to scale, or not. */
  public Adam withCarriedState(boolean on) {
    return new Adam(learningRate, beta1, beta2, epsilon, boxConstraint, on, pixelUnits);
  }

  /**
   * This Adam for a network whose input space is {@code convention}: with {@link #pixelUnits()},
   * the learning rate times the input-space width of one pixel range (1 for unit inputs, about
   * 4.4 for torch, 255 for caffe), averaged over the channels; otherwise this Adam.
   */
  public Adam inInputSpaceOf(dev.nst.api.InputConvention convention) {
    if (!pixelUnits) {
      return this;
    }
    double unit = 0;
    for (int c = 0; c < 3; c++) {
      unit += 255 * convention.scale() / convention.std(c) / 3;
    }
    return new Adam(learningRate * unit, beta1, beta2, epsilon, boxConstraint, carriesState, false);
  }

  /**
   * Adam's state between two scales: the step count and the moments.
   *
   * @param step iterations taken
   * @param firstMoment m, one value per component of x
   * @param secondMoment v, one value per component of x
   */
  public record State(int step, double[] firstMoment, double[] secondMoment) {
    /**
     * The state for x resized from (C, H, W) to (C, height, width): the moments resized with the
     * image's filter, v clamped at 0 (crowsonkb resizes m bicubically and v bilinearly).
     */
    public State resized(int channels, int fromHeight, int fromWidth, int height, int width) {
      return new State(step, resize(firstMoment, channels, fromHeight, fromWidth, height, width, false),
          resize(secondMoment, channels, fromHeight, fromWidth, height, width, true));
    }

    private static double[] resize(double[] v, int c, int h, int w, int nh, int nw, boolean nonNegative) {
      float[] f = new float[v.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) v[i];
      }
      float[] r = dev.nst.core.image.Images.resizePlanes(f, c, h, w, nh, nw);
      double[] out = new double[r.length];
      for (int i = 0; i < r.length; i++) {
        out[i] = nonNegative ? Math.max(0, r[i]) : r[i];
      }
      return out;
    }
  }

  @Override
  public String name() {
    return "adam";
  }

  /** "the learning rate of adam (VALUE)". */
  @Override
  public String stepSizeDescription() {
    return "the learning rate of adam (" + learningRate + ")";
  }

  @Override
  public void minimize(DifferentiableFunction f, float[] x, IterationCallback callback) {
    minimize(f, x, callback, (State) null);
  }

  /**
   * {@link #minimize(DifferentiableFunction, float[], IterationCallback)} from a state, typically
   * the previous scale's, resized.
   *
   * @param start the moments and step count to continue from, or null for a fresh start
   * @return the state after the last step
   * @throws IllegalArgumentException when the state's moments do not have x's length
   */
  public State minimize(DifferentiableFunction f, float[] x, IterationCallback callback, State start) {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(callback, "callback");
    int n = x.length;
    if (start != null && (start.firstMoment().length != n || start.secondMoment().length != n)) {
      throw new IllegalArgumentException("Adam's state holds " + start.firstMoment().length + " values, x " + n
          + "; resize the state with the image");
    }
    float[] g = new float[n];
    double[] m = start == null ? new double[n] : start.firstMoment().clone();
    double[] v = start == null ? new double[n] : start.secondMoment().clone();
    int step = start == null ? 0 : start.step();
    double b1k = Math.pow(beta1, step);
    double b2k = Math.pow(beta2, step);
    for (int k = 1; ; k++) {
      double fx = f.evaluate(x, g);
      if (!callback.onIteration(k, x, fx) || !Double.isFinite(fx) || !Lbfgs.allFinite(g)) {
        return new State(step, m, v);
      }
      step++;
      b1k *= beta1;
      b2k *= beta2;
      double c1 = 1 - b1k;
      double c2 = Math.sqrt(1 - b2k);
      for (int i = 0; i < n; i++) {
        double gi = g[i];
        m[i] = beta1 * m[i] + (1 - beta1) * gi;
        v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
        double denom = Math.sqrt(v[i]) / c2 + epsilon;
        x[i] = (float) (x[i] - learningRate * (m[i] / c1) / denom);
      }
      if (boxConstraint) {
        f.constrain(x);
      }
    }
  }
}
