package dev.nst.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.nst.api.CancellationToken;
import dev.nst.api.ContentLoss;
import dev.nst.api.ImageLoss;
import dev.nst.api.DivergenceException;
import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.LossNormalization;
import dev.nst.api.Network;
import dev.nst.api.NumericalFailureException;
import dev.nst.api.Optimizer;
import dev.nst.api.PaddingMode;
import dev.nst.api.Pooling;
import dev.nst.api.ProgressListener;
import dev.nst.api.StyleLoss;
import dev.nst.api.StyleLossKind;
import dev.nst.api.TotalVariationLoss;
import dev.nst.api.spi.Device;
import dev.nst.core.color.ColorControl;
import dev.nst.core.image.Images;
import dev.nst.core.image.OutputFiles;
import dev.nst.core.model.ModelRegistry;
import dev.nst.core.model.ModelSpec;
import dev.nst.core.model.cache.ModelStore;
import dev.nst.core.model.format.ModelFiles;
import dev.nst.core.optim.Lbfgs;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Neural style transfer (Gatys et al.): the entry point of nst.
 *
 * <pre>{@code
 * StyleTransferResult r = StyleTransfer.builder()
 *     .model("vgg19")                  // a registered model, downloaded once into ~/.cache/nst
 *     .content(Path.of("photo.jpg"))
 *     .style(Path.of("painting.jpg"))
 *     .size(512)
 *     .iterations(300)
 *     .build()
 *     .run();
 * }</pre>
 *
 * A configured instance is immutable and may run many times, also from several threads; each
 * run opens (and closes) its own backend. Many runs with the same model and styles share one
 * backend and the style targets through a session ({@link #open()}).
 */
public final class StyleTransfer {
  /** The classic choice of Gatys et al. for VGG networks. */
  public static final List<LayerWeight> DEFAULT_CONTENT_LAYERS = List.of(new LayerWeight("relu4_2", 1.0));

  /** The classic choice of Gatys et al. for VGG networks: the first ReLU of each block, 0.2 each. */
  public static final List<LayerWeight> DEFAULT_STYLE_LAYERS = List.of(
      new LayerWeight("relu1_1", 0.2), new LayerWeight("relu2_1", 0.2), new LayerWeight("relu3_1", 0.2),
      new LayerWeight("relu4_1", 0.2), new LayerWeight("relu5_1", 0.2));

  private final Settings settings;

  StyleTransfer(Settings settings) {
    this.settings = settings;
  }

  /**
   * Starts a configuration.
   *
   * @return a builder with the defaults documented on its setters
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this configuration, to derive another from it; changes to the builder
   * leave this instance as it is. {@code toBuilder().build()} behaves exactly as this instance.
   *
   * @return a new builder pre-filled with every setting of this instance
   */
  public Builder toBuilder() {
    return new Builder(settings);
  }

  /** The validated configuration. */
  Settings settings() {
    return settings;
  }

  /**
   * Runs the optimisation and returns the image and its history. Bad input fails before the work:
   * the output's folder before the model loads, image sizes before the backend opens.
   *
   * @return the stylised image, the loss history and timings
   * @throws dev.nst.api.BadImageException for an unreadable image, one too small for the network, an unwritable output
   * @throws dev.nst.api.MemoryBudgetException if the size does not fit the heap or the memory budget
   * @throws NumericalFailureException if the loss or its gradient becomes NaN or infinite
   * @throws DivergenceException if the loss diverges (stays far above its best; docs/reliability.md has the rule):
   *     the learning rate is too large
   */
  public StyleTransferResult run() {
    settings.output().checkWritable();
    try (StyleTransferSession session = open()) {
      return session.run(settings);
    }
  }

  /**
   * Loads the model and the style images once for many runs that differ in their content image
   * (and output, start image, listeners...); the backend opens with the first run. See
   * {@link StyleTransferSession}. This configuration's content image is only the default of runs
   * that do not set their own.
   *
   * @return a session to close when done
   */
  public StyleTransferSession open() {
    return new StyleTransferSession(settings);
  }

  /** Configures a {@link StyleTransfer}; every setter validates its argument at once. */
  public static final class Builder {
    ImageSource content;
    final List<Settings.StyleImage> styles = new ArrayList<>();
    ColorControl colorControl = ColorControl.NONE;
    ModelSource model;
    ModelStore modelStore;
    Pooling pooling = Pooling.MAX;
    List<LayerWeight> contentLayers;
    List<LayerWeight> styleLayers;
    double alpha = 10;
    double beta = 40;
    double gamma = 0;
    LossNormalization normalization = LossNormalization.CLASSIC;
    boolean normalizeGradients;
    boolean resolutionInvariant;
    ContentLoss contentLoss;
    StyleLoss styleLoss;
    TotalVariationLoss tvLoss;
    int size = 512;
    int iterations = 300;
    Scales scales;
    double styleScale = 1.0;
    Init init = Init.content();
    long seed = 0;
    Optimizer optimizer = Lbfgs.defaults();
    Path output;
    int saveEvery;
    float jpegQuality = Images.DEFAULT_JPEG_QUALITY;
    String backendName;
    Device device = Device.AUTO;
    int deviceIndex;
    int threads;
    long memoryLimit = MemoryEstimate.defaultLimit();
    int tileSize;
    final Map<String, ImageLoss> imageLosses = new LinkedHashMap<>();
    final List<ProgressListener> listeners = new ArrayList<>();
    CancellationToken cancellation;
    PaddingMode padding = PaddingMode.ZEROS;
    StyleLossKind styleLossKind = StyleLossKind.GRAM;
    double averageDecay;
    boolean progressive;
    double styleLayerDecay;

    private Builder() {}

    /** Pre-filled from {@code s}: choices the model made (its default layers) stay the model's. */
    private Builder(Settings s) {
      SettingsMapping.fill(this, s);
    }

    /**
     * The memory budget of a run in bytes, heap and native: larger images run in exact tiles, and
     * what cannot fit is refused before the work (docs/guide.md, "Large images"). The Java heap
     * counts at its limit ({@code -Xmx}), which a busy heap grows toward, up to half the budget:
     * the budget holds for a JVM whose {@code -Xmx} is at most half of it. Default
     * {@link MemoryEstimate#defaultLimit()}; 0 evaluates untiled whatever the size.
     */
    public Builder memoryLimit(long bytes) {
      checkArgument(bytes >= 0, "memoryLimit must be >= 0 (0 = no check), got %s", bytes);
      memoryLimit = bytes;
      return this;
    }

    /**
     * Reproduces a well-known implementation's loss normalisation, weights, layers, style loss and
     * optimisation (see {@link Preset}); later setters override single values.
     */
    public Builder preset(Preset p) {
      checkNotNull(p, "preset").applyTo(this);
      return this;
    }

    /** The kind of style loss (default {@link StyleLossKind#GRAM}; see {@link StyleLossKind}). */
    public Builder styleLoss(StyleLossKind kind) {
      styleLossKind = checkNotNull(kind, "styleLoss");
      return this;
    }

    /** How the network's first convolution pads the image (default {@link PaddingMode#ZEROS}). */
    public Builder padding(PaddingMode mode) {
      padding = checkNotNull(mode, "padding");
      return this;
    }

    /** Each scale returns the moving average of its iterates with this decay (e.g. 0.99); 0 (default): the best. */
    public Builder averageIterates(double decay) {
      checkArgument(decay >= 0 && decay < 1, "the averaging decay must be in [0, 1), got %s", decay);
      averageDecay = decay;
      return this;
    }

    /**
     * jcjohnson/neural-style's {@code -normalize_gradients}: each term's gradient at its layer is
     * divided by its L1 norm before its weight applies (default false).
     */
    public Builder normalizeGradients(boolean on) {
      normalizeGradients = on;
      return this;
    }

    /** The loss normalisation (default {@link LossNormalization#CLASSIC}). */
    public Builder normalization(LossNormalization n) {
      normalization = checkNotNull(n, "normalization");
      return this;
    }

    /** Colour control (Gatys et al. 2017); default {@link ColorControl#NONE}. */
    public Builder colorControl(ColorControl c) {
      colorControl = checkNotNull(c, "colorControl");
      return this;
    }

    /**
     * Coarse-to-fine: optimise at each long side in turn, each scale starting from the previous
     * result upsampled. Overrides {@link #size} and {@link #iterations}.
     */
    public Builder scales(Scales s) {
      scales = checkNotNull(s, "scales");
      return this;
    }

    /**
     * Divides the TV weight by the number of image values (3 H W), so that the same gamma
     * smooths the same amount at every output size; the content and style terms of the classic
     * normalisation are already averages. Default false (the reference semantics).
     */
    public Builder resolutionInvariant(boolean on) {
      resolutionInvariant = on;
      return this;
    }

    /** The content image, read from this file when the run starts. */
    public Builder content(Path file) {
      content = new ImageSource.FromFile(checkNotNull(file, "content"));
      return this;
    }

    /** The content image, in memory. */
    public Builder content(BufferedImage image) {
      content = new ImageSource.InMemory(checkNotNull(image, "content"));
      return this;
    }

    /** Adds a style image with blend weight 1. */
    public Builder style(Path file) {
      return style(file, 1.0);
    }

    /** Adds a style image; several styles blend their Gram targets by these weights. */
    public Builder style(Path file, double blendWeight) {
      return addStyle(new ImageSource.FromFile(checkNotNull(file, "style")), blendWeight, null);
    }

    /** Adds a style image in memory with blend weight 1. */
    public Builder style(BufferedImage image) {
      return style(image, 1.0);
    }

    /** Adds a style image in memory; several styles blend their Gram targets by these weights. */
    public Builder style(BufferedImage image, double blendWeight) {
      return addStyle(new ImageSource.InMemory(checkNotNull(image, "style")), blendWeight, null);
    }

    /**
     * Spatial control (Gatys et al. 2017): adds a style image applied only where
     * {@code regionMask} is bright. The mask is a grey image over the content (any size; it is
     * scaled to the output and, with soft edges, to every style layer). Styles added without a
     * mask cover the whole image.
     */
    public Builder style(Path file, double weight, Path regionMask) {
      return addStyle(new ImageSource.FromFile(checkNotNull(file, "style")), weight,
          new ImageSource.FromFile(checkNotNull(regionMask, "regionMask")));
    }

    /** {@link #style(Path, double, Path)} with images in memory. */
    public Builder style(BufferedImage image, double weight, BufferedImage regionMask) {
      return addStyle(new ImageSource.InMemory(checkNotNull(image, "style")), weight,
          new ImageSource.InMemory(checkNotNull(regionMask, "regionMask")));
    }

    /** Removes the style images added so far: a configuration from {@code toBuilder()} with other styles. */
    public Builder clearStyles() {
      styles.clear();
      return this;
    }

    private Builder addStyle(ImageSource image, double weight, ImageSource regionMask) {
      styles.add(new Settings.StyleImage(image, weight, regionMask));
      return this;
    }

    /** The feature network, already loaded. Replaces any model set before. */
    public Builder model(Network loaded) {
      model = new ModelSource.Loaded(checkNotNull(loaded, "network"));
      return this;
    }

    /**
     * A model file in the input convention usual for its format ({@link ModelFiles#conventionFor}:
     * ONNX torch, Keras .h5 caffe, TF.js unit). Replaces any model set before.
     */
    public Builder model(Path file) {
      return model(file, ModelFiles.conventionFor(checkNotNull(file, "model file")));
    }

    /**
     * A registered model by name ({@link ModelRegistry#builtIn()}: "vgg19", "vgg16",
     * "darknet-tiny"), fetched into the model cache when the run starts if it is not there yet.
     * Unless content or style layers are set, the model's own default layers are used. Replaces
     * any model set before.
     *
     * @throws dev.nst.api.ModelLoadException naming the known models when none has this name
     */
    public Builder model(String registeredName) {
      return model(ModelRegistry.builtIn().get(checkNotNull(registeredName, "model name")));
    }

    /**
     * A model described by {@code spec}, e.g. one of an application's own registry. Unless
     * content or style layers are set, the spec's default layers are used. Replaces any model set
     * before.
     */
    public Builder model(ModelSpec spec) {
      model = new ModelSource.Registered(checkNotNull(spec, "model spec"), null);
      return this;
    }

    /**
     * Where registered models are cached and fetched from (default:
     * {@link ModelStore#fromEnvironment()}, i.e. ~/.cache/nst, NST_CACHE_DIR, NST_MODEL_MIRROR,
     * NST_OFFLINE); also the place to attach a download progress listener.
     */
    public Builder modelStore(ModelStore store) {
      modelStore = checkNotNull(store, "model store");
      return this;
    }

    /**
     * A model file, ONNX, Keras {@code .h5} or TF.js {@code model.json} (see {@link ModelFiles}), with the input
     * convention its weights expect; loaded when the run starts. Replaces any model set before.
     */
    public Builder model(Path modelFile, InputConvention convention) {
      model = new ModelSource.File(checkNotNull(modelFile, "model file"), checkNotNull(convention, "convention"));
      return this;
    }

    /**
     * Long side of the output in pixels (default 512); the content keeps its aspect ratio. Above
     * {@value Scales#LARGE_SIZE} px the run goes coarse to fine unless {@link #scales} is set
     * ({@link Scales#forSize}), and images too large for the memory budget are evaluated in exact
     * tiles ({@link #memoryLimit}).
     */
    public Builder size(int longSide) {
      checkArgument(longSide >= 1, "size must be positive, got %s", longSide);
      size = longSide;
      return this;
    }

    /** Long side of the style images relative to the output size (default 1). */
    public Builder styleScale(double scale) {
      checkArgument(scale > 0 && Double.isFinite(scale), "style scale must be positive, got %s", scale);
      styleScale = scale;
      return this;
    }

    /** Content layers and their weights (default: the model's own, else {@link #DEFAULT_CONTENT_LAYERS}). */
    public Builder contentLayers(List<LayerWeight> layers) {
      contentLayers = Settings.FeatureLayers.require(layers, "content");
      return this;
    }

    /** Content layers with equal weights 1. */
    public Builder contentLayers(String... layers) {
      return contentLayers(Settings.FeatureLayers.weighted(layers, 1.0));
    }

    /** Style layers and their weights (default: the model's own, else {@link #DEFAULT_STYLE_LAYERS}). */
    public Builder styleLayers(List<LayerWeight> layers) {
      styleLayers = Settings.FeatureLayers.require(layers, "style");
      return this;
    }

    /** Style layers with equal weights summing to 1. */
    public Builder styleLayers(String... layers) {
      return styleLayers(Settings.FeatureLayers.weighted(layers, 1.0 / Math.max(1, layers.length)));
    }

    /** Content weight (default 10). */
    public Builder alpha(double v) {
      alpha = nonNegative(v, "alpha");
      return this;
    }

    /** Style weight (default 40). */
    public Builder beta(double v) {
      beta = nonNegative(v, "beta");
      return this;
    }

    /** Total-variation weight (default 0). */
    public Builder gamma(double v) {
      gamma = nonNegative(v, "gamma");
      return this;
    }

    private static double nonNegative(double v, String name) {
      checkArgument(v >= 0 && Double.isFinite(v), "%s must be finite and >= 0, got %s", name, v);
      return v;
    }

    /** Pooling of the network (default {@link Pooling#MAX}; average pooling gives smoother results). */
    public Builder pooling(Pooling p) {
      pooling = checkNotNull(p, "pooling");
      return this;
    }

    /** Where the optimisation starts (default {@link Init#content()}). */
    public Builder init(Init i) {
      init = checkNotNull(i, "init");
      return this;
    }

    /** Seed for noise initialisation and anything else random (default 0). */
    public Builder seed(long s) {
      seed = s;
      return this;
    }

    /** The optimiser (default {@link Lbfgs#defaults()}). */
    public Builder optimizer(Optimizer o) {
      optimizer = checkNotNull(o, "optimizer");
      return this;
    }

    /** Number of iterations, one objective evaluation each (default 300). */
    public Builder iterations(int n) {
      checkArgument(n >= 1, "iterations must be >= 1, got %s", n);
      iterations = n;
      return this;
    }

    /** Adds a listener told after every iteration, on the thread that runs. */
    public Builder listener(ProgressListener l) {
      listeners.add(checkNotNull(l, "listener"));
      return this;
    }

    /** A token checked after every iteration; once cancelled, the run returns its best image so far. */
    public Builder cancellation(CancellationToken token) {
      cancellation = checkNotNull(token, "token");
      return this;
    }

    /**
     * Also write the final image here, atomically; a .png, .jpg or .jpeg name (checked here), in a folder
     * checked before the model loads. A run that fails after it had a good image (NaN, divergence, backend
     * failure, heap exhausted) writes that image here, made as a finished run's (colour control included),
     * and its exception's message ends "wrote the best image so far (iteration N) to FILE".
     */
    public Builder output(Path file) {
      checkNotNull(file, "output");
      OutputFiles.formatProblem(file).ifPresent(p -> {
        throw new IllegalArgumentException("cannot write the output image " + file + ": " + p);
      });
      output = file;
      return this;
    }

    /**
     * Writes the current image every {@code n} iterations next to the output, as
     * {@code name_iter<N>.png}. Needs {@link #output(Path)}.
     */
    public Builder saveEvery(int n) {
      checkArgument(n >= 0, "saveEvery must be >= 0, got %s", n);
      saveEvery = n;
      return this;
    }

    /** The quality of a JPEG output, ImageIO's scale: above 0 up to 1 (default 0.95); PNG ignores it. */
    public Builder jpegQuality(float quality) {
      checkArgument(quality > 0 && quality <= 1, "JPEG quality must be above 0 and at most 1, got %s", quality);
      jpegQuality = quality;
      return this;
    }

    /** Backend by name ("onnx", "nd4j"); default: system property nst.backend, NST_BACKEND, then the best available. */
    public Builder backend(String name) {
      backendName = checkNotNull(name, "backend");
      return this;
    }

    /** The device to run on (default {@link Device#AUTO}: a GPU when the backend reports one), its first GPU. */
    public Builder device(Device d) {
      return device(d, 0);
    }

    /**
     * The device to run on and, for a GPU, which one (CUDA's numbering, 0 first): each worker of a
     * machine with several GPUs, or a Spark task, on the GPU it was given.
     */
    public Builder device(Device d, int gpuIndex) {
      checkArgument(gpuIndex >= 0 && (d != Device.CPU || gpuIndex == 0),
          "the GPU index must be >= 0, and 0 for the CPU, got %s for %s", gpuIndex, d);
      device = checkNotNull(d, "device");
      deviceIndex = gpuIndex;
      return this;
    }

    /** Intra-op threads of the backend; 0 (default) uses every core. */
    public Builder threads(int n) {
      checkArgument(n >= 0, "threads must be >= 0, got %s", n);
      threads = n;
      return this;
    }

    /**
     * Evaluates images larger than {@code maxSide} pixels along either side in exact tiles of at
     * most {@code maxSide} x {@code maxSide} (the result is the same as untiled; see
     * {@link dev.nst.core.tile.TileLayout}); 0 (default) tiles only when the memory budget asks
     * for it. Smaller tiles use less memory and repeat more work in their halos.
     */
    public Builder tileSize(int maxSide) {
      checkArgument(maxSide >= 0, "tileSize must be >= 0 (0 = as the memory budget needs), got %s", maxSide);
      tileSize = maxSide;
      return this;
    }

    /**
     * Adds a loss on the image itself (pixel space, the network's input space), evaluated on the
     * host after the objective, compiled or not, tiled or not: a temporal term for video, a
     * colour prior. Its value shows in {@link dev.nst.api.LossBreakdown#imageLosses()} under
     * {@code name}; a second loss of the same name replaces the first.
     */
    public Builder imageLoss(String name, ImageLoss loss) {
      imageLosses.put(checkNotNull(name, "name"), checkNotNull(loss, "loss"));
      return this;
    }

    /** A custom content loss; runs on the host over level-1 features. */
    public Builder contentLoss(ContentLoss l) {
      contentLoss = checkNotNull(l, "contentLoss");
      return this;
    }

    /** A custom style loss; runs on the host over level-1 features. */
    public Builder styleLoss(StyleLoss l) {
      styleLoss = checkNotNull(l, "styleLoss");
      return this;
    }

    /** A custom total-variation loss; runs on the host. */
    public Builder totalVariationLoss(TotalVariationLoss l) {
      tvLoss = checkNotNull(l, "totalVariationLoss");
      return this;
    }

    /**
     * Checks the settings together and freezes them; the builder may go on to build others.
     *
     * @return the configured transfer
     * @throws IllegalStateException naming the call that is missing
     */
    public StyleTransfer build() {
      checkState(content != null, "no content image: call content(path) or content(image)");
      checkState(!styles.isEmpty(), "no style image: call style(path) or style(image) at least once");
      checkState(model != null, "no model: call model(\"%s\") for a registered model, model(path to a model file) "
          + "or model(network)", ModelRegistry.DEFAULT_MODEL);
      checkState(saveEvery == 0 || output != null,
          "saveEvery needs output(path) to know where to write the snapshots");
      return new StyleTransfer(SettingsMapping.settings(this));
    }
  }
}
