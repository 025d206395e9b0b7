package dev.nst.api.spi;

import dev.nst.api.Pooling;
import java.util.List;
import java.util.Objects;

/**
 * What a backend compiles for the tiles of an exact tiled evaluation (an image too large to
 * evaluate at once; see {@link TileObjective}): the tile size, the pooling, and the layer of each
 * content and style term, in order. Everything that depends on the whole image (targets, region
 * masks, loss factors, the global style statistics) arrives as inputs of each call, so one
 * compiled tile objective serves every tile and every evaluation.
 *
 * @param height rows of every tile
 * @param width columns of every tile
 * @param pooling the pooling every pool of the network runs with
 * @param contentLayers the layer of each content term, in term order (a layer may repeat)
 * @param styleLayers the layer of each style term, in term order (a layer may repeat)
 */
public record TileSpec(int height, int width, Pooling pooling, List<String> contentLayers,
    List<String> styleLayers) {

  public TileSpec {
    Objects.requireNonNull(pooling, "pooling");
    contentLayers = List.copyOf(contentLayers);
    styleLayers = List.copyOf(styleLayers);
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("a tile must be at least 1x1, got " + width + "x" + height);
    }
    if (contentLayers.isEmpty() && styleLayers.isEmpty()) {
      throw new IllegalArgumentException("a tile objective needs at least one content or style term");
    }
  }
}
