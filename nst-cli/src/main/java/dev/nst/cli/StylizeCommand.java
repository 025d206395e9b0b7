package dev.nst.cli;

import dev.nst.api.CancellationToken;
import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.Optimizer;
import dev.nst.api.Pooling;
import dev.nst.api.spi.Device;
import dev.nst.core.Init;
import dev.nst.core.Preset;
import dev.nst.core.Scales;
import dev.nst.core.color.ColorControl;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import dev.nst.core.image.Images;
import dev.nst.api.ModelLoadException;
import dev.nst.core.model.format.ModelFiles;
import dev.nst.core.model.ModelRegistry;
import dev.nst.core.model.ModelSpec;
import dev.nst.core.model.cache.ModelStore;
import java.nio.file.Files;
import dev.nst.core.optim.Adam;
import dev.nst.core.optim.Lbfgs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code nst stylize CONTENT STYLE... -o OUT.png}: every builder option on the command line. */
@Command(name = "stylize", sortOptions = false,
    description = "Paint CONTENT in the style of STYLE (several styles blend).")
final class StylizeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  NstCommand nst;

  @Parameters(index = "0", paramLabel = "CONTENT", description = "Content image (PNG, JPEG).")
  Path content;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "STYLE", description = "Style image(s).")
  List<Path> styles;

  @Option(names = {"-o", "--output"}, required = true, description = "Output PNG or JPEG (written atomically).")
  Path output;

  @Option(names = "--model", defaultValue = ModelRegistry.DEFAULT_MODEL,
      description = "A registered model (vgg19, vgg16, darknet-tiny; see 'nst models list'), fetched into the "
          + "cache on first use, or a model file: ONNX, Keras .h5, or a TF.js model.json / its folder "
          + "(default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--convention", description = "Input convention of a model file's weights: torch, caffe or unit "
      + "(default: torch for ONNX, caffe for .h5, unit for TF.js; registered models know their own).")
  String convention;

  @Option(names = "--backend", description = "Backend name (onnx, nd4j); default: the best available.")
  String backend;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu (default ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--threads", defaultValue = "0", description = "Backend threads, 0 = all cores.")
  int threads;

  @Option(names = {"-s", "--size"}, defaultValue = "512", description = "Long side of the output in pixels (default ${DEFAULT-VALUE}).")
  int size;

  @Option(names = {"-n", "--iterations"}, defaultValue = "300", description = "Iterations (default ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--preset", description = "Loss scaling, weights and layers of a well-known implementation: "
      + "classic, neural-style-lua, pytorch-tutorial, tensorflow-tutorial. Other options override it.")
  String preset;

  @Option(names = "--content-weight", description = "alpha (default 10).")
  Double alpha;

  @Option(names = "--style-weight", description = "beta (default 40).")
  Double beta;

  @Option(names = "--tv-weight", description = "gamma, total variation (default 0).")
  Double gamma;

  @Option(names = "--content-layers", split = ",", description = "Layers with optional weights, e.g. relu4_2 or relu4_2:1.")
  List<String> contentLayers;

  @Option(names = "--style-layers", split = ",", description = "e.g. relu1_1:0.2,relu2_1:0.2 (default: the "
      + "registered model's own, else relu1_1..relu5_1, 0.2 each).")
  List<String> styleLayers;

  @Option(names = "--style-blend-weights", split = ",", description = "One weight per style image (default equal).")
  List<Double> blendWeights;

  @Option(names = "--style-masks", split = ",", description = "Spatial control: one grey mask over the content per style "
      + "(white = apply that style there), or 'none' for a style that covers everything.")
  List<String> styleMasks;

  @Option(names = "--style-scale", defaultValue = "1", description = "Style image size relative to the output (default ${DEFAULT-VALUE}).")
  double styleScale;

  @Option(names = "--pooling", defaultValue = "max", description = "max or avg (default ${DEFAULT-VALUE}).")
  String pooling;

  @Option(names = "--init", defaultValue = "content", description = "content, noise, or an image file (default ${DEFAULT-VALUE}).")
  String init;

  @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--optimizer", defaultValue = "lbfgs", description = "lbfgs or adam (default ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--learning-rate", description = "Optimiser learning rate (default: the optimiser's own).")
  Double learningRate;

  @Option(names = "--color", defaultValue = "none",
      description = "Colour control: none, keep-content (luminance transfer after the run), luminance-only, "
          + "match-style (match the style's colours to the content before the run). Default ${DEFAULT-VALUE}.")
  String color;

  @Option(names = "--scales", split = ",", description = "Coarse-to-fine long sides, e.g. 256,512 (overrides --size).")
  List<Integer> scales;

  @Option(names = "--scale-iterations", split = ",", description = "Iterations per scale, e.g. 200,50 (default: -n at each).")
  List<Integer> scaleIterations;

  @Option(names = "--normalize-gradients", description = "Divide each term's layer gradient by its L1 norm (jcjohnson's -normalize_gradients).")
  boolean normalizeGradients;

  @Option(names = "--resolution-invariant", description = "Normalise the TV term per pixel so that weights carry over between sizes.")
  boolean resolutionInvariant;

  @Option(names = "--save-every", defaultValue = "0", description = "Write the current image every N iterations (0 = never).")
  int saveEvery;

  @Option(names = "--print-every", defaultValue = "0", description = "Print the loss terms every N iterations (0 = progress bar only).")
  int printEvery;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    StyleTransfer.Builder b = StyleTransfer.builder();
    DownloadBar downloads = new DownloadBar(err, nst.terminal());
    Optional<ModelSpec> registered = ModelRegistry.builtIn().find(model);
    if (registered.isPresent()) {
      if (convention != null) {
        throw new IllegalArgumentException("--convention applies to model files; the registered model " + model
            + " uses " + registered.get().convention().name().toLowerCase(Locale.ROOT));
      }
      b.model(registered.get()).modelStore(ModelStore.builder(nst.environment()).listener(downloads).build());
    } else {
      Path file = Path.of(model);
      if (!Files.exists(file)) {
        throw new ModelLoadException("--model " + model + " is neither a registered model ("
            + String.join(", ", ModelRegistry.builtIn().names()) + ") nor an existing file");
      }
      InputConvention conv = convention != null ? parseConvention(convention) : ModelFiles.conventionFor(file);
      b.model(ModelFiles.load(file, conv));
    }
    b.content(content)
        .size(size)
        .iterations(iterations)
        .styleScale(styleScale)
        .pooling(parsePooling(pooling))
        .seed(seed)
        .optimizer(parseOptimizer())
        .device(Device.valueOf(device.toUpperCase(Locale.ROOT)))
        .threads(threads)
        .output(output)
        .saveEvery(saveEvery);
    if (preset != null) {
      b.preset(Preset.valueOf(preset.toUpperCase(Locale.ROOT).replace('-', '_')));
    }
    if (alpha != null) {
      b.alpha(alpha);
    }
    if (beta != null) {
      b.beta(beta);
    }
    if (gamma != null) {
      b.gamma(gamma);
    }
    b.colorControl(switch (color.toLowerCase(Locale.ROOT)) {
      case "none" -> ColorControl.NONE;
      case "keep-content" -> ColorControl.KEEP_CONTENT_COLORS;
      case "luminance-only" -> ColorControl.LUMINANCE_ONLY;
      case "match-style" -> ColorControl.MATCH_STYLE_TO_CONTENT;
      default -> throw new IllegalArgumentException("unknown --color '" + color
          + "': use none, keep-content, luminance-only or match-style");
    });
    if (scales != null) {
      List<Integer> its = new ArrayList<>();
      for (int i = 0; i < scales.size(); i++) {
        its.add(scaleIterations == null ? iterations : scaleIterations.get(Math.min(i, scaleIterations.size() - 1)));
      }
      b.scales(new Scales(scales, its));
    }
    b.resolutionInvariant(resolutionInvariant);
    b.normalizeGradients(normalizeGradients);
    for (int i = 0; i < styles.size(); i++) {
      double w = blendWeights == null ? 1.0 : blendWeights.get(Math.min(i, blendWeights.size() - 1));
      String mask = styleMasks == null || i >= styleMasks.size() ? "none" : styleMasks.get(i);
      if (mask.equals("none")) {
        b.style(styles.get(i), w);
      } else {
        b.style(styles.get(i), w, Path.of(mask));
      }
    }
    if (backend != null) {
      b.backend(backend);
    }
    if (contentLayers != null) {
      b.contentLayers(parseLayers(contentLayers, 1.0));
    }
    if (styleLayers != null) {
      b.styleLayers(parseLayers(styleLayers, 1.0 / styleLayers.size()));
    }
    b.init(switch (init) {
      case "content" -> Init.content();
      case "noise" -> Init.noise();
      default -> Init.image(Images.read(Path.of(init)));
    });
    // Ctrl-C: cancel, and hold the JVM until the best image so far is written.
    CancellationToken token = new CancellationToken();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      token.cancel();
      try {
        finished.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
    ProgressBar bar = new ProgressBar(err, System.console() != null, printEvery);
    b.listener(bar).cancellation(token);
    StyleTransferResult r;
    try {
      r = b.build().run();
    } finally {
      downloads.finish();
      bar.finish();
      finished.countDown();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // the JVM is already shutting down (Ctrl-C): the hook lets it go now
    }
    err.printf(Locale.ROOT, "wrote %s (%dx%d) in %.1f s: %d iterations, %.0f ms each on %s; loss %.4g -> %.4g%s%n",
        output, r.image().getWidth(), r.image().getHeight(),
        (r.setupTime().toMillis() + r.optimisationTime().toMillis()) / 1000.0, r.iterations(),
        r.timePerIteration().toNanos() / 1e6, r.backend(), r.initialLoss().total(), r.bestLoss().total(),
        r.cancelled() ? " (cancelled)" : "");
    return 0;
  }

  private Optimizer parseOptimizer() {
    return switch (optimizer.toLowerCase(Locale.ROOT)) {
      case "lbfgs" -> learningRate == null ? Lbfgs.defaults() : Lbfgs.defaults().withLearningRate(learningRate);
      case "adam" -> learningRate == null ? Adam.defaults() : Adam.withLearningRate(learningRate);
      default -> throw new IllegalArgumentException("unknown optimizer '" + optimizer + "': use lbfgs or adam");
    };
  }

  private static InputConvention parseConvention(String c) {
    try {
      return InputConvention.valueOf(c.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown convention '" + c + "': use torch, caffe or unit", e);
    }
  }

  private static Pooling parsePooling(String p) {
    return switch (p.toLowerCase(Locale.ROOT)) {
      case "max" -> Pooling.MAX;
      case "avg", "average" -> Pooling.AVERAGE;
      default -> throw new IllegalArgumentException("unknown pooling '" + p + "': use max or avg");
    };
  }

  static List<LayerWeight> parseLayers(List<String> specs, double defaultWeight) {
    List<LayerWeight> out = new ArrayList<>();
    for (String s : specs) {
      int colon = s.indexOf(':');
      out.add(colon < 0 ? new LayerWeight(s.trim(), defaultWeight)
          : new LayerWeight(s.substring(0, colon).trim(), Double.parseDouble(s.substring(colon + 1))));
    }
    return out;
  }
}
