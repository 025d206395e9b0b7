package dev.nst.core.loss;

import static com.google.common.base.Preconditions.checkArgument;

import dev.nst.api.LossValue;
import dev.nst.api.StyleLossKind;
import dev.nst.api.Tensor;
import java.util.Arrays;

/**
 * The histogram style loss ({@link StyleLossKind#HISTOGRAM}) on the host: a target's bins and
 * CDF, the remap table from the node weights a pass over the positions gives, and the host loss
 * of whole activations. Whole activations, tiles and compiled backends share this one definition: the
 * backends deposit the node weights and apply the table, the table is formed here.
 *
 * <p>Immutable; a target is worked out once per run.
 */
public final class HistogramMatch {
  private final int channels;
  private final int bins;
  /** The target's CDF at the nodes, (C, B + 1). */
  private final double[] cdf;
  private final double[] lowEdge;
  private final double[] width;
  private final float[] low;
  private final float[] scale;

  private HistogramMatch(int channels, int bins, double[] cdf, double[] lowEdge, double[] width) {
    this.channels = channels;
    this.bins = bins;
    this.cdf = cdf;
    this.lowEdge = lowEdge;
    this.width = width;
    this.low = new float[channels];
    this.scale = new float[channels];
    for (int c = 0; c < channels; c++) {
      low[c] = (float) lowEdge[c];
      scale[c] = width[c] > 0 ? (float) (1 / width[c]) : 0f;
    }
  }

  /**
   * The target of a style: per channel its range and its CDF at the nodes (C, B + 3), as
   * {@link #histogram} makes it, mixed with {@link StyleLossKind#HISTOGRAM_UNIFORM} of a uniform
   * distribution over the range. A channel of one value (lo = hi) has s_c = 0: every value lands
   * on node 0 and is remapped to that constant.
   *
   * @throws IllegalArgumentException for fewer than one bin, an empty range or a decreasing CDF
   */
  public static HistogramMatch target(Tensor histogram) {
    checkArgument(histogram.rank() == 2 && histogram.dim(1) >= 4, "a histogram target must be (C, B + 3) with B >= 1, "
        + "got %s", Arrays.toString(histogram.shape()));
    int c = histogram.dim(0);
    int row = histogram.dim(1);
    int b = row - 3;
    double[] cdf = new double[c * (b + 1)];
    double[] lo = new double[c];
    double[] width = new double[c];
    for (int ch = 0; ch < c; ch++) {
      lo[ch] = histogram.get(ch * row);
      double hi = histogram.get(ch * row + 1);
      checkArgument(hi >= lo[ch], "the range of channel %s is empty: %s..%s", ch, lo[ch], hi);
      width[ch] = (hi - lo[ch]) / b;
      double previous = Double.NEGATIVE_INFINITY;
      for (int e = 0; e <= b; e++) {
        double p = histogram.get(ch * row + 2 + e);
        checkArgument(p >= previous, "the CDF of channel %s decreases at node %s", ch, e);
        previous = p;
        cdf[ch * (b + 1) + e] = (1 - StyleLossKind.HISTOGRAM_UNIFORM) * p + StyleLossKind.HISTOGRAM_UNIFORM * e / b;
      }
    }
    return new HistogramMatch(c, b, cdf, lo, width);
  }

  /**
   * The histogram target of an activation (1, C, H, W) with {@code bins} bins: per channel its
   * least and greatest value, then the CDF at the nodes of that range.
   */
  public static Tensor histogram(Tensor activation, int bins) {
    Shapes.requireActivation(activation, "activation");
    int c = activation.dim(1);
    return histogram(activation.toArray(), c, activation.dim(2) * activation.dim(3), bins);
  }

  /** {@link #histogram(Tensor, int)} of (C, N) values. */
  public static Tensor histogram(float[] values, int c, int n, int bins) {
    checkArgument(bins >= 1 && n >= 1, "need at least one bin and one position");
    float[] out = new float[c * (bins + 3)];
    double[] lo = new double[c];
    double[] width = new double[c];
    for (int ch = 0; ch < c; ch++) {
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (int p = ch * n; p < (ch + 1) * n; p++) {
        min = Math.min(min, values[p]);
        max = Math.max(max, values[p]);
      }
      lo[ch] = min;
      width[ch] = ((double) max - min) / bins;
      out[ch * (bins + 3)] = min;
      out[ch * (bins + 3) + 1] = max;
    }
    HistogramMatch grid = new HistogramMatch(c, bins, new double[c * (bins + 1)], lo, width);
    double[] nodes = new double[c * (bins + 1)];
    float[] ones = new float[n];
    Arrays.fill(ones, 1f);
    StyleSums.deposit(values, ones, grid, n, nodes);
    double[] p = grid.cumulative(nodes, n);
    for (int ch = 0; ch < c; ch++) {
      for (int e = 0; e <= bins; e++) {
        out[ch * (bins + 3) + 2 + e] = (float) p[ch * (bins + 1) + e];
      }
    }
    return Tensor.adopt(out, c, bins + 3);
  }

