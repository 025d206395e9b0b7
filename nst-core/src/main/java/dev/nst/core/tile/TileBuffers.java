package dev.nst.core.tile;

/**
 * One tile's inputs, cut from the whole image's targets and masks into buffers allocated once:
 * per content term its target crop and core mask, per style term its core-and-region mask.
 */
final class TileBuffers {
  private final TiledTerms terms;
  final float[][] contentTargets;
  final float[][] contentMasks;
  final float[][] styleMasks;

  TileBuffers(TiledTerms terms) {
    this.terms = terms;
    contentTargets = new float[terms.content.size()][];
    contentMasks = new float[terms.content.size()][];
    for (int i = 0; i < contentTargets.length; i++) {
      TiledTerms.Site s = terms.content.get(i).site();
      contentTargets[i] = new float[s.channels() * s.tilePositions()];
      contentMasks[i] = new float[s.tilePositions()];
    }
    styleMasks = new float[terms.style.size()][];
    for (int i = 0; i < styleMasks.length; i++) {
      styleMasks[i] = new float[terms.style.get(i).site().tilePositions()];
    }
  }

  /** Cuts tile {@code tile}'s style masks. */
  void fillStyleMasks(int tile) {
    for (int i = 0; i < styleMasks.length; i++) {
      terms.styleMask(i, tile, styleMasks[i]);
    }
  }

  /** Cuts everything tile {@code tile} needs. */
  void fill(int tile) {
    for (int i = 0; i < contentTargets.length; i++) {
      terms.contentTarget(i, tile, contentTargets[i]);
      terms.contentMask(i, tile, contentMasks[i]);
    }
    fillStyleMasks(tile);
  }
}
