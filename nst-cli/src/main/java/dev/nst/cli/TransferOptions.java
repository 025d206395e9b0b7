package dev.nst.cli;

import dev.nst.api.InputConvention;
import dev.nst.api.ModelLoadException;
import dev.nst.api.PaddingMode;
import dev.nst.api.Pooling;
import dev.nst.api.StyleLossKind;
import dev.nst.api.spi.Device;
import dev.nst.core.Init;
import dev.nst.core.Preset;
import dev.nst.core.Scales;
import dev.nst.core.StyleTransfer;
import dev.nst.core.color.ColorControl;
import dev.nst.core.image.Images;
import dev.nst.core.model.ModelRegistry;
import dev.nst.core.model.ModelSpec;
import dev.nst.core.model.cache.ModelStore;
import dev.nst.core.model.format.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options of a transfer that {@code stylize} and {@code batch} share (a picocli mixin): model,
 * backend, size, iterations, weights, layers, optimiser, colour; everything but the images and
 * where the results go.
 */
final class TransferOptions {
  @Option(names = "--model", paramLabel = "NAME|FILE", defaultValue = ModelRegistry.DEFAULT_MODEL,
      completionCandidates = Choices.ModelNames.class,
      description = "A registered model (${COMPLETION-CANDIDATES}; see 'nst models list'), fetched into the "
          + "cache on first use, or a model file: ONNX, Keras .h5, or a TF.js model.json / its folder "
          + "(default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--convention", paramLabel = "CONVENTION", converter = Choices.ConventionChoice.class,
      completionCandidates = Choices.ConventionChoice.class,
      description = "Input convention of a model file's weights: ${COMPLETION-CANDIDATES} "
          + "(default: torch for ONNX, caffe for .h5, unit for TF.js; registered models know their own).")
  InputConvention convention;

  @Option(names = "--backend", paramLabel = "NAME", completionCandidates = Choices.BackendNames.class,
      description = "Backend: ${COMPLETION-CANDIDATES} (see 'nst backends'); default: the best available.")
  String backend;

