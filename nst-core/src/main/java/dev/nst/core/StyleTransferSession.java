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
 * A session holds native resources: close it. Not thread-safe: runs of one session take turns;
 * open one session per worker to run in parallel.
 */
public final class StyleTransferSession implements AutoCloseable {
  private final Settings settings;
  private final Network network;
  private final List<TransferRun.LoadedStyle> styles;
  /** Style targets by output size: computing them costs a forward pass per style image. */
  private final Cache<String, List<ObjectiveSpec.StyleTarget>> styleTargets =
      CacheBuilder.newBuilder().maximumSize(8).build();
  private Backend backend;
  private FeatureExtractor extractor;
  private boolean closed;

  StyleTransferSession(Settings settings) {
    this.settings = settings;
    this.network = settings.model().load().truncatedAfter(settings.layers().names());
    List<TransferRun.LoadedStyle> loaded = new ArrayList<>();
    for (Settings.StyleImage s : settings.styles()) {
      loaded.add(new TransferRun.LoadedStyle(s.image().load(), s.blendWeight(),
          s.regionMask() == null ? null : s.regionMask().load()));
    }
    this.styles = List.copyOf(loaded);
  }

  /**
   * Runs with this session's settings changed by {@code changes}, typically another content image
   * and output: {@code session.run(b -> b.content(photo).output(file))}. What the session has
   * fixed (model, pooling, layers, style images, style scale, backend, device and threads) must
   * stay as it is.
   *
   * @throws IllegalArgumentException when {@code changes} touches what the session has fixed
   * @throws IllegalStateException after {@link #close}
   */
  public StyleTransferResult run(UnaryOperator<StyleTransfer.Builder> changes) {
    checkNotNull(changes, "changes");
    StyleTransfer.Builder builder = new StyleTransfer(settings).toBuilder();
    Settings s = Objects.requireNonNull(changes.apply(builder), "changes returned null").build().settings();
    checkArgument(s.model().equals(settings.model()) && s.pooling() == settings.pooling()
            && s.layers().equals(settings.layers()) && s.styles().equals(settings.styles())
            && s.schedule().styleScale() == settings.schedule().styleScale()
            && Objects.equals(s.execution().backend(), settings.execution().backend())
            && s.execution().device() == settings.execution().device()
            && s.execution().threads() == settings.execution().threads(),
        "a session keeps its model, pooling, layers, style images, style scale, backend, device and threads; "
            + "open another session (StyleTransfer.open()) to change them");
    return run(s);
  }

  /** Stylises {@code content} with the session's settings and writes the result to {@code output}. */
  public StyleTransferResult run(Path content, Path output) {
    checkNotNull(content, "content");
    checkNotNull(output, "output");
    return run(b -> b.content(content).output(output));
  }

  StyleTransferResult run(Settings s) {
    if (closed) {
      throw new IllegalStateException("this style transfer session is closed; open another with StyleTransfer.open()");
    }
    return new TransferRun(s, this).run();
  }

  Network network() {
    return network;
  }

  /**
   * The input convention of the session's network: how images map to the values that image
   * losses ({@link dev.nst.api.ImageLoss}) see, for callers that build such a loss from images
   * (the temporal term of video style transfer).
   *
   * @return the loaded network's convention
   */
  public InputConvention inputConvention() {
    return network.inputConvention();
  }

  List<TransferRun.LoadedStyle> styles() {
    return styles;
  }

  /** The backend, opened on first use so that bad input is found before its cost. */
  Backend backend() {
    if (backend == null) {
      backend = Backends.select(settings.execution().backend()).open(settings.execution().backendOptions());
      try {
        extractor = backend.featureExtractor(network, settings.pooling());
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
    try {
      return styleTargets.get(key, compute::get);
    } catch (ExecutionException | com.google.common.util.concurrent.UncheckedExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** Closes the backend; harmless when called twice. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    styleTargets.invalidateAll();
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
