package dev.nst.core.reliability;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * JSON-aware mutations of a TF.js {@code model.json} and its shards: values of the wrong type,
 * missing keys, huge, negative and fractional shapes, other dtypes and quantisation, shard
 * paths that leave the folder ({@code ../}, absolute), missing, short, long and NaN-filled
 * shards, absurd layer settings, removed, duplicated and swapped layers, deep nesting, and raw
 * text damage. A mutant may carry {@code mustFail}: a reason it must not load (a path escape,
 * a shape that is not an int), so that a silent success is a finding too.
 */
final class TfjsMutator {
  /** A mutated model: its JSON text and extra files (name to bytes) to write beside it. */
  record Mutant(String description, byte[] json, Map<String, byte[]> files, String mustFail) {}

  /** Name of a mutated shard written beside model.json. */
  static final String MUTANT_SHARD = "mutant-shard.bin";
  /** A folder beside model.json (a shard path that names a folder). */
  static final String FOLDER = "a-folder";

  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();

  private final Random random;
  private final ByteMutator bytes;
  private final List<String> outsideFolders;
  private final Map<String, byte[]> shards;

  /**
   * @param shards the seed's shard files by manifest path
   * @param outsideFolders folders (as a relative path from the model folder, and absolute)
   *     OUTSIDE the model folder that hold exact copies of every shard: loading through them
   *     would read outside the folder, and would succeed if the loader allowed it
   */
  TfjsMutator(Random random, Map<String, byte[]> shards, List<String> outsideFolders) {
    this.random = random;
    this.bytes = new ByteMutator(random);
    this.shards = shards;
    this.outsideFolders = outsideFolders;
  }

  Mutant mutate(String seedJson) {
    if (random.nextInt(8) == 0) {
      String[] what = new String[1];
      byte[] text = bytes.mutate(seedJson.getBytes(StandardCharsets.UTF_8), 0, 0, what);
      return new Mutant("text: " + what[0], text, Map.of(), null);
    }
    JsonObject root = JsonParser.parseString(seedJson).getAsJsonObject();
    Map<String, byte[]> files = new LinkedHashMap<>();
    List<String> what = new ArrayList<>();
    String mustFail = null;
    int count = 1 + (random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0);
    boolean nested = false;
    for (int i = 0; i < count; i++) {
      String[] reason = new String[1];
      int kind = random.nextInt(11);
      what.add(apply(kind, root, files, reason));
      nested |= kind == 10;
      if (reason[0] != null) {
        mustFail = reason[0];
      }
    }
    String json = GSON.toJson(root);
    if (nested) {
      int depth = 200 + random.nextInt(20_000);
      json = json.replaceFirst("\"format\"", "\"deep\": " + "[".repeat(depth) + "]".repeat(depth) + ", \"format\"");
    }
    return new Mutant(String.join(" + ", what), json.getBytes(StandardCharsets.UTF_8), files, mustFail);
  }

