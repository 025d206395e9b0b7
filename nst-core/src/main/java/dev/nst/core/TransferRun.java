package dev.nst.core;

import dev.nst.api.DivergenceException;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.ImageLoss;
import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.LossBreakdown;
import dev.nst.api.MemoryBudgetException;
import dev.nst.api.Network;
import dev.nst.api.NumericalFailureException;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Optimizer;
import dev.nst.api.RunFailedException;
import dev.nst.api.StyleLossKind;
import dev.nst.api.Tensor;
import dev.nst.api.TileProgress;
import dev.nst.api.spi.Backend;
import dev.nst.core.color.ColorControl;
import dev.nst.core.color.Colors;
import dev.nst.core.image.Images;
import dev.nst.core.image.Preprocessing;
import dev.nst.core.loss.HostObjective;
import dev.nst.core.loss.Masks;
import dev.nst.core.loss.Targets;
import dev.nst.core.optim.Adam;
import dev.nst.core.tile.TiledForward;
import dev.nst.core.tile.TiledObjective;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One {@link StyleTransfer#run()}: loads the network and the images, opens the backend and the
 * feature extractor, and optimises scale after scale, each starting from the previous result.
 * Per scale it builds the targets, the objective (see {@link #objective}) and an
 * {@link IterationLoop}.
 */
final class TransferRun {
  // The logger keeps the facade's name, which is the one users configure.
  private static final System.Logger LOG = System.getLogger(StyleTransfer.class.getName());

  private final Settings settings;
  private final StyleTransferSession session;

  /** One run with {@code settings}, on the network, backend and style images of {@code session}. */
  TransferRun(Settings settings, StyleTransferSession session) {
    this.settings = settings;
    this.session = session;
  }

  /** A style image as loaded: its blend weight and, for spatial control, its region mask (or null). */
  record LoadedStyle(BufferedImage image, double blendWeight, BufferedImage regionMask) {}

  /**
   * A style image ready for a forward pass at one scale.
   *
   * @param image the preprocessed image, (1, C, H, W)
   * @param blendWeight its share when several styles blend
   * @param region where it applies
   */
  record PreparedStyle(Tensor image, double blendWeight, Masks.Region region) {}

  /** One scale's outcome; the image is in working colours (grey in luminance-only mode). */
  private record ScaleOutcome(BufferedImage image, List<LossBreakdown> history, Duration setup, Duration optimisation,
      boolean cancelled, boolean compiled, int bestIteration, Carry carry) {}

  /**
   * What a scale hands the next one beside its image: the result in the network's input space
   * (resized as floats, so the next scale starts without 8-bit rounding), and Adam's state when
   * the optimiser carries it.
   */
  private record Carry(float[] x, int height, int width, Adam.State state) {}

  /** The objective of one scale, and whether the backend compiled it. */
  private record ChosenObjective(Objective objective, boolean compiled) {}

  StyleTransferResult run() {
    long start = System.nanoTime();
    settings.output().checkWritable();
    Network network = session.network();
    BufferedImage contentOriginal = settings.content().load();
    Scales scales = settings.schedule().scales();
    InputSizes.check(network, settings, contentOriginal, session.styles(settings));
    Backend backend = session.backend(); // its memory model decides the plans
    // the largest scale first: it is the one a refusal should name
    MemoryPlan[] plans = new MemoryPlan[scales.longSides().size()];
    for (int i = plans.length - 1; i >= 0; i--) {
      int[] hw = fit(contentOriginal, scales.longSides().get(i));
      plans[i] = plan(network, hw[0], hw[1], backend);
    }
    FeatureExtractor fx = session.extractor();
    Duration setup = Duration.ofNanos(System.nanoTime() - start);
    Duration optimisation = Duration.ZERO;
    List<LossBreakdown> history = new ArrayList<>();
    BufferedImage current = null;
    Carry carry = null;
    int bestIteration = 0;
    boolean cancelled = false;
    boolean compiled = true;
    for (int i = 0; i < scales.longSides().size() && !cancelled; i++) {
      if (scales.longSides().size() > 1) {
        // iterations count from 1 again at every scale: say which scale the progress is of
        int[] hw = fit(contentOriginal, scales.longSides().get(i));
        String notice = String.format(java.util.Locale.ROOT, "scale %d/%d: %dx%d, %d iterations", i + 1,
            scales.longSides().size(), hw[1], hw[0], scales.iterations().get(i));
        settings.execution().listeners().forEach(l -> l.onNotice(notice));
      }
      ScaleOutcome r = optimise(backend, fx, network, contentOriginal, scales.longSides().get(i),
          scales.iterations().get(i), current, carry, bestIteration, plans[i], history.size());
      history.addAll(r.history());
      setup = setup.plus(r.setup());
      optimisation = optimisation.plus(r.optimisation());
      current = r.image();
      carry = r.carry();
      bestIteration = r.bestIteration();
      cancelled = r.cancelled();
      compiled &= r.compiled();
    }
    BufferedImage out = finish(current, contentOriginal);
    if (settings.output().file() != null) {
      Images.write(out, settings.output().file(), settings.output().jpegQuality());
    }
    return new StyleTransferResult(out, history, setup, optimisation, cancelled, backend.description(), compiled,
        scales.longSides(), bestIteration);
  }

  /** The output image from an optimised one in working colours: colour control applied. */
  private BufferedImage finish(BufferedImage optimised, BufferedImage contentOriginal) {
    ColorControl colors = settings.colorControl();
    if (colors == ColorControl.KEEP_CONTENT_COLORS || colors == ColorControl.LUMINANCE_ONLY) {
      BufferedImage colorSource = Images.resize(contentOriginal, optimised.getWidth(), optimised.getHeight());
      return Colors.combineLuminanceAndColor(optimised, colorSource);
    }
    return optimised;
  }

  /**
   * A failed scale's exception, after the best image so far (this scale's, else the previous
   * scale's result) is written to the output file when one is set: the same kind of exception,
   * whose message ends by saying where the image went. Without an image or a file, {@code e}.
   *
   * @param e the failure
   * @param best this scale's best image, in working colours, or null when it had none
   * @param bestIteration the run's 1-based iteration that produced {@code best}
   * @param previous the previous scale's result, or null
   * @param previousIteration the run's iteration that produced {@code previous}
   * @param contentOriginal the content image as loaded, for colour control
   * @return the exception to throw
   */
  private RunFailedException failed(RunFailedException e, BufferedImage best, int bestIteration,
      BufferedImage previous, int previousIteration, BufferedImage contentOriginal) {
    Path file = settings.output().file();
    BufferedImage image = best != null ? best : previous;
    if (file == null || image == null) {
      return e;
    }
    try {
      Images.write(finish(image, contentOriginal), file);
    } catch (RuntimeException writeFailure) {
      e.addSuppressed(writeFailure);
      return e;
    }
    String message = e.getMessage() + "; wrote the best image so far (iteration "
        + (best != null ? bestIteration : previousIteration) + ") to " + file;
    Tensor tensor = e.bestImage().orElse(null);
    if (e instanceof DivergenceException d) {
      return new DivergenceException(message, d.bestLoss(), d.loss(), d.iteration(), tensor, e);
    }
    if (e instanceof NumericalFailureException) {
      return new NumericalFailureException(message, tensor, e);
    }
    return new RunFailedException(message, e, tensor);
  }

  /** Height and width of {@code img} scaled to a long side of {@code size}. */
  private static int[] fit(BufferedImage img, int size) {
    int[] wh = Images.fitLongSide(img.getWidth(), img.getHeight(), size);
    return new int[] {wh[1], wh[0]};
  }

  /** How a scale of {@code height x width} fits the memory budget; throws when it cannot. */
  private MemoryPlan plan(Network network, int height, int width, Backend backend) {
    List<String> contentLayers = settings.layers().content().stream().map(LayerWeight::layer).toList();
    return MemoryPlan.plan(network, settings.layers().names(), contentLayers, height, width,
        settings.execution().memoryLimit(), Runtime.getRuntime().maxMemory(), settings.execution().tileSize(),
        settings.schedule().optimizer(), backend.memoryModel(), backend.leanMemoryModel(), wholeGraphs());
  }

  /**
   * Graphs a whole-image evaluation holds at once: one for a compiled Gram objective; W2 and
   * histogram objectives run a statistics graph beside the gradient graph, and custom losses run
   * on the host over the feature extractor's forward and backward graphs.
   */
  private int wholeGraphs() {
    Settings.LossWeights l = settings.losses();
    return l.styleLoss() == StyleLossKind.GRAM && l.custom() == null ? 1 : MemoryPlan.TILE_GRAPHS;
  }

  /**
   * Optimises one scale of long side {@code size}, starting from {@code previous} (the last
   * scale's result, from the run's iteration {@code previousBest}, handed over as {@code carry})
   * or the initial image; {@code done} iterations ran before it.
   */
  private ScaleOutcome optimise(Backend backend, FeatureExtractor fx, Network network, BufferedImage contentOriginal,
      int size, int iterations, BufferedImage previous, Carry carry, int previousBest, MemoryPlan plan, int done) {
    List<LoadedStyle> styles = session.styles(settings);
    long start = System.nanoTime();
    for (String notice : plan.notices()) {
      LOG.log(System.Logger.Level.INFO, "nst: {0}", notice);
      settings.execution().listeners().forEach(l -> l.onNotice(notice));
    }
    InputConvention conv = network.inputConvention();
    BufferedImage content = Images.resizeToLongSide(contentOriginal, size);
    int h = content.getHeight();
    int w = content.getWidth();
    List<PreparedStyle> prepared = prepareStyles(styles, content, size, conv);
    BufferedImage working =
        settings.colorControl() == ColorControl.LUMINANCE_ONLY ? Colors.luminance(content) : content;
    List<ObjectiveSpec.ContentTarget> contentTargets =
        contentTargets(fx, plan, network, Preprocessing.toTensor(working, conv));
    List<ObjectiveSpec.StyleTarget> styleTargets = session.styleTargets(settings, size, h, w,
        () -> styleTargets(fx, plan, network, prepared, h, w));
    Settings.LossWeights losses = settings.losses();
    ObjectiveSpec spec = new ObjectiveSpec(contentTargets, styleTargets, losses.alpha(), losses.beta(),
        losses.gammaAt(h, w), settings.pooling(), h, w, losses.normalization(), losses.normalizeGradients());
    IterationLoop[] loop = new IterationLoop[1]; // the objective reports tiles of the loop's current iteration
    ChosenObjective chosen = objective(backend, fx, network, spec, plan, tileListener(loop, iterations, w, h));
    Map<String, ImageLoss> imageLosses = settings.losses().imageLosses();
    try (Objective objective = imageLosses.isEmpty() ? chosen.objective()
        : new ImageLossObjective(chosen.objective(), imageLosses)) {
      int channels = network.inputChannels();
      float[] x = carry != null ? Images.resizePlanes(carry.x(), channels, carry.height(), carry.width(), h, w)
          : Preprocessing.toTensor(initialImage(working, h, w), conv).toArray();
      IterationLoop.clamp(x, conv, channels); // what an 8-bit image would hold, as the box constraint wants
      Adam.State warm = carry == null || carry.state() == null ? null
          : carry.state().resized(channels, carry.height(), carry.width(), h, w);
      long setupDone = System.nanoTime();
      Optimizer optimizer = plan.optimizer() instanceof Adam a ? a.inInputSpaceOf(conv) : plan.optimizer();
      LOG.log(System.Logger.Level.DEBUG, "nst: {0}x{1} on {2}, {3} objective, {4} x {5} iterations",
          w, h, backend.description(), chosen.compiled() ? "compiled" : "host", optimizer.name(), iterations);
      float[] best;
      try (WorkArrays.Lease workspace = session.workArrays().lend(settings.execution().threads())) {
        loop[0] = new IterationLoop(objective, conv, optimizer, iterations, setupDone, settings.output(),
            settings.execution(), settings.schedule().averageDecay(), warm, workspace);
        best = loop[0].minimize(x);
      } catch (RunFailedException e) {
        BufferedImage bestImage = e.bestImage().map(t -> Preprocessing.toImage(t, conv)).orElse(null);
        throw failed(e, bestImage, done + loop[0].bestIteration(), previous, previousBest, contentOriginal);
      }
      BufferedImage out = Preprocessing.toImage(best, h, w, conv);
      int bestIteration = settings.schedule().averageDecay() > 0 && !loop[0].cancelled() ? loop[0].history().size()
          : loop[0].bestIteration();
      return new ScaleOutcome(out, loop[0].history(), Duration.ofNanos(setupDone - start),
          Duration.ofNanos(System.nanoTime() - setupDone), loop[0].cancelled(), chosen.compiled(), done + bestIteration,
          new Carry(best, h, w, loop[0].finalState()));
    }
  }

  /**
   * The style images at one scale: resized to the style side, colour-matched to the content
   * where colour control asks for it, preprocessed; each region mask is sampled from its image
   * with an area average, so edges stay soft at every layer.
   */
  private List<PreparedStyle> prepareStyles(List<LoadedStyle> styles, BufferedImage content, int size,
      InputConvention conv) {
    int styleSide = settings.schedule().styleSide(size);
    List<PreparedStyle> prepared = new ArrayList<>();
    for (LoadedStyle style : styles) {
      BufferedImage st = Images.resizeToLongSide(style.image(), styleSide);
      st = switch (settings.colorControl()) {
        case MATCH_STYLE_TO_CONTENT -> Colors.matchColors(st, content);
        case LUMINANCE_ONLY -> Colors.matchedLuminance(st, content);
        default -> st;
      };
      Masks.Region region = style.regionMask() == null ? Masks.Region.whole() : regionOf(style.regionMask());
      prepared.add(new PreparedStyle(Preprocessing.toTensor(st, conv), style.blendWeight(), region));
    }
    return prepared;
  }

  /** A grey mask image as a region: area-averaged to each size, white selects. */
  private static Masks.Region regionOf(BufferedImage mask) {
    return (h, w) -> Masks.grey(Images.resize(mask, w, h).getRGB(0, 0, w, h, null, 0, w), h, w);
  }

  /**
   * The style targets of prepared style images at the style layers, for an output of
   * {@code height} x {@code width}, of the run's kind of style loss: blended targets, or, when any
   * style has a region mask, one guided target per style and layer ({@link Targets#guidedStyle}).
   * A step of its own, as runs over many content images need the targets of the same styles again.
   */
  List<ObjectiveSpec.StyleTarget> styleTargets(FeatureExtractor fx, MemoryPlan plan, Network network,
      List<PreparedStyle> styles, int height, int width) {
    List<Tensor> images = styles.stream().map(PreparedStyle::image).toList();
    double[] blend = styles.stream().mapToDouble(PreparedStyle::blendWeight).toArray();
    List<LayerWeight> layers = settings.layers().style();
    List<Masks.Region> regions = styles.stream().map(PreparedStyle::region).toList();
    StyleLossKind kind = settings.losses().styleLoss();
    if (kind != StyleLossKind.GRAM) {
      Targets.StyleStatistics statistics = settings.execution().memoryLimit() <= 0 ? Targets.StyleStatistics.whole(fx)
          : TiledForward.statistics(fx, (h, w, l) -> plan.forwardLayout(network, l, h, w));
      return settings.guided()
          ? Targets.guidedStyle(statistics, network, images, blend, regions, layers, height, width, kind)
          : Targets.style(statistics, images, blend, layers, kind);
    }
    Targets.MeanGrams grams = meanGrams(fx, plan, network);
    return settings.guided() ? Targets.guidedStyle(grams, network, images, blend, regions, layers, height, width)
        : Targets.style(grams, images, blend, layers);
  }

  /**
   * How style images become mean Gram matrices: with the run's Gram (a custom style loss may
   * define its own) from one forward pass, or, for the classic Gram under a memory budget,
   * summed over tiles when a style image is too large for one pass.
   */
  private Targets.MeanGrams meanGrams(FeatureExtractor fx, MemoryPlan plan, Network network) {
    if (settings.losses().custom() != null || settings.execution().memoryLimit() <= 0) {
      return Targets.MeanGrams.whole(fx, settings.losses().gram());
    }
    return TiledForward.meanGrams(fx, (h, w, layers) -> plan.forwardLayout(network, layers, h, w));
  }

  /** The content image's activations at the content layers, in tiles when the scale runs in tiles. */
  private List<ObjectiveSpec.ContentTarget> contentTargets(FeatureExtractor fx, MemoryPlan plan, Network network,
      Tensor content) {
    List<LayerWeight> layers = settings.layers().content();
    if (plan.layout().isEmpty()) {
      return Targets.content(fx, content, layers);
    }
    List<String> names = layers.stream().map(LayerWeight::layer).distinct().toList();
    Map<String, Tensor> acts = TiledForward.activations(fx, content, names,
        (h, w, l) -> plan.forwardLayout(network, l, h, w));
    return layers.stream().map(l -> new ObjectiveSpec.ContentTarget(l.layer(), l.weight(), acts.get(l.layer())))
        .toList();
  }

  /**
   * Tells the listeners before every tile of a tiled evaluation, and stops the evaluation there
   * when the run is cancelled.
   */
  private TiledObjective.TileListener tileListener(IterationLoop[] loop, int iterations, int width, int height) {
    Settings.Execution execution = settings.execution();
    return (pass, tile, tiles) -> {
      if (execution.cancelRequested()) {
        throw new IterationLoop.EvaluationCancelled();
      }
      if (!execution.listeners().isEmpty()) {
        TileProgress p = new TileProgress(loop[0] == null ? 1 : loop[0].currentIteration(), iterations, pass,
            tile + 1, tiles, width, height);
        execution.listeners().forEach(l -> l.onTile(p));
      }
    };
  }

  /**
   * The objective of one scale: the backend's compiled objective when it offers one and no
   * custom loss asks for the host, else the host losses over level-1 features. The one place
   * where an objective is chosen.
   */
  private ChosenObjective objective(Backend backend, FeatureExtractor fx, Network network, ObjectiveSpec spec,
      MemoryPlan plan, TiledObjective.TileListener tiles) {
    Settings.CustomLosses custom = settings.losses().custom();
    if (plan.layout().isPresent()) {
      if (custom != null) {
        throw new MemoryBudgetException(String.format(Locale.ROOT, "custom losses run on whole activations, but a "
            + "%dx%d image needs tiles to fit the memory budget (%s); raise the budget (memoryLimit) or use a "
            + "smaller size", spec.width(), spec.height(), MemoryEstimate.gib(settings.execution().memoryLimit())));
      }
      TiledObjective tiled = TiledObjective.on(backend, fx, spec, plan.layout().get(), tiles);
      return new ChosenObjective(tiled, tiled.compiled());
    }
    if (custom != null) {
      return new ChosenObjective(new HostObjective(fx, spec, custom.content(), custom.style(), custom.totalVariation()),
          false);
    }
    Optional<Objective> compiled = plan.lean() ? backend.compileLean(network, spec) : backend.compile(network, spec);
    return compiled.map(o -> new ChosenObjective(o, true))
        .orElseGet(() -> new ChosenObjective(HostObjective.classic(fx, spec), false));
  }

  private BufferedImage initialImage(BufferedImage content, int h, int w) {
    Settings.Schedule schedule = settings.schedule();
    boolean grey = settings.colorControl() == ColorControl.LUMINANCE_ONLY;
    if (schedule.init() instanceof Init.Image i) {
      BufferedImage img = Images.resize(i.image(), w, h);
      return grey ? Colors.luminance(img) : img;
    }
    if (schedule.init() instanceof Init.Noise) {
      SplittableRandom rnd = new SplittableRandom(schedule.seed());
      BufferedImage noise = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          noise.setRGB(x, y, rnd.nextInt(1 << 24));
        }
      }
      return grey ? Colors.luminance(noise) : noise;
    }
    return content;
  }
}
