package dev.nst.tck.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.nst.api.InputConvention;
import dev.nst.api.LossValue;
import dev.nst.api.Network;
import dev.nst.api.Tensor;
import dev.nst.core.loss.ClassicContentLoss;
import dev.nst.core.loss.ClassicStyleLoss;
import dev.nst.core.loss.SquaredTotalVariation;
import dev.nst.core.model.format.OnnxModelLoader;
import dev.nst.tck.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The host losses against every reference case, from the stored activations and Gram matrices
 * (no backend involved): loss values per layer, Gram matrices, total variation and its
 * gradient.
 */
class ReferenceLossesTest {
  private final ClassicContentLoss content = new ClassicContentLoss();
  private final ClassicStyleLoss style = new ClassicStyleLoss();
  private final SquaredTotalVariation tv = new SquaredTotalVariation();

  @TestFactory
  List<DynamicNode> everyReferenceCase() throws IOException {
    List<ReferenceCases.Case> cases = ReferenceCases.lossCases();
    assertThat(cases).as("loss cases under " + ReferenceCases.referenceDir()).isNotEmpty();
    List<DynamicNode> out = new ArrayList<>();
    for (ReferenceCases.Case c : cases) {
      List<DynamicNode> nodes = new ArrayList<>();
      nodes.add(DynamicTest.dynamicTest("total variation and its gradient", () -> checkTv(c)));
      for (Map.Entry<String, JsonObject> v : c.variants().entrySet()) {
        nodes.add(DynamicContainer.dynamicContainer(v.getKey(), variantTests(c, v.getKey(), v.getValue())));
      }
      out.add(DynamicContainer.dynamicContainer(c.name(), nodes));
    }
    return out;
  }

  private List<DynamicNode> variantTests(ReferenceCases.Case c, String key, JsonObject v) {
    String suffix = v.get("suffix").getAsString();
    List<DynamicNode> tests = new ArrayList<>();
    for (String layer : c.styleLayers()) {
      tests.add(DynamicTest.dynamicTest("gram " + layer, () -> {
        Tensor act = Npy.read(c.file("act_" + layer + suffix + ".npy"));
        double[] ref = Npy.readDoubles(c.file(gramFile(v, layer, "generated", "gram_gen_" + layer + suffix + ".npy"))).values();
        assertThat(ReferenceCases.relNorm(style.gram(act).toArray(), ref))
            .as("Gram at " + layer).isLessThanOrEqualTo(c.tolerance("gram_rel_norm"));
      }));
    }
    tests.add(DynamicTest.dynamicTest("losses", () -> checkLosses(c, key, v, suffix)));
    return tests;
  }

  private static String gramFile(JsonObject v, String layer, String which, String fallback) {
    JsonElement g = v.get("gram_files");
    if (g != null && g.isJsonObject() && g.getAsJsonObject().has(layer)) {
      return g.getAsJsonObject().getAsJsonObject(layer).get(which).getAsString();
    }
    return fallback;
  }

  private void checkLosses(ReferenceCases.Case c, String key, JsonObject v, String suffix) throws IOException {
    Map<String, Double> ref = ReferenceCases.losses(c.file(v.get("losses_file").getAsString()));
    double tol = c.tolerance("loss_rel");
    Network net = OnnxModelLoader.load(c.file(c.json().getAsJsonObject("model").get("file").getAsString()),
        InputConvention.TORCH);
    int[] styleShape = c.inputShape("style");

    double jContent = 0;
    List<String> contentLayers = c.contentLayers();
    for (String layer : contentLayers) {
      Tensor gen = Npy.read(c.file("act_" + layer + suffix + ".npy"));
      String targetFile = contentLayers.size() == 1 && v.has("content_act_file")
          ? v.get("content_act_file").getAsString()
          : "content_act_" + layer + suffix + ".npy";
      LossValue lv = content.evaluate(gen, Npy.read(c.file(targetFile)));
      jContent += lv.value();
      if (ref.containsKey("J_content_" + layer)) {
        assertRel(lv.value(), ref.get("J_content_" + layer), tol, "J_content_" + layer);
      }
    }
    assertRel(jContent, ref.get("J_content"), tol, "J_content");

    double jStyle = 0;
    JsonElement declared = c.json().get("activation_shapes_style_" + key + "pool");
    for (String layer : c.styleLayers()) {
      int[] chw = net.shapeOf(layer, styleShape[2], styleShape[3]);
      if (declared != null && declared.getAsJsonObject().has(layer)) {
        int[] d = ReferenceCases.toInts(declared.getAsJsonObject().getAsJsonArray(layer));
        assertThat(new int[] {d[1], d[2], d[3]}).as("style shape at " + layer).containsExactly(chw);
      }
      Tensor gs = Npy.read(c.file(gramFile(v, layer, "style", "gram_style_" + layer + suffix + ".npy")));
      float[] mean = gs.toArray();
      for (int i = 0; i < mean.length; i++) {
        mean[i] = (float) (mean[i] / ((double) chw[1] * chw[2]));
      }
      Tensor gen = Npy.read(c.file("act_" + layer + suffix + ".npy"));
      LossValue lv = style.evaluate(gen, Tensor.of(mean, gs.shape()));
      assertRel(lv.value(), ref.get("J_style_" + layer), tol, "J_style_" + layer);
      jStyle += c.styleWeight(layer) * lv.value();
    }
    assertRel(jStyle, ref.get("J_style"), tol, "J_style");

    double jTv = tv.evaluate(Npy.read(c.file(c.inputFile("generated")))).value();
    assertRel(jTv, ref.get("J_tv"), tol, "J_tv");
    double j = c.number("alpha") * jContent + c.number("beta") * jStyle + c.number("gamma") * jTv;
    assertRel(j, ref.get("J"), tol, "J");
  }

  private void checkTv(ReferenceCases.Case c) throws IOException {
    Tensor x = Npy.read(c.file(c.inputFile("generated")));
    LossValue lv = tv.evaluate(x);
    for (JsonObject v : c.variants().values()) {
      Map<String, Double> ref = ReferenceCases.losses(c.file(v.get("losses_file").getAsString()));
      assertRel(lv.value(), ref.get("J_tv"), c.tolerance("loss_rel"), "J_tv");
      JsonElement perTerm = v.get("per_term_grad_files");
      if (perTerm != null && perTerm.isJsonObject() && perTerm.getAsJsonObject().has("tv")) {
        Path g = c.file(perTerm.getAsJsonObject().get("tv").getAsString());
        assertThat(Files.exists(g)).as(g.toString()).isTrue();
        assertThat(ReferenceCases.relNorm(lv.gradient().toArray(), Npy.readDoubles(g).values()))
            .as("TV gradient vs " + g.getFileName()).isLessThanOrEqualTo(c.tolerance("grad_rel_norm"));
      }
    }
  }

  private static void assertRel(double actual, Double expected, double tol, String what) {
    assertThat(expected).as(what + " is in the losses file").isNotNull();
    assertThat(Math.abs(actual - expected) / Math.abs(expected))
        .as(what + ": got " + actual + ", reference " + expected).isLessThanOrEqualTo(tol);
  }
}