  private String apply(int kind, JsonObject root, Map<String, byte[]> files, String[] mustFail) {
    switch (kind) {
      case 0 -> {
        List<Slot> slots = new ArrayList<>();
        collect(root, slots);
        Slot s = slots.get(random.nextInt(slots.size()));
        JsonElement v = randomValue();
        s.set(v);
        return "value: " + s + " = " + abbreviate(v);
      }
      case 1 -> {
        List<Slot> slots = new ArrayList<>();
        collect(root, slots);
        Slot s = slots.get(random.nextInt(slots.size()));
        s.remove();
        return "remove: " + s;
      }
      case 2 -> {
        JsonObject w = randomWeight(root);
        if (w == null) {
          return "noop";
        }
        JsonElement[] shapes = {arr(-1), arr(1L << 31), arr(1L << 40), arr(1.5), arr(3, 3, -2, 3), arr(65536, 65536, 65536),
            arr(0, 3, 3, 3), new JsonArray(), strings("3"), nulls(), ones(100), arr((1L << 32) + 3), arr(16384, 16384, 4),
            arr(32768, 32768), arr(1e300), arr(-0.0)};
        int pick = random.nextInt(shapes.length);
        w.add("shape", shapes[pick]);
        if (pick <= 5 || pick == 8 || pick == 9 || pick == 11 || pick == 14) {
          mustFail[0] = "the shape " + shapes[pick] + " of " + w.get("name") + " is not a list of non-negative ints";
        }
        return "shape: " + w.get("name") + " = " + abbreviate(shapes[pick]);
      }
      case 3 -> {
        JsonObject w = randomWeight(root);
        if (w == null) {
          return "noop";
        }
        String[] dtypes = {"float16", "int32", "uint8", "bool", "string", "complex64", "float64", "int8"};
        if (random.nextBoolean()) {
          w.addProperty("dtype", dtypes[random.nextInt(dtypes.length)]);
          return "dtype: " + w.get("name") + " = " + w.get("dtype");
        }
        JsonObject q = new JsonObject();
        q.addProperty("dtype", random.nextBoolean() ? "uint8" : "float16");
        q.addProperty("scale", 0.01);
        q.addProperty("min", -1);
        w.add("quantization", q);
        return "dtype: " + w.get("name") + " quantised to " + q.get("dtype");
      }
      case 4 -> {
        JsonArray paths = randomPaths(root);
        if (paths == null) {
          return "noop";
        }
        int r = random.nextInt(3);
        if (r == 0 && !outsideFolders.isEmpty()) {
          int at = random.nextInt(paths.size());
          String p = outsideFolders.get(random.nextInt(outsideFolders.size())) + "/" + firstShard(paths, at);
          paths.set(at, new JsonPrimitive(p));
          mustFail[0] = "shard path " + p + " leaves the model folder";
          return "path escape: " + p;
        }
        String[] odd = {"../x.bin", "/etc/passwd", "sub/../../x.bin", "./" + firstShard(paths, 0), firstShard(paths, 0) + "/..",
            ".", "", "no-such-shard.bin", "nul\u0000byte", "a".repeat(5000), "..", "%2e%2e/x.bin", "C:\\x.bin", "~/x.bin",
            "file:///etc/passwd", FOLDER, "sub/./../" + firstShard(paths, 0), "/"};
        String p = odd[random.nextInt(odd.length)];
        if (random.nextInt(5) == 0) {
          paths.add(paths.get(0));
          return "path: first shard listed twice";
        }
        paths.set(random.nextInt(paths.size()), new JsonPrimitive(p));
        if (p.startsWith("..") || p.startsWith("/") || p.startsWith("sub/../..")) {
          mustFail[0] = "shard path " + p + " leaves the model folder";
        }
        return "path: " + abbreviate(new JsonPrimitive(p));
      }
      case 5 -> {
        JsonArray paths = randomPaths(root);
        if (paths == null) {
          return "noop";
        }
        int at = random.nextInt(paths.size());
        byte[] shard = shards.get(paths.get(at).getAsString());
        if (shard == null) {
          return "noop";
        }
        String how;
        byte[] mutated;
        switch (random.nextInt(4)) {
          case 0 -> {
            mutated = Arrays.copyOf(shard, random.nextInt(Math.max(1, shard.length)));
            how = "cut to " + mutated.length + " of " + shard.length + " bytes";
          }
          case 1 -> {
            mutated = Arrays.copyOf(shard, shard.length + 4 * (1 + random.nextInt(3)));
            how = "grown by " + (mutated.length - shard.length) + " bytes";
          }
          case 2 -> {
            mutated = shard.clone();
            float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
            int n = Math.max(1, mutated.length / 4);
            int i = random.nextInt(n) * 4;
            if (mutated.length >= 4) {
              ByteBuffer.wrap(mutated).order(ByteOrder.LITTLE_ENDIAN).putFloat(i, bad[random.nextInt(3)]);
            }
            how = "non-finite float at byte " + i;
          }
          default -> {
            paths.set(at, new JsonPrimitive("missing-shard.bin"));
            return "shard: " + at + " missing";
          }
        }
        files.put(MUTANT_SHARD, mutated);
        paths.set(at, new JsonPrimitive(MUTANT_SHARD));
        return "shard: " + how;
      }
      case 6, 7 -> {
        return layerSetting(root);
      }
      case 8 -> {
        JsonArray layers = layers(root);
        if (layers == null || layers.size() < 2) {
          return "noop";
        }
        int i = random.nextInt(layers.size());
        switch (random.nextInt(3)) {
          case 0 -> {
            layers.remove(i);
            return "layers: remove " + i;
          }
          case 1 -> {
            JsonArray copy = new JsonArray();
            for (int k = 0; k < layers.size(); k++) {
              copy.add(layers.get(k));
              if (k == i) {
                copy.add(layers.get(k).deepCopy());
              }
            }
            replaceLayers(root, copy);
            return "layers: duplicate " + i;
          }
          default -> {
            int j = random.nextInt(layers.size());
            JsonElement a = layers.get(i);
            layers.set(i, layers.get(j));
            layers.set(j, a);
            return "layers: swap " + i + " and " + j;
          }
        }
      }
      case 9 -> {
        JsonArray manifest = root.has("weightsManifest") && root.get("weightsManifest").isJsonArray()
            ? root.getAsJsonArray("weightsManifest") : null;
        if (manifest == null || manifest.isEmpty()) {
          return "noop";
        }
        JsonObject g = new JsonObject();
        JsonArray ws = new JsonArray();
        for (int i = 0; i < 2 + random.nextInt(3); i++) {
          JsonObject w = new JsonObject();
          w.addProperty("name", "huge/" + i);
          w.add("shape", arr(16384, 16384, 2));
          w.addProperty("dtype", "float32");
          ws.add(w);
        }
        g.add("weights", ws);
        JsonArray p = new JsonArray();
        p.add("huge.bin");
        g.add("paths", p);
        manifest.add(g);
        mustFail[0] = "the manifest declares " + ws.size() + " x 2^29 weights";
        return "manifest: huge extra group";
      }
      default -> {
        return "nesting";
      }
    }
  }