  @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto", converter = Choices.DeviceChoice.class,
      completionCandidates = Choices.DeviceChoice.class,
      description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Device device;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "Backend threads, 0 = all cores.")
  int threads;

  @Option(names = {"-s", "--size"}, paramLabel = "PIXELS", defaultValue = "512",
      description = "Long side of the output in pixels (default ${DEFAULT-VALUE}).")
  int size;

  @Option(names = {"-n", "--iterations"}, paramLabel = "N", defaultValue = "300",
      description = "Iterations (default ${DEFAULT-VALUE}); with the quality preset, a budget of N iterations at the "
          + "output size, spent over its scales.")
  int iterations;

  @Option(names = "--preset", paramLabel = "PRESET", converter = Choices.PresetChoice.class,
      completionCandidates = Choices.PresetChoice.class,
      description = "Loss, weights, layers and optimisation of a well-known implementation: "
          + "${COMPLETION-CANDIDATES} (default quality: crowsonkb's recipe, W2 style loss, Adam with averaged iterates, scales growing by "
          + "sqrt(2); nst video defaults to classic: Gatys' Gram loss and L-BFGS). Other options override it.")
  Preset preset;

  @Option(names = "--style-loss", paramLabel = "LOSS", converter = Choices.StyleLossChoice.class,
      completionCandidates = Choices.StyleLossChoice.class,
      description = "Style loss: ${COMPLETION-CANDIDATES} (default: the preset's; w2 for quality, gram for the "
          + "others).")
  StyleLossKind styleLoss;

  @Option(names = "--content-weight", paramLabel = "ALPHA", description = "alpha (default: the preset's; quality "
      + "0.015, classic 10).")
  Double alpha;

  @Option(names = "--style-weight", paramLabel = "BETA", description = "beta (default: the preset's; quality 1, "
      + "classic 40).")
  Double beta;

  @Option(names = "--tv-weight", paramLabel = "GAMMA", description = "gamma, total variation (default: the preset's, 0).")
  Double gamma;

  @Option(names = "--content-layers", split = ",", paramLabel = "LAYER[:WEIGHT]",
      converter = LayerOption.Converter.class,
      description = "Layers with optional weights, e.g. relu4_2 or relu4_2:1.")
  List<LayerOption> contentLayers;

  @Option(names = "--style-layers", split = ",", paramLabel = "LAYER[:WEIGHT]",
      converter = LayerOption.Converter.class,
      description = "e.g. relu1_1:0.2,relu2_1:0.2 (default: the registered model's own, else relu1_1..relu5_1, "
          + "0.2 each; a layer without weight gets 1 / the number of layers).")
  List<LayerOption> styleLayers;

  @Option(names = "--style-scale", paramLabel = "FACTOR", defaultValue = "1",
      description = "Style image size relative to the output (default ${DEFAULT-VALUE}).")
  double styleScale;

  @Option(names = "--pooling", paramLabel = "POOLING", defaultValue = "max", converter = Choices.PoolingChoice.class,
      completionCandidates = Choices.PoolingChoice.class,
      description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Pooling pooling;

  @Option(names = "--padding", paramLabel = "MODE", converter = Choices.PaddingChoice.class,
      completionCandidates = Choices.PaddingChoice.class,
      description = "How the first convolution pads the image: ${COMPLETION-CANDIDATES} (default: the preset's; "
          + "replicate for quality, zeros for the others).")
  PaddingMode padding;

  @Option(names = "--average", paramLabel = "DECAY",
      description = "Return the moving average of each scale's iterates with this decay, e.g. 0.99; 0 returns the "
          + "iterate of the lowest loss (default: the preset's; 0.99 for quality, 0 for the others).")
  Double average;

  @Option(names = "--init", paramLabel = "INIT", defaultValue = "content",
      description = "content, noise, or an image file (default ${DEFAULT-VALUE}).")
  String init;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
      description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--optimizer", paramLabel = "OPTIMIZER",
      converter = Choices.OptimizerChoice.class, completionCandidates = Choices.OptimizerChoice.class,
      description = "${COMPLETION-CANDIDATES} (default: the preset's; adam for quality, lbfgs for the others).")
  Choices.OptimizerKind optimizer;

  @Option(names = "--learning-rate", paramLabel = "RATE",
      description = "Optimiser learning rate (default: the optimiser's own).")
  Double learningRate;

  @Option(names = "--color", paramLabel = "COLOR", defaultValue = "none", converter = Choices.ColorChoice.class,
      completionCandidates = Choices.ColorChoice.class,
      description = "Colour control: ${COMPLETION-CANDIDATES}. keep-content: the content's colours after the run; "
          + "luminance-only: optimise luminance alone; match-style: match the style's colours to the content "
          + "before the run. Default ${DEFAULT-VALUE}.")
  ColorControl color;

  @Option(names = "--memory", paramLabel = "SIZE", converter = MemorySize.class,
      description = "Memory budget of a run, e.g. 8g or 1500m (default: 60%% of this machine's memory). Larger "
          + "images are evaluated in exact tiles that fit it; 0 = no budget.")
  Long memory;

  @Option(names = "--tile", paramLabel = "PIXELS", defaultValue = "0",
      description = "Evaluate in exact tiles of at most PIXELS x PIXELS (0 = only when the memory budget asks).")
  int tile;

  @Option(names = "--scales", split = ",", paramLabel = "PIXELS",
      description = "Coarse-to-fine long sides, e.g. 256,512 (overrides --size).")
  List<Integer> scales;

  @Option(names = "--scale-iterations", split = ",", paramLabel = "N",
      description = "Iterations per scale, e.g. 200,50 (default: -n at each).")
  List<Integer> scaleIterations;

  @Option(names = "--normalize-gradients",
      description = "Divide each term's layer gradient by its L1 norm (jcjohnson's -normalize_gradients).")
  boolean normalizeGradients;

  @Option(names = "--resolution-invariant",
      description = "Normalise the TV term per pixel so that weights carry over between sizes.")
  boolean resolutionInvariant;

  /**
   * Sets these options on {@code b}: the model (a registered one through the model cache, whose
   * downloads {@code downloads} shows), backend and every optimisation setting, over the preset
   * given, else {@code defaultPreset} (null: the builder's own defaults).
   *
   * @return {@code b}
   */
  StyleTransfer.Builder applyTo(StyleTransfer.Builder b, NstCommand nst, DownloadBar downloads, Preset defaultPreset) {
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
      InputConvention conv = convention != null ? convention : ModelFiles.conventionFor(file);
      b.model(file, conv); // loaded when the run starts, after the checks of the images and the output
    }
    Preset chosen = preset != null ? preset : defaultPreset;
    if (chosen != null) {
      b.preset(chosen); // first: every option below overrides it
    }
    b.size(size)
        .iterations(iterations)
        .styleScale(styleScale)
        .pooling(pooling)
        .seed(seed)
        .device(device)
        .threads(threads)
        .tileSize(tile);
    if (memory != null) {
      b.memoryLimit(memory);
    }
    if (optimizer != null || learningRate != null) {
      b.optimizer((optimizer != null ? optimizer : Choices.OptimizerKind.of(chosen)).create(learningRate, chosen));
    }
    if (styleLoss != null) {
      b.styleLoss(styleLoss);
    }
    if (padding != null) {
      b.padding(padding);
    }
    if (average != null) {
      b.averageIterates(average);
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
    b.colorControl(color);
    if (scales != null) {
      List<Integer> its = new ArrayList<>();
      for (int i = 0; i < scales.size(); i++) {
        its.add(scaleIterations == null ? iterations : scaleIterations.get(Math.min(i, scaleIterations.size() - 1)));
      }
      b.scales(new Scales(scales, its));
    }
    b.resolutionInvariant(resolutionInvariant);
    b.normalizeGradients(normalizeGradients);
    if (backend != null) {
      b.backend(backend);
    }
    if (contentLayers != null) {
      b.contentLayers(LayerOption.weights(contentLayers, 1.0));
    }
    if (styleLayers != null) {
      b.styleLayers(LayerOption.weights(styleLayers, 1.0 / styleLayers.size()));
    }
    return b.init(switch (init) {
      case "content" -> Init.content();
      case "noise" -> Init.noise();
      default -> Init.image(Images.read(Path.of(init)));
    });
  }
}
