package dev.nst.core.tile;

import dev.nst.api.LossBreakdown;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.StyleLossKind;
import dev.nst.core.loss.GaussianW2;
import dev.nst.core.loss.HistogramMatch;
import dev.nst.core.loss.SquaredTotalVariation;
import java.util.Arrays;
import java.util.Objects;

/**
 * The objective of a whole image evaluated tile by tile, with exactly the untiled value and
 * gradient (up to float rounding) and memory bounded by one tile (DESIGN.md section 10):
 *
 * <ol>
 *   <li>Pass 1: each tile's style statistics over its cores are summed into the whole image's
 *       (Gram matrices; for W2 terms also first moments, for histogram terms node weights).
 *   <li>On the host: the style losses, and per style term the parameters of its layer gradient:
 *       for a Gram term the matrix A = 4 k beta w sym(G - T), for a W2 term A and b
 *       ({@link GaussianW2}, matrix square roots included), for a histogram term the remap
 *       table ({@link HistogramMatch}); C x C work, small next to a pass.
 *   <li>Pass 2: each tile's gradient, content terms and style terms on its cores with the
 *       global parameters, pulled back to the tile's pixels and added into the image gradient
 *       (halos overlap, so pixels near tile borders receive from several tiles, as they should);
 *       histogram losses come back from this pass.
 *   <li>Total variation on the host, over the whole image.
 * </ol>
 *
 * <p>Where every style term is a Gram term, tile 0 skips pass 1 (on a compiled tile objective
 * through {@link dev.nst.api.spi.TileObjective#gradientWithOwnStatistics}): pass 1
 * sums the other tiles' Gram matrices, and tile 0's gradient pass adds its own Gram matrix G_0 to
 * the matrix A = 4 k beta w sym(G_rest - T) of the others, which is the whole image's A since
 * G_0 is symmetric; its G_0 then completes the whole image's statistics for the other tiles'
 * gradient passes. One forward pass of 2N saved, with the same value and gradient.
 *
 * <p>A one-tile layout is how a backend compiles the untiled objective of W2 and histogram
 * terms ({@link #compiled}): a statistics call and a gradient call per evaluation.
 *
 * <p>Not thread-safe; closes its engine.
 */
public final class TiledObjective implements Objective {
  private final ObjectiveSpec spec;
  private final TileLayout layout;
  private final TiledTerms terms;
  private final TileEngine engine;
  private final int channels;
  private final float[] tile;
  private final float[] tileGradient;
  private final double[][] grams;
  private final float[][] coefficients;
  private final TileListener listener;
  /** Whether tile 0's statistics join its gradient pass (Gram terms only). */
  private final boolean joined;
  private final float[] selfScales;
  private boolean closed;

  /**
   * Told before each tile of each pass, so that long evaluations can show progress and stop
   * (pass 1 starts at tile 1, 0-based, where tile 0's passes are joined).
   */
  @FunctionalInterface
  public interface TileListener {
    /**
     * @param pass 1 (statistics) or 2 (gradient)
     * @param tile 0-based index of the tile about to run
     * @param tiles tiles per pass
     */
    void beforeTile(int pass, int tile, int tiles);
  }

