package dev.nst.core.tile;

import dev.nst.api.spi.TileObjective;

/**
 * Tiles on a backend's compiled {@link TileObjective}: one native call per tile and pass, the
 * activations never leave the backend. Closes the tile objective.
 */
final class CompiledTileEngine implements TileEngine {
  private final TileObjective objective;
  private final TileBuffers buffers;
  private final float[][] grams;
  private final float[] contentScales;

  CompiledTileEngine(TileObjective objective, TiledTerms terms) {
    this.objective = objective;
    this.buffers = new TileBuffers(terms);
    grams = new float[terms.style.size()][];
    for (int i = 0; i < grams.length; i++) {
      grams[i] = new float[terms.style.get(i).statisticsLength()];
    }
    contentScales = new float[terms.content.size()];
    for (int i = 0; i < contentScales.length; i++) {
      contentScales[i] = terms.content.get(i).scale();
    }
  }

  @Override
  public void addStatistics(float[] tile, int tileIndex, double[][] sums) {
    buffers.fillStyleMasks(tileIndex);
    objective.statistics(tile, buffers.styleMasks, grams);
    for (int i = 0; i < grams.length; i++) {
      for (int k = 0; k < grams[i].length; k++) {
        sums[i][k] += grams[i][k];
      }
    }
  }

  @Override
  public void gradient(float[] tile, int tileIndex, float[][] styleGradients, double[] contentSums, float[] gradient) {
    buffers.fill(tileIndex);
    double[] sums = objective.gradient(tile, buffers.contentTargets, buffers.contentMasks, contentScales,
        buffers.styleMasks, styleGradients, gradient);
    for (int i = 0; i < sums.length; i++) {
      contentSums[i] += sums[i];
    }
  }

  @Override
  public void gradientWithOwnStatistics(float[] tile, int tileIndex, float[][] matrices, float[] selfScales,
      double[][] sums, double[] contentSums, float[] gradient) {
    buffers.fill(tileIndex);
    double[] s = objective.gradientWithOwnStatistics(tile, buffers.contentTargets, buffers.contentMasks,
        contentScales, buffers.styleMasks, matrices, selfScales, grams, gradient);
    for (int i = 0; i < s.length; i++) {
      contentSums[i] += s[i];
    }
    for (int i = 0; i < grams.length; i++) {
      for (int k = 0; k < grams[i].length; k++) {
        sums[i][k] += grams[i][k];
      }
    }
  }

  @Override
  public void close() {
    objective.close();
  }
}
