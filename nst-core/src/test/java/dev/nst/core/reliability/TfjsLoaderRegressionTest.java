package dev.nst.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.core.model.format.TfjsModelLoader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One test per TF.js loader bug the fuzzer (or its review) found; each names what happened
 * before the fix. All start from {@link TinyTfjs} (conv1_1, relu1_1, pool1, conv2_1, relu2_1,
 * pool2) written to a temporary folder.
 */
class TfjsLoaderRegressionTest {
  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

  @TempDir Path tmp;
  Path model;
  Path json;

  @BeforeEach
  void writeModel() throws IOException {
    model = Files.createDirectories(tmp.resolve("model"));
    json = TinyTfjs.write(model);
  }

  private void edit(Consumer<JsonObject> change) throws IOException {
    JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    change.accept(root);
    Files.writeString(json, GSON.toJson(root));
  }

  private static JsonArray layers(JsonObject root) {
    return root.getAsJsonObject("modelTopology").getAsJsonObject("model_config").getAsJsonObject("config")
        .getAsJsonArray("layers");
  }

  private static JsonObject layerConfig(JsonObject root, int i) {
    return layers(root).get(i).getAsJsonObject().getAsJsonObject("config");
  }

  private static JsonObject manifestWeight(JsonObject root, int group, int i) {
    return root.getAsJsonArray("weightsManifest").get(group).getAsJsonObject().getAsJsonArray("weights").get(i)
        .getAsJsonObject();
  }

  private static JsonArray ints(long... values) {
    JsonArray a = new JsonArray();
    for (long v : values) {
      a.add(v);
    }
    return a;
  }