  private String layerSetting(JsonObject root) {
    JsonArray layers = layers(root);
    if (layers == null || layers.isEmpty()) {
      return "noop";
    }
    int i = random.nextInt(layers.size());
    if (!layers.get(i).isJsonObject()) {
      return "noop";
    }
    JsonObject layer = layers.get(i).getAsJsonObject();
    if (random.nextInt(6) == 0) {
      String[] classes = {"Conv2D", "BatchNormalization", "LeakyReLU", "ReLU", "Activation", "MaxPooling2D",
          "AveragePooling2D", "ZeroPadding2D", "Dense", "NoSuchLayer", "InputLayer", "DepthwiseConv2D"};
      layer.addProperty("class_name", classes[random.nextInt(classes.length)]);
      return "layer " + i + ": class_name = " + layer.get("class_name");
    }
    if (!layer.has("config") || !layer.get("config").isJsonObject()) {
      return "noop";
    }
    JsonObject c = layer.getAsJsonObject("config");
    Object[][] settings = {
        {"strides", arr(0, 0), arr(-1, -1), arr(1e10, 1e10), arr(2, 3), arr(1), new JsonPrimitive("2"), arr((1L << 32) + 1, (1L << 32) + 1)},
        {"pool_size", arr(0, 0), arr(-2, -2), arr(70000, 70000), arr(2.5, 2.5), JsonNull.INSTANCE},
        {"padding", new JsonPrimitive("causal"), new JsonPrimitive(7), new JsonPrimitive("SAME"), JsonNull.INSTANCE},
        {"activation", new JsonPrimitive("tanh"), JsonNull.INSTANCE, new JsonPrimitive(5), new JsonPrimitive("relu")},
        {"use_bias", new JsonPrimitive("yes"), JsonNull.INSTANCE, new JsonPrimitive(1), new JsonPrimitive(true)},
        {"data_format", new JsonPrimitive("channels_first"), new JsonPrimitive(3)},
        {"dilation_rate", arr(2, 2), arr(0, 0), new JsonPrimitive(1)},
        {"epsilon", new JsonPrimitive(-1), new JsonPrimitive(Double.NaN), new JsonPrimitive(1e30), new JsonPrimitive("x"), new JsonPrimitive(-1e-3)},
        {"alpha", new JsonPrimitive(Double.NaN), new JsonPrimitive("x"), new JsonPrimitive(1e39), new JsonPrimitive(Double.POSITIVE_INFINITY)},
        {"batch_input_shape", nullsThen(8, 8, -2), nullsThen(8, 8, 0), nullsThen(8, 8, 1L << 40), arr(8, 8),
            new JsonPrimitive("x"), nullsThen(8, 8, 3), nullsThen(8, 8, 2.5)},
        {"name", new JsonPrimitive("c1"), new JsonPrimitive("bn1"), JsonNull.INSTANCE, new JsonPrimitive(""), new JsonPrimitive(42)},
    };
    Object[] s = settings[random.nextInt(settings.length)];
    JsonElement v = (JsonElement) s[1 + random.nextInt(s.length - 1)];
    if (random.nextInt(8) == 0) {
      c.remove((String) s[0]);
      return "layer " + i + ": remove " + s[0];
    }
    c.add((String) s[0], v);
    return "layer " + i + ": " + s[0] + " = " + abbreviate(v);
  }

  private JsonElement randomValue() {
    JsonElement[] values = {JsonNull.INSTANCE, new JsonPrimitive(true), new JsonPrimitive("str"), new JsonPrimitive(-1),
        new JsonPrimitive(0), new JsonPrimitive(1.5), new JsonPrimitive(1e300), new JsonPrimitive(1L << 31),
        new JsonPrimitive(1L << 40), new JsonPrimitive(-(1L << 40)), new JsonArray(), new JsonObject(), arr(1, 2),
        new JsonPrimitive(Double.NaN), new JsonPrimitive(Double.NEGATIVE_INFINITY), strings("a", "b")};
    return values[random.nextInt(values.length)].deepCopy();
  }

  // ---- navigation ----

  /** A place in the JSON tree: a key of an object or an index of an array. */
  private record Slot(JsonElement container, String key, int index, String path) {
    void set(JsonElement v) {
      if (key != null) {
        container.getAsJsonObject().add(key, v);
      } else {
        container.getAsJsonArray().set(index, v);
      }
    }

