package dev.nst.tck.host;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Finds the reference loss cases (folders with a case.json that lists variants). */
final class ReferenceCases {
  private ReferenceCases() {}

  static Path referenceDir() {
    String explicit = System.getProperty("nst.reference.dir");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    Path shared = Path.of(System.getProperty("nst.shared.dir", "../../shared"), "reference");
    if (Files.isDirectory(shared)) {
      return shared;
    }
    return Path.of(System.getProperty("nst.testdata.dir", "../testdata"), "reference");
  }

  /** A loss case: its folder and parsed case.json. */
  record Case(Path dir, JsonObject json) {
    String name() {
      return dir.getFileName().toString();
    }

    Path file(String name) {
      return dir.resolve(name);
    }

    String string(String key) {
      return json.get(key).getAsString();
    }

    double number(String key) {
      return json.get(key).getAsDouble();
    }

    List<String> contentLayers() {
      JsonElement e = json.get("content_layer");
      List<String> out = new ArrayList<>();
      if (e.isJsonArray()) {
        e.getAsJsonArray().forEach(x -> out.add(x.getAsString()));
      } else {
        out.add(e.getAsString());
      }
      return out;
    }

    List<String> styleLayers() {
      List<String> out = new ArrayList<>();
      json.getAsJsonArray("style_layers").forEach(x -> out.add(x.getAsString()));
      return out;
    }

    double styleWeight(String layer) {
      return json.getAsJsonObject("style_weights").get(layer).getAsDouble();
    }

    int[] inputShape(String which) {
      return toInts(json.getAsJsonObject("inputs").getAsJsonObject(which).getAsJsonArray("shape"));
    }

    String inputFile(String which) {
      return json.getAsJsonObject("inputs").getAsJsonObject(which).get("file").getAsString();
    }

    Map<String, JsonObject> variants() {
      Map<String, JsonObject> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : json.getAsJsonObject("variants").entrySet()) {
        out.put(e.getKey(), e.getValue().getAsJsonObject());
      }
      return out;
    }

    double tolerance(String key) {
      return json.getAsJsonObject("suggested_float32_tolerances").get(key).getAsDouble();
    }
  }

  static int[] toInts(com.google.gson.JsonArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsInt();
    }
    return out;
  }

  static List<Case> lossCases() throws IOException {
    List<Case> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(referenceDir())) {
      for (Path d : s.sorted().toList()) {
        Path json = d.resolve("case.json");
        if (!Files.isRegularFile(json)) {
          continue;
        }
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        // A seeded case (its network rebuilt from a seed, model.generator) carries only some
        // activations: the conformance suite checks it through each backend instead.
        boolean seeded = o.has("model") && o.get("model").isJsonObject()
            && o.getAsJsonObject("model").has("generator");
        if (o.has("variants") && !seeded) {
          out.add(new Case(d, o));
        }
      }
    }
    return out;
  }

  static Map<String, Double> losses(Path file) throws IOException {
    Map<String, Double> out = new LinkedHashMap<>();
    JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    o.entrySet().forEach(e -> out.put(e.getKey(), e.getValue().getAsDouble()));
    return out;
  }

  /** ||a - b|| / ||b||. */
  static double relNorm(float[] a, double[] ref) {
    if (a.length != ref.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + ref.length);
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
}
