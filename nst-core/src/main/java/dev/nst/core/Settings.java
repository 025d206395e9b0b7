package dev.nst.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.nst.api.CancellationToken;
import dev.nst.api.ContentLoss;
import dev.nst.api.ImageLoss;
import dev.nst.api.LayerWeight;
import dev.nst.api.LossNormalization;
import dev.nst.api.Optimizer;
import dev.nst.api.PaddingMode;
import dev.nst.api.Pooling;
import dev.nst.api.ProgressListener;
import dev.nst.api.StyleLoss;
import dev.nst.api.StyleLossKind;
import dev.nst.api.TotalVariationLoss;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.Device;
import dev.nst.core.color.ColorControl;
import dev.nst.core.image.OutputFiles;
import dev.nst.core.loss.ClassicContentLoss;
import dev.nst.core.loss.ClassicStyleLoss;
import dev.nst.core.loss.SquaredTotalVariation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link StyleTransfer} was configured with, validated together by
 * {@link StyleTransfer.Builder#build()} and immutable from then on; a run reads nothing else.
 *
 * @param content the content image
 * @param styles the style images, in the order they were added
 * @param colorControl how the output's colours relate to the content's
 * @param model where the feature network comes from
 * @param pooling the pooling the network runs with
 * @param padding how the network's first convolution fills its padding
 * @param layers the content and style layers, the model's defaults already filled in
 * @param losses the weights and kinds of the loss terms
 * @param schedule sizes, iterations, start and optimiser
 * @param output where the image and the snapshots go
 * @param execution backend, resources and the caller's hooks
 */
record Settings(ImageSource content, List<StyleImage> styles, ColorControl colorControl, ModelSource model,
    Pooling pooling, PaddingMode padding, FeatureLayers layers, LossWeights losses, Schedule schedule, Output output,
    Execution execution) {

  Settings {
    checkNotNull(content, "content");
    styles = List.copyOf(styles);
    checkArgument(!styles.isEmpty(), "at least one style image is needed");
    checkNotNull(colorControl, "colorControl");
    checkNotNull(model, "model");
    checkNotNull(pooling, "pooling");
    checkNotNull(padding, "padding");
    checkNotNull(layers, "layers");
    checkNotNull(losses, "losses");
    checkNotNull(schedule, "schedule");
    checkNotNull(output, "output");
    checkNotNull(execution, "execution");
  }

  /** True when any style image is limited to a region (spatial control). */
  boolean guided() {
    return styles.stream().anyMatch(s -> s.regionMask() != null);
  }

  /**
   * One style image.
   *
   * @param image the image
   * @param blendWeight its share when several styles blend, &gt; 0
   * @param regionMask where it applies (white selects); null for the whole image
   */
  record StyleImage(ImageSource image, double blendWeight, ImageSource regionMask) {
    StyleImage {
      checkNotNull(image, "style");
      checkArgument(blendWeight > 0 && Double.isFinite(blendWeight),
          "style blend weight must be positive and finite, got %s", blendWeight);
    }
  }

  /**
   * The layers the losses read, resolved once: layers set on the builder win; otherwise the
   * model's own defaults (a registered model's spec), else the VGG defaults.
   *
   * @param content content layers and weights
   * @param style style layers and weights
   * @param contentFromModel true when {@code content} are the model's defaults, not the caller's choice
   * @param styleFromModel true when {@code style} are the model's defaults, not the caller's choice
   * @param styleDecay when the style layers are the model's: 0 to keep its weights, else the factor
   *     by which each layer's weight falls from the shallowest to the deepest (a preset's profile)
   */
  record FeatureLayers(List<LayerWeight> content, List<LayerWeight> style, boolean contentFromModel,
      boolean styleFromModel, double styleDecay) {
    FeatureLayers {
      content = List.copyOf(content);
      style = List.copyOf(style);
    }

    /** {@code layers}, each with {@code weight}. */
    static List<LayerWeight> weighted(String[] layers, double weight) {
      return java.util.Arrays.stream(layers).map(l -> new LayerWeight(l, weight)).toList();
    }

    /** A copy of {@code layers}, which must hold at least one layer. */
    static List<LayerWeight> require(List<LayerWeight> layers, String what) {
      checkArgument(layers != null && !layers.isEmpty(), "at least one %s layer is needed", what);
      return List.copyOf(layers);
    }

    /**
     * Layers for {@code model}, where {@code content} and {@code style} (null: not set) win; the
     * model's style layers reweighted by {@link #geometric} when {@code styleDecay} &gt; 0.
     */
    static FeatureLayers resolve(ModelSource model, List<LayerWeight> content, List<LayerWeight> style,
        double styleDecay) {
      List<LayerWeight> modelStyle = styleDecay > 0 ? geometric(model.defaultStyleLayers(), styleDecay)
          : model.defaultStyleLayers();
      return new FeatureLayers(content != null ? content : model.defaultContentLayers(),
          style != null ? style : modelStyle, content == null, style == null, styleDecay);
    }

    /**
     * {@code layers} (shallow to deep) with weights falling by {@code decay} from one to the next,
     * normalised to sum 1: with 4 and five layers, crowsonkb's 256:64:16:4:1.
     */
    static List<LayerWeight> geometric(List<LayerWeight> layers, double decay) {
      double sum = 0;
      for (int i = 0; i < layers.size(); i++) {
        sum += Math.pow(decay, -i);
      }
      List<LayerWeight> out = new ArrayList<>();
      for (int i = 0; i < layers.size(); i++) {
        out.add(new LayerWeight(layers.get(i).layer(), Math.pow(decay, -i) / sum));
      }
      return out;
    }

    /** The content layers the caller chose, or null when they are the model's defaults. */
    List<LayerWeight> chosenContent() {
      return contentFromModel ? null : content;
    }

    /** The style layers the caller chose, or null when they are the model's defaults. */
    List<LayerWeight> chosenStyle() {
      return styleFromModel ? null : style;
    }

    /** Every layer a loss reads, content first, for truncating the network. */
    List<String> names() {
      List<String> names = new ArrayList<>();
      content.forEach(l -> names.add(l.layer()));
      style.forEach(l -> names.add(l.layer()));
      return names;
    }
  }

  /**
   * The loss terms: J = alpha J_content + beta J_style + gamma J_tv.
   *
   * @param alpha content weight
   * @param beta style weight
   * @param gamma total-variation weight
   * @param normalization the normalisation of the classic terms
   * @param normalizeGradients jcjohnson's per-term L1 normalisation of the layer gradients
   * @param resolutionInvariant divide gamma by 3 H W
   * @param custom the caller's own losses, or null for the classic ones (which a backend can compile)
   * @param imageLosses pixel-space losses added on the host, by name (any objective takes them)
   * @param styleLoss the kind of style loss (a custom style loss replaces the Gram loss only)
   */
  record LossWeights(double alpha, double beta, double gamma, LossNormalization normalization,
      boolean normalizeGradients, boolean resolutionInvariant, CustomLosses custom,
      Map<String, ImageLoss> imageLosses, StyleLossKind styleLoss) {
    LossWeights {
      checkNotNull(normalization, "normalization");
      checkNotNull(styleLoss, "styleLoss");
      checkArgument(custom == null || custom.style() instanceof ClassicStyleLoss || styleLoss == StyleLossKind.GRAM,
          "a custom style loss replaces the Gram loss; it cannot be combined with styleLoss(%s)", styleLoss);
      imageLosses = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(imageLosses));
    }

    /** The TV weight for an H x W output. */
    double gammaAt(int height, int width) {
      return resolutionInvariant ? gamma / (3.0 * height * width) : gamma;
    }

    /** The loss whose Gram matrix defines the style targets. */
    StyleLoss gram() {
      return custom != null ? custom.style() : new ClassicStyleLoss();
    }
  }

  /**
   * Losses set by the caller; with any of them the whole objective runs on the host, the others
   * being the classic ones.
   *
   * @param content the content loss
   * @param style the style loss
   * @param totalVariation the total-variation loss
   */
  record CustomLosses(ContentLoss content, StyleLoss style, TotalVariationLoss totalVariation) {
    CustomLosses {
      checkNotNull(content, "contentLoss");
      checkNotNull(style, "styleLoss");
      checkNotNull(totalVariation, "totalVariationLoss");
    }

    /** The losses set (null: not set), the classic ones for the others; null when none is set. */
    static CustomLosses ifAnySet(ContentLoss content, StyleLoss style, TotalVariationLoss totalVariation) {
      if (content == null && style == null && totalVariation == null) {
        return null;
      }
      return new CustomLosses(content != null ? content : new ClassicContentLoss(),
          style != null ? style : new ClassicStyleLoss(),
          totalVariation != null ? totalVariation : new SquaredTotalVariation());
    }
  }

  /**
   * What the optimisation does.
   *
   * @param explicitScales the caller's coarse-to-fine schedule, or null to derive it from size and
   *     iterations ({@link Scales#forSize})
   * @param size the long side of the output when no explicit scales are set
   * @param iterations the iterations when no explicit scales are set
   * @param styleScale long side of the style images relative to each scale's
   * @param init where the first scale starts
   * @param seed for noise initialisation
   * @param optimizer the optimiser
   * @param averageDecay the decay of the iterate average each scale returns, 0 for the best iterate
   * @param progressive whether, without explicit scales, the run goes coarse to fine by sqrt(2)
   *     ({@link Scales#progressive}) instead of {@link Scales#forSize}
   */
  record Schedule(Scales explicitScales, int size, int iterations, double styleScale, Init init, long seed,
      Optimizer optimizer, double averageDecay, boolean progressive) {
    Schedule {
      checkNotNull(init, "init");
      checkNotNull(optimizer, "optimizer");
      checkArgument(averageDecay >= 0 && averageDecay < 1, "the averaging decay must be in [0, 1), got %s",
          averageDecay);
    }

    /** The long sides in turn with their iterations: the explicit schedule, else the default for the size. */
    Scales scales() {
      if (explicitScales != null) {
        return explicitScales;
      }
      return progressive ? Scales.progressive(size, iterations) : Scales.forSize(size, iterations);
    }

    /** The optimiser for a network whose input space is {@code convention}. */
    Optimizer optimizerFor(dev.nst.api.InputConvention convention) {
      return optimizer instanceof dev.nst.core.optim.Adam a ? a.inInputSpaceOf(convention) : optimizer;
    }

    /** Long side of the style images at a scale of long side {@code size}. */
    int styleSide(int size) {
      return Math.max(1, (int) Math.round(size * styleScale));
    }
  }

  /**
   * Where images are written.
   *
   * @param file the final image, or null to write none
   * @param saveEvery snapshot period in iterations, 0 for none (needs a file)
   * @param jpegQuality the JPEG quality of a .jpg file, in (0, 1]
   */
  record Output(Path file, int saveEvery, float jpegQuality) {
    Output {
      checkArgument(saveEvery == 0 || file != null, "saveEvery needs an output file");
      checkArgument(jpegQuality > 0 && jpegQuality <= 1, "JPEG quality must be in (0, 1], got %s", jpegQuality);
    }

    /**
     * Checks that the output can be written now ({@link OutputFiles#checkWritable}), and the
     * first snapshot, beside it, when snapshots are due; the extension was checked by the builder.
     */
    void checkWritable() {
      if (file != null) {
        OutputFiles.checkWritable(file);
        if (saveEvery > 0) {
          OutputFiles.checkWritable(snapshotPath(saveEvery));
        }
      }
    }

    /** True when iteration {@code iteration} of {@code iterations} writes a snapshot. */
    boolean snapshotDue(int iteration, int iterations) {
      return saveEvery > 0 && iteration % saveEvery == 0 && iteration < iterations;
    }

    /** {@code name_iter<N>.png} next to the output file. */
    Path snapshotPath(int iteration) {
      String name = file.getFileName().toString();
      int dot = name.lastIndexOf('.');
      String stem = dot > 0 ? name.substring(0, dot) : name;
      return file.resolveSibling(stem + "_iter" + iteration + ".png");
    }
  }

  /**
   * How and where a run executes, and the caller's hooks into it.
   *
   * @param backend the backend's name, or null to select by property, environment, then priority
   * @param device the device asked of the backend
   * @param deviceIndex which GPU, 0 first (0 for the CPU)
   * @param threads intra-op threads, 0 for every core
   * @param memoryLimit bytes a run may need by estimate, 0 for no check
   * @param tileSize the largest tile side, 0 to let the memory budget decide
   * @param listeners told after every iteration
   * @param cancellation checked after every iteration; null for none
   */
  record Execution(String backend, Device device, int deviceIndex, int threads, long memoryLimit, int tileSize,
      List<ProgressListener> listeners, CancellationToken cancellation) {
    Execution {
      checkNotNull(device, "device");
      checkArgument(tileSize >= 0, "tileSize must be >= 0, got %s", tileSize);
      listeners = List.copyOf(listeners);
    }

    /** The options the backend opens with. */
    BackendOptions backendOptions() {
      return new BackendOptions(device, threads, deviceIndex);
    }

    /** True when the caller has asked the run to stop. */
    boolean cancelRequested() {
      return cancellation != null && cancellation.isCancelled();
    }
  }
}
