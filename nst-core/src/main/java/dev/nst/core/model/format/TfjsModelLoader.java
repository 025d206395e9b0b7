package dev.nst.core.model.format;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.core.io.RegularFiles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a TensorFlow.js layers model ({@code model.json} with a Keras topology and a
 * {@code weightsManifest}, plus binary weight shards beside it): Conv2D (HWIO kernels, channels
 * last), BatchNormalization folded into the preceding convolution, LeakyReLU, ReLU, and
 * MaxPooling2D / AveragePooling2D. It stops at the first layer that is not a feature layer
 * (Flatten, Dense, GlobalAveragePooling2D, ...). Shard paths must stay inside the model's
 * folder.
 *
 * <p>Pools with {@code padding: 'same'} and window = stride are loaded in floor mode: for odd
 * sizes TF would pad the last row, which only changes the border of the last feature map.
 */
public final class TfjsModelLoader {
  /** Refuse manifests declaring more than this many weights (4 GiB of float32). */
  private static final long MAX_WEIGHT_VALUES = 1L << 30;
  /** Largest weight group read in one piece: a Java array's limit. */
  private static final long MAX_GROUP_BYTES = Integer.MAX_VALUE - 8;
  /** Largest stride, pool window, kernel size or channel count accepted from a file. */
  static final int MAX_GEOMETRY = 1 << 16;
  /** Largest model.json read: topologies are a few megabytes at most; the weights are in the shards. */
  static final long MAX_MODEL_JSON_BYTES = 64L << 20;
  private static final Set<String> PASS_THROUGH = Set.of("InputLayer", "Dropout", "SpatialDropout2D", "ZeroPadding2D");

  private TfjsModelLoader() {}

