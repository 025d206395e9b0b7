package dev.nst.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.nst.api.StyleLossKind;
import dev.nst.api.spi.TileObjective;
import dev.nst.api.spi.TileSpec;
import java.util.Arrays;
import java.util.List;

/**
 * A skeletal {@link TileObjective}: the argument checks, the lifecycle, and one name per graph
 * input, so that a backend only copies named inputs into its buffers and runs its two graphs.
 * Inputs are named {@code image}, {@code style_mask/i}, {@code content_target/i},
 * {@code content_mask/i} and {@code content_scale/i} (a one-value input) after the term they
 * belong to, and by a style term's kind (see {@link TileObjective} for the layouts):
 * {@code style_matrix/i} (Gram, W2), {@code style_offset/i} (W2), {@code style_table/i} and
 * {@code style_scale/i} (histogram), and where the backend forms a tile's own Gram matrices in its
 * gradient pass ({@link #formsOwnStatistics}) {@code style_self/i} (Gram: the factor of the
 * tile's own Gram matrix, 0 in a plain gradient pass).
 */
public abstract class AbstractTileObjective implements TileObjective {
  /** The {@code style_self/i} factor of a plain gradient pass. */
  private static final float[] NO_SELF = {0f};

  /** The name of the tile image input. */
  public static final String IMAGE = "image";

  private final int[] imageShape;
  private final int contentTerms;
  private final int styleTerms;
  private final List<TileSpec.Style> styles;
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
    this.styles = spec.style();
    this.styleTerms = styles.size();
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

  /**
   * The one-value input holding Gram style term {@code i}'s factor of the tile's own Gram matrix
   * in the gradient pass (see {@link #gradientWithOwnStatistics}); 0 in a plain gradient pass.
   */
  public static String styleSelf(int i) {
    return "style_self/" + i;
  }

  /** The input holding W2 style term {@code i}'s offset b, (C, 1). */
  public static String styleOffset(int i) {
    return "style_offset/" + i;
  }

  /** The input holding histogram style term {@code i}'s remap table, (C (B + 1)). */
  public static String styleTable(int i) {
    return "style_table/" + i;
  }

  /** The one-value input holding histogram style term {@code i}'s gradient scale. */
  public static String styleScale(int i) {
    return "style_scale/" + i;
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
    feedGradient(tile, contentTargets, contentMasks, contentScales, styleMasks, styleMatrices, gradient);
    if (formsOwnStatistics()) {
      for (int i = 0; i < styleTerms; i++) {
        if (styles.get(i).kind() == StyleLossKind.GRAM) {
          feed(styleSelf(i), NO_SELF, 0, 1);
        }
      }
    }
    return runGradient(gradient);
  }

  @Override
  public final double[] gradientWithOwnStatistics(float[] tile, float[][] contentTargets, float[][] contentMasks,
      float[] contentScales, float[][] styleMasks, float[][] styleMatrices, float[] selfScales, float[][] grams,
      float[] gradient) {
    requireOpen();
    for (int i = 0; i < styleTerms; i++) {
      checkArgument(styles.get(i).kind() == StyleLossKind.GRAM, "a tile's own statistics join its gradient pass "
          + "for Gram terms only; style term %s is a %s term: call statistics, then gradient", i,
          styles.get(i).kind());
    }
    checkArgument(selfScales.length == styleTerms && grams.length == styleTerms,
        "give one factor and one Gram per style term (%s), got %s and %s", styleTerms, selfScales.length,
        grams.length);
    if (!formsOwnStatistics()) {
      return TileObjective.super.gradientWithOwnStatistics(tile, contentTargets, contentMasks, contentScales,
          styleMasks, styleMatrices, selfScales, grams, gradient);
    }
    feedGradient(tile, contentTargets, contentMasks, contentScales, styleMasks, styleMatrices, gradient);
    for (int i = 0; i < styleTerms; i++) {
      feed(styleSelf(i), selfScales, i, 1);
    }
    return runGradientWithOwnStatistics(gradient, grams);
  }

  private void feedGradient(float[] tile, float[][] contentTargets, float[][] contentMasks, float[] contentScales,
      float[][] styleMasks, float[][] styleMatrices, float[] gradient) {
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
      feed(contentScale(i), contentScales, i, 1);
    }
    for (int i = 0; i < styleTerms; i++) {
      feed(styleMask(i), styleMasks[i]);
      feedParameters(i, styleMatrices[i]);
    }
  }

  /** Splits style term {@code i}'s parameters into the inputs of its kind. */
  private void feedParameters(int i, float[] p) {
    switch (styles.get(i).kind()) {
      case HISTOGRAM -> {
        checkArgument(p.length >= 2, "a histogram term's parameters are its table and a scale, got %s values",
            p.length);
        feed(styleTable(i), p, 0, p.length - 1);
        feed(styleScale(i), p, p.length - 1, 1);
      }
      case W2 -> {
        // C x C matrix, then C offsets: C^2 + C values
        int c = (int) Math.round((Math.sqrt(1 + 4.0 * p.length) - 1) / 2);
        checkArgument((long) c * c + c == p.length, "a W2 term's parameters are a C x C matrix and C offsets, got "
            + "%s values", p.length);
        feed(styleMatrix(i), p, 0, c * c);
        feed(styleOffset(i), p, c * c, c);
      }
      default -> feed(styleMatrix(i), p, 0, p.length);
    }
  }

  /** Content terms of the spec. */
  protected final int contentTerms() {
    return contentTerms;
  }

  /** Style terms of the spec. */
  protected final int styleTerms() {
    return styleTerms;
  }

  /** Style term {@code i}: its layer and kind of loss. */
  protected final TileSpec.Style style(int i) {
    return styles.get(i);
  }

  private void feed(String input, float[] values) {
    feed(input, values, 0, values.length);
  }

  /**
   * Copies {@code values[from .. from + length)} into the buffer of the named input.
   *
   * @throws IllegalArgumentException when the input holds another number of values
   */
  protected abstract void feed(String input, float[] values, int from, int length);

  /**
   * Runs the statistics graph on the fed inputs and copies each style term's statistics, in the
   * layout of its kind, into {@code statistics}.
   */
  protected abstract void runStatistics(float[][] statistics);

  /**
   * Runs the gradient graph on the fed inputs, copies dJ/dtile into {@code gradient}, returns the
   * content sums, then each histogram term's sum.
   */
  protected abstract double[] runGradient(float[] gradient);

  /**
   * Whether the gradient graph forms the tile's own Gram matrices ({@code style_self/i} inputs,
   * {@link #runGradientWithOwnStatistics}); else {@link #gradientWithOwnStatistics} makes a
   * statistics call and a gradient call.
   */
  protected boolean formsOwnStatistics() {
    return false;
  }

  /**
   * Runs the gradient graph on the fed inputs as {@link #runGradient} does, and also copies each
   * style term's own Gram matrix into {@code grams}; called only when {@link #formsOwnStatistics}.
   */
  protected double[] runGradientWithOwnStatistics(float[] gradient, float[][] grams) {
    throw new UnsupportedOperationException("this tile objective does not form its own statistics");
  }

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
