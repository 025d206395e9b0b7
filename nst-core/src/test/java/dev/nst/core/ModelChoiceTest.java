package dev.nst.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.Network;
import dev.nst.core.model.ModelFile;
import dev.nst.core.model.ModelFormat;
import dev.nst.core.model.ModelRegistry;
import dev.nst.core.model.ModelSpec;
import dev.nst.core.model.cache.ModelStore;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which model a transfer uses (the last {@code model(...)} call) and which layers come with it. */
class ModelChoiceTest {
  @TempDir Path dir;

  static final List<LayerWeight> TINY_CONTENT = List.of(new LayerWeight("conv1_1", 1.0));
  static final List<LayerWeight> TINY_STYLE = List.of(new LayerWeight("conv1_1", 0.25), new LayerWeight("conv1_2", 0.75));
  static final List<LayerWeight> OTHER_CONTENT = List.of(new LayerWeight("conv5_1", 2.0));
  static final List<LayerWeight> OTHER_STYLE = List.of(new LayerWeight("conv2_1", 1.0));

  static ModelSpec spec(String name, List<LayerWeight> content, List<LayerWeight> style) {
    return new ModelSpec(name, ModelFormat.ONNX, InputConvention.TORCH,
        List.of(ModelFile.sha256(name + ".onnx", 10, "0".repeat(64))), content, style, name, "test");
  }

  static final ModelSpec TINY = spec("tiny", TINY_CONTENT, TINY_STYLE);
  static final ModelSpec OTHER = spec("other", OTHER_CONTENT, OTHER_STYLE);
  static final Network NETWORK = HostTestBackend.network();

  static StyleTransfer.Builder images() {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    return StyleTransfer.builder().content(img).style(img);
  }

  static ModelSource source(StyleTransfer.Builder b) {
    return b.build().settings().model();
  }

  static Settings.FeatureLayers layers(StyleTransfer.Builder b) {
    return b.build().settings().layers();
  }

  @Test
  void theLastModelCallWins() {
    Path onnx = dir.resolve("m.onnx");
    Path keras = dir.resolve("m.h5");
    assertThat(source(images().model(onnx).model(NETWORK))).isEqualTo(new ModelSource.Loaded(NETWORK));
    assertThat(source(images().model(NETWORK).model(TINY))).isEqualTo(new ModelSource.Registered(TINY, null));
    assertThat(source(images().model(TINY).model(keras)))
        .isEqualTo(new ModelSource.File(keras, InputConvention.CAFFE));
    assertThat(source(images().model(TINY).model(onnx)))
        .isEqualTo(new ModelSource.File(onnx, InputConvention.TORCH));
    assertThat(source(images().model(NETWORK).model(onnx, InputConvention.UNIT)))
        .isEqualTo(new ModelSource.File(onnx, InputConvention.UNIT));
    assertThat(source(images().model(onnx).model(ModelRegistry.DEFAULT_MODEL)))
        .isEqualTo(new ModelSource.Registered(ModelRegistry.builtIn().get(ModelRegistry.DEFAULT_MODEL), null));
  }

  @Test
  void theModelStoreGoesWithARegisteredModelWhicheverCallComesFirst() {
    ModelStore store = ModelStore.builder().cacheDir(dir).offline(true).build();
    assertThat(source(images().modelStore(store).model(TINY))).isEqualTo(new ModelSource.Registered(TINY, store));
    assertThat(source(images().model(TINY).modelStore(store))).isEqualTo(new ModelSource.Registered(TINY, store));
    assertThat(source(images().modelStore(store).model(TINY).model(NETWORK))).isEqualTo(new ModelSource.Loaded(NETWORK));
    StyleTransfer registered = images().model(TINY).modelStore(store).build();
    assertThat(registered.toBuilder().model(OTHER).build().settings().model())
        .isEqualTo(new ModelSource.Registered(OTHER, store));
  }

  @Test
  void aRegisteredModelBringsItsOwnLayers() {
    Settings.FeatureLayers l = layers(images().model(TINY));
    assertThat(l.content()).isEqualTo(TINY_CONTENT);
    assertThat(l.style()).isEqualTo(TINY_STYLE);
    assertThat(l.contentFromModel()).isTrue();
    assertThat(l.styleFromModel()).isTrue();
  }

  @Test
  void otherModelsUseTheVggDefaults() {
    for (StyleTransfer.Builder b : List.of(images().model(NETWORK), images().model(dir.resolve("m.onnx")),
        images().model(TINY).model(NETWORK))) {
      Settings.FeatureLayers l = layers(b);
      assertThat(l.content()).isEqualTo(StyleTransfer.DEFAULT_CONTENT_LAYERS);
      assertThat(l.style()).isEqualTo(StyleTransfer.DEFAULT_STYLE_LAYERS);
    }
  }

  @Test
  void layersSetOnTheBuilderWinOneByOne() {
    Settings.FeatureLayers content = layers(images().model(TINY).contentLayers("conv3_3"));
    assertThat(content.content()).containsExactly(new LayerWeight("conv3_3", 1.0));
    assertThat(content.contentFromModel()).isFalse();
    assertThat(content.style()).isEqualTo(TINY_STYLE);
    Settings.FeatureLayers style = layers(images().styleLayers("a", "b").model(TINY));
    assertThat(style.content()).isEqualTo(TINY_CONTENT);
    assertThat(style.style()).containsExactly(new LayerWeight("a", 0.5), new LayerWeight("b", 0.5));
    Settings.FeatureLayers preset = layers(images().model(TINY).preset(Preset.PYTORCH_TUTORIAL));
    assertThat(preset.content()).isEqualTo(Preset.PYTORCH_TUTORIAL.contentLayers());
    assertThat(preset.style()).isEqualTo(Preset.PYTORCH_TUTORIAL.styleLayers());
  }

  @Test
  void onACopyTheModelsDefaultsFollowTheModelWhileChosenLayersStay() {
    StyleTransfer tiny = images().model(TINY).styleLayers("relu9_9").build();
    Settings.FeatureLayers l = tiny.toBuilder().model(OTHER).build().settings().layers();
    assertThat(l.content()).as("the model's default").isEqualTo(OTHER_CONTENT);
    assertThat(l.style()).as("chosen").containsExactly(new LayerWeight("relu9_9", 1.0));
    Settings.FeatureLayers vgg = tiny.toBuilder().model(NETWORK).build().settings().layers();
    assertThat(vgg.content()).isEqualTo(StyleTransfer.DEFAULT_CONTENT_LAYERS);
    assertThat(tiny.settings().layers().content()).isEqualTo(TINY_CONTENT);
  }

  @Test
  void theNetworkIsTruncatedAfterEveryLayerTheLossesRead() {
    assertThat(layers(images().model(TINY)).names()).containsExactly("conv1_1", "conv1_1", "conv1_2");
  }
}
