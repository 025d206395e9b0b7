package dev.nst.tck.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nst.api.LossNormalization;
import dev.nst.api.Tensor;
import dev.nst.core.Preset;
import dev.nst.core.loss.ClassicContentLoss;
import dev.nst.core.loss.ClassicStyleLoss;
import dev.nst.tck.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

/**
 * Each preset's normalisation against the peer's own formula, computed by hand here from the
 * reference activations and Gram matrices of case01 (float64 files).
 */
class PresetLossTest {
  static Path case01() {
    Path shared = Path.of(System.getProperty("nst.shared.dir"), "reference", "case01_default");
    return Files.isDirectory(shared) ? shared : Path.of(System.getProperty("nst.testdata.dir"), "reference", "case01_default");
  }

  /** mean((a - t)^2): nn.MSECriterion, F.mse_loss, tf.reduce_mean. */
  static double mse(double[] a, double[] t, double scaleA, double scaleT) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] * scaleA - t[i] * scaleT;
      s += d * d;
    }
    return s / a.length;
  }

  @Test
  void contentLossIsTheMeanSquaredErrorForThePeerPresets() throws Exception {
    Npy.Array gen = Npy.readDoubles(case01().resolve("act_relu4_2.npy"));
    Npy.Array con = Npy.readDoubles(case01().resolve("content_act_relu4_2.npy"));
    double peer = mse(gen.values(), con.values(), 1, 1);
    for (Preset p : new Preset[] {Preset.NEURAL_STYLE_LUA, Preset.PYTORCH_TUTORIAL, Preset.TENSORFLOW_TUTORIAL}) {
      double ours = new ClassicContentLoss(p.normalization()).evaluate(gen.toTensor(), con.toTensor()).value();
      assertThat(ours).as(p.name()).isCloseTo(peer, Percentage.withPercentage(1e-3));
    }
    double classic = new ClassicContentLoss(Preset.CLASSIC.normalization()).evaluate(gen.toTensor(), con.toTensor()).value();
    assertThat(classic).isCloseTo(peer / 4, Percentage.withPercentage(1e-3));
  }

  @Test
  void styleLossFollowsEachPeersGramNormalisation() throws Exception {
    JsonObject c = JsonParser.parseString(Files.readString(case01().resolve("case.json"))).getAsJsonObject();
    for (String layer : new String[] {"relu1_1", "relu3_1", "relu5_1"}) {
      Npy.Array act = Npy.readDoubles(case01().resolve("act_" + layer + ".npy"));
      Npy.Array gs = Npy.readDoubles(case01().resolve("gram_style_" + layer + ".npy"));
      Npy.Array gg = Npy.readDoubles(case01().resolve("gram_gen_" + layer + ".npy"));
      var styleShape = c.getAsJsonObject("activation_shapes_style_maxpool").getAsJsonArray(layer);
      int ch = act.shape()[1];
      double hw = act.shape()[2] * act.shape()[3];
      double hwStyle = styleShape.get(2).getAsDouble() * styleShape.get(3).getAsDouble();
      float[] mean = new float[gs.values().length];
      for (int i = 0; i < mean.length; i++) {
        mean[i] = (float) (gs.values()[i] / hwStyle);
      }
      Tensor meanGram = Tensor.adopt(mean, ch, ch);
      // jcjohnson / PyTorch tutorial: G / (C H W), MSE over the entries
      double lua = mse(gg.values(), gs.values(), 1 / (ch * hw), 1 / (ch * hwStyle));
      // TensorFlow tutorial: G / (H W), MSE over the entries
      double tf = mse(gg.values(), gs.values(), 1 / hw, 1 / hwStyle);
      assertThat(new ClassicStyleLoss(LossNormalization.GRAM_BY_ELEMENTS).evaluate(act.toTensor(), meanGram).value())
          .as(layer).isCloseTo(lua, Percentage.withPercentage(0.01));
      assertThat(new ClassicStyleLoss(LossNormalization.GRAM_BY_LOCATIONS).evaluate(act.toTensor(), meanGram).value())
          .as(layer).isCloseTo(tf, Percentage.withPercentage(0.01));
    }
  }

  @Test
  void presetsCarryThePeersWeightsAndLayers() {
    assertThat(Preset.NEURAL_STYLE_LUA.alpha()).isEqualTo(5);
    assertThat(Preset.NEURAL_STYLE_LUA.beta()).isEqualTo(100);
    assertThat(Preset.PYTORCH_TUTORIAL.contentLayers().get(0).layer()).isEqualTo("conv2_2");
    assertThat(Preset.TENSORFLOW_TUTORIAL.styleLayers()).hasSize(5)
        .allSatisfy(l -> assertThat(l.weight()).isEqualTo(0.2));
  }
}
