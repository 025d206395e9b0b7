package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.core.loss.Targets;
import dev.nst.core.model.format.OnnxModelLoader;
import dev.nst.core.optim.Lbfgs;
import dev.nst.tck.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 20 L-BFGS iterations on the reference problems, compiled objective on ONNX Runtime, against
 * torch.optim.LBFGS on the same problem in float64 ({@code testdata/torch-lbfgs/*.json}, made by
 * {@code tools/torch_lbfgs_reference.py}). The loss must fall, and each iterate's loss must track
 * torch's: the same algorithm in float32 drifts only slowly from the float64 trajectory.
 */
class LbfgsReferenceTest {

  @ParameterizedTest
  @ValueSource(strings = {"case01_default", "case02_custom_layers_tv_avgpool"})
  void twentyIterationsTrackTorch(String name) throws Exception {
    Path dir = OnnxObjectiveSmokeTest.ref().resolve(name);
    Path testdata = Path.of(System.getProperty("nst.testdata.dir"));
    JsonObject c = JsonParser.parseString(Files.readString(dir.resolve("case.json"))).getAsJsonObject();
    JsonArray torch = JsonParser.parseString(Files.readString(testdata.resolve("torch-lbfgs/" + name + ".json")))
        .getAsJsonObject().getAsJsonArray("J");
    Network net = OnnxModelLoader.load(dir.resolve("model.onnx"), InputConvention.TORCH);
    Tensor gen = Npy.read(dir.resolve("generated.npy"));
    List<LayerWeight> style = new ArrayList<>();
    for (var l : c.getAsJsonArray("style_layers")) {
      style.add(new LayerWeight(l.getAsString(), c.getAsJsonObject("style_weights").get(l.getAsString()).getAsDouble()));
    }
    List<Double> ours = new ArrayList<>();
    try (Backend b = new OnnxBackendProvider().open(BackendOptions.defaults());
        FeatureExtractor fx = b.featureExtractor(net, Pooling.MAX)) {
      ObjectiveSpec spec = new ObjectiveSpec(
          Targets.content(fx, Npy.read(dir.resolve("content.npy")), List.of(new LayerWeight(c.get("content_layer").getAsString(), 1))),
          Targets.style(fx, Npy.read(dir.resolve("style.npy")), style),
          c.get("alpha").getAsDouble(), c.get("beta").getAsDouble(), c.get("gamma").getAsDouble(),
          Pooling.MAX, gen.dim(2), gen.dim(3));
      try (Objective o = b.compile(net, spec).orElseThrow()) {
        float[] x = gen.toArray();
        Lbfgs.defaults().withTolerances(-1, -1).minimize((xx, g) -> o.evaluate(xx, g).total(), x, (k, xk, f) -> {
          ours.add(f);
          return k < torch.size();
        });
      }
    }
    assertThat(ours).hasSize(torch.size());
    double first = torch.get(0).getAsDouble();
    double last = torch.get(torch.size() - 1).getAsDouble();
    assertThat(ours.get(ours.size() - 1)).as("J falls").isLessThan(ours.get(0) / 2);
    for (int k = 0; k < ours.size(); k++) {
      double t = torch.get(k).getAsDouble();
      // float32 vs float64: measured within 1e-6 relative over all 20 iterates; 1e-4 allowed
      assertThat(ours.get(k)).as("J at iteration %d (torch %s, start %s, end %s)", k + 1, t, first, last)
          .isCloseTo(t, org.assertj.core.data.Percentage.withPercentage(0.01));
    }
  }
}
