package dev.nst.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamTest {

  /*
   * torch 1.13, float32: x = torch.tensor([0.3, -0.7, 1.1, 0.4, -0.2], requires_grad=True)
   * opt = torch.optim.Adam([x], lr=0.1); each step: f = 0.5 x^T A x - b^T x; f.backward();
   * print(x) (before opt.step()).
   */
  static final float[][] TORCH_ADAM = {
    {0.300000012f, -0.699999988f, 1.10000002f, 0.400000006f, -0.200000003f}, // f = -1.56699991
    {0.200000122f, -0.799999952f, 1f, 0.5f, -0.299999982f}, // f = -2.04849982
    {0.273206204f, -0.883744121f, 0.900676668f, 0.599877894f, -0.399683118f}, // f = -2.52443862
    {0.356818765f, -0.943093598f, 0.80214566f, 0.699540555f, -0.49901402f}, // f = -2.9502039
    {0.439334571f, -0.97461611f, 0.704651773f, 0.798882902f, -0.597886443f}, // f = -3.32870412
  };

  @Test
  void reproducesTorchIterates() {
    List<float[]> points = LbfgsTest.iterates(Adam.withLearningRate(0.1), new TestFunctions.Quadratic(),
        TestFunctions.quadraticStart(), 5, new ArrayList<>());
    LbfgsTest.assertIterates(points, TORCH_ADAM, 1e-6);
  }

  @Test
  void minimisesTheQuadratic() {
    float[] x = TestFunctions.quadraticStart();
    Adam.withLearningRate(0.05).minimize(new TestFunctions.Quadratic(), x, (k, p, v) -> k < 3000);
    for (int i = 0; i < 5; i++) {
      assertThat((double) x[i]).isCloseTo(TestFunctions.MINIMUM[i], within(1e-3));
    }
  }

  @Test
  void minimisesRosenbrock() {
    float[] x = {-1.5f, 2f};
    double[] last = new double[1];
    Adam.withLearningRate(0.02).minimize(new TestFunctions.Rosenbrock(), x, (k, p, v) -> {
      last[0] = v;
      return k < 20000;
    });
    assertThat(x[0]).isCloseTo(1f, within(1e-2f));
    assertThat(x[1]).isCloseTo(1f, within(2e-2f));
    assertThat(last[0]).isLessThan(1e-4);
  }

  @Test
  void stoppingAfterNIterationsEvaluatesExactlyNTimesAndIsDeterministic() {
    float[][] results = new float[2][];
    for (int run = 0; run < 2; run++) {
      TestFunctions.Rosenbrock f = new TestFunctions.Rosenbrock();
      float[] x = {-1.5f, 2f};
      Adam.defaults().minimize(f, x, (k, p, v) -> k < 17);
      assertThat(f.evaluations).isEqualTo(17);
      results[run] = x;
    }
    assertThat(results[0]).containsExactly(results[1]);
  }

  @Test
  void defaultsAndValidation() {
    assertThat(Adam.defaults()).isEqualTo(new Adam(Adam.DEFAULT_LEARNING_RATE, 0.9, 0.999, 1e-8));
    assertThat(Adam.defaults().name()).isEqualTo("adam");
    assertThatThrownBy(() -> new Adam(0.1, 1.0, 0.999, 1e-8)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("beta1");
    assertThatThrownBy(() -> Adam.withLearningRate(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("learningRate");
  }
}
