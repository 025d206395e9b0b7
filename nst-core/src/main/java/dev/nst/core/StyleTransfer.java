package dev.nst.core;

import dev.nst.api.CancellationToken;
import dev.nst.api.ContentLoss;
import dev.nst.api.DifferentiableFunction;
import dev.nst.api.DivergenceException;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.LossBreakdown;
import dev.nst.api.LossNormalization;
import dev.nst.api.Network;
import dev.nst.api.NstException;
import dev.nst.api.NumericalFailureException;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Optimizer;
import dev.nst.api.Pooling;
import dev.nst.api.ProgressEvent;
import dev.nst.api.ProgressListener;
import dev.nst.api.StyleLoss;
import dev.nst.api.Tensor;
import dev.nst.api.TotalVariationLoss;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.Device;
import dev.nst.core.backend.Backends;
import dev.nst.core.color.ColorControl;
import dev.nst.core.color.Colors;
import dev.nst.core.image.Images;
import dev.nst.core.image.Preprocessing;
import dev.nst.core.loss.ClassicContentLoss;
import dev.nst.core.loss.ClassicStyleLoss;
import dev.nst.core.loss.HostObjective;
import dev.nst.core.loss.Masks;
import dev.nst.core.loss.SquaredTotalVariation;
import dev.nst.core.loss.Targets;
import dev.nst.core.model.format.ModelFiles;
import dev.nst.core.model.ModelRegistry;
import dev.nst.core.model.ModelSpec;
import dev.nst.core.model.cache.ModelStore;
import dev.nst.core.optim.Adam;
import dev.nst.core.optim.Lbfgs;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

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
 * run opens (and closes) its own backend.
 */
public final class StyleTransfer {
  /** The classic choice of Gatys et al. for VGG networks. */
  public static final List<LayerWeight> DEFAULT_CONTENT_LAYERS = List.of(new LayerWeight("relu4_2", 1.0));

  public static final List<LayerWeight> DEFAULT_STYLE_LAYERS = List.of(
      new LayerWeight("relu1_1", 0.2), new LayerWeight("relu2_1", 0.2), new LayerWeight("relu3_1", 0.2),
      new LayerWeight("relu4_1", 0.2), new LayerWeight("relu5_1", 0.2));

  private static final System.Logger LOG = System.getLogger(StyleTransfer.class.getName());

  private final Builder b;

