package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nst.api.InputConvention;
import dev.nst.api.LossBreakdown;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.core.model.format.OnnxModelLoader;
import dev.nst.tck.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Level 2 against reference targets read straight from the files (independent of forward). */
class OnnxObjectiveSmokeTest {
  static Path ref() {
    Path shared = Path.of(System.getProperty("nst.shared.dir"), "reference");
    return Files.isDirectory(shared) ? shared : Path.of(System.getProperty("nst.testdata.dir"), "reference");
  }

  /** Reference case01 as an objective spec, with the float64 results to compare against. */
  record Case01(Path dir, Network net, ObjectiveSpec spec, Tensor generated, JsonObject losses) {
    static Case01 load() throws Exception {
      Path dir = ref().resolve("case01_default");
      JsonObject c = JsonParser.parseString(Files.readString(dir.resolve("case.json"))).getAsJsonObject();
      JsonObject losses = JsonParser.parseString(Files.readString(dir.resolve("losses.json"))).getAsJsonObject();
      Network net = OnnxModelLoader.load(dir.resolve("model.onnx"), InputConvention.TORCH);
      Tensor gen = Npy.read(dir.resolve("generated.npy"));
      String cl = c.get("content_layer").getAsString();
      List<ObjectiveSpec.StyleTarget> style = new ArrayList<>();
      for (var e : c.get("style_layers").getAsJsonArray()) {
        String l = e.getAsString();
        var shape = c.getAsJsonObject("activation_shapes_style_maxpool").getAsJsonArray(l);
        int hw = shape.get(2).getAsInt() * shape.get(3).getAsInt();
        float[] g = Npy.read(dir.resolve("gram_style_" + l + ".npy")).toArray();
        for (int i = 0; i < g.length; i++) {
          g[i] /= hw;
        }
        int ch = shape.get(1).getAsInt();
        style.add(new ObjectiveSpec.StyleTarget(l, c.getAsJsonObject("style_weights").get(l).getAsDouble(), Tensor.adopt(g, ch, ch)));
      }
      ObjectiveSpec spec = new ObjectiveSpec(
          List.of(new ObjectiveSpec.ContentTarget(cl, 1.0, Npy.read(dir.resolve("content_act_" + cl + ".npy")))),
          style, c.get("alpha").getAsDouble(), c.get("beta").getAsDouble(), c.get("gamma").getAsDouble(),
          Pooling.MAX, gen.dim(2), gen.dim(3));
      return new Case01(dir, net, spec, gen, losses);
    }

    /** Evaluates {@code o} at the reference image: every loss within 0.01%, the gradient within 1e-4 relative L2. */
    void assertMatches(Objective o) throws Exception {
      float[] grad = new float[generated.size()];
      LossBreakdown lb = o.evaluate(generated.toArray(), grad);
      assertThat(lb.content()).isCloseTo(losses.get("J_content").getAsDouble(), org.assertj.core.data.Percentage.withPercentage(0.01));
      assertThat(lb.style()).isCloseTo(losses.get("J_style").getAsDouble(), org.assertj.core.data.Percentage.withPercentage(0.01));
      assertThat(lb.totalVariation()).isCloseTo(losses.get("J_tv").getAsDouble(), org.assertj.core.data.Percentage.withPercentage(0.01));
      assertThat(lb.total()).isCloseTo(losses.get("J").getAsDouble(), org.assertj.core.data.Percentage.withPercentage(0.01));
      Npy.Array ref = Npy.readDoubles(dir.resolve("grad_generated.npy"));
      double num = 0;
      double den = 0;
      for (int i = 0; i < grad.length; i++) {
        num += (grad[i] - ref.values()[i]) * (grad[i] - ref.values()[i]);
        den += ref.values()[i] * ref.values()[i];
      }
      assertThat(Math.sqrt(num / den)).isLessThan(1e-4);
    }
  }

  @Test
  void case01MatchesReferenceWithFileTargets() throws Exception {
    Case01 c = Case01.load();
    try (Backend b = new OnnxBackendProvider().open(BackendOptions.defaults());
        Objective o = b.compile(c.net(), c.spec()).orElseThrow()) {
      c.assertMatches(o);
    }
  }
}
