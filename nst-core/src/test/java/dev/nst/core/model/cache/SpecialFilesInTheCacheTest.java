package dev.nst.core.model.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.nst.core.model.ModelFile;
import dev.nst.core.model.ModelSpec;
import dev.nst.core.reliability.SpecialFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named pipes and links to {@code /dev/zero} in the model cache and in a directory mirror.
 * Before: a lock file or a partial download that was a pipe blocked the fetch forever (opening a
 * pipe to write waits for a reader), and a mirror's file that was a pipe was reported missing.
 */
class SpecialFilesInTheCacheTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir Path tmp;

  private final byte[] content = ModelStoreTest.bytes(5_000, 41);

  private ModelFile file() throws Exception {
    return new ModelFile("weights.onnx", List.of(), content.length, ModelStoreTest.sha256(content), null);
  }

  private ModelStore store(Path mirror) {
    return ModelStore.builder(Environment.of(Map.of(), Map.of())).cacheDir(tmp.resolve("cache")).mirror(mirror)
        .offline(true).retryDelay(Duration.ofMillis(10)).build();
  }

  private Path mirror() throws Exception {
    Path mirror = Files.createDirectories(tmp.resolve("mirror/m"));
    Files.write(mirror.resolve("weights.onnx"), content);
    return mirror.getParent();
  }

  @Test
  void aLockFileThatIsAPipeIsRefused() throws Exception {
    ModelSpec spec = ModelStoreTest.single("m", file());
    Path dir = Files.createDirectories(tmp.resolve("cache/m"));
    Path lock = SpecialFiles.fifo(dir.resolve(".weights.onnx.lock"));
    assertTimeoutPreemptively(LIMIT, () -> assertThatThrownBy(() -> store(mirror()).fetch(spec))
        .isInstanceOf(ModelDownloadException.class).hasMessageContaining(lock.toString())
        .hasMessageContaining("is a named pipe (FIFO), not a regular file"));
  }

  @Test
  void aPartialDownloadThatIsAPipeIsRefused() throws Exception {
    ModelSpec spec = ModelStoreTest.single("m", file());
    Path dir = Files.createDirectories(tmp.resolve("cache/m"));
    Path part = SpecialFiles.fifo(dir.resolve("weights.onnx.part"));
    assertTimeoutPreemptively(LIMIT, () -> assertThatThrownBy(() -> store(mirror()).fetch(spec))
        .isInstanceOf(ModelDownloadException.class)
        .hasMessageContaining("the partial download " + part + " is a named pipe (FIFO)")
        .hasMessageContaining("delete it and try again"));
  }

  @Test
  void aMirrorFileThatIsAPipeOrADeviceIsNamedAsSuch() throws Exception {
    ModelSpec spec = ModelStoreTest.single("m", file());
    Path mirror = mirror();
    Path source = SpecialFiles.replaceByFifo(mirror.resolve("m/weights.onnx"));
    assertTimeoutPreemptively(LIMIT, () -> assertThatThrownBy(() -> store(mirror).fetch(spec))
        .isInstanceOf(ModelDownloadException.class)
        .hasMessageContaining("the mirror's " + source + " is a named pipe (FIFO), not a regular file"));
    SpecialFiles.zeroLink(source);
    assertTimeoutPreemptively(LIMIT, () -> assertThatThrownBy(() -> store(mirror).fetch(spec))
        .isInstanceOf(ModelDownloadException.class).hasMessageContaining("is a character device"));
  }

  /** A cached file linked to a device is not taken as cached: the fetch replaces it with the real file. */
  @Test
  void aCachedFileLinkedToADeviceIsFetchedAgain() throws Exception {
    ModelSpec spec = ModelStoreTest.single("m", file());
    Path dir = Files.createDirectories(tmp.resolve("cache/m"));
    SpecialFiles.zeroLink(dir.resolve("weights.onnx"));
    Path fetched = assertTimeoutPreemptively(LIMIT, () -> store(mirror()).fetch(spec));
    assertThat(Files.isSymbolicLink(fetched)).isFalse();
    assertThat(Files.readAllBytes(fetched)).isEqualTo(content);
  }
}
