package dev.nst.core.optim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.DifferentiableFunction;
import dev.nst.api.Optimizer;
import org.junit.jupiter.api.Test;

/** Each optimiser names the setting that makes its steps too large, for the divergence message. */
class StepSizeDescriptionTest {
  @Test
  void adamAndLbfgsNameTheirLearningRate() {
    assertThat(Adam.withLearningRate(1000).stepSizeDescription()).isEqualTo("the learning rate of adam (1000.0)");
    assertThat(Adam.defaults().stepSizeDescription()).isEqualTo("the learning rate of adam (0.02)");
    assertThat(Lbfgs.defaults().withLearningRate(100).stepSizeDescription())
        .isEqualTo("the learning rate of lbfgs (100.0)");
  }

  @Test
  void anyOtherOptimiserIsNamed() {
    Optimizer sgd = new Optimizer() {
      @Override
      public String name() {
        return "sgd";
      }

      @Override
      public void minimize(DifferentiableFunction f, float[] x, IterationCallback callback) {}
    };
    assertThat(sgd.stepSizeDescription()).isEqualTo("the learning rate (step size) of optimizer 'sgd'");
  }
}