  private StyleTransfer(Builder b) {
    this.b = b;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the optimisation and returns the image and its history.
   *
   * @throws NumericalFailureException if the loss or its gradient becomes NaN or infinite
   * @throws DivergenceException if the loss diverges (stays far above its best; docs/reliability.md has the rule):
   *     the learning rate is too large
   */
  public StyleTransferResult run() {
    long start = System.nanoTime();
    Network full = b.network != null ? b.network
        : b.modelSpec != null ? (b.modelStore != null ? b.modelStore : ModelStore.fromEnvironment()).load(b.modelSpec)
        : ModelFiles.load(b.modelFile, b.modelConvention);
    // A registered model brings the layers known to work with it; the VGG defaults otherwise.
    List<LayerWeight> contentLayers = b.contentLayers != null ? b.contentLayers
        : b.modelSpec != null ? b.modelSpec.contentLayers() : DEFAULT_CONTENT_LAYERS;
    List<LayerWeight> styleLayers = b.styleLayers != null ? b.styleLayers
        : b.modelSpec != null ? b.modelSpec.styleLayers() : DEFAULT_STYLE_LAYERS;
    List<String> needed = new ArrayList<>();
    contentLayers.forEach(l -> needed.add(l.layer()));
    styleLayers.forEach(l -> needed.add(l.layer()));
    Network network = full.truncatedAfter(needed);
    BufferedImage contentOriginal = b.content.load();
    List<BufferedImage> stylesOriginal = new ArrayList<>();
    for (ImageSource src : b.styles) {
      stylesOriginal.add(src.load());
    }
    Scales scales = b.scales != null ? b.scales : Scales.single(b.size, b.iterations);
    for (int size : scales.longSides()) {
      int[] hw = fit(contentOriginal, size);
      network.shapes(hw[0], hw[1]); // a clear message now when an image is too small for the network
      MemoryEstimate.require(network, hw[0], hw[1], b.memoryLimit);
    }

    BackendOptions options = new BackendOptions(b.device, b.threads);
    try (Backend backend = Backends.select(b.backendName).open(options);
        FeatureExtractor fx = backend.featureExtractor(network, b.pooling)) {
      Duration setup = Duration.ofNanos(System.nanoTime() - start);
      Duration optimisation = Duration.ZERO;
      List<LossBreakdown> history = new ArrayList<>();
      BufferedImage current = null;
      boolean cancelled = false;
      boolean compiled = true;
      for (int i = 0; i < scales.longSides().size() && !cancelled; i++) {
        Scale r = optimise(backend, fx, network, contentOriginal, stylesOriginal, scales.longSides().get(i),
            scales.iterations().get(i), current, contentLayers, styleLayers);
        history.addAll(r.history());
        setup = setup.plus(r.setup());
        optimisation = optimisation.plus(r.optimisation());
        current = r.image();
        cancelled = r.cancelled();
        compiled &= r.compiled();
      }
      BufferedImage out = current;
      if (b.colorControl == ColorControl.KEEP_CONTENT_COLORS || b.colorControl == ColorControl.LUMINANCE_ONLY) {
        out = Colors.combineLuminanceAndColor(current, Images.resize(contentOriginal, current.getWidth(), current.getHeight()));
      }
      if (b.output != null) {
        Images.write(out, b.output);
      }
      return new StyleTransferResult(out, history, setup, optimisation, cancelled, backend.description(), compiled,
          scales.longSides());
    }
  }

  /** Height and width of {@code img} scaled to a long side of {@code size}. */
  private static int[] fit(BufferedImage img, int size) {
    int[] wh = Images.fitLongSide(img.getWidth(), img.getHeight(), size);
    return new int[] {wh[1], wh[0]};
  }

  /** One scale's outcome; the image is in working colours (grey in luminance-only mode). */
  private record Scale(BufferedImage image, List<LossBreakdown> history, Duration setup, Duration optimisation,
      boolean cancelled, boolean compiled) {}

  /**
   * Spatial control: one target per style image and layer, each guided by its region mask
   * downsampled (area average, so edges stay soft) to the layer's resolution; a style without a
   * mask covers the whole image. The mean Gram is scaled by the region's coverage so that it
   * compares with the masked Gram (see {@link ObjectiveSpec.StyleTarget}).
   */
  private List<ObjectiveSpec.StyleTarget> guidedTargets(FeatureExtractor fx, Network network, List<Tensor> styles,
      double[] blend, List<BufferedImage> masks, List<LayerWeight> layers, int h, int w) {
    double sum = java.util.Arrays.stream(blend).sum();
    List<ObjectiveSpec.StyleTarget> out = new ArrayList<>();
    for (int i = 0; i < styles.size(); i++) {
      List<ObjectiveSpec.StyleTarget> whole = Targets.style(fx, styles.get(i), layers);
      for (ObjectiveSpec.StyleTarget t : whole) {
        int[] s = network.shapeOf(t.layer(), h, w);
        Tensor mask = masks.get(i) == null ? ones(s[1], s[2]) : maskTensor(masks.get(i), s[1], s[2]);
        float coverage = (float) Masks.coverage(mask);
        float[] g = t.meanGram().toArray();
        for (int k = 0; k < g.length; k++) {
          g[k] *= coverage;
        }
        out.add(new ObjectiveSpec.StyleTarget(t.layer(), t.weight() * blend[i] / sum,
            Tensor.adopt(g, t.meanGram().shape()), mask));
      }
    }
    return out;
  }

  private static Tensor ones(int h, int w) {
    float[] v = new float[h * w];
    java.util.Arrays.fill(v, 1f);
    return Tensor.adopt(v, 1, 1, h, w);
  }

  /** A grey mask image as (1, 1, h, w) weights in 0..1 (white selects), area-averaged to the size. */
  private static Tensor maskTensor(BufferedImage mask, int h, int w) {
    BufferedImage small = Images.resize(mask, w, h);
    float[] v = new float[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = small.getRGB(x, y);
        v[y * w + x] = (((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255)) / (3f * 255f);
      }
    }
    return Tensor.adopt(v, 1, 1, h, w);
  }

  private Scale optimise(Backend backend, FeatureExtractor fx, Network network, BufferedImage contentOriginal,
      List<BufferedImage> stylesOriginal, int size, int iterations, BufferedImage previous,
      List<LayerWeight> contentLayers, List<LayerWeight> styleLayers) {
    List<BufferedImage> masks = new ArrayList<>();
    if (b.styleMasks.stream().anyMatch(java.util.Objects::nonNull)) {
      for (ImageSource m : b.styleMasks) {
        masks.add(m == null ? null : m.load());
      }
    }
    long start = System.nanoTime();
    InputConvention conv = network.inputConvention();
    BufferedImage content = Images.resizeToLongSide(contentOriginal, size);
    int h = content.getHeight();
    int w = content.getWidth();
    int styleSide = Math.max(1, (int) Math.round(size * b.styleScale));
    List<Tensor> styleTensors = new ArrayList<>();
    for (BufferedImage style : stylesOriginal) {
      BufferedImage st = Images.resizeToLongSide(style, styleSide);
      st = switch (b.colorControl) {
        case MATCH_STYLE_TO_CONTENT -> Colors.matchColors(st, content);
        case LUMINANCE_ONLY -> Colors.matchedLuminance(st, content);
        default -> st;
      };
      styleTensors.add(Preprocessing.toTensor(st, conv));
    }
    BufferedImage working = b.colorControl == ColorControl.LUMINANCE_ONLY ? Colors.luminance(content) : content;
    Tensor contentTensor = Preprocessing.toTensor(working, conv);
    List<ObjectiveSpec.ContentTarget> contentTargets = Targets.content(fx, contentTensor, contentLayers);
    double[] blend = b.styleBlendWeights.stream().mapToDouble(Double::doubleValue).toArray();
    List<ObjectiveSpec.StyleTarget> styleTargets = masks.isEmpty()
        ? Targets.style(fx, styleTensors, blend, styleLayers, b.styleLoss)
        : guidedTargets(fx, network, styleTensors, blend, masks, styleLayers, h, w);
    double gamma = b.resolutionInvariant ? b.gamma / (3.0 * h * w) : b.gamma;
    ObjectiveSpec spec = new ObjectiveSpec(contentTargets, styleTargets, b.alpha, b.beta, gamma, b.pooling, h, w,
        b.normalization, b.normalizeGradients);
    Optional<Objective> compiled = b.customLosses() ? Optional.empty() : backend.compile(network, spec);
    try (Objective objective = compiled.orElseGet(() -> b.customLosses()
        ? new HostObjective(fx, spec, b.contentLoss, b.styleLoss, b.tvLoss)
        : HostObjective.classic(fx, spec))) {
      BufferedImage init = previous != null ? Images.resize(previous, w, h) : initialImage(working, h, w);
      float[] x = Preprocessing.toTensor(init, conv).toArray();
      long setupDone = System.nanoTime();
      LOG.log(System.Logger.Level.INFO, "nst: {0}x{1} on {2}, {3} objective, {4} x {5} iterations",
          w, h, backend.description(), compiled.isPresent() ? "compiled" : "host", b.optimizer.name(), iterations);
      Loop loop = new Loop(objective, conv, setupDone, iterations);
      b.optimizer.minimize(loop, x, loop::afterIteration);
      if (loop.failure != null) {
        throw loop.failure;
      }
      BufferedImage out = Preprocessing.toImage(loop.best != null ? loop.best : x, h, w, conv);
      return new Scale(out, loop.history, Duration.ofNanos(setupDone - start),
          Duration.ofNanos(System.nanoTime() - setupDone), loop.cancelled, compiled.isPresent());
    }
  }

  private BufferedImage initialImage(BufferedImage content, int h, int w) {
    if (b.init instanceof Init.Image i) {
      BufferedImage img = Images.resize(i.image(), w, h);
      return b.colorControl == ColorControl.LUMINANCE_ONLY ? Colors.luminance(img) : img;
    }
    if (b.init instanceof Init.Noise) {
      SplittableRandom rnd = new SplittableRandom(b.seed);
      BufferedImage noise = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          noise.setRGB(xx, y, rnd.nextInt(1 << 24));
        }
      }
      return b.colorControl == ColorControl.LUMINANCE_ONLY ? Colors.luminance(noise) : noise;
    }
    return content;
  }

  /**
   * Divergence rule: the run stops with a {@link DivergenceException} when the loss has been above
   * {@value #DIVERGENCE_FACTOR} times the best loss so far, and above the first iteration's loss,
   * for {@value #DIVERGENCE_PATIENCE} iterations in a row (or for {@value #DIVERGENCE_FAST_PATIENCE}
   * when it is also above {@value #DIVERGENCE_FAST_FACTOR} times the best). On the reference
   * problems (docs/reliability.md has the measurements) L-BFGS never rises above 1.1 times its
   * best, and Adam up to 5 times its default learning rate stays under 6 times its best and
   * never above the rule's bound; at 15 times the default it reaches the bound for at most 6
   * iterations in a row. A learning rate that is too large keeps the loss 10 to 10^4 times above
   * the best for as long as the run lasts (Adam, whose steps are bounded by the learning rate), or
   * multiplies it by orders of magnitude per iteration until it overflows (L-BFGS). The
   * first-loss condition keeps the rule quiet near convergence, where the best loss can be so
   * small that rounding noise is a large multiple of it.
   */
  static final double DIVERGENCE_FACTOR = 10;

  /** See {@link #DIVERGENCE_FACTOR}. */
  static final int DIVERGENCE_PATIENCE = 20;

  /**
   * The fast path of the divergence rule: a loss that has also grown past this multiple of the
   * best stops the run after {@value #DIVERGENCE_FAST_PATIENCE} such iterations instead of
   * {@value #DIVERGENCE_PATIENCE}, before it overflows into a NaN (a large learning rate can
   * multiply the loss by 10^16 per iteration).
   */
  static final double DIVERGENCE_FAST_FACTOR = 1e6;

  /** See {@link #DIVERGENCE_FAST_FACTOR}. */
  static final int DIVERGENCE_FAST_PATIENCE = 3;

  private static boolean allFinite(float[] v) {
    for (float f : v) {
      if (!Float.isFinite(f)) {
        return false;
      }
    }
    return true;
  }

  /** "the learning rate of adam (1000.0)": the optimiser and, for nst's own, its learning rate. */
  static String learningRateOf(Optimizer o) {
    if (o instanceof Adam a) {
      return "the learning rate of adam (" + a.learningRate() + ")";
    }
    if (o instanceof Lbfgs l) {
      return "the learning rate of lbfgs (" + l.learningRate() + ")";
    }
    return "the learning rate (step size) of optimizer '" + o.name() + "'";
  }

  /** The function the optimiser sees, and the per-iteration bookkeeping around it. */
  private final class Loop implements DifferentiableFunction {
    private final Objective objective;
    private final InputConvention conv;
    private final long startNanos;
    private final int iterations;
    private final List<LossBreakdown> history = new ArrayList<>();
    private LossBreakdown last;
    private float[] best;
    private double bestValue = Double.POSITIVE_INFINITY;
    private int bestIteration;
    private double firstValue = Double.NaN;
    private int divergingFor;
    private boolean cancelled;
    private NstException failure;

    Loop(Objective objective, InputConvention conv, long startNanos, int iterations) {
      this.objective = objective;
      this.conv = conv;
      this.startNanos = startNanos;
      this.iterations = iterations;
    }

    @Override
    public double evaluate(float[] x, float[] gradient) {
      if (failure != null) {
        java.util.Arrays.fill(gradient, 0f);
        return Double.MAX_VALUE;
      }
      last = objective.evaluate(x, gradient);
      // A gradient can overflow float while the loss (a double) is still finite; the optimisers
      // then stop at once, and without this check the run would end as if it had converged.
      if (!last.isFinite() || !allFinite(gradient)) {
        int[] shape = objective.imageShape();
        String what = last.isFinite() ? "the gradient became infinite or NaN (the loss is " + last.total() + ")"
            : "the loss became " + last.total();
        failure = new NumericalFailureException(what + " at iteration " + (history.size() + 1)
            + "; lower the learning rate or the loss weights (the exception holds the last good image)",
            best == null ? null : Tensor.of(best, shape));
        // A zero gradient stops the optimiser from moving; the callback then ends the run.
        java.util.Arrays.fill(gradient, 0f);
        return Double.MAX_VALUE;
      }
      if (last.total() < bestValue) {
        bestValue = last.total();
        bestIteration = history.size() + 1;
        if (best == null) {
          best = new float[x.length];
        }
        System.arraycopy(x, 0, best, 0, x.length);
      }
      return last.total();
    }

    boolean afterIteration(int iteration, float[] x, double value) {
      if (failure != null) {
        return false;
      }
      history.add(last);
      ProgressEvent event = new ProgressEvent(iteration, iterations, last,
          Duration.ofNanos(System.nanoTime() - startNanos));
      for (ProgressListener l : b.listeners) {
        l.onProgress(event);
      }
      if (diverged(iteration, value)) {
        return false;
      }
      if (b.saveEvery > 0 && iteration % b.saveEvery == 0 && iteration < iterations) {
        int[] shape = objective.imageShape();
        Images.write(Preprocessing.toImage(x, shape[2], shape[3], conv), b.snapshotPath(iteration));
      }
      if (b.cancellation != null && b.cancellation.isCancelled()) {
        cancelled = true;
        return false;
      }
      return iteration < iterations;
    }

    /** Applies the divergence rule ({@link #DIVERGENCE_FACTOR}); on divergence, sets {@link #failure}. */
    private boolean diverged(int iteration, double value) {
      if (history.size() == 1) {
        firstValue = value;
      }
      divergingFor = value > DIVERGENCE_FACTOR * bestValue && value > firstValue ? divergingFor + 1 : 0;
      boolean exploding = divergingFor >= DIVERGENCE_FAST_PATIENCE && value > DIVERGENCE_FAST_FACTOR * bestValue;
      if (divergingFor < DIVERGENCE_PATIENCE && !exploding) {
        return false;
      }
      int[] shape = objective.imageShape();
      failure = new DivergenceException(String.format(Locale.ROOT,
          "the loss diverged: it is %.4g at iteration %d and has stayed above %.0f times the best loss "
              + "(%.4g, at iteration %d) for %d iterations: %s is too large for this problem; lower it "
              + "(the exception holds the best image so far)",
          value, iteration, DIVERGENCE_FACTOR, bestValue, bestIteration, divergingFor, learningRateOf(b.optimizer)),
          bestValue, value, iteration, best == null ? null : Tensor.of(best, shape));
      return true;
    }
  }

  /** A content or style image given as a file or in memory. */
  private record ImageSource(Path file, BufferedImage image) {
    BufferedImage load() {
      return image != null ? image : Images.read(file);
    }
  }

  /** Configures a {@link StyleTransfer}; every setter validates its argument at once. */
  public static final class Builder {
    private ImageSource content;
    private final List<ImageSource> styles = new ArrayList<>();
    private final List<Double> styleBlendWeights = new ArrayList<>();
    private final List<ImageSource> styleMasks = new ArrayList<>();
    private Network network;
    private Path modelFile;
    private ModelSpec modelSpec;
    private ModelStore modelStore;
    private InputConvention modelConvention = InputConvention.TORCH;
    private int size = 512;
    private double styleScale = 1.0;
    private List<LayerWeight> contentLayers;
    private List<LayerWeight> styleLayers;
    private double alpha = 10;
    private double beta = 40;
    private double gamma = 0;
    private Pooling pooling = Pooling.MAX;
    private Init init = Init.content();
    private long seed = 0;
    private Optimizer optimizer = Lbfgs.defaults();
    private int iterations = 300;
    private final List<ProgressListener> listeners = new ArrayList<>();
    private CancellationToken cancellation;
    private int saveEvery;
    private Path output;
    private String backendName;
    private Device device = Device.AUTO;
    private int threads;
    private ContentLoss contentLoss = new ClassicContentLoss();
    private StyleLoss styleLoss = new ClassicStyleLoss();
    private TotalVariationLoss tvLoss = new SquaredTotalVariation();
    private boolean lossesCustomised;
    private ColorControl colorControl = ColorControl.NONE;
    private LossNormalization normalization = LossNormalization.CLASSIC;
    private boolean normalizeGradients;
    private Scales scales;
    private boolean resolutionInvariant;
    private long memoryLimit = MemoryEstimate.physicalMemory();

    private Builder() {}

    /**
     * Refuse runs whose estimated memory ({@link MemoryEstimate}) exceeds this many bytes,
     * before any large allocation; default the machine's physical memory, 0 disables the check.
     */
    public Builder memoryLimit(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("memoryLimit must be >= 0 (0 = no check), got " + bytes);
      }
      memoryLimit = bytes;
      return this;
    }

    /**
     * Reproduces a well-known implementation's loss normalisation, weights and layers (see
     * {@link Preset}); later setters override single values.
     */
    public Builder preset(Preset p) {
      normalization = p.normalization();
      alpha = p.alpha();
      beta = p.beta();
      gamma = p.gamma();
      contentLayers = p.contentLayers();
      styleLayers = p.styleLayers();
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
      normalization = Objects.requireNonNull(n, "normalization");
      return this;
    }

    /** Colour control (Gatys et al. 2017); default {@link ColorControl#NONE}. */
    public Builder colorControl(ColorControl c) {
      colorControl = Objects.requireNonNull(c, "colorControl");
      return this;
    }

    /**
     * Coarse-to-fine: optimise at each long side in turn, each scale starting from the previous
     * result upsampled. Overrides {@link #size} and {@link #iterations}.
     */
    public Builder scales(Scales s) {
      scales = Objects.requireNonNull(s, "scales");
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

    public Builder content(Path file) {
      content = new ImageSource(Objects.requireNonNull(file, "content"), null);
      return this;
    }

    public Builder content(BufferedImage image) {
      content = new ImageSource(null, Objects.requireNonNull(image, "content"));
      return this;
    }

    /** Adds a style image with blend weight 1. */
    public Builder style(Path file) {
      return style(file, 1.0);
    }

    /** Adds a style image; several styles blend their Gram targets by these weights. */
    public Builder style(Path file, double blendWeight) {
      return addStyle(new ImageSource(Objects.requireNonNull(file, "style"), null), blendWeight);
    }

    public Builder style(BufferedImage image) {
      return style(image, 1.0);
    }

    public Builder style(BufferedImage image, double blendWeight) {
      return addStyle(new ImageSource(null, Objects.requireNonNull(image, "style")), blendWeight);
    }

    /**
     * Spatial control (Gatys et al. 2017): adds a style image applied only where
     * {@code regionMask} is bright. The mask is a grey image over the content (any size; it is
     * scaled to the output and, with soft edges, to every style layer). Styles added without a
     * mask cover the whole image.
     */
    public Builder style(Path file, double weight, Path regionMask) {
      addStyle(new ImageSource(Objects.requireNonNull(file, "style"), null), weight);
      styleMasks.set(styleMasks.size() - 1, new ImageSource(Objects.requireNonNull(regionMask, "regionMask"), null));
      return this;
    }

    /** {@link #style(Path, double, Path)} with images in memory. */
    public Builder style(BufferedImage image, double weight, BufferedImage regionMask) {
      addStyle(new ImageSource(null, Objects.requireNonNull(image, "style")), weight);
      styleMasks.set(styleMasks.size() - 1, new ImageSource(null, Objects.requireNonNull(regionMask, "regionMask")));
      return this;
    }

    private Builder addStyle(ImageSource s, double weight) {
      if (!(weight > 0) || !Double.isFinite(weight)) {
        throw new IllegalArgumentException("style blend weight must be positive and finite, got " + weight);
      }
      styles.add(s);
      styleBlendWeights.add(weight);
      styleMasks.add(null);
      return this;
    }

    /** The feature network, already loaded. */
    public Builder model(Network loaded) {
      network = Objects.requireNonNull(loaded, "network");
      modelFile = null;
      modelSpec = null;
      return this;
    }

    /**
     * A model file in the input convention usual for its format ({@link ModelFiles#conventionFor}:
     * ONNX torch, Keras .h5 caffe, TF.js unit).
     */
    public Builder model(Path file) {
      return model(file, ModelFiles.conventionFor(Objects.requireNonNull(file, "model file")));
    }

    /**
     * A registered model by name ({@link ModelRegistry#builtIn()}: "vgg19", "vgg16",
     * "darknet-tiny"), fetched into the model cache when the run starts if it is not there yet.
     * Unless content or style layers are set, the model's own default layers are used.
     *
     * @throws dev.nst.api.ModelLoadException naming the known models when none has this name
     */
    public Builder model(String registeredName) {
      return model(ModelRegistry.builtIn().get(Objects.requireNonNull(registeredName, "model name")));
    }

    /** A model described by {@code spec}, e.g. one of an application's own registry. */
    public Builder model(ModelSpec spec) {
      modelSpec = Objects.requireNonNull(spec, "model spec");
      network = null;
      modelFile = null;
      return this;
    }

    /**
     * Where registered models are cached and fetched from (default:
     * {@link ModelStore#fromEnvironment()}, i.e. ~/.cache/nst, NST_CACHE_DIR, NST_MODEL_MIRROR,
     * NST_OFFLINE); also the place to attach a download progress listener.
     */
    public Builder modelStore(ModelStore store) {
      modelStore = Objects.requireNonNull(store, "model store");
      return this;
    }

    /**
     * A model file, ONNX, Keras {@code .h5} or TF.js {@code model.json} (see {@link ModelFiles}), with the input
     * convention its weights expect; loaded when the run starts.
     */
    public Builder model(Path modelFile, InputConvention convention) {
      this.modelFile = Objects.requireNonNull(modelFile, "model file");
      modelConvention = Objects.requireNonNull(convention, "convention");
      network = null;
      modelSpec = null;
      return this;
    }

    /** Long side of the output in pixels (default 512); the content keeps its aspect ratio. */
    public Builder size(int longSide) {
      if (longSide < 1) {
        throw new IllegalArgumentException("size must be positive, got " + longSide);
      }
      size = longSide;
      return this;
    }

    /** Long side of the style images relative to the output size (default 1). */
    public Builder styleScale(double scale) {
      if (!(scale > 0) || !Double.isFinite(scale)) {
        throw new IllegalArgumentException("style scale must be positive, got " + scale);
      }
      styleScale = scale;
      return this;
    }

    public Builder contentLayers(List<LayerWeight> layers) {
      contentLayers = requireLayers(layers, "content");
      return this;
    }

    /** Content layers with equal weights 1. */
    public Builder contentLayers(String... layers) {
      return contentLayers(weighted(layers, 1.0));
    }

    public Builder styleLayers(List<LayerWeight> layers) {
      styleLayers = requireLayers(layers, "style");
      return this;
    }

    /** Style layers with equal weights summing to 1. */
    public Builder styleLayers(String... layers) {
      return styleLayers(weighted(layers, 1.0 / Math.max(1, layers.length)));
    }

    private static List<LayerWeight> weighted(String[] layers, double weight) {
      List<LayerWeight> out = new ArrayList<>();
      for (String l : layers) {
        out.add(new LayerWeight(l, weight));
      }
      return out;
    }

    private static List<LayerWeight> requireLayers(List<LayerWeight> layers, String what) {
      if (layers == null || layers.isEmpty()) {
        throw new IllegalArgumentException("at least one " + what + " layer is needed");
      }
      return List.copyOf(layers);
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
      if (!(v >= 0) || !Double.isFinite(v)) {
        throw new IllegalArgumentException(name + " must be finite and >= 0, got " + v);
      }
      return v;
    }

    public Builder pooling(Pooling p) {
      pooling = Objects.requireNonNull(p, "pooling");
      return this;
    }

    public Builder init(Init i) {
      init = Objects.requireNonNull(i, "init");
      return this;
    }

    /** Seed for noise initialisation and anything else random (default 0). */
    public Builder seed(long s) {
      seed = s;
      return this;
    }

    /** The optimiser (default {@link Lbfgs#defaults()}). */
    public Builder optimizer(Optimizer o) {
      optimizer = Objects.requireNonNull(o, "optimizer");
      return this;
    }

    /** Number of iterations, one objective evaluation each (default 300). */
    public Builder iterations(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("iterations must be >= 1, got " + n);
      }
      iterations = n;
      return this;
    }

    public Builder listener(ProgressListener l) {
      listeners.add(Objects.requireNonNull(l, "listener"));
      return this;
    }

    public Builder cancellation(CancellationToken token) {
      cancellation = Objects.requireNonNull(token, "token");
      return this;
    }

    /** Also write the final image here (atomically: a failed run leaves no partial file). */
    public Builder output(Path file) {
      output = Objects.requireNonNull(file, "output");
      return this;
    }

    /**
     * Writes the current image every {@code n} iterations next to the output, as
     * {@code name_iter<N>.png}. Needs {@link #output(Path)}.
     */
    public Builder saveEvery(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("saveEvery must be >= 0, got " + n);
      }
      saveEvery = n;
      return this;
    }

    /** Backend by name ("onnx", "nd4j"); default: system property nst.backend, NST_BACKEND, then the best available. */
    public Builder backend(String name) {
      backendName = Objects.requireNonNull(name, "backend");
      return this;
    }

    public Builder device(Device d) {
      device = Objects.requireNonNull(d, "device");
      return this;
    }

    /** Intra-op threads of the backend; 0 (default) uses every core. */
    public Builder threads(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("threads must be >= 0, got " + n);
      }
      threads = n;
      return this;
    }

    /** A custom content loss; runs on the host over level-1 features. */
    public Builder contentLoss(ContentLoss l) {
      contentLoss = Objects.requireNonNull(l, "contentLoss");
      lossesCustomised = true;
      return this;
    }

    /** A custom style loss; runs on the host over level-1 features. */
    public Builder styleLoss(StyleLoss l) {
      styleLoss = Objects.requireNonNull(l, "styleLoss");
      lossesCustomised = true;
      return this;
    }

    /** A custom total-variation loss; runs on the host. */
    public Builder totalVariationLoss(TotalVariationLoss l) {
      tvLoss = Objects.requireNonNull(l, "totalVariationLoss");
      lossesCustomised = true;
      return this;
    }

    boolean customLosses() {
      return lossesCustomised;
    }

    Path snapshotPath(int iteration) {
      String name = output.getFileName().toString();
      int dot = name.lastIndexOf('.');
      String stem = dot > 0 ? name.substring(0, dot) : name;
      return output.resolveSibling(stem + "_iter" + iteration + ".png");
    }

    public StyleTransfer build() {
      if (content == null) {
        throw new IllegalStateException("no content image: call content(path) or content(image)");
      }
      if (styles.isEmpty()) {
        throw new IllegalStateException("no style image: call style(path) or style(image) at least once");
      }
      if (network == null && modelFile == null && modelSpec == null) {
        throw new IllegalStateException("no model: call model(\"" + ModelRegistry.DEFAULT_MODEL
            + "\") for a registered model, model(path to a model file) or model(network)");
      }
      if (saveEvery > 0 && output == null) {
        throw new IllegalStateException("saveEvery needs output(path) to know where to write the snapshots");
      }
      Builder copy = new Builder();
      copy.content = content;
      copy.styles.addAll(styles);
      copy.styleBlendWeights.addAll(styleBlendWeights);
      copy.styleMasks.addAll(styleMasks);
      copy.network = network;
      copy.modelFile = modelFile;
      copy.modelConvention = modelConvention;
      copy.modelSpec = modelSpec;
      copy.modelStore = modelStore;
      copy.size = size;
      copy.styleScale = styleScale;
      copy.contentLayers = contentLayers;
      copy.styleLayers = styleLayers;
      copy.alpha = alpha;
      copy.beta = beta;
      copy.gamma = gamma;
      copy.pooling = pooling;
      copy.init = init;
      copy.seed = seed;
      copy.optimizer = optimizer;
      copy.iterations = iterations;
      copy.listeners.addAll(listeners);
      copy.cancellation = cancellation;
      copy.saveEvery = saveEvery;
      copy.output = output;
      copy.backendName = backendName;
      copy.device = device;
      copy.threads = threads;
      copy.contentLoss = contentLoss;
      copy.styleLoss = styleLoss;
      copy.tvLoss = tvLoss;
      copy.lossesCustomised = lossesCustomised;
      copy.colorControl = colorControl;
      copy.normalization = normalization;
      copy.normalizeGradients = normalizeGradients;
      copy.scales = scales;
      copy.resolutionInvariant = resolutionInvariant;
      copy.memoryLimit = memoryLimit;
      return new StyleTransfer(copy);
    }
  }
}
