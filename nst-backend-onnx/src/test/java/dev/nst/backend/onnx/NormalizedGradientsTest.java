package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.LossNormalization;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.core.loss.HostObjective;
import dev.nst.core.loss.Targets;
import dev.nst.core.model.format.OnnxModelLoader;
import dev.nst.tck.Npy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * jcjohnson's normalised gradients: each term's layer gradient divided by its L1 norm. Constant
 * loss scalings then cancel, so the gradient is the same under every {@link LossNormalization};
 * and the compiled graph computes what the host objective computes.
 */
class NormalizedGradientsTest {

  static double relDiff(float[] a, float[] b) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      num += (a[i] - b[i]) * (double) (a[i] - b[i]);
      den += (double) b[i] * b[i];
    }
    return Math.sqrt(num / den);
  }

  @Test
  void normalisedGradientsIgnoreLossScalingAndMatchTheHost() {
    Path dir = OnnxObjectiveSmokeTest.ref().resolve("case01_default");
    Network net = OnnxModelLoader.load(dir.resolve("model.onnx"), InputConvention.TORCH);
    Tensor gen = Npy.read(dir.resolve("generated.npy"));
    List<LayerWeight> style = List.of(new LayerWeight("relu1_1", 0.5), new LayerWeight("relu3_1", 0.5));
    try (Backend b = new OnnxBackendProvider().open(BackendOptions.defaults());
        FeatureExtractor fx = b.featureExtractor(net, Pooling.MAX)) {
      var content = Targets.content(fx, Npy.read(dir.resolve("content.npy")), List.of(new LayerWeight("relu4_2", 1)));
      var styles = Targets.style(fx, Npy.read(dir.resolve("style.npy")), style);
      float[][] grads = new float[4][gen.size()];
      int k = 0;
      for (LossNormalization n : new LossNormalization[] {LossNormalization.CLASSIC, LossNormalization.GRAM_BY_ELEMENTS}) {
        for (boolean normalize : new boolean[] {true, false}) {
          ObjectiveSpec spec = new ObjectiveSpec(content, styles, 10, 40, 0, Pooling.MAX, gen.dim(2), gen.dim(3), n, normalize);
          try (Objective compiled = b.compile(net, spec).orElseThrow();
              Objective host = HostObjective.classic(fx, spec)) {
            float[] hostGrad = new float[gen.size()];
            compiled.evaluate(gen.toArray(), grads[k]);
            host.evaluate(gen.toArray(), hostGrad);
            assertThat(relDiff(grads[k], hostGrad)).as("%s normalize=%s: compiled vs host", n, normalize).isLessThan(1e-4);
          }
          k++;
        }
      }
      // grads: 0 = CLASSIC normalised, 1 = CLASSIC raw, 2 = BY_ELEMENTS normalised, 3 = BY_ELEMENTS raw
      assertThat(relDiff(grads[0], grads[2])).as("normalised gradients ignore the loss scaling").isLessThan(1e-5);
      assertThat(relDiff(grads[1], grads[3])).as("raw gradients depend on it").isGreaterThan(0.1);
      assertThat(relDiff(grads[0], grads[1])).as("normalising changes the gradient").isGreaterThan(0.1);
    }
  }
}