  /** The load fails with a ModelLoadException that wraps no internal exception. */
  private AbstractThrowableAssert<?, ? extends Throwable> assertRefused() {
    return assertThatThrownBy(() -> TfjsModelLoader.load(json, InputConvention.UNIT))
        .isExactlyInstanceOf(ModelLoadException.class)
        .satisfies(e -> {
          for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            assertThat(c).as("cause of " + e.getMessage()).isInstanceOfAny(ModelLoadException.class, IOException.class);
          }
        })
        .hasMessageStartingWith(json + ": ");
  }

  @Test
  void theUnmodifiedTinyModelLoads() {
    Network n = TfjsModelLoader.load(json, InputConvention.UNIT);
    assertThat(n.layerNames()).containsExactly("conv1_1", "relu1_1", "pool1", "conv2_1", "relu2_1", "pool2");
    assertThat(n.inputChannels()).isEqualTo(2);
    Layer.Convolution c2 = (Layer.Convolution) n.layers().get(3);
    assertThat(c2.weight().shape()).containsExactly(4, 3, 1, 1);
    assertThat(c2.bias().toArray()).containsExactly(0.1f, -0.1f, 0.2f, 0f);
    assertThat(((Layer.Pool) n.layers().get(5)).stride()).isEqualTo(2);
  }

  /**
   * Before: NullPointerException, ClassCastException, IllegalStateException and
   * UnsupportedOperationException from Gson, wrapped as "malformed TF.js model
   * (java.lang.NullPointerException: ...)", which does not say what is wrong where.
   */
  @Test
  void wrongJsonTypesAndMissingKeysNameThePlace() throws IOException {
    edit(r -> r.getAsJsonArray("weightsManifest").get(0).getAsJsonObject().add("weights", new JsonPrimitive(true)));
    assertRefused().hasMessageEndingWith("weightsManifest[0].weights must be a JSON array, found true");

    writeModel();
    edit(r -> r.getAsJsonArray("weightsManifest").get(1).getAsJsonObject().remove("paths"));
    assertRefused().hasMessageEndingWith("weightsManifest[1].paths must be a JSON array, found nothing (the key is missing)");

    writeModel();
    edit(r -> manifestWeight(r, 0, 2).add("name", ints(1, 2)));
    assertRefused().hasMessageEndingWith("weightsManifest[0].weights[2].name must be a string, found [1,2]");

    writeModel();
    edit(r -> layers(r).get(3).getAsJsonObject().remove("config"));
    assertRefused().hasMessageEndingWith("layers[3] (LeakyReLU).config must be a JSON object, found nothing (the key is missing)");

    writeModel();
    edit(r -> layerConfig(r, 1).add("use_bias", new JsonPrimitive("yes")));
    assertRefused().hasMessageEndingWith("Conv2D c1.use_bias must be true or false, found \"yes\"");

    writeModel();
    edit(r -> layerConfig(r, 4).remove("pool_size"));
    assertThat(TfjsModelLoader.load(json, InputConvention.UNIT).layers().get(2))
        .as("a missing pool_size takes Keras's default of 2").isEqualTo(new Layer.Pool("pool1", dev.nst.api.Pooling.MAX, 2, 2,
            dev.nst.api.Padding.NONE));
  }

  /** Before: Gson's getAsInt read 4294967299 as 3 and 1.5 as 1, and "3" (a string) as 3. */
  @Test
  void shapesThatAreNotIntsAreRefused() throws IOException {
    edit(r -> manifestWeight(r, 0, 1).add("shape", ints((1L << 32) + 3)));
    assertRefused().hasMessageEndingWith("weightsManifest[0].weights[1].shape[0] must be an integer, found 4294967299");

    writeModel();
    JsonArray fractional = new JsonArray();
    fractional.add(1.5);
    edit(r -> manifestWeight(r, 0, 1).add("shape", fractional));
    assertRefused().hasMessageEndingWith("weightsManifest[0].weights[1].shape[0] must be an integer, found 1.5");

    writeModel();
    JsonArray text = new JsonArray();
    text.add("3");
    edit(r -> manifestWeight(r, 0, 1).add("shape", text));
    assertRefused().hasMessageEndingWith("weightsManifest[0].weights[1].shape[0] must be an integer, found \"3\"");
  }

  /** Before: InvalidPathException (an IllegalArgumentException) from Path.of. */
  @Test
  void nulCharacterInAShardPathIsAModelLoadException() throws IOException {
    edit(r -> r.getAsJsonArray("weightsManifest").get(0).getAsJsonObject().getAsJsonArray("paths").set(0,
        new JsonPrimitive("shard\u0000.bin")));
    assertRefused().hasMessageContaining("weight shard path 'shard\\0.bin' is not a valid file name");
  }

  /** Path escapes stay refused even where the target exists and has exactly the right size. */
  @Test
  void shardPathsLeavingTheFolderAreRefusedEvenWhenTheTargetWouldFit() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.copy(model.resolve(TinyTfjs.SHARD1), outside.resolve(TinyTfjs.SHARD1));
    for (String p : new String[] {"../outside/" + TinyTfjs.SHARD1, outside.resolve(TinyTfjs.SHARD1).toString(),
        "sub/../../outside/" + TinyTfjs.SHARD1}) {
      writeModel();
      edit(r -> r.getAsJsonArray("weightsManifest").get(0).getAsJsonObject().getAsJsonArray("paths").set(0,
          new JsonPrimitive(p)));
      assertRefused().hasMessageContaining("weight shard path '" + p + "' points outside the model folder");
    }
    writeModel();
    edit(r -> r.getAsJsonArray("weightsManifest").get(0).getAsJsonObject().getAsJsonArray("paths").set(0,
        new JsonPrimitive(".")));
    assertRefused().hasMessageEndingWith("weight shard path '.' names a folder, not a file");
  }

  /** Before: NaN and infinite weights, alpha and epsilon were loaded (and every run produced NaN). */
  @Test
  void nonFiniteWeightsAndSettingsAreRefused() throws IOException {
    byte[] shard = Files.readAllBytes(model.resolve(TinyTfjs.SHARD1));
    ByteBuffer.wrap(shard).order(ByteOrder.LITTLE_ENDIAN).putFloat(4 * 7, Float.POSITIVE_INFINITY);
    Files.write(model.resolve(TinyTfjs.SHARD1), shard);
    assertRefused().hasMessageEndingWith("weight c1/kernel holds Infinity at index 7; the weights are corrupt (or were saved "
        + "after training diverged)");

    writeModel();
    edit(r -> layerConfig(r, 3).add("alpha", new JsonPrimitive(Double.NaN)));
    // Gson's lenient reader takes a bare NaN for the string "NaN".
    assertRefused().hasMessageEndingWith("layer lr1 (LeakyReLU).alpha must be a finite number, found \"NaN\"");

    writeModel();
    edit(r -> layerConfig(r, 3).addProperty("alpha", 1e39));
    assertRefused().hasMessageEndingWith("layer lr1 (LeakyReLU).alpha must be a finite number, found 1.0E39");

    writeModel();
    edit(r -> layerConfig(r, 2).addProperty("epsilon", -1));
    assertRefused().hasMessageEndingWith("batch normalisation after conv1_1 has epsilon -1.0; it must be a finite number >= 0");
  }

  /** Before: IllegalArgumentException "duplicate layer name 'relu2_1'" from the Network constructor. */
  @Test
  void secondActivationInARowIsRefused() throws IOException {
    JsonObject relu = JsonParser.parseString("{\"class_name\": \"ReLU\", \"config\": {\"name\": \"extra\"}}").getAsJsonObject();
    edit(r -> {
      JsonArray copy = new JsonArray();
      for (int i = 0; i < layers(r).size(); i++) {
        copy.add(layers(r).get(i));
        if (i == 5) {
          copy.add(relu); // c2 already has activation relu
        }
      }
      r.getAsJsonObject("modelTopology").getAsJsonObject("model_config").getAsJsonObject("config").add("layers", copy);
    });
    assertRefused().hasMessageContaining("layer extra would be a second relu2_1")
        .hasMessageContaining("remove the extra activation");
  }

  /**
   * Before: strides [0, 0] and pool_size [-2, -2] threw IllegalArgumentException from the layer
   * constructors, and strides [2^32 + 1, 2^32 + 1] were read as 1.
   */
  @Test
  void absurdStridesAndWindowsAreRefused() throws IOException {
    edit(r -> layerConfig(r, 5).add("strides", ints(0, 0)));
    assertRefused().hasMessageEndingWith("layer c2 has strides [0,0]; expected values from 1 to 65536");

    writeModel();
    edit(r -> layerConfig(r, 4).add("pool_size", ints(-2, -2)));
    assertRefused().hasMessageEndingWith("layer p1 has pool_size [-2,-2]; expected values from 1 to 65536");

    writeModel();
    edit(r -> layerConfig(r, 5).add("strides", ints((1L << 32) + 1, (1L << 32) + 1)));
    assertRefused().hasMessageEndingWith("layer c2 strides[0] must be an integer, found 4294967297");
  }

  /** Before: any padding other than 'same' (a typo, 'causal', 'SAME') was taken as 'valid'. */
  @Test
  void unknownPaddingIsRefused() throws IOException {
    edit(r -> layerConfig(r, 1).addProperty("padding", "SAME"));
    assertRefused().hasMessageEndingWith("Conv2D c1 has padding 'SAME'; nst supports 'same' and 'valid'");
    writeModel();
    edit(r -> layerConfig(r, 6).addProperty("padding", "causal"));
    assertRefused().hasMessageEndingWith("pool p2 has padding 'causal'; nst supports 'same' and 'valid'");
  }

  /** Before: a kernel with a zero dimension loaded as a convolution without pixels. */
  @Test
  void emptyKernelIsRefused() throws IOException {
    edit(r -> {
      manifestWeight(r, 0, 0).add("shape", ints(0, 3, 2, 3));
      manifestWeight(r, 0, 1).add("shape", ints(57)); // keeps the group's size: 0 + 57 + 3 + 3 + 3 = 66 values
    });
    assertRefused().hasMessageEndingWith("Conv2D c1 has a kernel of shape [0, 3, 2, 3]; every dimension must be at least 1 "
        + "and the window at most 65536");
  }

  /** Before: IllegalArgumentException from the Layer.Convolution constructor. */
  @Test
  void biasOfTheWrongLengthIsRefused() throws IOException {
    edit(r -> {
      manifestWeight(r, 1, 1).add("shape", ints(3)); // c2/bias: 3 values for 4 filters
      manifestWeight(r, 1, 3).add("shape", ints(3)); // d/bias takes the spare value: the shards still fit
    });
    assertRefused().hasMessageEndingWith("Conv2D c2 has a bias of shape [3] for 4 filters");
  }

  /** Before: "cannot read model.json: Input length = 1" (a MalformedInputException's message). */
  @Test
  void binaryModelJsonSaysItIsNotText() throws IOException {
    Files.write(json, new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'});
    assertThatThrownBy(() -> TfjsModelLoader.load(json, InputConvention.UNIT))
        .isExactlyInstanceOf(ModelLoadException.class)
        .hasMessage(json + " is not a TF.js model.json: it is not UTF-8 text (binary or corrupt file)");
  }

  /** Before: "Not a JSON Object: [1,2]" from Gson. */
  @Test
  void modelJsonThatIsNotAnObjectSaysWhatItHolds() throws IOException {
    Files.writeString(json, "[1, 2]");
    assertThatThrownBy(() -> TfjsModelLoader.load(json, InputConvention.UNIT))
        .isExactlyInstanceOf(ModelLoadException.class)
        .hasMessage(json + " is not a TF.js model.json: it holds [1,2] where a JSON object is expected");
  }

  /**
   * Before: "... is not a TF.js model.json (com.google.gson.stream.MalformedJsonException: Unterminated
   * object at line 1 column 24 path $.modelTopology.a\nSee https://github.com/google/gson/...)": the
   * parser's class name and a link to its troubleshooting page, over two lines.
   */
  @ParameterizedTest
  @ValueSource(strings = {"{\"modelTopology\": {\"a\": 1", "{\"modelTopology\": {\"a\": 1 \"b\": 2}}",
      "{\"a\": [1, 2}", "{\"a\": 1}}", "{'a': [1, 2,, ]"})
  void invalidJsonIsOneLineNamingTheFileAndWhatIsWrong(String text) throws IOException {
    Files.writeString(json, text);
    assertThatThrownBy(() -> TfjsModelLoader.load(json, InputConvention.UNIT))
        .isExactlyInstanceOf(ModelLoadException.class)
        .hasMessageStartingWith(json + " is not valid JSON: ")
        .hasMessageMatching("(?s)[^\\n]*")
        .hasMessageContaining(" at line 1 column ")
        .hasMessageEndingWith("; fetch or export the model again")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("com.google", "gson", "http", "Exception"));
  }

}
