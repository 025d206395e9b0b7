package dev.nst.cli;

import dev.nst.api.InputConvention;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Pooling;
import dev.nst.api.spi.Device;
import dev.nst.core.Preset;
import dev.nst.core.StyleTransfer;
import dev.nst.core.color.ColorControl;
import dev.nst.core.model.ModelRegistry;
import dev.nst.core.model.ModelSpec;
import dev.nst.core.model.cache.ModelStore;
import dev.nst.core.model.format.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The style transfer options that {@code nst stylize} and {@code nst video} share (model,
 * backend, size, iterations, weights, layers, optimiser, colour...), as a picocli mixin: one
 * declaration, one meaning, one help text in both commands.
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
      description = "Iterations (default ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--preset", paramLabel = "PRESET", converter = Choices.PresetChoice.class,
      completionCandidates = Choices.PresetChoice.class,
      description = "Loss scaling, weights and layers of a well-known implementation: ${COMPLETION-CANDIDATES}. "
          + "Other options override it.")
  Preset preset;

  @Option(names = "--content-weight", paramLabel = "ALPHA", description = "alpha (default 10).")
  Double alpha;

  @Option(names = "--style-weight", paramLabel = "BETA", description = "beta (default 40).")
  Double beta;

  @Option(names = "--tv-weight", paramLabel = "GAMMA", description = "gamma, total variation (default 0).")
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

  @Option(names = "--style-blend-weights", split = ",", paramLabel = "WEIGHT",
      description = "One weight per style image (default equal).")
  List<Double> blendWeights;

  @Option(names = "--style-scale", paramLabel = "FACTOR", defaultValue = "1",
      description = "Style image size relative to the output (default ${DEFAULT-VALUE}).")
  double styleScale;

  @Option(names = "--pooling", paramLabel = "POOLING", defaultValue = "max", converter = Choices.PoolingChoice.class,
      completionCandidates = Choices.PoolingChoice.class,
      description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Pooling pooling;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
      description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--optimizer", paramLabel = "OPTIMIZER", defaultValue = "lbfgs",
      converter = Choices.OptimizerChoice.class, completionCandidates = Choices.OptimizerChoice.class,
      description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
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

  @Option(names = "--normalize-gradients",
      description = "Divide each term's layer gradient by its L1 norm (jcjohnson's -normalize_gradients).")
  boolean normalizeGradients;

  @Option(names = "--resolution-invariant",
      description = "Normalise the TV term per pixel so that weights carry over between sizes.")
  boolean resolutionInvariant;

  @Option(names = "--print-every", paramLabel = "N", defaultValue = "0",
      description = "Print the loss terms every N iterations (0 = progress bar only).")
  int printEvery;

  /**
   * A builder with the model and every option of this mixin applied; the command adds its
   * content, styles, output and start image.
   *
   * @param nst the parent command, for the environment and terminal
   * @param downloads told about model downloads
   * @return the configured builder
   * @throws ModelLoadException when --model is neither a registered model nor a file
   * @throws IllegalArgumentException when --convention is given for a registered model
   */
  StyleTransfer.Builder builder(NstCommand nst, DownloadBar downloads) {
    StyleTransfer.Builder b = StyleTransfer.builder();
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
      b.model(ModelFiles.load(file, conv));
    }
    b.size(size)
        .iterations(iterations)
        .styleScale(styleScale)
        .pooling(pooling)
        .seed(seed)
        .optimizer(optimizer.create(learningRate))
        .device(device)
        .threads(threads);
    if (preset != null) {
      b.preset(preset);
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
    return b;
  }

  /**
   * The blend weight of style image {@code i}: --style-blend-weights, the last one repeating,
   * else 1.
   *
   * @param i the style's position, from 0
   * @return its weight
   */
  double blendWeight(int i) {
    return blendWeights == null ? 1.0 : blendWeights.get(Math.min(i, blendWeights.size() - 1));
  }
}
