package dev.nst.core.loss;

import dev.nst.api.ContentLoss;
import dev.nst.api.LossNormalization;
import dev.nst.api.LossValue;
import dev.nst.api.Tensor;

/**
 * The classic content loss of Gatys et al. with the normalisation of the reference data:
 *
 * <pre>
 * J = sum((target - generated)^2) / (4 nC nH nW)      dJ/dgenerated = (generated - target) / (2 nC nH nW)
 * </pre>
 *
 * Dividing by the activation size makes the weight alpha independent of the layer and image
 * size. The sum is taken in double. Stateless and thread-safe.
 */
public final class ClassicContentLoss implements ContentLoss {
  private final LossNormalization normalization;

  /** The reference normalisation, {@link LossNormalization#CLASSIC}. */
  public ClassicContentLoss() {
    this(LossNormalization.CLASSIC);
  }

  /** The same squared error with another normalisation (presets of the well-known peers). */
  public ClassicContentLoss(LossNormalization normalization) {
    this.normalization = java.util.Objects.requireNonNull(normalization, "normalization");
  }

  @Override
  public LossValue evaluate(Tensor generated, Tensor target) {
    Shapes.requireActivation(generated, "generated activation");
    Shapes.requireActivation(target, "content target");
    Shapes.requireSameShape(generated, "the generated activation", target, "the content target");
    float[] g = generated.toArray();
    float[] t = target.toArray();
    double k = normalization.contentFactor(generated.dim(1), generated.dim(2), generated.dim(3));
    double sum = 0;
    float scale = (float) (2.0 * k);
    float[] grad = new float[g.length];
    for (int i = 0; i < g.length; i++) {
      double d = (double) g[i] - t[i];
      sum += d * d;
      grad[i] = (float) d * scale;
    }
    return new LossValue(sum * k, Tensor.adopt(grad, generated.shape()));
  }

  @Override
  public String toString() {
    return "ClassicContentLoss[" + normalization + "]";
  }
}