  /** Loads {@code modelJson}; the network is named after its folder. */
  public static Network load(Path modelJson, InputConvention convention) {
    JsonObject root;
    byte[] bytes = RegularFiles.readAll(modelJson, "TF.js model.json", MAX_MODEL_JSON_BYTES, ModelLoadException::new);
    try {
      String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
      JsonElement parsed = JsonParser.parseString(text);
      if (!parsed.isJsonObject()) {
        throw new ModelLoadException(modelJson + " is not a TF.js model.json: it holds "
            + describe(parsed) + " where a JSON object is expected");
      }
      root = parsed.getAsJsonObject();
    } catch (CharacterCodingException e) {
      throw new ModelLoadException(modelJson + " is not a TF.js model.json: it is not UTF-8 text (binary or "
          + "corrupt file)", e);
    } catch (JsonParseException e) {
      throw new ModelLoadException(modelJson + " is not valid JSON: " + jsonProblem(e)
          + "; fetch or export the model again", e);
    }
    Path dir = modelJson.toAbsolutePath().getParent();
    String name = dir.getFileName() == null ? "model" : dir.getFileName().toString();
    try {
      Map<String, Tensor> weights = readWeights(root, dir);
      return build(root, weights, name, convention);
    } catch (ModelLoadException e) {
      throw new ModelLoadException(modelJson + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ModelLoadException(modelJson + ": malformed TF.js model (" + e + ")", e);
    }
  }

  private static Map<String, Tensor> readWeights(JsonObject root, Path dir) {
    if (!root.has("weightsManifest")) {
      throw new ModelLoadException("no weightsManifest: this is not a TF.js layers model");
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    long declared = 0;
    JsonArray manifest = array(root, "weightsManifest", "");
    for (int gi = 0; gi < manifest.size(); gi++) {
      String gw = "weightsManifest[" + gi + "]";
      JsonObject group = object(manifest.get(gi), gw);
      List<int[]> shapes = new ArrayList<>();
      List<String> names = new ArrayList<>();
      long groupValues = 0;
      JsonArray ws = array(group, "weights", gw);
      for (int wi = 0; wi < ws.size(); wi++) {
        String ww = gw + ".weights[" + wi + "]";
        JsonObject w = object(ws.get(wi), ww);
        String wname = string(w, "name", ww);
        String dtype = w.has("dtype") ? string(w, "dtype", ww) : "float32";
        if (!dtype.equals("float32") || w.has("quantization")) {
          throw new ModelLoadException("weight " + wname + " is " + dtype + (w.has("quantization") ? " (quantised)" : "")
              + "; nst reads unquantised float32 weights: convert the model again without quantisation or float16");
        }
        JsonArray s = array(w, "shape", ww);
        int[] shape = new int[s.size()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
          shape[i] = integer(s.get(i), ww + ".shape[" + i + "]");
          if (shape[i] < 0) {
            throw new ModelLoadException("weight " + wname + " has a negative dimension " + shape[i]);
          }
          n *= shape[i];
          if (n > MAX_WEIGHT_VALUES) {
            throw new ModelLoadException("weight " + wname + " declares an absurd size (shape " + s + ")");
          }
        }
        groupValues += n;
        declared += n;
        if (declared > MAX_WEIGHT_VALUES) {
          throw new ModelLoadException("the manifest declares more than " + MAX_WEIGHT_VALUES + " weights");
        }
        shapes.add(shape);
        names.add(wname);
      }
      long bytes = 0;
      List<Path> shards = new ArrayList<>();
      JsonArray paths = array(group, "paths", gw);
      for (int pi = 0; pi < paths.size(); pi++) {
        JsonElement p = paths.get(pi);
        if (!p.isJsonPrimitive() || !p.getAsJsonPrimitive().isString()) {
          throw new ModelLoadException(gw + ".paths[" + pi + "] must be a file name, found " + describe(p));
        }
        Path shard = resolveInside(dir, p.getAsString());
        if (Files.isDirectory(shard)) {
          throw new ModelLoadException("weight shard path '" + p.getAsString() + "' names a folder, not a file");
        }
        shards.add(shard);
        bytes += RegularFiles.size(shard, "weight shard", ModelLoadException::new);
      }
      if (bytes != groupValues * 4) {
        throw new ModelLoadException("weight shards " + shards + " hold " + bytes + " bytes but the manifest declares "
            + groupValues * 4 + " (truncated or wrong files)");
      }
      if (bytes > MAX_GROUP_BYTES) {
        throw new ModelLoadException("weight group " + gi + " holds " + bytes + " bytes; nst reads groups of up to "
            + MAX_GROUP_BYTES + " bytes: convert the model again with smaller groups");
      }
      ByteBuffer all = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
      for (Path shard : shards) {
        byte[] data = RegularFiles.readAll(shard, "weight shard", all.remaining(), ModelLoadException::new);
        all.put(data);
      }
      if (all.hasRemaining()) {
        throw new ModelLoadException("weight shards " + shards + " changed size while they were read");
      }
      all.flip();
      FloatBuffer f = all.asFloatBuffer();
      for (int i = 0; i < names.size(); i++) {
        int[] shape = shapes.get(i);
        int n = 1;
        for (int d : shape) {
          n *= d;
        }
        float[] v = new float[n];
        f.get(v);
        out.put(names.get(i), Tensor.adopt(v, shape));
      }
    }
    return out;
  }

  /**
   * What a JSON parser found wrong, in words: the innermost message, without the parser's
   * exception class names and the troubleshooting link Gson appends ("See https://...").
   */
  static String jsonProblem(JsonParseException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? String.valueOf(e.getMessage()) : t.getMessage();
    m = m.replaceAll("(?s)\\s*See https?://\\S*", "");
    m = m.replaceAll("\\b(?:[a-z_][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ", "");
    m = m.replaceAll("\\s+", " ").trim();
    if (m.isEmpty()) {
      return "it is malformed";
    }
    return Character.toLowerCase(m.charAt(0)) + m.substring(1);
  }

  /** Resolves a manifest path, refusing anything that leaves the model's folder. */
  static Path resolveInside(Path dir, String relative) {
    Path p;
    try {
      p = dir.resolve(relative).normalize();
      if (relative.isEmpty() || Path.of(relative).isAbsolute() || !p.startsWith(dir.normalize())) {
        throw new ModelLoadException("weight shard path '" + relative + "' points outside the model folder " + dir);
      }
    } catch (InvalidPathException e) {
      throw new ModelLoadException("weight shard path '" + relative.replace("\0", "\\0")
          + "' is not a valid file name (" + e.getReason() + ")");
    }
    return p;
  }

  private static Network build(JsonObject root, Map<String, Tensor> weights, String name, InputConvention convention) {
    JsonObject topology = object(root, "modelTopology", "");
    JsonObject config = topology.has("model_config") ? object(topology, "model_config", "modelTopology") : topology;
    if (!config.has("config")) {
      throw new ModelLoadException("modelTopology has no config: this is not a Keras layers model");
    }
    JsonElement cfg = config.get("config");
    JsonArray layersJson = cfg.isJsonArray() ? cfg.getAsJsonArray() : array(object(cfg, "config"), "layers", "config");
    List<Layer> layers = new ArrayList<>();
    LayerNamer namer = new LayerNamer();
    int inputChannels = 3;
    int channels = -1;
    for (int li = 0; li < layersJson.size(); li++) {
      String where = "layers[" + li + "]";
      JsonObject l = object(layersJson.get(li), where);
      String kind = string(l, "class_name", where);
      JsonObject c = object(l, "config", where + " (" + kind + ")");
      String lname = c.has("name") ? string(c, "name", where) : kind;
      where = "layer " + lname + " (" + kind + ")";
      if (c.has("data_format") && !string(c, "data_format", where).equals("channels_last")) {
        throw new ModelLoadException("layer " + lname + " is channels_first; nst reads channels_last TF.js models");
      }
      if (kind.equals("InputLayer") && c.has("batch_input_shape") && !c.get("batch_input_shape").isJsonNull()) {
        JsonArray s = array(c, "batch_input_shape", where);
        if (s.size() == 4 && !s.get(3).isJsonNull()) {
          inputChannels = integer(s.get(3), where + ".batch_input_shape[3]");
          if (inputChannels < 1 || inputChannels > MAX_GEOMETRY) {
            throw new ModelLoadException("input layer " + lname + " declares " + inputChannels
                + " channels; expected 1 to " + MAX_GEOMETRY);
          }
        }
        continue;
      }
      switch (kind) {
        case "Conv2D" -> {
          Layer.Convolution conv = conv2d(lname, c, weights, namer.convolution());
          if (channels < 0) {
            channels = inputChannels;
          }
          if (conv.inChannels() != channels) {
            throw new ModelLoadException("layer " + lname + " expects " + conv.inChannels() + " channels, gets " + channels);
          }
          channels = conv.outChannels();
          layers.add(conv);
          String act = c.has("activation") && !c.get("activation").isJsonNull() ? string(c, "activation", where) : "linear";
          if (act.equals("relu")) {
            layers.add(new Layer.Relu(activationName(lname, namer, layers)));
          } else if (!act.equals("linear")) {
            throw new ModelLoadException("layer " + lname + " uses activation " + act + "; nst supports relu and linear");
          }
        }
        case "BatchNormalization" -> {
          if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof Layer.Convolution conv)) {
            throw new ModelLoadException("BatchNormalization " + lname + " does not follow a convolution, so it cannot be folded");
          }
          int co = conv.outChannels();
          float[] gamma = optional(weights, lname, "gamma", co, 1f);
          float[] beta = optional(weights, lname, "beta", co, 0f);
          float[] mean = weight(weights, lname, "moving_mean").toArray();
          float[] var = weight(weights, lname, "moving_variance").toArray();
          float eps = real(c, "epsilon", where, 1e-3f);
          layers.set(layers.size() - 1, BatchNormFolding.fold(conv, gamma, beta, mean, var, eps));
        }
        case "LeakyReLU" -> layers.add(new Layer.LeakyRelu(activationName(lname, namer, layers), real(c, "alpha", where, 0.3f)));
        case "ReLU" -> layers.add(new Layer.Relu(activationName(lname, namer, layers)));
        case "Activation" -> {
          if (!string(c, "activation", where).equals("relu")) {
            return finish(name, convention, inputChannels, layers);
          }
          layers.add(new Layer.Relu(activationName(lname, namer, layers)));
        }
        case "MaxPooling2D", "AveragePooling2D" -> layers.add(pool(lname, c,
            kind.equals("MaxPooling2D") ? Pooling.MAX : Pooling.AVERAGE, namer.pool()));
        default -> {
          if (!PASS_THROUGH.contains(kind)) {
            return finish(name, convention, inputChannels, layers); // the classifier head starts here
          }
        }
      }
    }
    return finish(name, convention, inputChannels, layers);
  }

