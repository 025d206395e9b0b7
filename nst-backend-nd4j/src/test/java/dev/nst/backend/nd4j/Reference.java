package dev.nst.backend.nd4j;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.Network;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.core.loss.Targets;
import dev.nst.core.model.format.OnnxModelLoader;
import dev.nst.tck.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One reference case of {@code ../shared/reference} (or the repository's copy) and its variants. */
record Reference(Path dir, JsonObject json) {

  static Path root() {
    Path shared = Path.of(System.getProperty("nst.shared.dir", "../../shared"), "reference");
    return Files.isDirectory(shared) ? shared : Path.of(System.getProperty("nst.testdata.dir", "../testdata"), "reference");
  }

  static Reference load(String name) {
    Path dir = root().resolve(name);
    try {
      return new Reference(dir, JsonParser.parseString(Files.readString(dir.resolve("case.json"))).getAsJsonObject());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Network network() {
    return OnnxModelLoader.load(dir.resolve("model.onnx"), InputConvention.TORCH);
  }

  Tensor input(String name) {
    return Npy.read(dir.resolve(name + ".npy"));
  }

  /** The values of a float64 reference file. */
  double[] doubles(String file) {
    return Npy.readDoubles(dir.resolve(file)).values();
  }

  boolean has(String file) {
    return Files.exists(dir.resolve(file));
  }

  static String suffix(Pooling pooling) {
    return pooling == Pooling.MAX ? "" : "_avgpool";
  }

  JsonObject losses(Pooling pooling) {
    try {
      return JsonParser.parseString(Files.readString(dir.resolve("losses" + suffix(pooling) + ".json"))).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String contentLayer() {
    return json.get("content_layer").getAsString();
  }

  List<LayerWeight> styleLayers() {
    List<LayerWeight> out = new ArrayList<>();
    for (var e : json.getAsJsonArray("style_layers")) {
      String l = e.getAsString();
      out.add(new LayerWeight(l, json.getAsJsonObject("style_weights").get(l).getAsDouble()));
    }
    return out;
  }

  /** The case's objective, with targets computed by {@code extractor} (whose pooling must match). */
  ObjectiveSpec spec(FeatureExtractor extractor, Pooling pooling) {
    Tensor generated = input("generated");
    List<ObjectiveSpec.ContentTarget> content =
        Targets.content(extractor, input("content"), List.of(new LayerWeight(contentLayer(), 1.0)));
    List<ObjectiveSpec.StyleTarget> style = Targets.style(extractor, input("style"), styleLayers());
    return new ObjectiveSpec(content, style, json.get("alpha").getAsDouble(), json.get("beta").getAsDouble(),
        json.get("gamma").getAsDouble(), pooling, generated.dim(2), generated.dim(3));
  }

  /** ||a - ref|| / ||ref|| in double precision. */
  static double relativeError(float[] a, double[] ref) {
    if (a.length != ref.length) {
      throw new AssertionError("sizes differ: " + a.length + " vs " + ref.length);
    }
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - ref[i];
      num += d * d;
      den += ref[i] * ref[i];
    }
    return Math.sqrt(num / den);
  }

  static double relativeError(float[] a, float[] ref) {
    double[] r = new double[ref.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = ref[i];
    }
    return relativeError(a, r);
  }

  static double relativeError(double a, double ref) {
    return Math.abs(a - ref) / Math.abs(ref);
  }

}
