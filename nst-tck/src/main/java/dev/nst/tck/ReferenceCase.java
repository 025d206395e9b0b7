package dev.nst.tck;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.nst.api.LayerWeight;
import dev.nst.api.Pooling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One reference loss case: a folder with {@code case.json}, the model, the inputs and the
 * float64 reference outputs (see the reference README). Only what the suite needs is read;
 * missing optional keys fall back to the README's file naming, and a key set to null (a
 * variant's {@code content_act_file}, a Gram file) means the case does not store that file.
 *
 * <p>The model is {@code model.file} (ONNX), or, when {@code model.generator} is
 * {@code "RandomVgg.vgg19"}, full-width VGG-19 rebuilt from {@code model.seed} by
 * {@link RandomVgg} up to {@code model.last_layer}, whose weights must have the digest
 * {@code model.weights_sha256}: the project's own full-width case, whose ~80 MB of weights are
 * not stored.
 */
final class ReferenceCase {
  /** The {@code model.generator} value of a network built by {@link RandomVgg#vgg19(long, String)}. */
  static final String SEEDED_VGG19 = "RandomVgg.vgg19";

  final Path dir;
  final String name;
  /** The ONNX file, or null for a seeded network. */
  final Path model;
  /** The network's seed, {@code model.last_layer} and weights digest when it is seeded, else null. */
  final Seeded seeded;
  final Path contentImage;
  final Path styleImage;
  final Path generatedImage;
  final List<LayerWeight> contentLayers;
  final List<LayerWeight> styleLayers;
  final double alpha;
  final double beta;
  final double gamma;
  final Tolerances tolerances;
  final List<Variant> variants;

  /** A network built from a seed, up to its last layer, with the digest of its weights. */
  record Seeded(long seed, String lastLayer, String weightsSha256) {}

  /** Tolerances of {@code suggested_float32_tolerances} (README defaults for missing keys). */
  record Tolerances(double gradRelNorm, double lossRel, double activationRelNorm, double gramRelNorm) {}

  /**
   * One pooling variant of a case.
   *
   * @param key the key in case.json ("max", "avg")
   * @param gramFiles layer to {style file, generated file}; a null file is not stored
   * @param perTermGradFiles term ("content", "style", "tv") to gradient file; empty when none
   * @param contentActFiles content layer to the content image's activation file
   */
  record Variant(String key, Pooling pooling, String suffix, String lossesFile, String gradFile,
      Map<String, String> perTermGradFiles, List<String> activationLayers, Map<String, String> contentActFiles,
      Map<String, String[]> gramFiles) {

    String activationFile(String layer) {
      return "act_" + layer + suffix + ".npy";
    }

    @Override
    public String toString() {
      return key + " (" + pooling + ")";
    }
  }

