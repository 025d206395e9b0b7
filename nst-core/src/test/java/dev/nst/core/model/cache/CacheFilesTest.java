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
import java.nio.file.attribute.FileTime;
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

/**
 * What the store leaves in the cache: the published files and the records of their
 * verification, no lock files; and how the records decide whether a file is read again.
 */
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

  Path record(String model) {
    return cache.resolve(".verified").resolve(model).resolve("weights.onnx.verified");
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

  @Test
  void aDownloadedFileIsRecordedAtOnceOutsideTheModelFolder() throws Exception {
    byte[] content = bytes(5_000, 4);
    ModelFile f = served("/w", content);
    Path file = store().fetch(single("recorded", f));
    assertThat(allFiles(cache)).containsExactly(".verified", "recorded");
    assertThat(Files.readString(record("recorded")))
        .contains("size=5000\n")
        .contains("modified=" + Files.getLastModifiedTime(file) + "\n")
        .contains("sha256=" + f.sha256() + "\n")
        .contains("md5=-\n");
  }

  @Test
  void aFileChangedAfterItsDownloadIsReadAgainAndFetchedAgain() throws Exception {
    byte[] content = bytes(50_000, 5);
    ModelSpec spec = single("changed", served("/w", content));
    ModelStore store = store();
    Path file = store.fetch(spec);
    byte[] bad = content.clone();
    bad[100] ^= 1;
    Files.write(file, bad); // same size: a check by size alone would trust it

    assertThat(store.isCached(spec)).isFalse();
    assertThat(store.cachedBytes(spec)).isZero();
    assertThat(store.fetch(spec)).isEqualTo(file);
    assertThat(Files.readAllBytes(file)).isEqualTo(content);
    assertThat(server.requests("/w")).hasSize(2);
    assertThat(store.isCached(spec)).isTrue();
  }

  @Test
  void aRightFileCopiedIntoTheCacheIsReadOnceAndTrustedFromThenOn() throws Exception {
    byte[] content = bytes(50_000, 6);
    ModelSpec spec = single("copied", served("/w", content));
    Files.createDirectories(cache.resolve("copied"));
    Files.write(cache.resolve("copied/weights.onnx"), content);
    ModelStore store = store();

    assertThat(record("copied")).doesNotExist();
    assertThat(store.isCached(spec)).isTrue();
    assertThat(record("copied")).exists();
    assertThat(store.fetch(spec)).isEqualTo(cache.resolve("copied/weights.onnx"));
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void aWrongFileOfTheRightSizeCopiedIntoTheCacheIsReplaced() throws Exception {
    byte[] content = bytes(50_000, 7);
    ModelSpec spec = single("wrong", served("/w", content));
    Files.createDirectories(cache.resolve("wrong"));
    Files.write(cache.resolve("wrong/weights.onnx"), bytes(50_000, 8));
    ModelStore store = store();

    assertThat(store.isCached(spec)).isFalse();
    assertThat(record("wrong")).doesNotExist();
    assertThat(Files.readAllBytes(store.fetch(spec))).isEqualTo(content);
    assertThat(server.requests("/w")).hasSize(1);
  }

  @Test
  void aRecordIsForTheChecksumsItWasVerifiedAgainst() throws Exception {
    byte[] content = bytes(50_000, 9);
    ModelFile f = served("/w", content);
    ModelStore store = store();
    store.fetch(single("republished", f));
    byte[] other = bytes(50_000, 10);
    ModelSpec republished = single("republished", new ModelFile("weights.onnx", f.urls(), f.size(), sha256(other),
        null));
    assertThat(store.isCached(republished)).isFalse();
    assertThat(store.isCached(single("republished", f))).isTrue();
  }

  /** The record's limit: a change that keeps size, time and file is only seen by verify(). */
  @Test
  void aChangeThatRestoresTheTimeIsTrustedUntilVerify() throws Exception {
    byte[] content = bytes(50_000, 11);
    ModelSpec spec = single("restored", served("/w", content));
    ModelStore store = store();
    Path file = store.fetch(spec);
    FileTime recorded = Files.getLastModifiedTime(file);
    byte[] bad = content.clone();
    bad[7] ^= 1;
    Files.write(file, bad);
    Files.setLastModifiedTime(file, recorded);

    assertThat(store.isCached(spec)).isTrue(); // trusted by the record, without reading the file
    assertThat(store.verify(spec)).extracting(FileCheck::status).containsExactly(FileCheck.Status.CORRUPT);
    assertThat(file).doesNotExist();
    assertThat(record("restored")).doesNotExist();
  }
}
