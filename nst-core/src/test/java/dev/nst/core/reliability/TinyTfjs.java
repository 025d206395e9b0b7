package dev.nst.core.reliability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A small TF.js layers model (same layout as {@code TfjsModelLoaderTest.writeTinyModel}, with
 * more features): Conv2D 2->3 (3x3 'same', no bias) + BatchNormalization + LeakyReLU(0.1),
 * MaxPooling2D 2/2 'same', Conv2D 3->4 (1x1 'valid', bias, relu), AveragePooling2D 2 (strides
 * null), Dropout, then a Flatten + Dense head. Two weight groups, the second split over two
 * shards. It loads as conv1_1, relu1_1, pool1, conv2_1, relu2_1, pool2.
 */
final class TinyTfjs {
  static final String SHARD1 = "group1-shard1of1.bin";
  static final String SHARD2A = "group2-shard1of2.bin";
  static final String SHARD2B = "group2-shard2of2.bin";

  private TinyTfjs() {}

  static String json() {
    return """
        {"format": "layers-model", "generatedBy": "nst-fuzz",
         "modelTopology": {"keras_version": "2.1.6", "backend": "tensorflow",
          "model_config": {"class_name": "Model", "config": {"name": "tiny", "layers": [
          {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 8, 8, 2], "dtype": "float32"}},
          {"class_name": "Conv2D", "name": "c1", "config": {"name": "c1", "filters": 3, "kernel_size": [3, 3], "strides": [1, 1],
             "padding": "same", "use_bias": false, "activation": "linear", "data_format": "channels_last", "dilation_rate": [1, 1]}},
          {"class_name": "BatchNormalization", "name": "bn1", "config": {"name": "bn1", "epsilon": 0.001}},
          {"class_name": "LeakyReLU", "name": "lr1", "config": {"name": "lr1", "alpha": 0.1}},
          {"class_name": "MaxPooling2D", "name": "p1", "config": {"name": "p1", "pool_size": [2, 2], "strides": [2, 2], "padding": "same"}},
          {"class_name": "Conv2D", "name": "c2", "config": {"name": "c2", "filters": 4, "kernel_size": [1, 1], "strides": [1, 1],
             "padding": "valid", "use_bias": true, "activation": "relu", "data_format": "channels_last"}},
          {"class_name": "AveragePooling2D", "name": "p2", "config": {"name": "p2", "pool_size": [2, 2], "strides": null, "padding": "valid"}},
          {"class_name": "Dropout", "name": "drop", "config": {"name": "drop", "rate": 0.5}},
          {"class_name": "Flatten", "name": "f", "config": {"name": "f"}},
          {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2}}]}}},
         "weightsManifest": [
          {"paths": ["SHARD1"], "weights": [
           {"name": "c1/kernel", "shape": [3, 3, 2, 3], "dtype": "float32"},
           {"name": "bn1/gamma", "shape": [3], "dtype": "float32"},
           {"name": "bn1/beta", "shape": [3], "dtype": "float32"},
           {"name": "bn1/moving_mean", "shape": [3], "dtype": "float32"},
           {"name": "bn1/moving_variance", "shape": [3], "dtype": "float32"}]},
          {"paths": ["SHARD2A", "SHARD2B"], "weights": [
           {"name": "c2/kernel", "shape": [1, 1, 3, 4], "dtype": "float32"},
           {"name": "c2/bias", "shape": [4], "dtype": "float32"},
           {"name": "d/kernel", "shape": [4, 2], "dtype": "float32"},
           {"name": "d/bias", "shape": [2], "dtype": "float32"}]}]}
        """.replace("SHARD1", SHARD1).replace("SHARD2A", SHARD2A).replace("SHARD2B", SHARD2B);
  }

  static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  static float[] ramp(int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (i % 5 - 2) * scale;
    }
    return v;
  }

  /** Writes model.json and the three shards into {@code dir}; returns model.json. */
  static Path write(Path dir) throws IOException {
    Files.writeString(dir.resolve("model.json"), json());
    float[] g1 = new float[54 + 12];
    System.arraycopy(ramp(54, 0.1f), 0, g1, 0, 54);
    System.arraycopy(new float[] {1, 2, 0.5f, 0, 0.5f, -0.5f, 0, 1, 0, 1, 4, 0.25f}, 0, g1, 54, 12);
    Files.write(dir.resolve(SHARD1), floats(g1));
    float[] g2 = new float[12 + 4 + 8 + 2];
    System.arraycopy(ramp(12, 0.25f), 0, g2, 0, 12);
    System.arraycopy(new float[] {0.1f, -0.1f, 0.2f, 0}, 0, g2, 12, 4);
    byte[] all = floats(g2);
    Files.write(dir.resolve(SHARD2A), Arrays.copyOf(all, 40));
    Files.write(dir.resolve(SHARD2B), Arrays.copyOfRange(all, 40, all.length));
    return dir.resolve("model.json");
  }
}