  private ReferenceCase(Path dir, JsonObject json) {
    this.dir = dir;
    this.name = dir.getFileName().toString();
    JsonObject modelJson = json.has("model") ? json.getAsJsonObject("model") : new JsonObject();
    if (modelJson.has("generator")) {
      String generator = modelJson.get("generator").getAsString();
      if (!generator.equals(SEEDED_VGG19)) {
        throw new IllegalArgumentException("unknown model.generator '" + generator + "' (expected " + SEEDED_VGG19
            + ")");
      }
      this.model = null;
      this.seeded = new Seeded(modelJson.get("seed").getAsLong(), modelJson.get("last_layer").getAsString(),
          modelJson.get("weights_sha256").getAsString());
    } else {
      this.model = dir.resolve(modelJson.has("file") ? modelJson.get("file").getAsString() : "model.onnx");
      this.seeded = null;
    }
    JsonObject inputs = json.getAsJsonObject("inputs");
    this.contentImage = dir.resolve(inputFile(inputs, "content"));
    this.styleImage = dir.resolve(inputFile(inputs, "style"));
    this.generatedImage = dir.resolve(inputFile(inputs, "generated"));
    this.contentLayers = layerWeights(json.get("content_layer"), json.get("content_weights"));
    this.styleLayers = layerWeights(json.get("style_layers"), json.get("style_weights"));
    this.alpha = json.get("alpha").getAsDouble();
    this.beta = json.get("beta").getAsDouble();
    this.gamma = json.get("gamma").getAsDouble();
    JsonObject tol = json.has("suggested_float32_tolerances")
        ? json.getAsJsonObject("suggested_float32_tolerances") : new JsonObject();
    this.tolerances = new Tolerances(number(tol, "grad_rel_norm", 1e-4), number(tol, "loss_rel", 1e-4),
        number(tol, "activation_rel_norm", 2e-5), number(tol, "gram_rel_norm", 2e-5));
    List<Variant> vs = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : json.getAsJsonObject("variants").entrySet()) {
      vs.add(variant(e.getKey(), e.getValue().getAsJsonObject()));
    }
    this.variants = List.copyOf(vs);
  }

  /** Reads case.json in {@code dir}; empty when it describes no loss case (no "variants"). */
  static Optional<ReferenceCase> read(Path dir) {
    JsonObject json;
    try {
      json = JsonParser.parseString(Files.readString(dir.resolve("case.json"))).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir.resolve("case.json"), e);
    }
    if (!json.has("variants")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ReferenceCase(dir, json));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(dir.resolve("case.json") + " is not a loss case the suite understands: " + e, e);
    }
  }

  Path file(String fileName) {
    return dir.resolve(fileName);
  }

  /** The loss values of a variant's losses file, in file order. */
  Map<String, Double> losses(Variant v) {
    try {
      JsonObject o = JsonParser.parseString(Files.readString(file(v.lossesFile()))).getAsJsonObject();
      Map<String, Double> out = new LinkedHashMap<>();
      o.entrySet().forEach(e -> out.put(e.getKey(), e.getValue().getAsDouble()));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file(v.lossesFile()), e);
    }
  }

  private Variant variant(String key, JsonObject v) {
    Pooling pooling = switch (key.toLowerCase(java.util.Locale.ROOT)) {
      case "max" -> Pooling.MAX;
      case "avg", "average" -> Pooling.AVERAGE;
      default -> throw new IllegalArgumentException("unknown pooling variant '" + key + "' (expected max or avg)");
    };
    String suffix = v.has("suffix") ? v.get("suffix").getAsString() : "";
    String losses = string(v, "losses_file", "losses" + suffix + ".json");
    String grad = string(v, "grad_file", "grad_generated" + suffix + ".npy");
    Map<String, String> perTerm = new LinkedHashMap<>();
    JsonElement pt = v.get("per_term_grad_files");
    if (pt != null && pt.isJsonObject()) {
      pt.getAsJsonObject().entrySet().forEach(e -> {
        if (!e.getValue().isJsonNull()) {
          perTerm.put(e.getKey(), e.getValue().getAsString());
        }
      });
    }
    List<String> acts = new ArrayList<>();
    JsonElement stored = v.get("activation_layers_stored");
    if (stored != null && stored.isJsonArray()) {
      stored.getAsJsonArray().forEach(x -> acts.add(x.getAsString()));
    }
    Map<String, String> contentActs = new LinkedHashMap<>();
    boolean noContentAct = v.has("content_act_file") && v.get("content_act_file").isJsonNull();
    for (LayerWeight c : contentLayers) {
      String fallback = "content_act_" + c.layer() + suffix + ".npy";
      if (!noContentAct) {
        contentActs.put(c.layer(), contentLayers.size() == 1 ? string(v, "content_act_file", fallback) : fallback);
      }
    }
    // without gram_files every style layer has both files under the README's names; with it,
    // only the layers it lists, and a null file is not stored
    Map<String, String[]> grams = new LinkedHashMap<>();
    boolean listed = v.has("gram_files") && v.get("gram_files").isJsonObject();
    JsonObject gf = listed ? v.getAsJsonObject("gram_files") : new JsonObject();
    for (LayerWeight s : styleLayers) {
      if (listed && !gf.has(s.layer())) {
        continue;
      }
      JsonObject g = gf.has(s.layer()) ? gf.getAsJsonObject(s.layer()) : new JsonObject();
      grams.put(s.layer(), new String[] {
          optionalString(g, "style", "gram_style_" + s.layer() + suffix + ".npy"),
          optionalString(g, "generated", "gram_gen_" + s.layer() + suffix + ".npy")});
    }
    return new Variant(key, pooling, suffix, losses, grad, Map.copyOf(perTerm), List.copyOf(acts),
        contentActs, grams);
  }

  private static String inputFile(JsonObject inputs, String which) {
    return inputs.getAsJsonObject(which).get("file").getAsString();
  }

  private static String string(JsonObject o, String key, String fallback) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? fallback : e.getAsString();
  }

  /** The value at {@code key}; {@code fallback} when the key is missing, null when it is null. */
  private static String optionalString(JsonObject o, String key, String fallback) {
    JsonElement e = o.get(key);
    return e == null ? fallback : e.isJsonNull() ? null : e.getAsString();
  }

  private static double number(JsonObject o, String key, double fallback) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? fallback : e.getAsDouble();
  }

  /** A layer name or list of names, with weights from a name-to-weight map (default 1). */
  private static List<LayerWeight> layerWeights(JsonElement layers, JsonElement weights) {
    List<String> names = new ArrayList<>();
    if (layers == null || layers.isJsonNull()) {
      return List.of();
    }
    if (layers.isJsonArray()) {
      layers.getAsJsonArray().forEach(x -> names.add(x.getAsString()));
    } else {
      names.add(layers.getAsString());
    }
    List<LayerWeight> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      double w = 1.0;
      if (weights != null && weights.isJsonObject() && weights.getAsJsonObject().has(names.get(i))) {
        w = weights.getAsJsonObject().get(names.get(i)).getAsDouble();
      } else if (weights != null && weights.isJsonArray()) {
        JsonArray a = weights.getAsJsonArray();
        w = a.get(i).getAsDouble();
      }
      out.add(new LayerWeight(names.get(i), w));
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return name;
  }
}