  private static Network finish(String name, InputConvention convention, int inputChannels, List<Layer> layers) {
    if (layers.isEmpty()) {
      throw new ModelLoadException("no convolutional feature layers found");
    }
    return new Network(name, convention, inputChannels, layers);
  }

  /**
   * The VGG name of an activation layer. Layer names give one activation per convolution, so
   * a second activation in a row (or one after a pool) has no name of its own and is refused.
   */
  private static String activationName(String lname, LayerNamer namer, List<Layer> layers) {
    String name = namer.activation();
    for (Layer l : layers) {
      if (l.name().equals(name)) {
        throw new ModelLoadException("layer " + lname + " would be a second " + name + ": nst supports one activation "
            + "per convolution, and none after a pool or another activation; remove the extra activation from the model");
      }
    }
    return name;
  }

  private static Layer.Convolution conv2d(String lname, JsonObject c, Map<String, Tensor> weights, String name) {
    Tensor kernel = weight(weights, lname, "kernel");
    if (kernel.rank() != 4) {
      throw new ModelLoadException("Conv2D " + lname + " kernel has rank " + kernel.rank());
    }
    int kh = kernel.dim(0);
    int kw = kernel.dim(1);
    int ci = kernel.dim(2);
    int co = kernel.dim(3);
    if (kh < 1 || kw < 1 || ci < 1 || co < 1 || kh > MAX_GEOMETRY || kw > MAX_GEOMETRY) {
      throw new ModelLoadException("Conv2D " + lname + " has a kernel of shape " + java.util.Arrays.toString(kernel.shape())
          + "; every dimension must be at least 1 and the window at most " + MAX_GEOMETRY);
    }
    float[] hwio = kernel.toArray();
    float[] oihw = new float[hwio.length];
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        for (int i = 0; i < ci; i++) {
          for (int o = 0; o < co; o++) {
            oihw[((o * ci + i) * kh + y) * kw + x] = hwio[((y * kw + x) * ci + i) * co + o];
          }
        }
      }
    }
    boolean useBias = bool(c, "use_bias", "Conv2D " + lname, true);
    Tensor bias = useBias ? weight(weights, lname, "bias") : Tensor.zeros(co);
    if (bias.rank() != 1 || bias.dim(0) != co) {
      throw new ModelLoadException("Conv2D " + lname + " has a bias of shape " + java.util.Arrays.toString(bias.shape())
          + " for " + co + " filters");
    }
    int stride = c.has("strides") && !c.get("strides").isJsonNull() ? equalPair(c, "strides", lname) : 1;
    if (c.has("dilation_rate") && !c.get("dilation_rate").isJsonNull() && equalPair(c, "dilation_rate", lname) != 1) {
      throw new ModelLoadException("Conv2D " + lname + " is dilated; nst supports dilation 1");
    }
    String padding = c.has("padding") ? string(c, "padding", "Conv2D " + lname) : "valid";
    Padding pad;
    if (padding.equals("same")) {
      if (stride != 1) {
        throw new ModelLoadException("Conv2D " + lname + " uses 'same' padding with stride " + stride
            + ", whose padding depends on the image size; nst supports it with stride 1");
      }
      pad = new Padding((kh - 1) / 2, (kw - 1) / 2, kh / 2, kw / 2);
    } else if (padding.equals("valid")) {
      pad = Padding.NONE;
    } else {
      throw new ModelLoadException("Conv2D " + lname + " has padding '" + padding + "'; nst supports 'same' and 'valid'");
    }
    return new Layer.Convolution(name, Tensor.adopt(oihw, co, ci, kh, kw), bias, stride, pad);
  }

  private static Layer.Pool pool(String lname, JsonObject c, Pooling kind, String name) {
    int k = c.has("pool_size") && !c.get("pool_size").isJsonNull() ? equalPair(c, "pool_size", lname) : 2;
    int s = c.has("strides") && !c.get("strides").isJsonNull() ? equalPair(c, "strides", lname) : k;
    String padding = c.has("padding") ? string(c, "padding", "pool " + lname) : "valid";
    if (!padding.equals("same") && !padding.equals("valid")) {
      throw new ModelLoadException("pool " + lname + " has padding '" + padding + "'; nst supports 'same' and 'valid'");
    }
    if (padding.equals("same") && k != s) {
      throw new ModelLoadException("pool " + lname + " uses 'same' padding with window " + k + " and stride " + s
          + "; nst supports 'same' pools whose window equals the stride");
    }
    return new Layer.Pool(name, kind, k, s, Padding.NONE);
  }

  /** A pair of equal ints from 1 to {@link #MAX_GEOMETRY} ({@code [2, 2]}). */
  private static int equalPair(JsonObject c, String key, String lname) {
    JsonArray a = array(c, key, "layer " + lname);
    if (a.size() != 2) {
      throw new ModelLoadException("layer " + lname + " has " + key + " " + a + "; expected two values");
    }
    int first = integer(a.get(0), "layer " + lname + " " + key + "[0]");
    int second = integer(a.get(1), "layer " + lname + " " + key + "[1]");
    if (first != second) {
      throw new ModelLoadException("layer " + lname + " has unequal " + key + " " + a + "; nst supports square ones");
    }
    if (first < 1 || first > MAX_GEOMETRY) {
      throw new ModelLoadException("layer " + lname + " has " + key + " " + a + "; expected values from 1 to " + MAX_GEOMETRY);
    }
    return first;
  }

  private static Tensor weight(Map<String, Tensor> weights, String layer, String param) {
    Tensor t = weights.get(layer + "/" + param);
    String found = layer + "/" + param;
    if (t == null) {
      for (Map.Entry<String, Tensor> e : weights.entrySet()) {
        if (e.getKey().endsWith("/" + layer + "/" + param)) {
          t = e.getValue();
          found = e.getKey();
          break;
        }
      }
    }
    if (t == null) {
      throw new ModelLoadException("the manifest has no weight " + layer + "/" + param);
    }
    for (int i = 0; i < t.size(); i++) {
      if (!Float.isFinite(t.get(i))) {
        throw new ModelLoadException("weight " + found + " holds " + t.get(i) + " at index " + i
            + "; the weights are corrupt (or were saved after training diverged)");
      }
    }
    return t;
  }

  private static float[] optional(Map<String, Tensor> weights, String layer, String param, int n, float fallback) {
    if (!weights.containsKey(layer + "/" + param)
        && weights.keySet().stream().noneMatch(k -> k.endsWith("/" + layer + "/" + param))) {
      float[] v = new float[n];
      java.util.Arrays.fill(v, fallback);
      return v;
    }
    return weight(weights, layer, param).toArray();
  }

  // ---- typed access to model.json: a wrong type is a ModelLoadException naming the place ----

  private static JsonObject object(JsonElement e, String where) {
    if (e == null || !e.isJsonObject()) {
      throw new ModelLoadException(where + " must be a JSON object, found " + describe(e));
    }
    return e.getAsJsonObject();
  }

  private static JsonObject object(JsonObject parent, String key, String where) {
    return object(parent.get(key), path(where, key));
  }

  private static JsonArray array(JsonObject parent, String key, String where) {
    JsonElement e = parent.get(key);
    if (e == null || !e.isJsonArray()) {
      throw new ModelLoadException(path(where, key) + " must be a JSON array, found " + describe(e));
    }
    return e.getAsJsonArray();
  }

  private static String string(JsonObject parent, String key, String where) {
    JsonElement e = parent.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new ModelLoadException(path(where, key) + " must be a string, found " + describe(e));
    }
    return e.getAsString();
  }

  private static boolean bool(JsonObject parent, String key, String where, boolean fallback) {
    JsonElement e = parent.get(key);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw new ModelLoadException(path(where, key) + " must be true or false, found " + describe(e));
    }
    return e.getAsBoolean();
  }

  /** A finite number, or {@code fallback} when absent or null. */
  private static float real(JsonObject parent, String key, String where, float fallback) {
    JsonElement e = parent.get(key);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    float v = Float.NaN;
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      try {
        v = e.getAsFloat();
      } catch (NumberFormatException notANumber) {
        v = Float.NaN;
      }
    }
    if (!Float.isFinite(v)) {
      throw new ModelLoadException(path(where, key) + " must be a finite number, found " + describe(e));
    }
    return v;
  }

  /** An integral JSON number within int range (no silent truncation of 1.5 or 2^32 + 3). */
  private static int integer(JsonElement e, String where) {
    if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      try {
        return e.getAsBigDecimal().intValueExact();
      } catch (ArithmeticException | NumberFormatException notAnInt) {
        // reported below
      }
    }
    throw new ModelLoadException(where + " must be an integer, found " + describe(e));
  }

  private static String path(String where, String key) {
    return where.isEmpty() ? key : where + "." + key;
  }

  private static String describe(JsonElement e) {
    if (e == null) {
      return "nothing (the key is missing)";
    }
    String s = e.toString();
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
