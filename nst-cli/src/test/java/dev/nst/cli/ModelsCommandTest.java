package dev.nst.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nst.core.model.cache.Environment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nst models ...} and {@code nst stylize --model NAME} with an injected environment. */
class ModelsCommandTest {
  @TempDir
  Path tmp;

  /** The outcome of one CLI run. */
  record Run(int code, String out, String err) {}

  Run nst(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = NstCommand.execute(Environment.of(Map.of(), env), false, new PrintWriter(out), new PrintWriter(err),
        args);
    return new Run(code, out.toString(), err.toString());
  }

  Map<String, String> offlineMirror() {
    Path shared = Path.of(System.getProperty("nst.shared.dir"), "models").toAbsolutePath().normalize();
    assumeTrue(Files.isDirectory(shared.resolve("darknet-tiny")),
        "../shared/models/darknet-tiny is absent (a fresh clone): skipping");
    return Map.of("NST_CACHE_DIR", tmp.resolve("cache").toString(), "NST_MODEL_MIRROR", shared.toString(),
        "NST_OFFLINE", "1");
  }

  @Test
  void listShowsEveryModelWithFormatSizeAndCacheState() {
    Run r = nst(Map.of("NST_CACHE_DIR", tmp.toString()), "models", "list");
    assertThat(r.code()).isZero();
    assertThat(r.out()).containsPattern("vgg19 \\*\\s+keras-h5\\s+80\\.1 MB\\s+no\\s+VGG-19")
        .containsPattern("vgg16\\s+keras-h5\\s+58\\.9 MB\\s+no")
        .containsPattern("darknet-tiny\\s+tfjs\\s+4\\.2 MB\\s+no")
        .contains("cache: " + tmp)
        .contains("mirror: none; offline: no");
  }

  @Test
  void pullVerifyAndListThroughTheSharedMirror() throws Exception {
    Map<String, String> env = offlineMirror();
    Run pull = nst(env, "models", "pull", "darknet-tiny");
    assertThat(pull.code()).as(pull.err()).isZero();
    assertThat(pull.out()).contains("darknet-tiny: fetched and verified, 4.2 MB in " + tmp.resolve("cache/darknet-tiny"));
    assertThat(pull.err()).contains("fetching darknet-tiny: 32 files from ").contains("fetched darknet-tiny: 32 files, 4.2 MB in ");

    assertThat(nst(env, "models", "list").out()).containsPattern("darknet-tiny\\s+tfjs\\s+4\\.2 MB\\s+yes");
    assertThat(nst(env, "models", "pull", "darknet-tiny").out()).contains("darknet-tiny: already cached");

    Run ok = nst(env, "models", "verify", "darknet-tiny");
    assertThat(ok.code()).isZero();
    assertThat(ok.out()).contains("darknet-tiny: ok, 32 files verified (SHA-256)");

    Path shard = tmp.resolve("cache/darknet-tiny/group3-shard1of1");
    byte[] b = Files.readAllBytes(shard);
    b[0] ^= 1;
    Files.write(shard, b);
    Run bad = nst(env, "models", "verify", "darknet-tiny");
    assertThat(bad.code()).isEqualTo(NstCommand.MODEL_PROBLEM);
    assertThat(bad.out()).contains("darknet-tiny: group3-shard1of1 corrupt: SHA-256 is")
        .contains("1 of 32 files missing or corrupt; run 'nst models pull darknet-tiny'");
    assertThat(shard).doesNotExist();
    assertThat(nst(env, "models", "list").out()).containsPattern("darknet-tiny\\s+tfjs\\s+4\\.2 MB\\s+partly");
    assertThat(nst(env, "models", "pull", "darknet-tiny").code()).isZero();
    assertThat(Files.readAllBytes(shard)[0]).isEqualTo((byte) (b[0] ^ 1));
  }

  @Test
  void pullingOfflineWithoutAMirrorSaysHowToGetTheWeights() {
    Run r = nst(Map.of("NST_CACHE_DIR", tmp.toString(), "NST_OFFLINE", "1"), "models", "pull", "vgg19");
    assertThat(r.code()).isEqualTo(NstCommand.MODEL_PROBLEM);
    assertThat(r.err()).contains("nst: cannot get vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5 of model 'vgg19'")
        .contains("offline mode")
        .contains("nst models pull vgg19")
        .contains("NST_MODEL_MIRROR")
        .contains("--model PATH");
  }

  @Test
  void unknownModelsAreModelProblems() {
    Run pull = nst(Map.of("NST_CACHE_DIR", tmp.toString()), "models", "pull", "vgg20");
    assertThat(pull.code()).isEqualTo(NstCommand.MODEL_PROBLEM);
    assertThat(pull.err()).contains("no model named 'vgg20'").contains("vgg19, vgg16, darknet-tiny");

    Run stylize = nst(Map.of("NST_CACHE_DIR", tmp.toString()), "stylize", "../examples/images/chelsea.jpg",
        "../examples/images/mosaic.png", "-o", tmp.resolve("o.png").toString(), "--model", "vgg20");
    assertThat(stylize.code()).isEqualTo(NstCommand.MODEL_PROBLEM);
    assertThat(stylize.err()).contains("--model vgg20 is neither a registered model");
  }

  @Test
  void stylizeWithARegisteredModelFetchesItAndRuns() {
    Map<String, String> env = offlineMirror();
    Path out = tmp.resolve("out.png");
    Run r = nst(env, "stylize", "../examples/images/chelsea.jpg", "../examples/images/mosaic.png", "-o",
        out.toString(), "--model", "darknet-tiny", "-s", "40", "-n", "2", "--backend", "onnx");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(out).exists();
    assertThat(r.err()).contains("fetched darknet-tiny: 32 files").contains("wrote " + out);
    assertThat(tmp.resolve("cache/darknet-tiny/model.json")).exists();
  }

  @Test
  void aConventionWithARegisteredModelIsBadInput() {
    Run r = nst(Map.of("NST_CACHE_DIR", tmp.toString()), "stylize", "../examples/images/chelsea.jpg",
        "../examples/images/mosaic.png", "-o", tmp.resolve("o.png").toString(), "--model", "vgg19",
        "--convention", "torch");
    assertThat(r.code()).isEqualTo(NstCommand.BAD_INPUT);
    assertThat(r.err()).contains("--convention applies to model files; the registered model vgg19 uses caffe");
  }
}
