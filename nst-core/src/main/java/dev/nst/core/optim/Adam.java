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
 * @param learningRate step size per iteration, &gt; 0
 * @param beta1 decay of the first moment, in [0, 1)
 * @param beta2 decay of the second moment, in [0, 1)
 * @param epsilon added to the root of the second moment, &gt; 0
 */
public record Adam(double learningRate, double beta1, double beta2, double epsilon) implements Optimizer {

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
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(callback, "callback");
    int n = x.length;
    float[] g = new float[n];
    double[] m = new double[n];
    double[] v = new double[n];
    double b1k = 1;
    double b2k = 1;
    for (int k = 1; ; k++) {
      double fx = f.evaluate(x, g);
      if (!callback.onIteration(k, x, fx)) {
        return;
      }
      if (!Double.isFinite(fx) || !Lbfgs.allFinite(g)) {
        return;
      }
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
    }
  }
}
