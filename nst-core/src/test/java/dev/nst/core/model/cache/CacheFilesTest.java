package dev.nst.core.model.cache;

import static dev.nst.core.model.cache.ModelStoreTest.bytes;
import static dev.nst.core.model.cache.ModelStoreTest.sha256;
import static dev.nst.core.model.cache.ModelStoreTest.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.core.model.ModelFile;
import dev.nst.core.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the store leaves in the cache: the published files, no lock files. */
@Timeout(60)
class CacheFilesTest {
  @TempDir
  Path tmp;
  Path cache;
  TestServer server;

  @BeforeEach
  void start() throws IOException {
    cache = tmp.resolve("cache");
    server = new TestServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  ModelStore store() {
    return ModelStore.builder(Environment.of(Map.of(), Map.of())).cacheDir(cache).retryDelay(Duration.ofMillis(10))
        .build();
  }

  ModelFile served(String path, byte[] content) throws Exception {
    server.file(path, content);
    return new ModelFile("weights.onnx", List.of(server.url(path)), content.length, sha256(content), null);
  }

  /** Every name in the folder, hidden ones included. */
  static List<String> allFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFetchLeavesNoLockFile() throws Exception {
    ModelSpec spec = single("clean", served("/w", bytes(5_000, 1)));
    store().fetch(spec);
    assertThat(allFiles(cache.resolve("clean"))).containsExactly("weights.onnx");
  }

  @Test
  void aFailedFetchLeavesNoLockFile() throws Exception {
    server.status("/gone", 404);
    ModelSpec spec = single("failed", ModelFile.sha256("weights.onnx", 10, sha256(new byte[10]),
        server.url("/gone").toString()));
    ModelStore store = store();
    assertThatThrownBy(() -> store.fetch(spec))
        .isInstanceOf(ModelDownloadException.class);
    assertThat(allFiles(cache.resolve("failed"))).isEmpty();
  }

  @Test
  void twoThreadsFetchingTheSameFileLeaveNoLockFile() throws Exception {
    byte[] content = bytes(1 << 20, 2);
    ModelSpec spec = single("threads", served("/w", content));
    server.slow(10);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Path> first = pool.submit(() -> store().fetch(spec));
      Future<Path> second = pool.submit(() -> store().fetch(spec));
      assertThat(Files.readAllBytes(first.get(30, TimeUnit.SECONDS))).isEqualTo(content);
      assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(first.get());
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.requests("/w")).hasSize(1);
    assertThat(allFiles(cache.resolve("threads"))).containsExactly("weights.onnx");
  }

  @Test
  void twoProcessesFetchingTheSameFileLeaveNoLockFile() throws Exception {
    byte[] content = bytes(1 << 20, 3);
    ModelFile f = served("/w", content);
    server.slow(10);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        FetchInAnotherProcess.class.getName(), cache.toString(), f.urls().get(0).toString(),
        Long.toString(f.size()), f.sha256())
        .redirectErrorStream(true).start();
    try {
      Path file = store().fetch(single(FetchInAnotherProcess.MODEL, f));
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String output = new String(child.getInputStream().readAllBytes());
      assertThat(child.exitValue()).as(output).isZero();
      assertThat(Files.readAllBytes(file)).isEqualTo(content);
    } finally {
      child.destroyForcibly();
    }
    assertThat(server.requests("/w")).hasSize(1);
    assertThat(allFiles(cache.resolve(FetchInAnotherProcess.MODEL))).containsExactly("weights.onnx");
  }
}
