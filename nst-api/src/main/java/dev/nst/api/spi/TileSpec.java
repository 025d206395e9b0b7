package dev.nst.api.spi;

import dev.nst.api.Pooling;
import dev.nst.api.StyleLossKind;
import dev.nst.api.Tensor;
import java.util.List;
import java.util.Objects;

/**
 * What a backend compiles for the tiles of an exact tiled evaluation (an image too large to
 * evaluate at once; see {@link TileObjective}): the tile size, the pooling, the layer of each
 * content term, and the layer and kind of each style term, in order. Everything that depends on
 * the whole image (targets, region masks, loss factors, the global style statistics) arrives as
 * inputs of each call, so one compiled tile objective serves every tile and every evaluation;
 * only a histogram term's bins, fixed by its target for the whole run, are compiled in.
 *
 * @param height rows of every tile
 * @param width columns of every tile
 * @param pooling the pooling every pool of the network runs with
 * @param contentLayers the layer of each content term, in term order (a layer may repeat)
 * @param style each style term, in term order (a layer may repeat)
 */
public record TileSpec(int height, int width, Pooling pooling, List<String> contentLayers, List<Style> style) {

  /**
   * A style term of a tile objective.
   *
   * @param layer the layer it reads
   * @param kind the statistic it matches
   * @param bins for {@link StyleLossKind#HISTOGRAM}: (2, C), each channel's lowest bin edge lo_c in
   *     row 0 and its bins per unit s_c in row 1 (see {@link StyleLossKind}); null for the others
   * @param binCount for {@link StyleLossKind#HISTOGRAM}: the number of bins B; 0 for the others
   */
  public record Style(String layer, StyleLossKind kind, Tensor bins, int binCount) {
    /**
     * Checks that a histogram term has its bins and the others none.
     *
     * @param layer the layer it reads
     * @param kind the statistic it matches
     * @param bins a histogram term's bin edges and scales (2, C); null for the others
     * @param binCount a histogram term's number of bins; 0 for the others
     */
    public Style {
      Objects.requireNonNull(layer, "layer");
      Objects.requireNonNull(kind, "kind");
      boolean histogram = kind == StyleLossKind.HISTOGRAM;
      if (histogram != (bins != null) || histogram != (binCount > 0)
          || (bins != null && (bins.rank() != 2 || bins.dim(0) != 2))) {
        throw new IllegalArgumentException("style term at " + layer + ": a histogram term needs bins of shape (2, C) "
            + "and a bin count > 0, the other kinds neither");
      }
    }

    /**
     * A Gram term.
     *
     * @param layer the layer it reads
     * @return the term
     */
    public static Style gram(String layer) {
      return new Style(layer, StyleLossKind.GRAM, null, 0);
    }
  }

  /**
   * Checks the tile size and that there is a term.
   *
   * @param height rows of every tile
   * @param width columns of every tile
   * @param pooling the pooling every pool of the network runs with
   * @param contentLayers the layer of each content term, in term order
   * @param style each style term, in term order
   */
  public TileSpec {
    Objects.requireNonNull(pooling, "pooling");
    contentLayers = List.copyOf(contentLayers);
    style = List.copyOf(style);
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("a tile must be at least 1x1, got " + width + "x" + height);
    }
    if (contentLayers.isEmpty() && style.isEmpty()) {
      throw new IllegalArgumentException("a tile objective needs at least one content or style term");
    }
  }

  /**
   * A spec whose style terms are all Gram terms, one per layer of {@code styleLayers}.
   *
   * @param height rows of every tile
   * @param width columns of every tile
   * @param pooling the pooling every pool of the network runs with
   * @param contentLayers the layer of each content term, in term order
   * @param styleLayers the layer of each Gram style term, in term order
   * @return the spec
   */
  public static TileSpec ofGram(int height, int width, Pooling pooling, List<String> contentLayers,
      List<String> styleLayers) {
    return new TileSpec(height, width, pooling, contentLayers, styleLayers.stream().map(Style::gram).toList());
  }

  /**
   * The layer of each style term, in term order.
   *
   * @return the layers
   */
  public List<String> styleLayers() {
    return style.stream().map(Style::layer).toList();
  }

  /**
   * The number of histogram terms: each returns a sum from the gradient pass.
   *
   * @return how many style terms are histogram terms
   */
  public int histogramTerms() {
    return (int) style.stream().filter(s -> s.kind() == StyleLossKind.HISTOGRAM).count();
  }
}
