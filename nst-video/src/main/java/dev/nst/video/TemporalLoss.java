package dev.nst.video;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.nst.api.ImageLoss;
import dev.nst.api.InputConvention;
import dev.nst.video.flow.Plane;
import java.util.ArrayList;
import java.util.List;

/**
 * The temporal term of Ruder et al. (2016): for each earlier frame j it is asked to follow,
 * weight * sum(c_j * (x - w_j)^2) / D, where x is the image being optimised, w_j the earlier
 * stylised frame warped into this one by the optical flow, c_j the per-pixel consistency weights
 * (0 at disocclusions and motion boundaries) and D the number of values (3 H W). Differences are
 * measured in 0..255 pixel units whatever the network's input convention, so one weight suits
 * every model. An {@link ImageLoss}: it runs on the host, O(pixels) per evaluation.
 *
 * <p>The term applies at its targets' size; at another size (the coarser scales of a
 * coarse-to-fine run) it adds nothing, those scales start from the warped frame anyway.
 */
public final class TemporalLoss implements ImageLoss {
  private final double weight;
  private final int height;
  private final int width;
  private final float[] unitsSquared;
  private final List<float[]> targets;
  private final List<float[]> weights;

  /**
   * One earlier frame to follow.
   *
   * @param image the warped earlier result, (3, H, W) in the network's input space
   * @param weights per-pixel weights, H x W, usually 0 or 1
   */
  public record Target(float[] image, Plane weights) {
    /** Checks that the target is present. */
    public Target {
      checkNotNull(image, "image");
      checkNotNull(weights, "weights");
    }
  }

  private TemporalLoss(double weight, int height, int width, float[] unitsSquared, List<float[]> targets,
      List<float[]> weights) {
    this.weight = weight;
    this.height = height;
    this.width = width;
    this.unitsSquared = unitsSquared;
    this.targets = targets;
    this.weights = weights;
  }

  /**
   * A temporal loss over {@code targets}, all of one size.
   *
   * @param convention the network's input convention (how its values relate to 0..255 pixels)
   * @param weight the term's weight, &gt;= 0
   * @param targets earlier frames to follow, at least one
   * @return the loss; the arrays are copied
   * @throws IllegalArgumentException when targets differ in size or are not 3-channel images
   */
  public static TemporalLoss of(InputConvention convention, double weight, List<Target> targets) {
    checkNotNull(convention, "convention");
    checkNotNull(targets, "targets");
    checkArgument(weight >= 0 && Double.isFinite(weight), "temporal weight must be finite and >= 0, got %s", weight);
    checkArgument(!targets.isEmpty(), "a temporal loss needs at least one earlier frame");
    int w = targets.get(0).weights().width();
    int h = targets.get(0).weights().height();
    List<float[]> images = new ArrayList<>();
    List<float[]> masks = new ArrayList<>();
    for (Target t : targets) {
      checkArgument(t.weights().width() == w && t.weights().height() == h, "temporal targets differ in size");
      checkArgument(t.image().length == 3L * w * h, "a temporal target of %s values is not a 3 x %s x %s image",
          t.image().length, h, w);
      images.add(t.image().clone());
      masks.add(t.weights().values());
    }
    float[] units = new float[3];
    for (int c = 0; c < 3; c++) {
      // x = (p * scale - mean) / std, so one step of x is std / scale pixel levels
      double perValue = convention.std(c) / convention.scale();
      units[c] = (float) (perValue * perValue);
    }
    return new TemporalLoss(weight, h, w, units, List.copyOf(images), List.copyOf(masks));
  }

  /** The weight. */
  public double weight() {
    return weight;
  }

  /** How many earlier frames the term follows. */
  public int frames() {
    return targets.size();
  }

  @Override
  public double addTo(float[] image, int[] shape, float[] gradient) {
    if (shape.length != 4 || shape[1] != 3 || shape[2] != height || shape[3] != width || weight == 0) {
      return 0;
    }
    int plane = height * width;
    double d = 3.0 * plane;
    double sum = 0;
    for (int k = 0; k < targets.size(); k++) {
      float[] target = targets.get(k);
      float[] c = weights.get(k);
      for (int ch = 0; ch < 3; ch++) {
        int o = ch * plane;
        double units = unitsSquared[ch];
        float g = (float) (2 * weight * units / d);
        double s = 0;
        for (int i = 0; i < plane; i++) {
          if (c[i] != 0) {
            float diff = image[o + i] - target[o + i];
            s += c[i] * diff * diff;
            gradient[o + i] += g * c[i] * diff;
          }
        }
        sum += s * units;
      }
    }
    return weight * sum / d;
  }
}
