package dev.nst.api;

import java.util.Map;

/**
 * The terms of one objective evaluation. {@code content} and {@code style} are the unweighted
 * sums (already including the per-layer weights); {@code total} = alpha content + beta style +
 * gamma totalVariation.
 */
public record LossBreakdown(
    double total,
    double content,
    double style,
    double totalVariation,
    Map<String, Double> contentByLayer,
    Map<String, Double> styleByLayer) {

  public LossBreakdown {
    contentByLayer = Map.copyOf(contentByLayer);
    styleByLayer = Map.copyOf(styleByLayer);
  }

  public boolean isFinite() {
    return Double.isFinite(total);
  }
}
