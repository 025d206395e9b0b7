package dev.nst.core.model;

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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
  private static final Set<String> PASS_THROUGH = Set.of("InputLayer", "Dropout", "SpatialDropout2D", "ZeroPadding2D");

  private TfjsModelLoader() {}

  /** Loads {@code modelJson}; the network is named after its folder. */
  public static Network load(Path modelJson, InputConvention convention) {
    JsonObject root;
    try {
      root = JsonParser.parseString(Files.readString(modelJson)).getAsJsonObject();
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + modelJson + ": " + e.getMessage(), e);
    } catch (JsonParseException | IllegalStateException e) {
      throw new ModelLoadException(modelJson + " is not a TF.js model.json (" + e.getMessage() + ")", e);
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
    Map<String, Tensor> out = new HashMap<>();
    long declared = 0;
    for (JsonElement g : root.getAsJsonArray("weightsManifest")) {
      JsonObject group = g.getAsJsonObject();
      List<int[]> shapes = new ArrayList<>();
      List<String> names = new ArrayList<>();
      long groupValues = 0;
      for (JsonElement we : group.getAsJsonArray("weights")) {
        JsonObject w = we.getAsJsonObject();
        String dtype = w.has("dtype") ? w.get("dtype").getAsString() : "float32";
        if (!dtype.equals("float32") || w.has("quantization")) {
          throw new ModelLoadException("weight " + w.get("name").getAsString() + " is " + dtype
              + (w.has("quantization") ? " (quantised)" : "") + "; nst reads unquantised float32 weights");
        }
        JsonArray s = w.getAsJsonArray("shape");
        int[] shape = new int[s.size()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
          shape[i] = s.get(i).getAsInt();
          if (shape[i] < 0) {
            throw new ModelLoadException("weight " + w.get("name").getAsString() + " has a negative dimension");
          }
          n *= shape[i];
          if (n > MAX_WEIGHT_VALUES) {
            throw new ModelLoadException("weight " + w.get("name").getAsString() + " declares an absurd size");
          }
        }
        groupValues += n;
        declared += n;
        if (declared > MAX_WEIGHT_VALUES) {
          throw new ModelLoadException("the manifest declares more than " + MAX_WEIGHT_VALUES + " weights");
        }
        shapes.add(shape);
        names.add(w.get("name").getAsString());
      }
      long bytes = 0;
      List<Path> shards = new ArrayList<>();
      for (JsonElement p : group.getAsJsonArray("paths")) {
        Path shard = resolveInside(dir, p.getAsString());
        shards.add(shard);
        try {
          bytes += Files.size(shard);
        } catch (IOException e) {
          throw new ModelLoadException("weight shard " + shard + " is missing or unreadable: " + e.getMessage(), e);
        }
      }
      if (bytes != groupValues * 4) {
        throw new ModelLoadException("weight shards " + shards + " hold " + bytes + " bytes but the manifest declares "
            + groupValues * 4 + " (truncated or wrong files)");
      }
      ByteBuffer all = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
      for (Path shard : shards) {
        try {
          all.put(Files.readAllBytes(shard));
        } catch (IOException e) {
          throw new ModelLoadException("cannot read weight shard " + shard + ": " + e.getMessage(), e);
        }
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

  /** Resolves a manifest path, refusing anything that leaves the model's folder. */
  static Path resolveInside(Path dir, String relative) {
    Path p = dir.resolve(relative).normalize();
    if (relative.isEmpty() || Path.of(relative).isAbsolute() || !p.startsWith(dir.normalize())) {
      throw new ModelLoadException("weight shard path '" + relative + "' points outside the model folder " + dir);
    }
    return p;
  }

  private static Network build(JsonObject root, Map<String, Tensor> weights, String name, InputConvention convention) {
    JsonObject topology = root.getAsJsonObject("modelTopology");
    JsonObject config = topology.has("model_config") ? topology.getAsJsonObject("model_config") : topology;
    JsonElement cfg = config.get("config");
    JsonArray layersJson = cfg.isJsonArray() ? cfg.getAsJsonArray() : cfg.getAsJsonObject().getAsJsonArray("layers");
    List<Layer> layers = new ArrayList<>();
    LayerNamer namer = new LayerNamer();
    int inputChannels = 3;
    int channels = -1;
    for (JsonElement le : layersJson) {
      JsonObject l = le.getAsJsonObject();
      String kind = l.get("class_name").getAsString();
      JsonObject c = l.getAsJsonObject("config");
      String lname = c.has("name") ? c.get("name").getAsString() : kind;
      if (c.has("data_format") && !c.get("data_format").getAsString().equals("channels_last")) {
        throw new ModelLoadException("layer " + lname + " is channels_first; nst reads channels_last TF.js models");
      }
      if (kind.equals("InputLayer") && c.has("batch_input_shape")) {
        JsonArray s = c.getAsJsonArray("batch_input_shape");
        if (s.size() == 4 && !s.get(3).isJsonNull()) {
          inputChannels = s.get(3).getAsInt();
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
          String act = c.has("activation") ? c.get("activation").getAsString() : "linear";
          if (act.equals("relu")) {
            layers.add(new Layer.Relu(namer.activation()));
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
          float eps = c.has("epsilon") ? c.get("epsilon").getAsFloat() : 1e-3f;
          layers.set(layers.size() - 1, BatchNormFolding.fold(conv, gamma, beta, mean, var, eps));
        }
        case "LeakyReLU" -> layers.add(new Layer.LeakyRelu(namer.activation(),
            c.has("alpha") ? c.get("alpha").getAsFloat() : 0.3f));
        case "ReLU" -> layers.add(new Layer.Relu(namer.activation()));
        case "Activation" -> {
          if (!c.get("activation").getAsString().equals("relu")) {
            return finish(name, convention, inputChannels, layers);
          }
          layers.add(new Layer.Relu(namer.activation()));
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

  private static Layer.Convolution conv2d(String lname, JsonObject c, Map<String, Tensor> weights, String name) {
    Tensor kernel = weight(weights, lname, "kernel");
    if (kernel.rank() != 4) {
      throw new ModelLoadException("Conv2D " + lname + " kernel has rank " + kernel.rank());
    }
    int kh = kernel.dim(0);
    int kw = kernel.dim(1);
    int ci = kernel.dim(2);
    int co = kernel.dim(3);
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
    boolean useBias = !c.has("use_bias") || c.get("use_bias").getAsBoolean();
    Tensor bias = useBias ? weight(weights, lname, "bias") : Tensor.zeros(co);
    int stride = equalPair(c, "strides", lname);
    if (c.has("dilation_rate") && equalPair(c, "dilation_rate", lname) != 1) {
      throw new ModelLoadException("Conv2D " + lname + " is dilated; nst supports dilation 1");
    }
    String padding = c.has("padding") ? c.get("padding").getAsString() : "valid";
    Padding pad;
    if (padding.equals("same")) {
      if (stride != 1) {
        throw new ModelLoadException("Conv2D " + lname + " uses 'same' padding with stride " + stride
            + ", whose padding depends on the image size; nst supports it with stride 1");
      }
      pad = new Padding((kh - 1) / 2, (kw - 1) / 2, kh / 2, kw / 2);
    } else {
      pad = Padding.NONE;
    }
    return new Layer.Convolution(name, Tensor.adopt(oihw, co, ci, kh, kw), bias, stride, pad);
  }

  private static Layer.Pool pool(String lname, JsonObject c, Pooling kind, String name) {
    int k = equalPair(c, "pool_size", lname);
    int s = c.has("strides") && !c.get("strides").isJsonNull() ? equalPair(c, "strides", lname) : k;
    String padding = c.has("padding") ? c.get("padding").getAsString() : "valid";
    if (padding.equals("same") && k != s) {
      throw new ModelLoadException("pool " + lname + " uses 'same' padding with window " + k + " and stride " + s
          + "; nst supports 'same' pools whose window equals the stride");
    }
    return new Layer.Pool(name, kind, k, s, Padding.NONE);
  }

  private static int equalPair(JsonObject c, String key, String lname) {
    JsonArray a = c.getAsJsonArray(key);
    if (a.size() != 2 || a.get(0).getAsInt() != a.get(1).getAsInt()) {
      throw new ModelLoadException("layer " + lname + " has unequal " + key + "; nst supports square ones");
    }
    return a.get(0).getAsInt();
  }

  private static Tensor weight(Map<String, Tensor> weights, String layer, String param) {
    Tensor t = weights.get(layer + "/" + param);
    if (t == null) {
      for (Map.Entry<String, Tensor> e : weights.entrySet()) {
        if (e.getKey().endsWith("/" + layer + "/" + param)) {
          return e.getValue();
        }
      }
      throw new ModelLoadException("the manifest has no weight " + layer + "/" + param);
    }
    return t;
  }

  private static float[] optional(Map<String, Tensor> weights, String layer, String param, int n, float fallback) {
    try {
      return weight(weights, layer, param).toArray();
    } catch (ModelLoadException e) {
      float[] v = new float[n];
      java.util.Arrays.fill(v, fallback);
      return v;
    }
  }
}
