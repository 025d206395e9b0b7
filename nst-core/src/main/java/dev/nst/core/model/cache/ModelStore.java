package dev.nst.core.model.cache;

import dev.nst.core.model.ModelFile;
import dev.nst.core.model.ModelSpec;
import dev.nst.api.ModelIntegrityException;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.core.model.format.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The local cache of registered models, and how files get into it.
 *
 * <p>Layout: {@code <cache>/<model name>/<published file name>}. The cache is
 * {@code ~/.cache/nst} unless the system property {@value #CACHE_DIR_PROPERTY} or the
 * environment variable {@value #CACHE_DIR_VARIABLE} says otherwise (the property wins).
 *
 * <p>A missing file is fetched from the mirror ({@value #MIRROR_PROPERTY} /
 * {@value #MIRROR_VARIABLE}: a directory or base URL laid out like the cache) and then from the
 * model's published URLs. Bytes go to a temporary file in the model's folder and are checked
 * against the published size and checksums while they stream; only a verified file is moved, in
 * one atomic rename, to its final name, so a file under its final name is always complete and
 * correct (which is why {@link #isCached} checks only sizes). An interrupted download keeps its
 * partial file and is resumed with an HTTP Range request where the server supports it.
 * Processes and threads fetching the same file take turns through a lock file, so each file is
 * downloaded once. Offline mode ({@value #OFFLINE_PROPERTY} / {@value #OFFLINE_VARIABLE})
 * forbids every HTTP request; a directory mirror still works.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ModelStore {
  public static final String CACHE_DIR_PROPERTY = "nst.cache.dir";
  public static final String CACHE_DIR_VARIABLE = "NST_CACHE_DIR";
  public static final String OFFLINE_PROPERTY = "nst.offline";
  public static final String OFFLINE_VARIABLE = "NST_OFFLINE";
  public static final String MIRROR_PROPERTY = "nst.model.mirror";
  public static final String MIRROR_VARIABLE = "NST_MODEL_MIRROR";

  private static final Pattern URL_SCHEME = Pattern.compile("(?i)(https?|file):.*");
  private static final int BUFFER = 1 << 16;
  private static final Duration LOCK_POLL = Duration.ofMillis(50);

  private final Path cacheDir;
  private final URI mirror;
  private final boolean offline;
  private final DownloadListener listener;
  private final HttpClient client;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Duration readTimeout;
  private final int attempts;
  private final Duration retryDelay;

  private ModelStore(Builder b) {
    cacheDir = b.cacheDir.toAbsolutePath().normalize();
    mirror = b.mirror;
    offline = b.offline;
    listener = b.listener;
    client = b.client;
    connectTimeout = b.connectTimeout;
    requestTimeout = b.requestTimeout;
    readTimeout = b.readTimeout;
    attempts = b.attempts;
    retryDelay = b.retryDelay;
  }

  /** A store configured from the real system properties and environment. */
  public static ModelStore fromEnvironment() {
    return builder(Environment.system()).build();
  }

  /** A builder preset from the real system properties and environment. */
  public static Builder builder() {
    return builder(Environment.system());
  }

  /**
   * A builder preset from {@code env}: cache directory, mirror and offline switch as described
   * in the class comment; every setting can still be overridden.
   */
  public static Builder builder(Environment env) {
    return new Builder(env);
  }

  /** Where models are kept. */
  public Path cacheDir() {
    return cacheDir;
  }

  /** The mirror, as a {@code file:} URI for a directory or an http(s) base URL. */
  public Optional<URI> mirror() {
    return Optional.ofNullable(mirror);
  }

  /** True when no HTTP request may be made. */
  public boolean offline() {
    return offline;
  }

  /** The model's folder in the cache. */
  public Path directory(ModelSpec spec) {
    return cacheDir.resolve(spec.name());
  }

  /** Where {@code file} of {@code spec} is (or will be) in the cache. */
  public Path path(ModelSpec spec, ModelFile file) {
    return directory(spec).resolve(file.name());
  }

  /** True when every file of the model is in the cache (by size; see the class comment). */
  public boolean isCached(ModelSpec spec) {
    return spec.files().stream().allMatch(f -> present(path(spec, f), f));
  }

  /** Bytes of the model's files that are in the cache. */
  public long cachedBytes(ModelSpec spec) {
    long sum = 0;
    for (ModelFile f : spec.files()) {
      if (present(path(spec, f), f)) {
        sum += f.size();
      }
    }
    return sum;
  }

  /**
   * Makes sure every file of the model is in the cache, fetching what is missing, and returns
   * the path of the file its loader opens ({@link ModelSpec#entryFile()}).
   *
   * @throws ModelIntegrityException when a source delivered a file with the wrong size or
   *     checksum (and no other source delivered a good one); the bad file is deleted
   * @throws ModelDownloadException when the files cannot be fetched or stored; the message says
   *     what was tried and how to get the weights another way
   */
  public Path fetch(ModelSpec spec) {
    List<ModelFile> missing = new ArrayList<>();
    for (ModelFile f : spec.files()) {
      if (!present(path(spec, f), f)) {
        missing.add(f);
      }
    }
    if (!missing.isEmpty()) {
      Path dir = directory(spec);
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw notWritable(dir, e);
      }
      Http http = new Http();
      for (int i = 0; i < missing.size(); i++) {
        fetchFile(http, spec, missing.get(i), i + 1, missing.size());
      }
    }
    return path(spec, spec.entryFile());
  }

  /** {@link #fetch} and load: the network, named after the model, in its input convention. */
  public Network load(ModelSpec spec) {
    Path entry = fetch(spec);
    Network n = ModelFiles.load(entry, spec.convention());
    return new Network(spec.name(), n.inputConvention(), n.inputChannels(), n.layers());
  }

  /**
   * Re-checks size and checksum of every cached file of the model (slow for big files: it
   * reads them whole). A file that fails is deleted, so that the next {@link #fetch} gets it
   * again instead of a loader reading garbage.
   */
  public List<FileCheck> verify(ModelSpec spec) {
    List<FileCheck> out = new ArrayList<>();
    for (ModelFile f : spec.files()) {
      Path p = path(spec, f);
      if (!Files.isRegularFile(p)) {
        out.add(new FileCheck(f, p, FileCheck.Status.MISSING, "not in the cache"));
        continue;
      }
      String problem;
      try {
        problem = Digests.check(p, f);
      } catch (IOException e) {
        problem = "cannot be read (" + e.getMessage() + ")";
      }
      if (problem == null) {
        out.add(new FileCheck(f, p, FileCheck.Status.OK, ""));
      } else {
        deleteQuietly(p);
        out.add(new FileCheck(f, p, FileCheck.Status.CORRUPT, problem + "; deleted"));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------

  private void fetchFile(Http http, ModelSpec spec, ModelFile f, int index, int count) {
    Path dir = directory(spec);
    Path target = dir.resolve(f.name());
    Path lockPath = dir.resolve("." + f.name() + ".lock");
    try (FileChannel lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = acquire(lockChannel, target, f);
      try {
        if (present(target, f)) {
          return; // another thread or process fetched it while we waited
        }
        // Under the lock the partial file has a fixed name, so a later attempt can resume it;
        // where the file system cannot lock, each attempt uses a file of its own.
        Path part = lock != null ? dir.resolve(f.name() + ".part")
            : Files.createTempFile(dir, "." + f.name() + ".", ".part");
        try {
          download(http, spec, f, part, target, index, count);
        } finally {
          if (lock == null) {
            deleteQuietly(part);
          }
        }
      } finally {
        if (lock != null) {
          lock.release();
        }
      }
    } catch (IOException e) {
      throw notWritable(dir, e);
    }
  }

  /** Waits for the lock; null when the file system cannot lock. */
  private static FileLock acquire(FileChannel channel, Path target, ModelFile f) {
    while (true) {
      try {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return lock;
        }
      } catch (OverlappingFileLockException e) {
        // another thread of this JVM holds it: wait like for another process
      } catch (IOException | UnsupportedOperationException e) {
        return null;
      }
      try {
        Thread.sleep(LOCK_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ModelDownloadException("interrupted while waiting for another download of " + target);
      }
    }
  }

  private void download(Http http, ModelSpec spec, ModelFile f, Path part, Path target, int index, int count) {
    List<String> failures = new ArrayList<>();
    boolean integrity = false;
    for (URI source : sources(spec, f, failures)) {
      Progress progress = new Progress(spec.name(), f, source, index, count);
      try {
        if ("file".equalsIgnoreCase(source.getScheme())) {
          copyFromDirectory(Path.of(source), f, part, progress);
        } else {
          httpDownload(http.client(), source, f, part, progress);
        }
        moveIntoPlace(part, target);
        progress.report(f.size(), true);
        return;
      } catch (SourceFailure e) {
        failures.add(source + ": " + e.getMessage());
        integrity |= e.integrity;
      }
    }
    String message = "cannot get " + f.name() + " of model '" + spec.name() + "' into the cache:\n  - "
        + String.join("\n  - ", failures) + "\n" + howToGet(spec, f, target);
    throw integrity ? new ModelIntegrityException(message) : new ModelDownloadException(message);
  }

  private List<URI> sources(ModelSpec spec, ModelFile f, List<String> skipped) {
    List<URI> out = new ArrayList<>();
    if (mirror != null) {
      if ("file".equalsIgnoreCase(mirror.getScheme())) {
        out.add(Path.of(mirror).resolve(spec.name()).resolve(f.name()).toUri());
      } else if (offline) {
        skipped.add("mirror " + mirror + ": not used, offline mode forbids the network");
      } else {
        String base = mirror.toString().replaceAll("/+$", "");
        out.add(URI.create(base + "/" + spec.name() + "/" + f.name()));
      }
    }
    if (offline) {
      skipped.add("offline mode (" + OFFLINE_VARIABLE + " or -D" + OFFLINE_PROPERTY
          + ") forbids downloading from " + (f.urls().isEmpty() ? "the network" : f.urls()));
    } else {
      out.addAll(f.urls());
    }
    return out;
  }

  private String howToGet(ModelSpec spec, ModelFile f, Path target) {
    return "To get the weights, do one of:\n"
        + "  - run 'nst models pull " + spec.name() + "' where the network is reachable"
        + (offline ? " (and " + OFFLINE_VARIABLE + " is not set)" : "") + "; it fills " + directory(spec) + ",\n"
        + "  - set " + MIRROR_VARIABLE + " (or -D" + MIRROR_PROPERTY + ") to a directory or base URL laid out as "
        + "<mirror>/" + spec.name() + "/" + f.name() + ",\n"
        + "  - copy the file (" + f.checksumLabel() + ", " + f.size() + " bytes) to " + target + " yourself,\n"
        + "  - or use a local model file instead: nst stylize --model PATH, or StyleTransfer.builder().model(Path).";
  }

  private void copyFromDirectory(Path source, ModelFile f, Path part, Progress progress) throws SourceFailure {
    if (!Files.isRegularFile(source)) {
      throw new SourceFailure("not in the mirror (no file " + source + ")", false);
    }
    try {
      long size = Files.size(source);
      if (size != f.size()) {
        throw new SourceFailure("has " + size + " bytes but the published size is " + f.size(), true);
      }
      Digests digests = new Digests(f);
      long done;
      try (InputStream in = Files.newInputStream(source)) {
        done = transfer(in, part, false, 0, f, digests, progress, null);
      }
      finishOrReject(done, f, digests, part);
    } catch (IOException e) {
      throw new SourceFailure("cannot read it (" + e.getMessage() + ")", false);
    }
  }

  private void httpDownload(HttpClient client, URI url, ModelFile f, Path part, Progress progress)
      throws SourceFailure {
    int cuts = 0;
    boolean noRange = false;
    while (true) {
      long have = sizeOrZero(part);
      if (have > f.size() || noRange) {
        deleteQuietly(part);
        have = 0;
      }
      Digests digests = new Digests(f);
      if (have > 0) {
        try {
          digests.updateFrom(part, have);
        } catch (IOException e) {
          throw new ModelDownloadException("cannot read the partial download " + part + " (" + describe(e)
              + "); delete it and try again", e);
        }
      }
      if (have == f.size()) {
        finishOrReject(have, f, digests, part);
        return;
      }
      HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(requestTimeout)
          .header("User-Agent", "nst (neural style transfer for the JVM)");
      if (have > 0) {
        request.header("Range", "bytes=" + have + "-");
      }
      HttpResponse<InputStream> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        throw new SourceFailure("cannot connect (" + describe(e) + ")", false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ModelDownloadException("interrupted while downloading " + url + "; the partial file "
            + part + " is kept and the next attempt resumes it");
      }
      long done;
      try (InputStream body = response.body()) {
        int status = response.statusCode();
        boolean append;
        if (status == 206 && have > 0) {
          String range = response.headers().firstValue("Content-Range").orElse("");
          if (!range.startsWith("bytes " + have + "-")) {
            noRange = true; // a range other than the one asked for: start again from the beginning
            continue;
          }
          append = true;
        } else if (status == 200) {
          long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
          if (length >= 0 && length != f.size()) {
            deleteQuietly(part);
            throw new SourceFailure("serves " + length + " bytes but the published size is " + f.size()
                + " (a different or changed file)", true);
          }
          append = false;
          have = 0;
          digests = new Digests(f);
        } else if (status == 416 && have > 0) {
          noRange = true;
          continue;
        } else {
          throw new SourceFailure(httpProblem(status), false);
        }
        done = transfer(body, part, append, have, f, digests, progress, readTimeout);
      } catch (IOException e) {
        done = -1; // the connection broke while reading: resume below
        if (++cuts >= attempts) {
          throw new SourceFailure("the connection broke " + cuts + " times (last: " + describe(e) + ", "
              + sizeOrZero(part) + " of " + f.size() + " bytes on disk; the next attempt resumes them)", false);
        }
      }
      if (done >= 0 && done < f.size()) {
        if (++cuts >= attempts) {
          throw new SourceFailure("the server closed the connection " + cuts + " times before the end ("
              + done + " of " + f.size() + " bytes)", false);
        }
      }
      if (done == f.size()) {
        finishOrReject(done, f, digests, part);
        return;
      }
      pause(cuts);
    }
  }

  /**
   * Streams {@code in} into {@code part} (appending after {@code have} bytes or from scratch),
   * feeding the digests and refusing more bytes than published. Returns the bytes now in the
   * file. Read errors are thrown as IOException; write errors as ModelDownloadException.
   */
  private long transfer(InputStream in, Path part, boolean append, long have, ModelFile f, Digests digests,
      Progress progress, Duration stallTimeout) throws IOException, SourceFailure {
    long done = append ? have : 0;
    progress.report(done, false);
    byte[] buf = new byte[BUFFER];
    StandardOpenOption mode = append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
    FileChannel out;
    try {
      out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
    } catch (IOException e) {
      throw notWritable(part.getParent(), e);
    }
    try (out; OutputStream os = Channels.newOutputStream(out); Watchdog dog = new Watchdog(in, stallTimeout)) {
      int n;
      while ((n = dog.read(buf)) >= 0) {
        if (done + n > f.size()) {
          deleteQuietly(part);
          throw new SourceFailure("sends more than the published " + f.size() + " bytes (a different or changed file)",
              true);
        }
        digests.update(buf, 0, n);
        try {
          os.write(buf, 0, n);
        } catch (IOException e) {
          throw notWritable(part.getParent(), e);
        }
        done += n;
        progress.report(done, false);
      }
      try {
        out.force(true);
      } catch (IOException e) {
        throw notWritable(part.getParent(), e);
      }
    }
    return done;
  }

  private static void finishOrReject(long done, ModelFile f, Digests digests, Path part) throws SourceFailure {
    String mismatch = done == f.size() ? digests.mismatch()
        : "it has " + done + " bytes but the published size is " + f.size();
    if (mismatch != null) {
      deleteQuietly(part);
      throw new SourceFailure("wrong content: " + mismatch + " (the bad file was deleted)", true);
    }
  }

  private static void moveIntoPlace(Path part, Path target) {
    try {
      try {
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw notWritable(target.getParent(), e);
    }
  }

  private void pause(int cuts) {
    try {
      Thread.sleep(retryDelay.toMillis() * Math.min(cuts, 8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelDownloadException("interrupted while waiting to resume a download");
    }
  }

  private static String httpProblem(int status) {
    String hint = switch (status) {
      case 401, 403 -> " (access denied)";
      case 404, 410 -> " (the file is not there)";
      case 429 -> " (too many requests: try again later)";
      default -> status >= 500 ? " (a server error: try again later)" : "";
    };
    return "HTTP " + status + hint;
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  private static ModelDownloadException notWritable(Path dir, IOException e) {
    return new ModelDownloadException("cannot write to the model cache " + dir + " (" + describe(e)
        + "); point " + CACHE_DIR_VARIABLE + " (or -D" + CACHE_DIR_PROPERTY
        + ") at a writable directory with enough free space", e);
  }

  private static boolean present(Path p, ModelFile f) {
    try {
      return Files.isRegularFile(p) && Files.size(p) == f.size();
    } catch (IOException e) {
      return false;
    }
  }

  private static long sizeOrZero(Path p) {
    try {
      return Files.isRegularFile(p) ? Files.size(p) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // nothing better to do: the file is not used under its final name
    }
  }

  @Override
  public String toString() {
    return "ModelStore[cache=" + cacheDir + ", mirror=" + mirror + ", offline=" + offline + "]";
  }

  /**
   * Reads a response body, closing it when nothing arrives for the stall timeout: HttpClient
   * has no read timeout, and a silent server would otherwise hang the download forever. The
   * closed stream fails the read, and the download is resumed like after a broken connection.
   */
  private static final class Watchdog implements AutoCloseable {
    private final InputStream in;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private volatile long lastNanos = System.nanoTime();
    private volatile boolean fired;

    Watchdog(InputStream in, Duration timeout) {
      this.in = in;
      this.timeout = timeout;
      if (timeout == null) {
        timer = null;
        return;
      }
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nst-download-watchdog");
        t.setDaemon(true);
        return t;
      });
      long period = Math.max(10, timeout.toMillis() / 4);
      timer.scheduleAtFixedRate(() -> {
        if (System.nanoTime() - lastNanos > timeout.toNanos()) {
          fired = true;
          try {
            in.close();
          } catch (IOException ignored) {
            // the reader fails either way
          }
        }
      }, period, period, TimeUnit.MILLISECONDS);
    }

    int read(byte[] buf) throws IOException {
      int n;
      try {
        n = in.read(buf);
      } catch (IOException e) {
        throw fired ? new IOException("no data for " + timeout.toMillis() + " ms", e) : e;
      }
      if (fired) {
        throw new IOException("no data for " + timeout.toMillis() + " ms");
      }
      lastNanos = System.nanoTime();
      return n;
    }

    @Override
    public void close() {
      if (timer != null) {
        timer.shutdownNow();
      }
    }
  }

  /** One source's failure; {@code integrity} when it delivered wrong bytes. */
  private static final class SourceFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean integrity;

    SourceFailure(String message, boolean integrity) {
      super(message, null, false, false);
      this.integrity = integrity;
    }
  }

  /**
   * The HTTP client of one {@link #fetch} call, made on first use: a store that never downloads
   * (offline, mirror, or everything cached) starts no client threads.
   */
  private final class Http {
    private HttpClient made;

    HttpClient client() {
      if (client != null) {
        return client;
      }
      if (made == null) {
        made = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(connectTimeout)
            .build();
      }
      return made;
    }
  }

  /** Sends progress events of one file, at most one per buffer. */
  private final class Progress {
    private final String model;
    private final ModelFile file;
    private final URI source;
    private final int index;
    private final int count;

    Progress(String model, ModelFile file, URI source, int index, int count) {
      this.model = model;
      this.file = file;
      this.source = source;
      this.index = index;
      this.count = count;
    }

    void report(long done, boolean finished) {
      listener.onProgress(new DownloadProgress(model, file.name(), source, done, file.size(), index, count, finished));
    }
  }

  /**
   * Parses a mirror setting: an {@code http}, {@code https} or {@code file} URL, or else a
   * directory path (relative paths are resolved against the working directory).
   */
  public static URI parseMirror(String value) {
    String v = value.trim();
    if (URL_SCHEME.matcher(v).matches()) {
      try {
        return URI.create(v);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("model mirror '" + value + "' is not a valid URL: " + e.getMessage(), e);
      }
    }
    return Path.of(v).toAbsolutePath().normalize().toUri();
  }

  static boolean truthy(String v) {
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "1", "true", "yes", "on" -> true;
      default -> false;
    };
  }

  /** Configures a {@link ModelStore}. */
  public static final class Builder {
    private Path cacheDir;
    private URI mirror;
    private boolean offline;
    private DownloadListener listener = DownloadListener.NONE;
    private HttpClient client;
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private Duration readTimeout = Duration.ofSeconds(60);
    private int attempts = 5;
    private Duration retryDelay = Duration.ofMillis(500);

    private Builder(Environment env) {
      Objects.requireNonNull(env, "env");
      Optional<String> dir = env.property(CACHE_DIR_PROPERTY).or(() -> env.variable(CACHE_DIR_VARIABLE));
      cacheDir = dir.map(Path::of).orElseGet(() -> env.property("user.home").map(Path::of).orElse(Path.of(""))
          .resolve(".cache").resolve("nst"));
      offline = env.property(OFFLINE_PROPERTY).or(() -> env.variable(OFFLINE_VARIABLE)).map(ModelStore::truthy)
          .orElse(false);
      mirror = env.property(MIRROR_PROPERTY).or(() -> env.variable(MIRROR_VARIABLE)).map(ModelStore::parseMirror)
          .orElse(null);
    }

    public Builder cacheDir(Path dir) {
      cacheDir = Objects.requireNonNull(dir, "cacheDir");
      return this;
    }

    /** A directory or base URL laid out as {@code <mirror>/<model>/<file>}; null for none. */
    public Builder mirror(URI uri) {
      if (uri != null && (uri.getScheme() == null || !URL_SCHEME.matcher(uri.toString()).matches())) {
        throw new IllegalArgumentException("model mirror " + uri + " must be an http, https or file URL");
      }
      mirror = uri;
      return this;
    }

    /** A directory laid out as {@code <dir>/<model>/<file>}. */
    public Builder mirror(Path dir) {
      return mirror(dir.toAbsolutePath().normalize().toUri());
    }

    public Builder offline(boolean value) {
      offline = value;
      return this;
    }

    public Builder listener(DownloadListener l) {
      listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /** The HTTP client (default: one that follows redirects, except from https to http). */
    public Builder httpClient(HttpClient c) {
      client = Objects.requireNonNull(c, "client");
      return this;
    }

    /** Time allowed to wait for a server's response headers (default 60 s). */
    public Builder requestTimeout(Duration d) {
      requestTimeout = positive(d, "requestTimeout");
      return this;
    }

    /**
     * How long a response body may deliver nothing before the connection is dropped and the
     * download resumed (default 60 s).
     */
    public Builder readTimeout(Duration d) {
      readTimeout = positive(d, "readTimeout");
      return this;
    }

    public Builder connectTimeout(Duration d) {
      connectTimeout = positive(d, "connectTimeout");
      return this;
    }

    /** How often a download that breaks off is resumed before giving up on a source (default 5). */
    public Builder attempts(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("attempts must be >= 1, got " + n);
      }
      attempts = n;
      return this;
    }

    /** Pause before resuming a broken download, times the number of breaks so far (default 0.5 s). */
    public Builder retryDelay(Duration d) {
      retryDelay = Objects.requireNonNull(d, "retryDelay");
      if (d.isNegative()) {
        throw new IllegalArgumentException("retryDelay must not be negative");
      }
      return this;
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }

    public ModelStore build() {
      return new ModelStore(this);
    }
  }
}
