package dev.nst.core.model.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.api.Pooling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelLoaderTest {
  static final List<String> VGG19_LAYERS = List.of("conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1",
      "conv2_1", "relu2_1", "conv2_2", "relu2_2", "pool2", "conv3_1", "relu3_1", "conv3_2", "relu3_2",
      "conv3_3", "relu3_3", "conv3_4", "relu3_4", "pool3", "conv4_1", "relu4_1", "conv4_2", "relu4_2",
      "conv4_3", "relu4_3", "conv4_4", "relu4_4", "pool4", "conv5_1", "relu5_1", "conv5_2", "relu5_2",
      "conv5_3", "relu5_3", "conv5_4", "relu5_4", "pool5");

  static Path referenceDir() {
    Path shared = Path.of(System.getProperty("nst.shared.dir", "../../shared"), "reference");
    return Files.isDirectory(shared) ? shared : Path.of(System.getProperty("nst.testdata.dir", "../testdata"), "reference");
  }

  static List<Path> referenceModels() throws IOException {
    try (Stream<Path> s = Files.list(referenceDir())) {
      return s.map(d -> d.resolve("model.onnx")).filter(Files::exists).sorted().toList();
    }
  }

  @Test
  void loadsEveryReferenceModelWithVggNamesAndWeights() throws IOException {
    List<Path> models = referenceModels();
    assertThat(models).isNotEmpty();
    for (Path m : models) {
      Network n = OnnxModelLoader.load(m, InputConvention.TORCH);
      assertThat(n.layerNames()).as(m.toString()).isEqualTo(VGG19_LAYERS);
      assertThat(n.inputChannels()).isEqualTo(3);
      Layer.Convolution c11 = (Layer.Convolution) n.layers().get(0);
      assertThat(c11.weight().shape()).containsExactly(8, 3, 3, 3);
      assertThat(c11.padding().top()).isEqualTo(1);
      assertThat(c11.weight().squaredNorm()).isGreaterThan(0);
      Layer.Pool p1 = (Layer.Pool) n.layers().get(4);
      assertThat(p1.kind()).isEqualTo(Pooling.MAX);
      assertThat(p1.kernel()).isEqualTo(2);
      assertThat(p1.stride()).isEqualTo(2);
      assertThat(n.shapeOf("relu4_2", 36, 52)).containsExactly(64, 4, 6);
      assertThat(n.truncatedAfter(List.of("relu4_2", "relu1_1")).layerNames()).last().isEqualTo("relu4_2");
    }
  }

  @Test
  void garbageIsAModelLoadException(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("bad.onnx");
    Files.write(f, new byte[] {0x0a, (byte) 0xff, 0x01, 0x02});
    assertThatThrownBy(() -> OnnxModelLoader.load(f, InputConvention.TORCH))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("bad.onnx");
  }
}
