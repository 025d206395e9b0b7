package dev.nst.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.Network;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.spi.Backend;
import dev.nst.core.backend.Backends;
import dev.nst.core.color.ColorControl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Many runs that share a model, a backend and style images: the network is loaded, the backend
 * opened and each style's targets computed once, then every {@link #run} only brings its own
 * content image (and output, start image, listeners...). For folders of photos, video frames and
 * services.
 *
 * <pre>{@code
 * try (StyleTransferSession session = StyleTransfer.builder()
 *     .model("vgg19").style(Path.of("painting.jpg")).size(512).build().open()) {
 *   for (Path photo : photos) {
 *     session.run(b -> b.content(photo).output(out.resolve(photo.getFileName())));
 *   }
 * }
 * }</pre>
 *
 * A run may also bring other style images ({@code b.clearStyles().style(other)}): the session
 * loads each set of style images once and computes its targets once per output size.
 *
 * <p>A session holds native resources: close it. Not thread-safe: runs of one session take turns.
 * To run in parallel, give each worker thread a {@link #fork}: forks share the loaded network,
 * the style images and their targets (each computed once for all of them), and each opens a
 * backend of its own.
 */
public final class StyleTransferSession implements AutoCloseable {
  private final Settings settings;
  private final Shared shared;
  /** Optimiser arrays lent to this session's runs, one after another (not shared with forks). */
  private final WorkArrays workArrays = new WorkArrays();
  private Backend backend;
  private FeatureExtractor extractor;
  private boolean closed;

  /**
   * What a session and its forks share; thread-safe, as forks run on several threads.
   *
   * @param network the loaded network, truncated to the layers the losses read
   * @param styleImages loaded style images by the style settings that name them
   * @param styleTargets style targets by style images and output size: computing them costs a
   *     forward pass per style image
   */
  private record Shared(Network network, Cache<List<Settings.StyleImage>, List<TransferRun.LoadedStyle>> styleImages,
      Cache<TargetKey, List<ObjectiveSpec.StyleTarget>> styleTargets) {}

  /** Style targets are the same for the same style images at the same size (and shape, when guided). */
  private record TargetKey(List<Settings.StyleImage> styles, String size) {}

  StyleTransferSession(Settings settings) {
    this.settings = settings;
    // 16 style sets at once: a batch over many styles works style by style, a few workers apart.
    Cache<List<Settings.StyleImage>, List<TransferRun.LoadedStyle>> images = CacheBuilder.newBuilder().maximumSize(16)
        .build();
    Cache<TargetKey, List<ObjectiveSpec.StyleTarget>> targets = CacheBuilder.newBuilder().maximumSize(16).build();
    // the images first: an unreadable one fails in milliseconds, before a model of hundreds of MB loads
    loadStyles(images, settings);
    this.shared = new Shared(settings.model().load().truncatedAfter(settings.layers().names())
        .withFirstConvolutionPadding(settings.padding()), images, targets);
  }

  private StyleTransferSession(Settings settings, Shared shared) {
    this.settings = settings;
    this.shared = shared;
  }

  /**
   * Runs with this session's settings changed by {@code changes}, typically another content image
   * and output: {@code session.run(b -> b.content(photo).output(file))}. What the session has
   * fixed (model, pooling, padding, style loss, layers, style scale, backend, device and
   * threads) must stay as it is; style images may change.
   *
   * @param changes what this run changes in the session's settings
   * @return the run's image, loss history and timings
   * @throws IllegalArgumentException when {@code changes} touches what the session has fixed
   * @throws IllegalStateException after {@link #close}
   */
  public StyleTransferResult run(UnaryOperator<StyleTransfer.Builder> changes) {
    Settings s = derive(changes);
    checkArgument(sameNetwork(s) && Objects.equals(s.execution().backend(), settings.execution().backend())
            && s.execution().device() == settings.execution().device()
            && s.execution().deviceIndex() == settings.execution().deviceIndex()
            && s.execution().threads() == settings.execution().threads(),
        "a session keeps its model, pooling, padding, style loss, layers, style scale, backend, device and threads; "
            + "open another session (StyleTransfer.open()) or a fork (fork()) to change them");
    return run(s);
  }

  /**
   * Stylises {@code content} with the session's settings and writes the result to {@code output}.
   *
   * @param content the content image file
   * @param output where the result goes (written atomically)
   * @return the run's image, loss history and timings
   */
  public StyleTransferResult run(Path content, Path output) {
    checkNotNull(content, "content");
    checkNotNull(output, "output");
    return run(b -> b.content(content).output(output));
  }

  /**
   * Another session on this one's loaded network that shares its style images and style targets
   * (each computed once for both), with a backend of its own, opened on its first run: one per
   * worker thread. {@code changes} may set the backend, device (another GPU) and threads, and
   * anything a run may change; model, pooling, padding, style loss, layers and style scale stay.
   * Closing either session leaves the other open.
   *
   * @param changes what the fork changes in this session's settings, e.g. {@code b -> b.threads(1)}
   * @return a new session to close when done
   * @throws IllegalArgumentException when {@code changes} touches the model, pooling, padding,
   *     style loss, layers or style scale
   * @throws IllegalStateException after {@link #close}
   */
  public StyleTransferSession fork(UnaryOperator<StyleTransfer.Builder> changes) {
    Settings s = derive(changes);
    checkArgument(sameNetwork(s), "a fork keeps its session's model, pooling, padding, style loss, layers and "
        + "style scale; open another session (StyleTransfer.open()) to change them");
    StyleTransferSession fork = new StyleTransferSession(s, shared);
    fork.styles(s);
    return fork;
  }

  private Settings derive(UnaryOperator<StyleTransfer.Builder> changes) {
    checkNotNull(changes, "changes");
    requireOpen();
    StyleTransfer.Builder builder = new StyleTransfer(settings).toBuilder();
    return Objects.requireNonNull(changes.apply(builder), "changes returned null").build().settings();
  }

  /** True when {@code s} runs on the network and style scale this session shares with its forks. */
  private boolean sameNetwork(Settings s) {
    return s.model().equals(settings.model()) && s.pooling() == settings.pooling()
        && s.padding() == settings.padding() && s.losses().styleLoss() == settings.losses().styleLoss()
        && s.layers().equals(settings.layers())
        && s.schedule().styleScale() == settings.schedule().styleScale();
  }

  StyleTransferResult run(Settings s) {
    requireOpen();
    return new TransferRun(s, this).run();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this style transfer session is closed; open another with StyleTransfer.open()");
    }
  }

  /**
   * The input convention of the session's network: how images map to the values that image
   * losses ({@link dev.nst.api.ImageLoss}) see, for callers that build such a loss from images
   * (the temporal term of video style transfer).
   *
   * @return the loaded network's convention
   */
  public InputConvention inputConvention() {
    return shared.network().inputConvention();
  }

  Network network() {
    return shared.network();
  }

  WorkArrays workArrays() {
    return workArrays;
  }

  /** The style images of {@code s}, loaded once for this session and its forks. */
  List<TransferRun.LoadedStyle> styles(Settings s) {
    return loadStyles(shared.styleImages(), s);
  }

  private static List<TransferRun.LoadedStyle> loadStyles(
      Cache<List<Settings.StyleImage>, List<TransferRun.LoadedStyle>> images, Settings s) {
    return cached(images, s.styles(), () -> {
      List<TransferRun.LoadedStyle> loaded = new ArrayList<>();
      for (Settings.StyleImage style : s.styles()) {
        loaded.add(new TransferRun.LoadedStyle(style.image().load(), style.blendWeight(),
            style.regionMask() == null ? null : style.regionMask().load()));
      }
      return List.copyOf(loaded);
    });
  }

  /** The backend, opened on first use so that bad input is found before its cost. */
  Backend backend() {
    if (backend == null) {
      backend = Backends.select(settings.execution().backend()).open(settings.execution().backendOptions());
      try {
        extractor = backend.featureExtractor(shared.network(), settings.pooling());
      } catch (RuntimeException e) {
        backend.close();
        backend = null;
        throw e;
      }
    }
    return backend;
  }

  FeatureExtractor extractor() {
    backend();
    return extractor;
  }

  /**
   * The style targets for an output of {@code height x width} at long side {@code size}, computed
   * once per size unless they depend on the content image (colour control that adapts the style
   * images to the content).
   */
  List<ObjectiveSpec.StyleTarget> styleTargets(Settings s, int size, int height, int width,
      Supplier<List<ObjectiveSpec.StyleTarget>> compute) {
    ColorControl c = s.colorControl();
    if (c == ColorControl.MATCH_STYLE_TO_CONTENT || c == ColorControl.LUMINANCE_ONLY) {
      return compute.get();
    }
    String key = s.guided() ? size + ":" + height + "x" + width : String.valueOf(size);
    return cached(shared.styleTargets(), new TargetKey(s.styles(), key), compute);
  }

  /** The value for {@code key}, computed once (other threads asking for it meanwhile wait for it). */
  private static <K, V> V cached(Cache<K, V> cache, K key, Supplier<V> compute) {
    try {
      return cache.get(key, compute::get);
    } catch (ExecutionException | com.google.common.util.concurrent.UncheckedExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** Closes this session's backend (not its forks'); harmless when called twice. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (extractor != null) {
        extractor.close();
      }
    } finally {
      if (backend != null) {
        backend.close();
      }
    }
  }
}