  /**
   * Several styles' histograms as one, the mixture of their distributions: over the union of
   * their ranges, with as many bins as the first, each CDF resampled (linear between its nodes,
   * 0 below its range and 1 above) and weighted.
   *
   * @param weights one weight per histogram, summing to 1
   */
  public static Tensor mixture(java.util.List<Tensor> histograms, double[] weights) {
    checkArgument(histograms.size() == weights.length && !histograms.isEmpty(), "give one weight per histogram");
    java.util.List<HistogramMatch> parts = histograms.stream().map(HistogramMatch::target).toList();
    int c = parts.get(0).channels;
    int b = parts.get(0).bins;
    float[] out = new float[c * (b + 3)];
    for (int ch = 0; ch < c; ch++) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (HistogramMatch h : parts) {
        lo = Math.min(lo, h.lowEdge[ch]);
        hi = Math.max(hi, h.lowEdge[ch] + h.width[ch] * h.bins);
      }
      out[ch * (b + 3)] = (float) lo;
      out[ch * (b + 3) + 1] = (float) hi;
      for (int e = 0; e <= b; e++) {
        double v = lo + (hi - lo) * e / b;
        double p = 0;
        for (int k = 0; k < parts.size(); k++) {
          p += weights[k] * parts.get(k).cdfAt(ch, v);
        }
        out[ch * (b + 3) + 2 + e] = (float) p;
      }
    }
    return Tensor.adopt(out, c, b + 3);
  }

  /** The target's CDF of channel c at value v: linear between the nodes, 0 below the range, 1 above. */
  private double cdfAt(int ch, double v) {
    int o = ch * (bins + 1);
    if (v < lowEdge[ch]) {
      return 0;
    }
    if (width[ch] == 0 || v > lowEdge[ch] + width[ch] * bins) {
      return v > lowEdge[ch] ? 1 : cdf[o];
    }
    double u = (v - lowEdge[ch]) / width[ch];
    int e = Math.min((int) u, bins - 1);
    return cdf[o + e] + (u - e) * (cdf[o + e + 1] - cdf[o + e]);
  }

  /** P_e = (sum_{j &lt; e} n_j + n_e / 2) / W for node weights (C, B + 1). */
  private double[] cumulative(double[] nodes, double weight) {
    int b1 = bins + 1;
    double[] p = new double[channels * b1];
    for (int ch = 0; ch < channels; ch++) {
      double below = 0;
      for (int e = 0; e <= bins; e++) {
        double n = nodes[ch * b1 + e];
        p[ch * b1 + e] = weight > 0 ? (below + 0.5 * n) / weight : 0;
        below += n;
      }
    }
    return p;
  }

  /** Channels C. */
  public int channels() {
    return channels;
  }

  /** Bins B; the table has B + 1 nodes per channel. */
  public int bins() {
    return bins;
  }

  /** lo_c: the first bin edge of channel c. */
  public float low(int c) {
    return low[c];
  }

  /** s_c: bins per unit of channel c. */
  public float scale(int c) {
    return scale[c];
  }

  /** The bins as (2, C): lo in row 0, s in row 1 (what a compiled tile objective is built with). */
  public Tensor binning() {
    float[] v = new float[2 * channels];
    System.arraycopy(low, 0, v, 0, channels);
    System.arraycopy(scale, 0, v, channels, channels);
    return Tensor.adopt(v, 2, channels);
  }

  /**
   * The remap table T (C, B + 1) from the generated node weights n (C, B + 1) summed over the
   * positions: T_e = (P^t)^-1(P_e), the target's CDF inverted piecewise linearly between the
   * nodes (from the last node at or below P_e), clamped to the target's range.
   *
   * @param weight W, the total weight of the positions
   */
  public float[] table(double[] nodes, double weight) {
    int b1 = bins + 1;
    double[] p = cumulative(nodes, weight);
    float[] t = new float[channels * b1];
    for (int ch = 0; ch < channels; ch++) {
      int o = ch * b1;
      int e = 0; // P is non-decreasing, so the search walks forward
      for (int node = 0; node <= bins; node++) {
        double q = p[o + node];
        double v;
        if (q <= cdf[o]) {
          v = 0;
        } else if (q >= cdf[o + bins]) {
          v = bins;
        } else {
          while (e < bins - 1 && cdf[o + e + 1] <= q) {
            e++;
          }
          while (e > 0 && cdf[o + e] > q) {
            e--;
          }
          double span = cdf[o + e + 1] - cdf[o + e];
          v = e + (span > 0 ? (q - cdf[o + e]) / span : 0);
        }
        t[o + node] = (float) (lowEdge[ch] + v * width[ch]);
      }
    }
    return t;
  }

  /**
   * The factor on {@code w (a - R(a))} in the layer gradient.
   *
   * @param weight W
   * @param strength beta times the layer weight
   * @return 2 strength / (C W), or 0 for an empty region
   */
  public float gradientScale(double weight, double strength) {
    return weight > 0 ? (float) (2 * strength / (channels * weight)) : 0f;
  }

  /** The loss from the weighted sum of squared remap distances: sum / (C W). */
  public double loss(double remapSum, double weight) {
    return weight > 0 ? remapSum / (channels * weight) : 0;
  }

  /**
   * The loss of a whole activation and its gradient with respect to it (strength 1): the host
   * loss of a level-1 objective.
   *
   * @param activation (1, C, H, W)
   * @param mask (1, 1, H, W) region weights, or null for the whole image
   */
  public LossValue evaluate(Tensor activation, Tensor mask) {
    Shapes.requireActivation(activation, "activation");
    checkArgument(activation.dim(1) == channels, "the histogram target has %s channels, the activation %s", channels,
        activation.dim(1));
    int n = activation.dim(2) * activation.dim(3);
    float[] a = activation.toArray();
    float[] w = StyleSums.weights(mask, n);
    double weight = StyleSums.total(w);
    double[] nodes = new double[channels * (bins + 1)];
    StyleSums.deposit(a, w, this, n, nodes);
    float[] g = new float[a.length];
    double sum = StyleSums.remap(a, w, this, table(nodes, weight), gradientScale(weight, 1), n, g);
    return new LossValue(loss(sum, weight), Tensor.adopt(g, activation.shape()));
  }
}
