package dev.nst.core.model;

import dev.nst.core.model.cache.ModelStoreTest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.LayerWeight;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.core.model.format.TfjsModelLoader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {
  static final ModelRegistry R = ModelRegistry.builtIn();

  @Test
  void builtInModels() {
    assertThat(R.names()).containsExactly("vgg19", "vgg16", "darknet-tiny");
    assertThat(R.find(ModelRegistry.DEFAULT_MODEL)).isPresent();
    assertThat(R.find("nope")).isEmpty();
  }

  @Test
  void vgg19IsKerasNotopVerifiedByThePublishedMd5() {
    ModelSpec s = R.get("vgg19");
    String file = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5";
    assertThat(s.format()).isEqualTo(ModelFormat.KERAS_H5);
    assertThat(s.convention()).isEqualTo(InputConvention.CAFFE);
    assertThat(s.files()).hasSize(1);
    ModelFile f = s.entryFile();
    assertThat(f.name()).isEqualTo(file);
    assertThat(f.size()).isEqualTo(80_134_624L);
    assertThat(f.md5()).isEqualTo("253f8cb515780f3b799900260a226db6");
    assertThat(f.sha256()).isNull();
    assertThat(f.urls()).containsExactly(
        URI.create("https://storage.googleapis.com/tensorflow/keras-applications/vgg19/" + file),
        URI.create("https://github.com/fchollet/deep-learning-models/releases/download/v0.1/" + file));
    assertThat(s.contentLayers()).containsExactly(new LayerWeight("relu4_2", 1));
    assertThat(s.styleLayers()).extracting(LayerWeight::layer)
        .containsExactly("relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1");
    assertThat(s.styleLayers()).extracting(LayerWeight::weight).containsOnly(0.2);
  }

  @Test
  void vgg16IsTheSameWithItsOwnFile() {
    ModelSpec s = R.get("vgg16");
    String file = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5";
    assertThat(s.entryFile().name()).isEqualTo(file);
    assertThat(s.entryFile().size()).isEqualTo(58_889_256L);
    assertThat(s.entryFile().md5()).isEqualTo("6d6bbae143d832006294945121d1f1fc");
    assertThat(s.entryFile().urls()).containsExactly(
        URI.create("https://storage.googleapis.com/tensorflow/keras-applications/vgg16/" + file),
        URI.create("https://github.com/fchollet/deep-learning-models/releases/download/v0.1/" + file));
    assertThat(s.convention()).isEqualTo(InputConvention.CAFFE);
  }

  @Test
  void darknetTinyListsEveryPublishedFile() {
    ModelSpec s = R.get("darknet-tiny");
    assertThat(s.format()).isEqualTo(ModelFormat.TFJS);
    assertThat(s.convention()).isEqualTo(InputConvention.UNIT);
    assertThat(s.files()).hasSize(32);
    assertThat(s.entryFile().name()).isEqualTo("model.json");
    assertThat(s.files()).allMatch(f -> f.sha256() != null && f.urls().size() == 1);
    assertThat(s.files().get(5).urls().get(0)).hasToString("https://raw.githubusercontent.com/ml5js/"
        + "ml5-data-and-models/0612a3e7c51cbffdc5db701dff49d16d1ac26fa8/models/darknetclassifier/darknettiny/"
        + "group5-shard1of1");
    assertThat(s.totalSize()).isEqualTo(4_219_188L);
  }

  @Test
  void darknetTinyMatchesTheFilesInShared() throws Exception {
    Path dir = ModelStoreTest.sharedModels().resolve("darknet-tiny");
    ModelSpec s = R.get("darknet-tiny");
    for (ModelFile f : s.files()) {
      byte[] b = Files.readAllBytes(dir.resolve(f.name()));
      assertThat(b.length).as(f.name()).isEqualTo(f.size());
      assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b))).as(f.name())
          .isEqualTo(f.sha256());
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<String> published = files.map(p -> p.getFileName().toString())
          .filter(n -> n.equals("model.json") || n.startsWith("group")).toList();
      assertThat(s.files()).extracting(ModelFile::name).containsExactlyInAnyOrderElementsOf(published);
    }
  }

  @Test
  void darknetTinyDefaultLayersAreTheActivationsOfItsWide3x3Convolutions() {
    Path json = ModelStoreTest.sharedModels().resolve("darknet-tiny/model.json");
    Network n = TfjsModelLoader.load(json, InputConvention.UNIT);
    ModelSpec s = R.get("darknet-tiny");
    int[] channels = {16, 32, 128, 256};
    assertThat(s.styleLayers()).hasSize(channels.length);
    for (int i = 0; i < channels.length; i++) {
      String relu = s.styleLayers().get(i).layer();
      assertThat(n.layers().get(n.indexOf(relu))).isInstanceOf(Layer.LeakyRelu.class);
      Layer.Convolution conv = (Layer.Convolution) n.layers().get(n.indexOf(relu) - 1);
      assertThat(conv.kernelHeight()).as(relu).isEqualTo(3);
      assertThat(conv.outChannels()).as(relu).isEqualTo(channels[i]);
    }
    String content = s.contentLayers().get(0).layer();
    assertThat(content).isEqualTo("relu4_4");
    assertThat(n.indexOf(content)).isGreaterThan(n.indexOf("relu4_2"));
    assertThat(n.shapeOf(content, 64, 64)[0]).isEqualTo(256);
  }

  @Test
  void unknownNamesListTheKnownOnes() {
    assertThatThrownBy(() -> R.get("vgg20"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no model named 'vgg20'")
        .hasMessageContaining("vgg19, vgg16, darknet-tiny")
        .hasMessageContaining("path of a model file");
  }

  @Test
  void withAddsOrReplacesWithoutChangingTheOriginal() {
    ModelSpec mine = new ModelSpec("vgg19", ModelFormat.ONNX, InputConvention.TORCH,
        List.of(ModelFile.sha256("vgg19.onnx", 10, "0".repeat(64))), ModelStoreTest.LAYERS, ModelStoreTest.LAYERS,
        "mine", "mine");
    ModelRegistry r2 = R.with(mine).with(ModelRegistryTest.other());
    assertThat(r2.names()).containsExactly("vgg16", "darknet-tiny", "vgg19", "other");
    assertThat(r2.get("vgg19").format()).isEqualTo(ModelFormat.ONNX);
    assertThat(R.get("vgg19").format()).isEqualTo(ModelFormat.KERAS_H5);
  }

  static ModelSpec other() {
    return new ModelSpec("other", ModelFormat.ONNX, InputConvention.TORCH,
        List.of(ModelFile.sha256("o.onnx", 10, "0".repeat(64))), ModelStoreTest.LAYERS, ModelStoreTest.LAYERS,
        "o", "o");
  }
}
