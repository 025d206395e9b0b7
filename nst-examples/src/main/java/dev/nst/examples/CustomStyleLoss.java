package dev.nst.examples;

import dev.nst.api.LossValue;
import dev.nst.api.StyleLoss;
import dev.nst.api.Tensor;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A style loss written by the user: {@link WeightedGramLoss} weighs the Gram matrix's diagonal
 * (how strongly each feature fires) apart from its off-diagonal entries (which features fire
 * together). With an off-diagonal weight below 1 the result keeps the style's colours and
 * textures but less of its arrangement.
 *
 * <p>A custom loss runs on the host over the activations the backend hands out (level 1 of the
 * backend contract), so it works with every backend; the compiled objectives, which never copy
 * activations to the host, are for nst's own losses.
 *
 * <p>Run it from the repository root:
 *
 * <pre>
 * ./mvnw -B -q -pl nst-examples -am -DskipTests package -Dexample=CustomStyleLoss
 * </pre>
 *
 * System properties: {@code example.model} (a registered model name, default
 * {@code darknet-tiny}), {@code example.size} (256), {@code example.iterations} (100),
 * {@code example.output} ({@code custom-loss.png}) and {@code example.offDiagonalWeight} (0.5).
 */
public final class CustomStyleLoss {
  private CustomStyleLoss() {}

  /**
   * Paints the sample cat in the sample mosaic's style with the weighted Gram loss.
   *
   * @param args not used; settings come from the system properties above
   */
  public static void main(String[] args) {
    double offDiagonalWeight = Double.parseDouble(System.getProperty("example.offDiagonalWeight", "0.5"));
    StyleTransferResult result = StyleTransfer.builder()
        .model(System.getProperty("example.model", "darknet-tiny"))
        .content(Path.of("examples/images/chelsea.jpg"))
        .style(Path.of("examples/images/mosaic.png"))
        .styleLoss(new WeightedGramLoss(offDiagonalWeight))
        .size(Integer.getInteger("example.size", 256))
        .iterations(Integer.getInteger("example.iterations", 100))
        .output(Path.of(System.getProperty("example.output", "custom-loss.png")))
        .build()
        .run();
    System.out.printf(Locale.ROOT, "painted %dx%d with %s on %s (%s objective): loss %.4g -> %.4g in %d iterations%n",
        result.image().getWidth(), result.image().getHeight(), new WeightedGramLoss(offDiagonalWeight),
        result.backend(), result.compiled() ? "compiled" : "host", result.initialLoss().total(),
        result.bestLoss().total(), result.iterations());
  }

  /**
   * A Gram-matrix style loss whose off-diagonal entries count {@code offDiagonalWeight} times as
   * much as the diagonal. For an activation A (C channels by N = H*W positions), its Gram matrix
   * G = A A^T and the target S = T * N (T is the target's mean Gram matrix, see {@link StyleLoss}):
   *
   * <pre>
   * J     = sum_ij w_ij (G_ij - S_ij)^2 / (4 C^2 N^2)      w_ii = 1, w_ij = offDiagonalWeight
   * dJ/dA = (w o (G - S)) A / (C^2 N^2)                    (o: element by element)
   * </pre>
   *
   * With {@code offDiagonalWeight = 1} this is nst's classic style loss. Plain loops keep the
   * arithmetic readable; nst's own {@code ClassicStyleLoss} is the fast version of the same sums.
   */
  public static final class WeightedGramLoss implements StyleLoss {
    private final double offDiagonalWeight;

    /**
     * @param offDiagonalWeight how much the correlations between channels count next to each
     *     channel's own energy; finite and &gt;= 0
     * @throws IllegalArgumentException if the weight is negative, infinite or NaN
     */
    public WeightedGramLoss(double offDiagonalWeight) {
      if (!Double.isFinite(offDiagonalWeight) || offDiagonalWeight < 0) {
        throw new IllegalArgumentException("the off-diagonal weight must be finite and >= 0, got " + offDiagonalWeight);
      }
      this.offDiagonalWeight = offDiagonalWeight;
    }

    @Override
    public Tensor gram(Tensor activation) {
      int c = activation.dim(1);
      int n = activation.dim(2) * activation.dim(3);
      double[] g = gram(activation.toArray(), c, n);
      float[] out = new float[c * c];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) g[i];
      }
      return Tensor.adopt(out, c, c);
    }

    @Override
    public LossValue evaluate(Tensor generated, Tensor targetMeanGram) {
      int c = generated.dim(1);
      int n = generated.dim(2) * generated.dim(3);
      if (!targetMeanGram.hasShape(c, c)) {
        throw new IllegalArgumentException("the style target must be a " + c + "x" + c + " mean Gram matrix");
      }
      float[] a = generated.toArray();
      double[] g = gram(a, c, n);
      double scale = 1.0 / ((double) c * c * n * n);
      double loss = 0;
      double[] weightedDifference = new double[c * c]; // w o (G - S), symmetric
      for (int i = 0; i < c; i++) {
        for (int j = 0; j < c; j++) {
          double d = g[i * c + j] - targetMeanGram.get(i * c + j) * (double) n;
          double w = i == j ? 1 : offDiagonalWeight;
          loss += w * d * d;
          weightedDifference[i * c + j] = w * d;
        }
      }
      float[] gradient = new float[c * n];
      double[] row = new double[n];
      for (int i = 0; i < c; i++) {
        Arrays.fill(row, 0);
        for (int j = 0; j < c; j++) {
          double k = weightedDifference[i * c + j] * scale;
          for (int p = 0; p < n; p++) {
            row[p] += k * a[j * n + p];
          }
        }
        for (int p = 0; p < n; p++) {
          gradient[i * n + p] = (float) row[p];
        }
      }
      return new LossValue(loss * scale / 4, Tensor.adopt(gradient, generated.shape()));
    }

    /** G = A A^T of an activation stored as C rows of N positions. */
    private static double[] gram(float[] a, int c, int n) {
      double[] g = new double[c * c];
      for (int i = 0; i < c; i++) {
        for (int j = 0; j <= i; j++) {
          double sum = 0;
          for (int p = 0; p < n; p++) {
            sum += (double) a[i * n + p] * a[j * n + p];
          }
          g[i * c + j] = sum;
          g[j * c + i] = sum;
        }
      }
      return g;
    }

    @Override
    public String toString() {
      return "WeightedGramLoss[offDiagonalWeight=" + offDiagonalWeight + "]";
    }
  }
}
