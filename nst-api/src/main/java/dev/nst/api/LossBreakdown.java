package dev.nst.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The terms of one objective evaluation. {@code content} and {@code style} are the unweighted
 * sums (already including the per-layer weights); {@code imageLosses} are the values of the
 * run's {@link ImageLoss image losses} by name, already weighted; {@code total} = alpha content +
 * beta style + gamma totalVariation + the image losses.
 */
public record LossBreakdown(
    double total,
    double content,
    double style,
    double totalVariation,
    Map<String, Double> contentByLayer,
    Map<String, Double> styleByLayer,
    Map<String, Double> imageLosses) {

  public LossBreakdown {
    contentByLayer = Map.copyOf(contentByLayer);
    styleByLayer = Map.copyOf(styleByLayer);
    imageLosses = Map.copyOf(imageLosses);
  }

  /** A breakdown without image losses. */
  public LossBreakdown(double total, double content, double style, double totalVariation,
      Map<String, Double> contentByLayer, Map<String, Double> styleByLayer) {
    this(total, content, style, totalVariation, contentByLayer, styleByLayer, Map.of());
  }

  /** This breakdown with the image loss {@code name} of {@code value} added to the total. */
  public LossBreakdown withImageLoss(String name, double value) {
    Map<String, Double> losses = new LinkedHashMap<>(imageLosses);
    losses.merge(name, value, Double::sum);
    return new LossBreakdown(total + value, content, style, totalVariation, contentByLayer, styleByLayer, losses);
  }

  public boolean isFinite() {
    return Double.isFinite(total);
  }
}