  TiledObjective(ObjectiveSpec spec, TileLayout layout, TiledTerms terms, TileEngine engine, int channels,
      TileListener listener) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.layout = Objects.requireNonNull(layout, "layout");
    this.terms = terms;
    this.engine = engine;
    this.channels = channels;
    this.listener = listener == null ? (p, t, n) -> { } : listener;
    if (spec.normalizeGradients()) {
      throw new IllegalArgumentException("normalised gradients need each term's whole gradient before any of it "
          + "flows back, which tiles cannot give; turn normalizeGradients off or use a size that runs untiled");
    }
    int n = channels * layout.tileHeight() * layout.tileWidth();
    tile = new float[n];
    tileGradient = new float[n];
    grams = new double[terms.style.size()][];
    coefficients = new float[terms.style.size()][];
    for (int i = 0; i < grams.length; i++) {
      grams[i] = new double[terms.style.get(i).statisticsLength()];
      coefficients[i] = new float[terms.style.get(i).parametersLength()];
    }
    joined = layout.tiles().size() > 1 && !terms.style.isEmpty()
        && terms.style.stream().allMatch(s -> s.kind() == StyleLossKind.GRAM);
    selfScales = new float[terms.style.size()];
    for (int i = 0; i < selfScales.length; i++) {
      selfScales[i] = (float) gramScale(terms.style.get(i));
    }
  }

  /**
   * A tiled objective over level 1 of a backend: works with every backend, at the price of
   * copying activations to the host (see {@link FeatureTileEngine}).
   *
   * @param extractor the backend's feature extractor for the spec's network; stays the caller's
   * @param listener told before every tile, or null
   * @throws IllegalArgumentException when a target's shape does not fit the spec's image size, or
   *     the spec asks for normalised gradients (which tiles cannot give)
   */
  public static TiledObjective overFeatures(dev.nst.api.FeatureExtractor extractor, ObjectiveSpec spec,
      TileLayout layout, TileListener listener) {
    TiledTerms terms = new TiledTerms(layout.network(), spec, layout);
    int channels = layout.network().inputChannels();
    return new TiledObjective(spec, layout, terms,
        new FeatureTileEngine(extractor, terms, channels, layout.tileHeight(), layout.tileWidth()), channels, listener);
  }

  /**
   * A tiled objective on a backend's compiled tile objective when it offers one ({@link
   * dev.nst.api.spi.Backend#compileTile}), else over its level-1 features.
   *
   * @param backend the backend; its tile objective is closed with this objective
   * @param extractor the backend's feature extractor for the fallback; stays the caller's
   * @param listener told before every tile, or null
   */
  public static TiledObjective on(dev.nst.api.spi.Backend backend, dev.nst.api.FeatureExtractor extractor,
      ObjectiveSpec spec, TileLayout layout, TileListener listener) {
    TiledTerms terms = new TiledTerms(layout.network(), spec, layout);
    int channels = layout.network().inputChannels();
    TileEngine engine = backend.compileTile(layout.network(), terms.tileSpec(spec.pooling()))
        .<TileEngine>map(o -> new CompiledTileEngine(o, terms))
        .orElseGet(() -> new FeatureTileEngine(extractor, terms, channels, layout.tileHeight(), layout.tileWidth()));
    return new TiledObjective(spec, layout, terms, engine, channels, listener);
  }

  /**
   * The untiled objective of {@code spec} as one tile on {@code backend}'s compiled tile
   * objective: how W2 and histogram terms, which need the whole image's statistics before any
   * gradient, compile (a statistics call, the C x C work on the host, a gradient call).
   *
   * @param network the network, its pools of the spec's kind
   * @return the objective, or empty when the backend compiles no tiles
   * @throws IllegalArgumentException when the spec asks for normalised gradients
   */
  public static java.util.Optional<Objective> compiled(dev.nst.api.spi.Backend backend, dev.nst.api.Network network,
      ObjectiveSpec spec) {
    return compiled(tileSpec -> backend.compileTile(network, tileSpec), network, spec);
  }

  /**
   * Like {@link #compiled(dev.nst.api.spi.Backend, dev.nst.api.Network, ObjectiveSpec)}, with the
   * tile objective compiled by {@code compileTile} (a backend's lean mode compiles its own).
   */
  public static java.util.Optional<Objective> compiled(
      java.util.function.Function<dev.nst.api.spi.TileSpec, java.util.Optional<dev.nst.api.spi.TileObjective>>
          compileTile, dev.nst.api.Network network, ObjectiveSpec spec) {
    TileLayout layout = TileLayout.plan(network, spec.layers(), spec.height(), spec.width(), spec.height(),
        spec.width()).orElseThrow(() -> new IllegalStateException("no one-tile layout for " + spec.width() + "x"
            + spec.height() + ": a tiling bug"));
    TiledTerms terms = new TiledTerms(layout.network(), spec, layout);
    int channels = network.inputChannels();
    return compileTile.apply(terms.tileSpec(spec.pooling()))
        .map(o -> new TiledObjective(spec, layout, terms, new CompiledTileEngine(o, terms), channels, null));
  }

  /** True when the tiles run on the backend's compiled tile objective. */
  public boolean compiled() {
    return engine instanceof CompiledTileEngine;
  }

  /** The layout this objective evaluates in. */
  public TileLayout layout() {
    return layout;
  }

  @Override
  public int[] imageShape() {
    return new int[] {1, channels, spec.height(), spec.width()};
  }

  @Override
  public LossBreakdown evaluate(float[] image, float[] gradient) {
    if (closed) {
      throw new IllegalStateException("this tiled objective is closed");
    }
    int size = channels * spec.height() * spec.width();
    if (image.length != size || gradient.length != size) {
      throw new IllegalArgumentException("image and gradient must hold " + size + " values (shape "
          + Arrays.toString(imageShape()) + "), got " + image.length + " and " + gradient.length);
    }
    int tiles = layout.tiles().size();
    int first = joined ? 1 : 0; // the first tile whose passes run apart
    double[] style = new double[terms.style.size()];
    if (!terms.style.isEmpty()) {
      for (double[] g : grams) {
        Arrays.fill(g, 0);
      }
      for (int t = first; t < tiles; t++) {
        listener.beforeTile(1, t, tiles);
        cut(image, t);
        engine.addStatistics(tile, t, grams);
      }
    }
    Arrays.fill(gradient, 0f);
    double[] sums = new double[terms.content.size() + terms.histogramTerms.length];
    if (joined) {
      for (int i = 0; i < style.length; i++) {
        gramTerm(terms.style.get(i), grams[i], coefficients[i]); // A of the other tiles' statistics
      }
      listener.beforeTile(2, 0, tiles);
      cut(image, 0);
      engine.gradientWithOwnStatistics(tile, 0, coefficients, selfScales, grams, sums, tileGradient);
      paste(tileGradient, 0, gradient);
    }
    for (int i = 0; i < style.length; i++) {
      style[i] = styleTerm(terms.style.get(i), grams[i], coefficients[i]);
    }
    for (int t = first; t < tiles; t++) {
      listener.beforeTile(2, t, tiles);
      cut(image, t);
      engine.gradient(tile, t, coefficients, sums, tileGradient);
      paste(tileGradient, t, gradient);
    }
    double[] content = new double[terms.content.size()];
    for (int i = 0; i < content.length; i++) {
      content[i] = terms.content.get(i).factor() * sums[i];
    }
    for (int h = 0; h < terms.histogramTerms.length; h++) {
      TiledTerms.Style s = terms.style.get(terms.histogramTerms[h]);
      style[terms.histogramTerms[h]] = s.histogram().loss(sums[content.length + h], s.weight());
    }
    double tv = SquaredTotalVariation.addGradient(image, channels, spec.height(), spec.width(), spec.gamma(), gradient);
    return spec.breakdown(content, style, tv);
  }

  /**
   * The term's loss from the whole image's statistics (0 for a histogram term, whose loss comes
   * from pass 2), and its gradient parameters in {@code a}.
   */
  private static double styleTerm(TiledTerms.Style s, double[] statistics, float[] a) {
    int c = s.site().channels();
    switch (s.kind()) {
      case W2 -> {
        GaussianW2.Step step = s.w2().evaluate(statistics, Arrays.copyOfRange(statistics, c * c, c * c + c),
            s.weight(), s.strength());
        System.arraycopy(step.matrix(), 0, a, 0, c * c);
        System.arraycopy(step.offset(), 0, a, c * c, c);
        return step.loss();
      }
      case HISTOGRAM -> {
        float[] table = s.histogram().table(statistics, s.weight());
        System.arraycopy(table, 0, a, 0, table.length);
        a[table.length] = s.histogram().gradientScale(s.weight(), s.strength());
        return 0;
      }
      default -> {
        return gramTerm(s, statistics, a);
      }
    }
  }

  /** A Gram term's loss from the whole image's Gram; fills A = 4 k strength sym(G - T). */
  private static double gramTerm(TiledTerms.Style s, double[] gram, float[] a) {
    double sum = 0;
    for (int i = 0; i < gram.length; i++) {
      double d = gram[i] - s.target()[i];
      sum += d * d;
    }
    double k = gramScale(s);
    int c = s.site().channels();
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < c; j++) {
        double dij = gram[i * c + j] - s.target()[i * c + j];
        double dji = gram[j * c + i] - s.target()[j * c + i];
        a[i * c + j] = (float) (k * 0.5 * (dij + dji));
      }
    }
    return s.factor() * sum;
  }

  /** A Gram term's factor k of A = k sym(G - T): 4 times its factor and strength. */
  private static double gramScale(TiledTerms.Style s) {
    return 4 * s.factor() * s.strength();
  }

  /** Copies tile {@code t}'s pixels out of the image. */
  private void cut(float[] image, int t) {
    TiledForward.cut(image, channels, spec.height(), spec.width(), layout.tiles().get(t), layout, tile);
  }

  /** Adds tile {@code t}'s gradient into the image's. */
  private void paste(float[] g, int t, float[] gradient) {
    TileLayout.Tile tl = layout.tiles().get(t);
    int th = layout.tileHeight();
    int tw = layout.tileWidth();
    int h = spec.height();
    int w = spec.width();
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < th; y++) {
        int dst = (c * h + tl.top() + y) * w + tl.left();
        int src = (c * th + y) * tw;
        for (int x = 0; x < tw; x++) {
          gradient[dst + x] += g[src + x];
        }
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    engine.close();
  }

  @Override
  public String toString() {
    return "TiledObjective[" + layout + "]";
  }
}
