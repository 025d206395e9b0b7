package dev.nst.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.nst.api.spi.TileObjective;
import dev.nst.api.spi.TileSpec;
import java.util.Arrays;

/**
 * A skeletal {@link TileObjective}: the argument checks, the lifecycle, and one name per graph
 * input, so that a backend only copies named inputs into its buffers and runs its two graphs.
 * Inputs are named {@code image}, {@code style_mask/i}, {@code style_matrix/i},
 * {@code content_target/i}, {@code content_mask/i} and {@code content_scale/i} (a one-value
 * input) after the term they belong to.
 */
public abstract class AbstractTileObjective implements TileObjective {
  /** The name of the tile image input. */
  public static final String IMAGE = "image";

  private final int[] imageShape;
  private final int contentTerms;
  private final int styleTerms;
  private final String backend;
  private boolean closed;

  /**
   * @param spec the compiled tile spec
   * @param channels the network's input channels
   * @param backend the backend's name, for messages
   */
  protected AbstractTileObjective(TileSpec spec, int channels, String backend) {
    checkNotNull(spec, "spec");
    this.imageShape = new int[] {1, channels, spec.height(), spec.width()};
    this.contentTerms = spec.contentLayers().size();
    this.styleTerms = spec.styleLayers().size();
    this.backend = backend;
  }

  /** The input holding style term {@code i}'s mask. */
  public static String styleMask(int i) {
    return "style_mask/" + i;
  }

  /** The input holding style term {@code i}'s gradient matrix. */
  public static String styleMatrix(int i) {
    return "style_matrix/" + i;
  }

  /** The input holding content term {@code i}'s target crop. */
  public static String contentTarget(int i) {
    return "content_target/" + i;
  }

  /** The input holding content term {@code i}'s core mask. */
  public static String contentMask(int i) {
    return "content_mask/" + i;
  }

  /** The one-value input holding content term {@code i}'s gradient scale. */
  public static String contentScale(int i) {
    return "content_scale/" + i;
  }

  @Override
  public final int[] imageShape() {
    return imageShape.clone();
  }

  @Override
  public final void statistics(float[] tile, float[][] styleMasks, float[][] grams) {
    requireOpen();
    checkArgument(styleMasks.length == styleTerms && grams.length == styleTerms, "give one mask and one Gram per "
        + "style term (%s), got %s and %s", styleTerms, styleMasks.length, grams.length);
    if (styleTerms == 0) {
      return;
    }
    feed(IMAGE, tile);
    for (int i = 0; i < styleTerms; i++) {
      feed(styleMask(i), styleMasks[i]);
    }
    runStatistics(grams);
  }

  @Override
  public final double[] gradient(float[] tile, float[][] contentTargets, float[][] contentMasks,
      float[] contentScales, float[][] styleMasks, float[][] styleMatrices, float[] gradient) {
    requireOpen();
    checkArgument(contentTargets.length == contentTerms && contentMasks.length == contentTerms
        && contentScales.length == contentTerms, "give one target, mask and scale per content term (%s)", contentTerms);
    checkArgument(styleMasks.length == styleTerms && styleMatrices.length == styleTerms,
        "give one mask and one matrix per style term (%s)", styleTerms);
    int size = imageShape[1] * imageShape[2] * imageShape[3];
    checkArgument(gradient.length == size, "the gradient must hold %s values for a tile of shape %s", size,
        Arrays.toString(imageShape));
    feed(IMAGE, tile);
    for (int i = 0; i < contentTerms; i++) {
      feed(contentTarget(i), contentTargets[i]);
      feed(contentMask(i), contentMasks[i]);
      feed(contentScale(i), new float[] {contentScales[i]});
    }
    for (int i = 0; i < styleTerms; i++) {
      feed(styleMask(i), styleMasks[i]);
      feed(styleMatrix(i), styleMatrices[i]);
    }
    return runGradient(gradient);
  }

  /** Content terms of the spec. */
  protected final int contentTerms() {
    return contentTerms;
  }

  /** Style terms of the spec. */
  protected final int styleTerms() {
    return styleTerms;
  }

  /**
   * Copies {@code values} into the buffer of the named input.
   *
   * @throws IllegalArgumentException when the input holds another number of values
   */
  protected abstract void feed(String input, float[] values);

  /** Runs the statistics graph on the fed inputs and copies each style term's Gram into {@code grams}. */
  protected abstract void runStatistics(float[][] grams);

  /** Runs the gradient graph on the fed inputs, copies dJ/dtile into {@code gradient}, returns the content sums. */
  protected abstract double[] runGradient(float[] gradient);

  /** Frees the backend's graphs and buffers; called once. */
  protected abstract void release();

  private void requireOpen() {
    checkState(!closed, "this %s tile objective is closed; compile another with Backend.compileTile", backend);
  }

  @Override
  public final void close() {
    if (closed) {
      return;
    }
    closed = true;
    release();
  }
}
