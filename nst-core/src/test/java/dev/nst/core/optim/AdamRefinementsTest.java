package dev.nst.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nst.api.DifferentiableFunction;
import dev.nst.api.InputConvention;
import org.junit.jupiter.api.Test;

/** The quality preset's Adam: box constraint, carried state, learning rate in pixel units. */
class AdamRefinementsTest {

  /** The quadratic of {@link TestFunctions}, with the box [-0.5, 0.5] as its domain. */
  private static final class Boxed implements DifferentiableFunction {
    private final TestFunctions.Quadratic f = new TestFunctions.Quadratic();

    @Override
    public double evaluate(float[] x, float[] gradient) {
      return f.evaluate(x, gradient);
    }

    @Override
    public void constrain(float[] x) {
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.max(-0.5f, Math.min(0.5f, x[i]));
      }
    }
  }

  @Test
  void theBoxKeepsEveryIterateInTheDomainAndWithoutItAdamLeavesIt() {
    float[] boxed = TestFunctions.quadraticStart();
    boolean[] outside = {false};
    Adam.withLearningRate(0.05).withBoxConstraint(true).minimize(new Boxed(), boxed, (k, p, v) -> {
      for (float c : p) {
        outside[0] |= Math.abs(c) > 0.5f + 1e-7f && k > 1; // the start may lie outside
      }
      return k < 500;
    });
    assertThat(outside[0]).as("an iterate left the box").isFalse();
    float[] free = TestFunctions.quadraticStart();
    Adam.withLearningRate(0.05).minimize(new Boxed(), free, (k, p, v) -> k < 500);
    double furthest = 0;
    for (float c : free) {
      furthest = Math.max(furthest, Math.abs(c));
    }
    assertThat(furthest).as("the unconstrained minimum lies outside the box").isGreaterThan(0.6);
  }

  @Test
  void carriedStateContinuesTheRunExactly() {
    Adam adam = Adam.withLearningRate(0.05).withCarriedState(true);
    float[] whole = TestFunctions.quadraticStart();
    adam.minimize(new TestFunctions.Quadratic(), whole, (k, p, v) -> k < 40);
    float[] split = TestFunctions.quadraticStart();
    Adam.State half = adam.minimize(new TestFunctions.Quadratic(), split, (k, p, v) -> k < 20, (Adam.State) null);
    // the 20th evaluation reported the point before the 20th step: the state holds 19 steps
    assertThat(half.step()).isEqualTo(19);
    adam.minimize(new TestFunctions.Quadratic(), split, (k, p, v) -> k < 21, half);
    assertThat(split).containsExactly(whole);
    assertThatThrownBy(() -> adam.minimize(new TestFunctions.Quadratic(), new float[2], (k, p, v) -> false, half))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resize the state");
  }

  @Test
  void resizedStateKeepsConstantMomentsAndNonNegativeSecondMoments() {
    double[] m = new double[3 * 4 * 6];
    double[] v = new double[m.length];
    java.util.Arrays.fill(m, 0.25);
    for (int i = 0; i < v.length; i++) {
      v[i] = i % 2 == 0 ? 0 : 1; // a checkerboard: bicubic overshoot would go below 0
    }
    Adam.State s = new Adam.State(7, m, v).resized(3, 4, 6, 9, 13);
    assertThat(s.step()).isEqualTo(7);
    assertThat(s.firstMoment()).hasSize(3 * 9 * 13);
    for (int i = 0; i < s.firstMoment().length; i++) {
      assertThat(s.firstMoment()[i]).isCloseTo(0.25, within(1e-6));
      assertThat(s.secondMoment()[i]).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void pixelUnitsScaleTheLearningRateToTheInputSpace() {
    Adam q = Adam.quality();
    assertThat(q.inInputSpaceOf(InputConvention.UNIT).learningRate()).isCloseTo(0.02, within(1e-12));
    assertThat(q.inInputSpaceOf(InputConvention.CAFFE).learningRate()).isCloseTo(0.02 * 255, within(1e-9));
    double torch = 0.02 * (1 / 0.229 + 1 / 0.224 + 1 / 0.225) / 3;
    assertThat(q.inInputSpaceOf(InputConvention.TORCH).learningRate()).isCloseTo(torch, within(1e-9));
    assertThat(q.inInputSpaceOf(InputConvention.CAFFE).pixelUnits()).isFalse();
    assertThat(Adam.defaults().inInputSpaceOf(InputConvention.CAFFE)).isEqualTo(Adam.defaults());
  }
}
