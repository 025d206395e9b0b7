package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nst.api.LossBreakdown;
import dev.nst.api.ModelLoadException;
import dev.nst.api.ProgressEvent;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import dev.nst.core.model.cache.DownloadProgress;
import dev.nst.core.model.cache.Environment;
import dev.nst.core.model.cache.ModelDownloadException;
import dev.nst.core.model.cache.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** StyleTransfer.builder().model("darknet-tiny"): through the registry, the store and the mirror. */
class RegisteredModelStyleTransferTest {
  @TempDir
  Path cache;

  static Path sharedModels() {
    Path p = Path.of(System.getProperty("nst.shared.dir"), "models").toAbsolutePath().normalize();
    assumeTrue(Files.isDirectory(p.resolve("darknet-tiny")),
        "../shared/models/darknet-tiny is absent (a fresh clone): skipping");
    return p;
  }

  @Test
  void darknetTinyByNameUsesItsOwnDefaultLayers() {
    List<DownloadProgress> downloads = new ArrayList<>();
    ModelStore store = ModelStore.builder(Environment.of(Map.of(), Map.of())).cacheDir(cache)
        .mirror(sharedModels()).offline(true).listener(downloads::add).build();
    List<ProgressEvent> events = new ArrayList<>();
    StyleTransferResult r = StyleTransfer.builder()
        .model("darknet-tiny")
        .modelStore(store)
        .content(StyleTransferEndToEndTest.CONTENT)
        .style(StyleTransferEndToEndTest.STYLE)
        .size(48)
        .iterations(3)
        .backend("onnx")
        .listener(events::add)
        .build()
        .run();
    assertThat(r.iterations()).isEqualTo(3);
    LossBreakdown first = events.get(0).losses();
    assertThat(first.styleByLayer()).containsOnlyKeys("relu1_1", "relu2_1", "relu3_2", "relu4_2");
    assertThat(first.contentByLayer()).containsOnlyKeys("relu4_4");
    assertThat(r.bestLoss().total()).isLessThan(r.initialLoss().total());
    assertThat(store.isCached(dev.nst.core.model.ModelRegistry.builtIn().get("darknet-tiny"))).isTrue();
    assertThat(downloads.stream().filter(DownloadProgress::done)).hasSize(32);
  }

  @Test
  void offlineWithoutMirrorFailsWhenTheRunStartsAndSaysHowToGetTheWeights() {
    ModelStore store = ModelStore.builder(Environment.of(Map.of(), Map.of("NST_OFFLINE", "1"))).cacheDir(cache).build();
    StyleTransfer t = StyleTransfer.builder().model("vgg19").modelStore(store)
        .content(StyleTransferEndToEndTest.CONTENT).style(StyleTransferEndToEndTest.STYLE).build();
    assertThatThrownBy(t::run)
        .isInstanceOf(ModelDownloadException.class)
        .hasMessageContaining("vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5")
        .hasMessageContaining("nst models pull vgg19")
        .hasMessageContaining("NST_MODEL_MIRROR")
        .hasMessageContaining("--model PATH");
  }

  @Test
  void anUnknownNameIsRefusedAtOnce() {
    assertThatThrownBy(() -> StyleTransfer.builder().model("vgg-19"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("vgg19, vgg16, darknet-tiny");
  }
}