    void remove() {
      if (key != null) {
        container.getAsJsonObject().remove(key);
      } else {
        container.getAsJsonArray().remove(index);
      }
    }

    @Override
    public String toString() {
      return path;
    }
  }

  private static void collect(JsonElement e, List<Slot> out) {
    collect(e, "", out);
  }

  private static void collect(JsonElement e, String path, List<Slot> out) {
    if (e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> en : e.getAsJsonObject().entrySet()) {
        String p = path + "." + en.getKey();
        out.add(new Slot(e, en.getKey(), -1, p));
        collect(en.getValue(), p, out);
      }
    } else if (e.isJsonArray()) {
      JsonArray a = e.getAsJsonArray();
      for (int i = 0; i < a.size(); i++) {
        String p = path + "[" + i + "]";
        out.add(new Slot(e, null, i, p));
        collect(a.get(i), p, out);
      }
    }
  }

  private JsonObject randomWeight(JsonObject root) {
    List<JsonObject> weights = new ArrayList<>();
    if (root.has("weightsManifest") && root.get("weightsManifest").isJsonArray()) {
      for (JsonElement g : root.getAsJsonArray("weightsManifest")) {
        if (g.isJsonObject() && g.getAsJsonObject().has("weights") && g.getAsJsonObject().get("weights").isJsonArray()) {
          for (JsonElement w : g.getAsJsonObject().getAsJsonArray("weights")) {
            if (w.isJsonObject()) {
              weights.add(w.getAsJsonObject());
            }
          }
        }
      }
    }
    return weights.isEmpty() ? null : weights.get(random.nextInt(weights.size()));
  }

  private JsonArray randomPaths(JsonObject root) {
    List<JsonArray> all = new ArrayList<>();
    if (root.has("weightsManifest") && root.get("weightsManifest").isJsonArray()) {
      for (JsonElement g : root.getAsJsonArray("weightsManifest")) {
        if (g.isJsonObject() && g.getAsJsonObject().has("paths") && g.getAsJsonObject().get("paths").isJsonArray()
            && !g.getAsJsonObject().getAsJsonArray("paths").isEmpty()) {
          all.add(g.getAsJsonObject().getAsJsonArray("paths"));
        }
      }
    }
    return all.isEmpty() ? null : all.get(random.nextInt(all.size()));
  }

  private static String firstShard(JsonArray paths, int at) {
    JsonElement e = paths.get(at);
    return e.isJsonPrimitive() ? e.getAsString() : "x";
  }

  private static JsonObject modelConfig(JsonObject root) {
    if (!root.has("modelTopology") || !root.get("modelTopology").isJsonObject()) {
      return null;
    }
    JsonObject t = root.getAsJsonObject("modelTopology");
    JsonElement mc = t.has("model_config") ? t.get("model_config") : t;
    return mc.isJsonObject() ? mc.getAsJsonObject() : null;
  }

  private static JsonArray layers(JsonObject root) {
    JsonObject mc = modelConfig(root);
    if (mc == null || !mc.has("config")) {
      return null;
    }
    JsonElement cfg = mc.get("config");
    if (cfg.isJsonArray()) {
      return cfg.getAsJsonArray();
    }
    if (cfg.isJsonObject() && cfg.getAsJsonObject().has("layers") && cfg.getAsJsonObject().get("layers").isJsonArray()) {
      return cfg.getAsJsonObject().getAsJsonArray("layers");
    }
    return null;
  }

  private static void replaceLayers(JsonObject root, JsonArray layers) {
    JsonObject mc = modelConfig(root);
    JsonElement cfg = mc.get("config");
    if (cfg.isJsonArray()) {
      mc.add("config", layers);
    } else {
      cfg.getAsJsonObject().add("layers", layers);
    }
  }

  // ---- values ----

  private static JsonArray arr(Number... values) {
    JsonArray a = new JsonArray();
    for (Number v : values) {
      a.add(v);
    }
    return a;
  }

  private static JsonArray nullsThen(Number... values) {
    JsonArray a = new JsonArray();
    a.add(JsonNull.INSTANCE);
    for (Number v : values) {
      a.add(v);
    }
    return a;
  }

  private static JsonArray strings(String... values) {
    JsonArray a = new JsonArray();
    for (String v : values) {
      a.add(v);
    }
    return a;
  }

  private static JsonArray nulls() {
    JsonArray a = new JsonArray();
    a.add(JsonNull.INSTANCE);
    a.add(JsonNull.INSTANCE);
    return a;
  }

  private static JsonArray ones(int n) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < n; i++) {
      a.add(1);
    }
    return a;
  }

  private static String abbreviate(JsonElement v) {
    String s = GSON.toJson(v);
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
