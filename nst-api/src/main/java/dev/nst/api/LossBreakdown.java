package dev.nst.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The terms of one objective evaluation. {@code content} and {@code style} are the unweighted
 * sums (already including the per-layer weights); {@code imageLosses} are the values of the
 * run's {@link ImageLoss image losses} by name, already weighted; {@code total} = alpha content +
 * beta style + gamma totalVariation + the image losses.
 *
 * @param total the objective's value
 * @param content the content term before its weight alpha
 * @param style the style term before its weight beta
 * @param totalVariation the total-variation term before its weight gamma
 * @param contentByLayer each content layer's weighted contribution to {@code content}
 * @param styleByLayer each style layer's weighted contribution to {@code style}
 * @param imageLosses each image loss's weighted value, by name
 */
public record LossBreakdown(
    double total,
    double content,
    double style,
    double totalVariation,
    Map<String, Double> contentByLayer,
    Map<String, Double> styleByLayer,
    Map<String, Double> imageLosses) {

  /**
   * Copies the maps.
   *
   * @param total the objective's value
   * @param content the content term before its weight alpha
   * @param style the style term before its weight beta
   * @param totalVariation the total-variation term before its weight gamma
   * @param contentByLayer each content layer's weighted contribution to {@code content}
   * @param styleByLayer each style layer's weighted contribution to {@code style}
   * @param imageLosses each image loss's weighted value, by name
   */
  public LossBreakdown {
    contentByLayer = Map.copyOf(contentByLayer);
    styleByLayer = Map.copyOf(styleByLayer);
    imageLosses = Map.copyOf(imageLosses);
  }

  /**
   * A breakdown without image losses.
   *
   * @param total the objective's value
   * @param content the content term before its weight alpha
   * @param style the style term before its weight beta
   * @param totalVariation the total-variation term before its weight gamma
   * @param contentByLayer each content layer's weighted contribution to {@code content}
   * @param styleByLayer each style layer's weighted contribution to {@code style}
   */
  public LossBreakdown(double total, double content, double style, double totalVariation,
      Map<String, Double> contentByLayer, Map<String, Double> styleByLayer) {
    this(total, content, style, totalVariation, contentByLayer, styleByLayer, Map.of());
  }

  /**
   * This breakdown with the image loss {@code name} of {@code value} added to the total.
   *
   * @param name the image loss's name; a value under the same name adds to it
   * @param value its weighted value
   * @return a new breakdown
   */
  public LossBreakdown withImageLoss(String name, double value) {
    Map<String, Double> losses = new LinkedHashMap<>(imageLosses);
    losses.merge(name, value, Double::sum);
    return new LossBreakdown(total + value, content, style, totalVariation, contentByLayer, styleByLayer, losses);
  }

  /**
   * Whether the total is a finite number (not NaN or infinite).
   *
   * @return true when the evaluation went well
   */
  public boolean isFinite() {
    return Double.isFinite(total);
  }
}
