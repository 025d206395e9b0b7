package dev.nst.core.model.cache;

import dev.nst.core.model.ModelFile;
import dev.nst.core.model.ModelFormat;
import dev.nst.core.model.ModelRegistry;
import dev.nst.core.model.ModelSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.ModelIntegrityException;
import dev.nst.api.Network;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
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

/** Downloads against a loopback HTTP server: never the internet. */
@Timeout(60)
public class ModelStoreTest {
  public static final List<LayerWeight> LAYERS = List.of(new LayerWeight("relu1_1", 1));

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

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static String md5(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
  }

  static ModelSpec single(String name, ModelFile file) {
    return new ModelSpec(name, ModelFormat.ONNX, InputConvention.TORCH, List.of(file), LAYERS, LAYERS, "test", "test");
  }

  ModelStore.Builder store() {
    return ModelStore.builder(Environment.of(Map.of(), Map.of())).cacheDir(cache).retryDelay(Duration.ofMillis(10));
  }

  ModelFile served(String path, byte[] content) throws Exception {
    server.file(path, content);
    return new ModelFile("weights.onnx", List.of(server.url(path)), content.length, sha256(content), null);
  }

  /** Names in the model folder other than the hidden lock files. */
  static List<String> visibleFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock")).sorted().toList();
    }
  }

  @Test
  void downloadsVerifiesCachesAndReportsProgress() throws Exception {
    byte[] json = bytes(1000, 1);
    byte[] shard = bytes(300_000, 2);
    server.file("/m/model.json", json).file("/m/group1-shard1of1", shard);
    ModelSpec spec = new ModelSpec("synthetic", ModelFormat.TFJS, InputConvention.UNIT, List.of(
        new ModelFile("model.json", List.of(server.url("/m/model.json")), json.length, sha256(json), null),
        new ModelFile("group1-shard1of1", List.of(server.url("/m/group1-shard1of1")), shard.length, sha256(shard),
            null)), LAYERS, LAYERS, "t", "t");
    List<DownloadProgress> events = new CopyOnWriteArrayList<>();
    ModelStore store = store().listener(events::add).build();
    assertThat(store.isCached(spec)).isFalse();

    Path entry = store.fetch(spec);

    assertThat(entry).isEqualTo(cache.resolve("synthetic").resolve("model.json"));
    assertThat(Files.readAllBytes(entry)).isEqualTo(json);
    assertThat(Files.readAllBytes(cache.resolve("synthetic/group1-shard1of1"))).isEqualTo(shard);
    assertThat(visibleFiles(cache.resolve("synthetic"))).containsExactly("group1-shard1of1", "model.json");
    assertThat(store.isCached(spec)).isTrue();
    assertThat(store.cachedBytes(spec)).isEqualTo(301_000);
    List<DownloadProgress> done = events.stream().filter(DownloadProgress::done).toList();
    assertThat(done).extracting(DownloadProgress::file).containsExactly("model.json", "group1-shard1of1");
    assertThat(done).extracting(DownloadProgress::fileIndex).containsExactly(1, 2);
    assertThat(done.get(1).bytesDone()).isEqualTo(300_000);
    assertThat(done.get(1).fileCount()).isEqualTo(2);
    List<Long> shardBytes = events.stream().filter(e -> e.file().equals("group1-shard1of1"))
        .map(DownloadProgress::bytesDone).toList();
    assertThat(shardBytes).isSorted().first().isEqualTo(0L);
    assertThat(shardBytes.size()).isGreaterThan(4); // 300 kB in 64 KiB steps

    int before = server.requests().size();
    assertThat(store.fetch(spec)).isEqualTo(entry);
    assertThat(server.requests()).hasSize(before); // cached: no request at all
  }

  @Test
  void md5IsCheckedWhereOnlyMd5IsPublished() throws Exception {
    byte[] good = bytes(5000, 3);
    server.file("/vgg.h5", good);
    ModelSpec ok = single("md5ok", new ModelFile("w.h5", List.of(server.url("/vgg.h5")), 5000, null, md5(good)));
    assertThat(Files.readAllBytes(store().build().fetch(ok))).isEqualTo(good);

    ModelSpec bad = single("md5bad", new ModelFile("w.h5", List.of(server.url("/vgg.h5")), 5000, null,
        md5(bytes(5000, 4))));
    assertThatThrownBy(() -> store().build().fetch(bad))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("MD5 is " + md5(good));
    assertThat(visibleFiles(cache.resolve("md5bad"))).isEmpty();
  }

  @Test
  void checksumMismatchIsAnIntegrityErrorAndLeavesNoFile() throws Exception {
    byte[] served = bytes(200_000, 5);
    byte[] published = served.clone();
    published[123_456] ^= 1;
    server.file("/w.onnx", served);
    ModelSpec spec = single("bad", new ModelFile("weights.onnx", List.of(server.url("/w.onnx")), published.length,
        sha256(published), null));
    assertThatThrownBy(() -> store().build().fetch(spec))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("SHA-256 is " + sha256(served))
        .hasMessageContaining("but the published one is " + sha256(published))
        .hasMessageContaining("deleted");
    assertThat(visibleFiles(cache.resolve("bad"))).isEmpty();
  }

  @Test
  void aWrongSizeIsRefusedBeforeDownloading() throws Exception {
    byte[] served = bytes(10_000, 6);
    server.file("/w.onnx", served);
    ModelSpec spec = single("size", new ModelFile("weights.onnx", List.of(server.url("/w.onnx")), 9_999,
        sha256(served), null));
    assertThatThrownBy(() -> store().build().fetch(spec))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("serves 10000 bytes but the published size is 9999");
  }

  @Test
  void moreBytesThanPublishedWithoutContentLengthAreRefused() throws Exception {
    byte[] served = bytes(100_000, 7);
    server.file("/w.onnx", served).noLength();
    ModelSpec spec = single("long", new ModelFile("weights.onnx", List.of(server.url("/w.onnx")), 50_000,
        sha256(Arrays.copyOf(served, 50_000)), null));
    assertThatThrownBy(() -> store().build().fetch(spec))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("more than the published 50000 bytes");
    assertThat(visibleFiles(cache.resolve("long"))).isEmpty();
  }

  @Test
  void aConnectionCutMidFileIsResumedWithARangeRequest() throws Exception {
    byte[] content = bytes(1_000_000, 8);
    ModelFile f = served("/big.onnx", content);
    server.cut(300_000, 1);
    Path file = store().build().fetch(single("cut", f));
    assertThat(Files.readAllBytes(file)).isEqualTo(content);
    List<TestServer.Request> reqs = server.requests("/big.onnx");
    assertThat(reqs).hasSize(2);
    assertThat(reqs.get(0).range()).isNull();
    assertThat(reqs.get(1).range()).startsWith("bytes=").isNotEqualTo("bytes=0-");
    long resumedAt = Long.parseLong(reqs.get(1).range().replaceAll("\\D", ""));
    assertThat(resumedAt).isBetween(1L, 300_000L);
    assertThat(visibleFiles(cache.resolve("cut"))).containsExactly("weights.onnx");
  }

  @Test
  void aStalledDownloadTimesOutAndIsResumed() throws Exception {
    byte[] content = bytes(500_000, 26);
    ModelFile f = served("/slow.onnx", content);
    server.stall(200_000, 1);
    long start = System.nanoTime();
    Path file = store().readTimeout(Duration.ofMillis(300)).build().fetch(single("stall", f));
    assertThat(Files.readAllBytes(file)).isEqualTo(content);
    assertThat(server.requests("/slow.onnx")).extracting(TestServer.Request::range)
        .containsExactly(null, "bytes=200000-");
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
  }

  @Test
  void aPartialFileOfAnEarlierRunIsResumed() throws Exception {
    byte[] content = bytes(400_000, 9);
    ModelFile f = served("/w.onnx", content);
    Files.createDirectories(cache.resolve("resume"));
    Files.write(cache.resolve("resume/weights.onnx.part"), Arrays.copyOf(content, 250_000));
    List<DownloadProgress> events = new ArrayList<>();
    Path file = store().listener(events::add).build().fetch(single("resume", f));
    assertThat(Files.readAllBytes(file)).isEqualTo(content);
    assertThat(server.requests("/w.onnx")).extracting(TestServer.Request::range).containsExactly("bytes=250000-");
    assertThat(events.get(0).bytesDone()).isEqualTo(250_000);
  }

  @Test
  void aServerWithoutRangesRestartsFromTheBeginning() throws Exception {
    byte[] content = bytes(200_000, 10);
    ModelFile f = served("/w.onnx", content);
    server.ignoreRanges();
    Files.createDirectories(cache.resolve("norange"));
    Files.write(cache.resolve("norange/weights.onnx.part"), bytes(120_000, 11)); // not even the right bytes
    Path file = store().build().fetch(single("norange", f));
    assertThat(Files.readAllBytes(file)).isEqualTo(content);
    assertThat(server.requests("/w.onnx")).extracting(TestServer.Request::range).containsExactly("bytes=120000-");
  }

  @Test
  void aCorruptPartialFileFailsTheChecksumAndIsDeleted() throws Exception {
    byte[] content = bytes(200_000, 12);
    ModelFile f = served("/w.onnx", content);
    Files.createDirectories(cache.resolve("corruptpart"));
    Files.write(cache.resolve("corruptpart/weights.onnx.part"), bytes(100_000, 13));
    assertThatThrownBy(() -> store().build().fetch(single("corruptpart", f)))
        .isInstanceOf(ModelIntegrityException.class);
    assertThat(visibleFiles(cache.resolve("corruptpart"))).isEmpty();
    // and the next attempt starts afresh and succeeds
    assertThat(Files.readAllBytes(store().build().fetch(single("corruptpart", f)))).isEqualTo(content);
  }

  @Test
  void httpErrorsAreReportedPerSourceWithHowToGetTheWeights() throws Exception {
    server.status("/gone", 404).status("/broken", 500);
    ModelSpec spec = single("errors", new ModelFile("weights.onnx",
        List.of(server.url("/gone"), server.url("/broken")), 10, sha256(new byte[10]), null));
    assertThatThrownBy(() -> store().build().fetch(spec))
        .isInstanceOf(ModelDownloadException.class)
        .isNotInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining(server.url("/gone") + ": HTTP 404 (the file is not there)")
        .hasMessageContaining(server.url("/broken") + ": HTTP 500 (a server error")
        .hasMessageContaining("nst models pull errors")
        .hasMessageContaining("NST_MODEL_MIRROR")
        .hasMessageContaining("--model PATH")
        .hasMessageContaining(cache.resolve("errors").resolve("weights.onnx").toString());
  }

  @Test
  void theNextSourceIsTriedAfterAFailure() throws Exception {
    byte[] content = bytes(3000, 14);
    server.status("/gone", 404).file("/ok", content);
    ModelSpec spec = single("fallback", new ModelFile("weights.onnx",
        List.of(server.url("/gone"), server.url("/ok")), content.length, sha256(content), null));
    assertThat(Files.readAllBytes(store().build().fetch(spec))).isEqualTo(content);
  }

  @Test
  void redirectsAreFollowed() throws Exception {
    byte[] content = bytes(3000, 15);
    server.file("/real/w.onnx", content).redirect("/moved", "/real/w.onnx");
    ModelSpec spec = single("redirect", new ModelFile("weights.onnx", List.of(server.url("/moved")),
        content.length, sha256(content), null));
    assertThat(Files.readAllBytes(store().build().fetch(spec))).isEqualTo(content);
    assertThat(server.requests()).extracting(TestServer.Request::path).containsExactly("/moved", "/real/w.onnx");
  }

  @Test
  void offlineModeMakesNoRequestAndSaysHowToGetTheWeights() throws Exception {
    ModelFile f = served("/w.onnx", bytes(100, 16));
    ModelStore store = ModelStore.builder(Environment.of(Map.of(), Map.of("NST_OFFLINE", "1"))).cacheDir(cache).build();
    assertThat(store.offline()).isTrue();
    assertThatThrownBy(() -> store.fetch(single("offline", f)))
        .isInstanceOf(ModelDownloadException.class)
        .hasMessageContaining("offline mode (NST_OFFLINE or -Dnst.offline) forbids downloading from [" + f.urls().get(0))
        .hasMessageContaining("nst models pull offline")
        .hasMessageContaining("NST_MODEL_MIRROR (or -Dnst.model.mirror)")
        .hasMessageContaining("--model PATH");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void offlineModeAlsoSkipsAUrlMirror() throws Exception {
    ModelFile f = served("/w.onnx", bytes(100, 17));
    ModelStore store = store().offline(true).mirror(server.url("/mirror/")).build();
    assertThatThrownBy(() -> store.fetch(single("offline", f)))
        .hasMessageContaining("mirror " + server.url("/mirror/") + ": not used, offline mode forbids the network");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void aDirectoryMirrorIsUsedFirstAndWorksOffline() throws Exception {
    byte[] content = bytes(70_000, 18);
    Path mirror = tmp.resolve("mirror");
    Files.createDirectories(mirror.resolve("mirrored"));
    Files.write(mirror.resolve("mirrored/weights.onnx"), content);
    ModelFile f = served("/w.onnx", content);
    List<DownloadProgress> events = new ArrayList<>();
    ModelStore store = ModelStore.builder(Environment.of(Map.of("nst.model.mirror", mirror.toString(),
        "nst.offline", "true"), Map.of())).cacheDir(cache).listener(events::add).build();
    Path file = store.fetch(single("mirrored", f));
    assertThat(Files.readAllBytes(file)).isEqualTo(content);
    assertThat(server.requests()).isEmpty();
    assertThat(events.get(events.size() - 1).source()).isEqualTo(mirror.resolve("mirrored/weights.onnx").toUri());
  }

  @Test
  void aBadFileInADirectoryMirrorFallsBackToTheUrl() throws Exception {
    byte[] content = bytes(70_000, 19);
    Path mirror = tmp.resolve("mirror");
    Files.createDirectories(mirror.resolve("m"));
    Files.write(mirror.resolve("m/weights.onnx"), bytes(70_000, 20));
    ModelFile f = served("/w.onnx", content);
    Path file = store().mirror(mirror).build().fetch(single("m", f));
    assertThat(Files.readAllBytes(file)).isEqualTo(content);
    assertThat(server.requests("/w.onnx")).hasSize(1);
  }

  @Test
  void theSharedMirrorDirectoryProvidesDarknetTiny() {
    Path shared = sharedModels();
    ModelSpec spec = ModelRegistry.builtIn().get("darknet-tiny");
    ModelStore store = store().mirror(shared).offline(true).build();
    Network n = store.load(spec);
    assertThat(store.isCached(spec)).isTrue();
    assertThat(n.name()).isEqualTo("darknet-tiny");
    assertThat(n.inputConvention()).isEqualTo(InputConvention.UNIT);
    assertThat(store.verify(spec)).hasSize(32).allMatch(FileCheck::ok);
  }

  @Test
  void aUrlMirrorProvidesDarknetTiny() {
    Path shared = sharedModels();
    server.directory("/models/", shared);
    ModelSpec spec = ModelRegistry.builtIn().get("darknet-tiny");
    ModelStore store = ModelStore.builder(Environment.of(Map.of(), Map.of("NST_MODEL_MIRROR",
        server.url("/models").toString()))).cacheDir(cache).build();
    Path entry = store.fetch(spec);
    assertThat(entry).isEqualTo(cache.resolve("darknet-tiny/model.json"));
    assertThat(server.requests()).hasSize(32)
        .allMatch(r -> r.path().startsWith("/models/darknet-tiny/"));
    assertThat(store.verify(spec)).allMatch(FileCheck::ok);
  }

  public static Path sharedModels() {
    Path p = Path.of(System.getProperty("nst.shared.dir", "../../shared"), "models").toAbsolutePath().normalize();
    assumeTrue(Files.isDirectory(p.resolve("darknet-tiny")),
        "../shared/models/darknet-tiny is absent (a fresh clone without ../shared): skipping");
    return p;
  }

  @Test
  void twoThreadsFetchingTheSameModelDownloadItOnce() throws Exception {
    byte[] content = bytes(1 << 20, 21);
    ModelFile f = served("/w.onnx", content);
    server.slow(20);
    ModelSpec spec = single("threads", f);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Path> first = pool.submit(() -> store().build().fetch(spec));
      waitForRequest("/w.onnx");
      Future<Path> second = pool.submit(() -> store().build().fetch(spec));
      assertThat(Files.readAllBytes(first.get(30, TimeUnit.SECONDS))).isEqualTo(content);
      assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(first.get());
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.requests("/w.onnx")).hasSize(1);
    assertThat(visibleFiles(cache.resolve("threads"))).containsExactly("weights.onnx");
  }

  @Test
  void twoProcessesFetchingTheSameModelDownloadItOnce() throws Exception {
    byte[] content = bytes(1 << 20, 22);
    ModelFile f = served("/w.onnx", content);
    server.slow(25);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        FetchInAnotherProcess.class.getName(), cache.toString(), f.urls().get(0).toString(),
        Long.toString(f.size()), f.sha256())
        .redirectErrorStream(true).start();
    try {
      waitForRequest("/w.onnx");
      Path file = store().build().fetch(single(FetchInAnotherProcess.MODEL, f));
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String output = new String(child.getInputStream().readAllBytes());
      assertThat(child.exitValue()).as(output).isZero();
      assertThat(output).contains("fetched " + file);
      assertThat(Files.readAllBytes(file)).isEqualTo(content);
    } finally {
      child.destroyForcibly();
    }
    assertThat(server.requests("/w.onnx")).hasSize(1);
    assertThat(visibleFiles(cache.resolve(FetchInAnotherProcess.MODEL))).containsExactly("weights.onnx");
  }

  private void waitForRequest(String path) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (server.requests(path).isEmpty()) {
      assertThat(System.nanoTime()).as("no request for " + path + " within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void anUnwritableCacheSaysWhichSettingToChange() throws Exception {
    Path notADir = tmp.resolve("file");
    Files.writeString(notADir, "x");
    ModelFile f = served("/w.onnx", bytes(10, 23));
    ModelStore store = store().cacheDir(notADir).build();
    assertThatThrownBy(() -> store.fetch(single("ro", f)))
        .isInstanceOf(ModelDownloadException.class)
        .hasMessageContaining("cannot write to the model cache " + notADir.resolve("ro"))
        .hasMessageContaining("NST_CACHE_DIR (or -Dnst.cache.dir)");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void verifyFindsCorruptAndMissingFilesAndDeletesTheCorruptOnes() throws Exception {
    byte[] json = bytes(100, 24);
    byte[] shard = bytes(1000, 25);
    server.file("/a", json).file("/b", shard);
    ModelSpec spec = new ModelSpec("verify", ModelFormat.TFJS, InputConvention.UNIT, List.of(
        new ModelFile("model.json", List.of(server.url("/a")), json.length, sha256(json), null),
        new ModelFile("group1-shard1of1", List.of(server.url("/b")), shard.length, null, md5(shard))),
        LAYERS, LAYERS, "t", "t");
    ModelStore store = store().build();
    store.fetch(spec);
    assertThat(store.verify(spec)).extracting(FileCheck::status)
        .containsExactly(FileCheck.Status.OK, FileCheck.Status.OK);

    Path shardPath = cache.resolve("verify/group1-shard1of1");
    byte[] bad = shard.clone();
    bad[7] ^= 1;
    Files.write(shardPath, bad); // same size: isCached cannot see it, verify can
    Files.delete(cache.resolve("verify/model.json"));
    List<FileCheck> checks = store.verify(spec);
    assertThat(checks).extracting(FileCheck::status)
        .containsExactly(FileCheck.Status.MISSING, FileCheck.Status.CORRUPT);
    assertThat(checks.get(1).detail()).contains("MD5 is " + md5(bad)).contains("deleted");
    assertThat(shardPath).doesNotExist();

    store.fetch(spec);
    assertThat(store.verify(spec)).allMatch(FileCheck::ok);
  }

  @Test
  void settingsComeFromPropertiesBeforeVariables() {
    Environment env = Environment.of(
        Map.of("user.home", "/home/u", "nst.cache.dir", "/prop/cache", "nst.offline", "false"),
        Map.of("NST_CACHE_DIR", "/env/cache", "NST_OFFLINE", "1", "NST_MODEL_MIRROR", "https://mirror.example/m/"));
    ModelStore s = ModelStore.builder(env).build();
    assertThat(s.cacheDir()).isEqualTo(Path.of("/prop/cache"));
    assertThat(s.offline()).isFalse();
    assertThat(s.mirror()).contains(URI.create("https://mirror.example/m/"));

    ModelStore d = ModelStore.builder(Environment.of(Map.of("user.home", "/home/u"), Map.of())).build();
    assertThat(d.cacheDir()).isEqualTo(Path.of("/home/u/.cache/nst"));
    assertThat(d.offline()).isFalse();
    assertThat(d.mirror()).isEmpty();

    ModelStore e = ModelStore.builder(Environment.of(Map.of(),
        Map.of("NST_CACHE_DIR", "/env/cache", "NST_OFFLINE", "yes", "NST_MODEL_MIRROR", "../shared/models"))).build();
    assertThat(e.cacheDir()).isEqualTo(Path.of("/env/cache"));
    assertThat(e.offline()).isTrue();
    assertThat(e.mirror()).contains(Path.of("../shared/models").toAbsolutePath().normalize().toUri());
  }

  @Test
  void specsRefuseUnsafeNamesAndMissingChecksums() {
    assertThatThrownBy(() -> ModelFile.sha256("../evil", 1, "0".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one path segment");
    assertThatThrownBy(() -> new ModelFile("a.bin", List.of(), 1, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a SHA-256 or an MD5");
    assertThatThrownBy(() -> ModelFile.md5("a.bin", 1, "xyz"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 hex digits");
    assertThatThrownBy(() -> new ModelFile("a.bin", List.of(URI.create("ftp://x/a.bin")), 1, null, "0".repeat(32)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http or https");
    assertThatThrownBy(() -> single("Bad/Name", ModelFile.md5("a.bin", 1, "0".repeat(32))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("folder in the cache");
  }
}
