package dev.nst.core.model.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfjsModelLoaderTest {

  /** A two-layer TF.js model: Conv2D 3x3 (2->3, no bias) + BatchNorm + LeakyReLU, MaxPool, Dense head. */
  static Path writeTinyModel(Path dir, String shardPath) throws IOException {
    String json = """
        {"modelTopology": {"model_config": {"class_name": "Model", "config": {"layers": [
          {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 8, 8, 2]}},
          {"class_name": "Conv2D", "config": {"name": "c1", "filters": 3, "kernel_size": [3, 3], "strides": [1, 1],
             "padding": "same", "use_bias": false, "activation": "linear", "data_format": "channels_last"}},
          {"class_name": "BatchNormalization", "config": {"name": "bn1", "epsilon": 0.001}},
          {"class_name": "LeakyReLU", "config": {"name": "lr1", "alpha": 0.1}},
          {"class_name": "MaxPooling2D", "config": {"name": "p1", "pool_size": [2, 2], "strides": [2, 2], "padding": "same"}},
          {"class_name": "Flatten", "config": {"name": "f"}},
          {"class_name": "Dense", "config": {"name": "d", "units": 2}}]}}},
         "weightsManifest": [{"paths": ["SHARD"], "weights": [
           {"name": "c1/kernel", "shape": [3, 3, 2, 3], "dtype": "float32"},
           {"name": "bn1/gamma", "shape": [3], "dtype": "float32"},
           {"name": "bn1/beta", "shape": [3], "dtype": "float32"},
           {"name": "bn1/moving_mean", "shape": [3], "dtype": "float32"},
           {"name": "bn1/moving_variance", "shape": [3], "dtype": "float32"}]}]}
        """.replace("SHARD", shardPath);
    Files.writeString(dir.resolve("model.json"), json);
    ByteBuffer b = ByteBuffer.allocate(4 * (54 + 12)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 54; i++) {
      b.putFloat(i * 0.01f); // kernel[y][x][ci][co] = index * 0.01
    }
    for (float v : new float[] {2, 1, 1, 0.5f, 0, 0, 0, 1, 0, 4, 1, 1}) {
      b.putFloat(v); // gamma, beta, mean, var
    }
    Files.write(dir.resolve("weights.bin"), b.array());
    return dir.resolve("model.json");
  }

  @Test
  void loadsConvFoldsBatchNormAndStopsAtTheHead(@TempDir Path dir) throws IOException {
    Network n = TfjsModelLoader.load(writeTinyModel(dir, "weights.bin"), InputConvention.UNIT);
    assertThat(n.layerNames()).containsExactly("conv1_1", "relu1_1", "pool1");
    assertThat(n.inputChannels()).isEqualTo(2);
    Layer.Convolution c = (Layer.Convolution) n.layers().get(0);
    assertThat(c.weight().shape()).containsExactly(3, 2, 3, 3);
    assertThat(c.padding().top()).isEqualTo(1);
    // HWIO index of (y=1, x=2, ci=1, co=2) is ((1*3+2)*2+1)*3+2 = 35; BN scale of channel 2 = 1/sqrt(1+1e-3)
    double s2 = 1 / Math.sqrt(1 + 1e-3);
    assertThat(c.weight().get(((2 * 2 + 1) * 3 + 1) * 3 + 2)).isCloseTo((float) (0.35 * s2), org.assertj.core.data.Offset.offset(1e-6f));
    // gamma [2,1,1], beta [0.5,0,0], mean [0,1,0], var [4,1,1]; no conv bias: b' = (0 - mean) * s + beta
    assertThat(c.bias().get(0)).isCloseTo(0.5f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(c.bias().get(1)).isCloseTo((float) (-1 / Math.sqrt(1.001)), org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(((Layer.LeakyRelu) n.layers().get(1)).alpha()).isEqualTo(0.1f);
  }

  @Test
  void refusesShardPathsOutsideTheModelFolder(@TempDir Path dir) throws IOException {
    Path sub = Files.createDirectories(dir.resolve("m"));
    Path json = writeTinyModel(sub, "../weights.bin");
    Files.move(sub.resolve("weights.bin"), dir.resolve("weights.bin"));
    assertThatThrownBy(() -> TfjsModelLoader.load(json, InputConvention.UNIT))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("outside the model folder");
  }

  @Test
  void refusesTruncatedShards(@TempDir Path dir) throws IOException {
    Path json = writeTinyModel(dir, "weights.bin");
    byte[] all = Files.readAllBytes(dir.resolve("weights.bin"));
    Files.write(dir.resolve("weights.bin"), java.util.Arrays.copyOf(all, all.length - 8));
    assertThatThrownBy(() -> TfjsModelLoader.load(json, InputConvention.UNIT))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("truncated");
  }

  @Test
  void loadsDarknetTinyFromShared() {
    Path json = Path.of(System.getProperty("nst.shared.dir", "../../shared"), "models", "darknet-tiny", "model.json");
    assumeTrue(Files.exists(json), "../shared/models/darknet-tiny is absent (a fresh clone): skipping");
    Network n = TfjsModelLoader.load(json, InputConvention.UNIT);
    long convs = n.layers().stream().filter(l -> l instanceof Layer.Convolution).count();
    assertThat(convs).isEqualTo(16);
    assertThat(n.layerNames()).startsWith("conv1_1", "relu1_1", "pool1", "conv2_1", "relu2_1", "pool2", "conv3_1");
    assertThat(n.layers().get(1)).isInstanceOf(Layer.LeakyRelu.class);
    assertThat(n.shapeOf("relu5_2", 512, 512)).containsExactly(512, 32, 32);
    Layer.Convolution last = (Layer.Convolution) n.layers().get(n.layers().size() - 1);
    assertThat(last.outChannels()).isEqualTo(1000);
  }
}
