package dev.nst.core.model.cache;

import dev.nst.api.ModelIntegrityException;
import dev.nst.api.Network;
import dev.nst.core.io.RegularFiles;
import dev.nst.core.model.ModelFile;
import dev.nst.core.model.ModelSpec;
import dev.nst.core.model.format.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
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
 * one atomic rename, to its final name, so a file under its final name is complete and correct
 * when it arrives. The store then keeps a record of it (size, last-modified time, identity;
 * {@code <cache>/.verified/}) and trusts the file as long as the record matches: a file changed
 * later, or put into the cache by hand, is read and checked again ({@link #isCached}).
 * An interrupted download keeps its partial file and is resumed with an HTTP Range request
 * where the server supports it. Processes and threads fetching the same file take turns
 * through a lock file, deleted after each turn, so each file is downloaded once. Offline mode
 * ({@value #OFFLINE_PROPERTY} / {@value #OFFLINE_VARIABLE}) forbids every HTTP request; a
 * directory mirror still works.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ModelStore {
  /** System property naming the cache directory. */
  public static final String CACHE_DIR_PROPERTY = "nst.cache.dir";
  /** Environment variable naming the cache directory (the property wins). */
  public static final String CACHE_DIR_VARIABLE = "NST_CACHE_DIR";
  /** System property that forbids HTTP requests when true, yes, on or 1. */
  public static final String OFFLINE_PROPERTY = "nst.offline";
  /** Environment variable that forbids HTTP requests (the property wins). */
  public static final String OFFLINE_VARIABLE = "NST_OFFLINE";
  /** System property naming the mirror: a directory or an http(s) base URL. */
  public static final String MIRROR_PROPERTY = "nst.model.mirror";
  /** Environment variable naming the mirror (the property wins). */
  public static final String MIRROR_VARIABLE = "NST_MODEL_MIRROR";

  private static final Pattern URL_SCHEME = Pattern.compile("(?i)(https?|file):.*");

  private final Path cacheDir;
  private final URI mirror;
  private final boolean offline;
  private final DownloadListener listener;
  private final HttpSource.Settings http;
  private final Fingerprints fingerprints;

  private ModelStore(Builder b) {
    cacheDir = b.cacheDir.toAbsolutePath().normalize();
    mirror = b.mirror;
    offline = b.offline;
    listener = b.listener;
    http = new HttpSource.Settings(b.client, b.connectTimeout, b.requestTimeout, b.readTimeout, b.attempts,
        b.retryDelay);
    fingerprints = new Fingerprints(cacheDir);
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

  /**
   * True when every file of the model is in the cache with its published size and checksums. A
   * file that matches the store's record of its verification is trusted without reading it; any
   * other file of the right size is read and checked (once: a good one is recorded). Files that
   * fail are left alone here; {@link #fetch} replaces them and {@link #verify} deletes them.
   */
  public boolean isCached(ModelSpec spec) {
    return spec.files().stream().allMatch(f -> cached(path(spec, f), f));
  }

  /** Bytes of the model's files that are in the cache, checked as by {@link #isCached}. */
  public long cachedBytes(ModelSpec spec) {
    long sum = 0;
    for (ModelFile f : spec.files()) {
      if (cached(path(spec, f), f)) {
        sum += f.size();
      }
    }
    return sum;
  }

  /**
   * Makes sure every file of the model is in the cache, fetching what is missing or fails its
   * checks, and returns the path of the file its loader opens ({@link ModelSpec#entryFile()}).
   *
   * @throws ModelIntegrityException when a source delivered a file with the wrong size or
   *     checksum (and no other source delivered a good one); the bad file is deleted
   * @throws ModelDownloadException when the files cannot be fetched or stored; the message says
   *     what was tried and how to get the weights another way
   */
  public Path fetch(ModelSpec spec) {
    List<ModelFile> missing = new ArrayList<>();
    for (ModelFile f : spec.files()) {
      if (!cached(path(spec, f), f)) {
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
      HttpSource source = new HttpSource(http);
      for (int i = 0; i < missing.size(); i++) {
        fetchFile(source, spec, missing.get(i), i + 1, missing.size());
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
   * reads them whole, whatever the records say). A file that fails is deleted, so that the next
   * {@link #fetch} gets it again instead of a loader reading garbage.
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
        problem = fingerprints.verify(p, f);
      } catch (IOException e) {
        problem = "cannot be read (" + e.getMessage() + ")";
      }
      if (problem == null) {
        out.add(new FileCheck(f, p, FileCheck.Status.OK, ""));
      } else {
        deleteQuietly(p);
        fingerprints.forget(p);
        out.add(new FileCheck(f, p, FileCheck.Status.CORRUPT, problem + "; deleted"));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------

  /** In the cache and right: by its record, or else by reading it (which records a good file). */
  private boolean cached(Path p, ModelFile f) {
    if (!hasPublishedSize(p, f)) {
      return false;
    }
    if (fingerprints.matches(p, f)) {
      return true;
    }
    try {
      return fingerprints.verify(p, f) == null;
    } catch (IOException e) {
      return false;
    }
  }

  private void fetchFile(HttpSource source, ModelSpec spec, ModelFile f, int index, int count) {
    Path dir = directory(spec);
    Path target = dir.resolve(f.name());
    try (LockFile lock = LockFile.acquire(dir.resolve("." + f.name() + ".lock"))) {
      // Another fetcher that brought the file while we waited has recorded it; a file without a
      // matching record failed its check in fetch() and is replaced.
      if (hasPublishedSize(target, f) && fingerprints.matches(target, f)) {
        return;
      }
      // Under the lock the partial file has a fixed name, so a later attempt can resume it;
      // where the file system cannot lock, each attempt uses a file of its own.
      Path part = lock.exclusive() ? dir.resolve(f.name() + ".part")
          : Files.createTempFile(dir, "." + f.name() + ".", ".part");
      try {
        download(source, spec, f, part, target, index, count);
      } finally {
        if (!lock.exclusive()) {
          deleteQuietly(part);
        }
      }
    } catch (InterruptedIOException e) {
      throw new ModelDownloadException(e.getMessage(), e);
    } catch (IOException e) {
      throw notWritable(dir, e);
    }
  }

  private void download(HttpSource http, ModelSpec spec, ModelFile f, Path part, Path target, int index, int count) {
    List<String> failures = new ArrayList<>();
    boolean integrity = false;
    for (URI source : sources(spec, f, failures)) {
      PartFile partFile = new PartFile(part, f, done -> report(spec, f, source, index, count, done, false));
      try {
        if ("file".equalsIgnoreCase(source.getScheme())) {
          copyFromDirectory(Path.of(source), f, partFile);
        } else {
          httpDownload(http, source, f, partFile);
        }
        moveIntoPlace(part, target, f);
        report(spec, f, source, index, count, f.size(), true);
        return;
      } catch (SourceFailure e) {
        failures.add(source + ": " + e.getMessage());
        integrity |= e.integrity();
      }
    }
    String message = "cannot get " + f.name() + " of model '" + spec.name() + "' into the cache:\n  - "
        + String.join("\n  - ", failures) + "\n" + howToGet(spec, f, target);
    throw integrity ? new ModelIntegrityException(message) : new ModelDownloadException(message);
  }

  private void report(ModelSpec spec, ModelFile f, URI source, int index, int count, long done, boolean finished) {
    listener.onProgress(new DownloadProgress(spec.name(), f.name(), source, done, f.size(), index, count, finished));
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

  private static void copyFromDirectory(Path source, ModelFile f, PartFile part) throws SourceFailure {
    if (!Files.exists(source)) {
      throw new SourceFailure("not in the mirror (no file " + source + ")", false);
    }
    String problem = RegularFiles.problem(source);
    if (problem != null) {
      throw new SourceFailure("the mirror's " + source + " " + problem, false);
    }
    try {
      long size = Files.size(source);
      if (size != f.size()) {
        throw new SourceFailure("has " + size + " bytes but the published size is " + f.size(), true);
      }
      try (InputStream in = Files.newInputStream(source)) {
        part.write(in, false);
      }
      part.finish();
    } catch (IOException e) {
      throw new SourceFailure("cannot read it (" + e.getMessage() + ")", false);
    }
  }

  /**
   * Downloads into the partial file, resuming what an earlier attempt left there. Broken
   * connections, ranges and status codes are the source's business.
   */
  private static void httpDownload(HttpSource source, URI url, ModelFile f, PartFile part) throws SourceFailure {
    long have = part.resume();
    if (have < f.size()) {
      try (HttpSource.Body body = source.open(url, have, f.size())) {
        part.write(body, body.start() > 0); // from 0 when the server ignored the range
      } catch (HttpSource.Failure e) {
        if (e.wrongContent()) {
          part.delete();
        }
        throw new SourceFailure(e.getMessage(), e.wrongContent());
      } catch (InterruptedIOException e) {
        throw new ModelDownloadException("interrupted while downloading " + url
            + "; the partial file is kept and the next attempt resumes it", e);
      } catch (IOException e) {
        throw new SourceFailure("cannot read it (" + HttpSource.describe(e) + ")", false);
      }
    }
    part.finish();
  }

  /** Renames the verified {@code part} to {@code target} and records it as verified. */
  private void moveIntoPlace(Path part, Path target, ModelFile f) {
    try {
      String stamp = fingerprints.stamp(part, f);
      try {
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
      }
      fingerprints.save(target, stamp);
    } catch (IOException e) {
      throw notWritable(target.getParent(), e);
    }
  }

  static ModelDownloadException notWritable(Path dir, IOException e) {
    return new ModelDownloadException("cannot write to the model cache " + dir + " (" + HttpSource.describe(e)
        + "); point " + CACHE_DIR_VARIABLE + " (or -D" + CACHE_DIR_PROPERTY
        + ") at a writable directory with enough free space", e);
  }

  private static boolean hasPublishedSize(Path p, ModelFile f) {
    try {
      return Files.isRegularFile(p) && Files.size(p) == f.size();
    } catch (IOException e) {
      return false;
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

    /** Where models are kept (default: as described in the class comment). */
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

    /** Forbids every HTTP request, to the mirror as well; a directory mirror still works. */
    public Builder offline(boolean value) {
      offline = value;
      return this;
    }

    /** Receives the progress of downloads and mirror copies (default: none). */
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

    /** Time allowed to open a connection, for the default HTTP client only (default 30 s). */
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

    /** The store with these settings. */
    public ModelStore build() {
      return new ModelStore(this);
    }
  }
}
