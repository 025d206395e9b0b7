package dev.nst.core;

import dev.nst.api.ImageLoss;
import dev.nst.api.LossBreakdown;
import dev.nst.api.Objective;
import java.util.Map;

/** An objective plus the run's image losses, evaluated on the host after it. Closes the objective it wraps. */
final class ImageLossObjective implements Objective {
  private final Objective objective;
  private final Map<String, ImageLoss> losses;

  ImageLossObjective(Objective objective, Map<String, ImageLoss> losses) {
    this.objective = objective;
    this.losses = Map.copyOf(losses);
  }

  @Override
  public int[] imageShape() {
    return objective.imageShape();
  }

  @Override
  public LossBreakdown evaluate(float[] image, float[] gradient) {
    LossBreakdown b = objective.evaluate(image, gradient);
    int[] shape = objective.imageShape();
    for (Map.Entry<String, ImageLoss> e : losses.entrySet()) {
      b = b.withImageLoss(e.getKey(), e.getValue().addTo(image, shape, gradient));
    }
    return b;
  }

  @Override
  public void close() {
    objective.close();
  }
}
