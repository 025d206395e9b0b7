package dev.nst.core;

/**
 * What a {@link StyleTransfer.Builder}'s fields become ({@link Settings}), and back: kept apart
 * from the builder so that its file holds the documented setters and little else.
 */
final class SettingsMapping {
  private SettingsMapping() {}

  /** Fills {@code b} from {@code s} (see {@link StyleTransfer#toBuilder()}). */
  static void fill(StyleTransfer.Builder b, Settings s) {
    b.content = s.content();
    b.styles.addAll(s.styles());
    b.colorControl = s.colorControl();
    b.model = s.model();
    b.modelStore = s.model().store().orElse(null);
    b.pooling = s.pooling();
    b.padding = s.padding();
    b.contentLayers = s.layers().chosenContent();
    b.styleLayers = s.layers().chosenStyle();
    b.styleLayerDecay = s.layers().styleDecay();
    Settings.LossWeights l = s.losses();
    b.alpha = l.alpha();
    b.beta = l.beta();
    b.gamma = l.gamma();
    b.normalization = l.normalization();
    b.normalizeGradients = l.normalizeGradients();
    b.resolutionInvariant = l.resolutionInvariant();
    b.imageLosses.putAll(l.imageLosses());
    b.styleLossKind = l.styleLoss();
    if (l.custom() != null) {
      b.contentLoss = l.custom().content();
      b.styleLoss = l.custom().style();
      b.tvLoss = l.custom().totalVariation();
    }
    Settings.Schedule p = s.schedule();
    b.size = p.size();
    b.iterations = p.iterations();
    b.scales = p.explicitScales();
    b.styleScale = p.styleScale();
    b.init = p.init();
    b.seed = p.seed();
    b.optimizer = p.optimizer();
    b.averageDecay = p.averageDecay();
    b.progressive = p.progressive();
    b.output = s.output().file();
    b.saveEvery = s.output().saveEvery();
    b.jpegQuality = s.output().jpegQuality();
    Settings.Execution e = s.execution();
    b.backendName = e.backend();
    b.device = e.device();
    b.deviceIndex = e.deviceIndex();
    b.threads = e.threads();
    b.memoryLimit = e.memoryLimit();
    b.tileSize = e.tileSize();
    b.listeners.addAll(e.listeners());
    b.cancellation = e.cancellation();
  }

  /** The settings of {@code b}, whose cross-field checks have passed. */
  static Settings settings(StyleTransfer.Builder b) {
    ModelSource source = b.model.fetchingThrough(b.modelStore);
    Settings.CustomLosses losses = Settings.CustomLosses.ifAnySet(b.contentLoss, b.styleLoss, b.tvLoss);
    return new Settings(b.content, b.styles, b.colorControl, source, b.pooling, b.padding,
        Settings.FeatureLayers.resolve(source, b.contentLayers, b.styleLayers, b.styleLayerDecay),
        new Settings.LossWeights(b.alpha, b.beta, b.gamma, b.normalization, b.normalizeGradients, b.resolutionInvariant,
            losses, b.imageLosses, b.styleLossKind),
        new Settings.Schedule(b.scales, b.size, b.iterations, b.styleScale, b.init, b.seed, b.optimizer,
            b.averageDecay, b.progressive),
        new Settings.Output(b.output, b.saveEvery, b.jpegQuality),
        new Settings.Execution(b.backendName, b.device, b.deviceIndex, b.threads, b.memoryLimit, b.tileSize,
            b.listeners, b.cancellation));
  }
}
