package dev.nst.benchmarks;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.LossBreakdown;
import dev.nst.api.LossNormalization;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.Device;
import dev.nst.api.spi.TileObjective;
import dev.nst.api.spi.TileSpec;
import dev.nst.tck.ExactSums;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * How exact the backends' loss values are at large sizes: for each full-width VGG-19 loss layer
 * (the style layers relu1_1..relu5_1 and the content layer relu4_2) and image size, a network
 * with that layer's shape (2x2 max pools down to its resolution, then a 3x3 convolution to its
 * width and a ReLU; the reductions only see the shape, and a real VGG-19 at 2048 px would take
 * minutes per layer here) is evaluated by the compiled objective and the tile objective, and
 * every reported value is compared with float64 sums on the host over the backend's own float32
 * activations: the difference is the error of the backend's reductions (and Gram matrices),
 * nothing else. Printed per line: backend, size, layer, term, relative error.
 *
 * <p>The style image has the generated image's distribution scaled by 1.1 (or the factor given),
 * so that its Gram differs from the generated one by ~20%, as in a run; the printed
 * {@code |G-T|/|G|} says by how much (the closer to a match, the more the loss amplifies Gram
 * errors: 1.01 gives ~2%, a run near convergence).
 *
 * <pre>java -Xmx10g -cp nst-benchmarks/target/benchmarks.jar dev.nst.benchmarks.LossPrecisionRun onnx,nd4j 256,512,1024,2048 0
 * java -Xmx10g -cp ... LossPrecisionRun onnx,nd4j 2048 0 relu1_1,relu2_1 1.01</pre>
 */
public final class LossPrecisionRun {
  private static final String[] LAYERS = {"relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu4_2", "relu5_1"};
  private static final int[] WIDTHS = {64, 128, 256, 512, 512, 512};
  private static final int[] POOLS = {0, 1, 2, 3, 3, 4};

  private LossPrecisionRun() {}

  /**
   * Runs the measurement.
   *
   * @param args backends (comma-separated), sizes (comma-separated), threads (0: all), layers
   *     (comma-separated, or "all"), the style image's scale (1.1; closer to 1, closer to a match)
   */
  public static void main(String[] args) {
    List<String> backends = List.of((args.length > 0 ? args[0] : "onnx,nd4j").split(","));
    int[] sizes = Arrays.stream((args.length > 1 ? args[1] : "256,512").split(",")).mapToInt(Integer::parseInt)
        .toArray();
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    List<String> only = args.length > 3 && !args[3].equals("all") ? List.of(args[3].split(",")) : List.of(LAYERS);
    double styleScale = args.length > 4 ? Double.parseDouble(args[4]) : 1.1;
    for (String name : backends) {
      try (Backend backend = ObjectiveBenchmark.provider(name).open(new BackendOptions(Device.CPU, threads))) {
        for (int size : sizes) {
          for (int l = 0; l < LAYERS.length; l++) {
            if (only.contains(LAYERS[l])) {
              measure(backend, name, size, l, styleScale);
            }
          }
        }
      }
    }
  }

  /** A network whose single ReLU output "act" has the shape of VGG-19's layer {@code l}. */
  static Network surrogate(int l, long seed) {
    List<Layer> layers = new ArrayList<>();
    for (int p = 0; p < POOLS[l]; p++) {
      layers.add(new Layer.Pool("pool" + (p + 1), Pooling.MAX, 2, 2, Padding.NONE));
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    int c = WIDTHS[l];
    float[] w = new float[c * 3 * 9];
    float[] b = new float[c];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (rnd.nextDouble(-1, 1) * Math.sqrt(6.0 / 27)); // He-uniform over 3x3x3 inputs
    }
    for (int i = 0; i < c; i++) {
      b[i] = (float) rnd.nextDouble(-0.1, 0.1);
    }
    layers.add(new Layer.Convolution("conv", Tensor.adopt(w, c, 3, 3, 3), Tensor.adopt(b, c), 1, Padding.same(1)));
    layers.add(new Layer.Relu("act"));
    return new Network("surrogate-" + LAYERS[l], InputConvention.TORCH, 3, layers);
  }

  private static Tensor image(long seed, int size, double scale, double shift) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] v = new float[3 * size * size];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rnd.nextDouble(-1, 1) * scale + shift);
    }
    return Tensor.adopt(v, 1, 3, size, size);
  }

  private static void measure(Backend backend, String name, int size, int l, double styleScale) {
    Network net = surrogate(l, 11 + l);
    boolean content = LAYERS[l].equals("relu4_2");
    Tensor generated = image(1, size, 1, 0);
    int[] shape;
    float[] a;
    float[] t;
    float[] meanGram = null;
    try (FeatureExtractor fx = backend.featureExtractor(net, Pooling.MAX)) {
      Tensor act = fx.forward(generated, List.of("act")).get("act");
      shape = act.shape();
      a = act.toArray();
      act = null;
      if (content) {
        t = fx.forward(image(2, size, 1, 0), List.of("act")).get("act").toArray();
      } else {
        t = null;
        Tensor s = fx.forward(image(3, size, styleScale, 0), List.of("act")).get("act");
        meanGram = meanGram(s.toArray(), s.dim(1), s.dim(2) * s.dim(3));
      }
    }
    int c = shape[1];
    int hw = shape[2] * shape[3];
    LossNormalization n = LossNormalization.CLASSIC;
    ObjectiveSpec spec = new ObjectiveSpec(
        content ? List.of(new ObjectiveSpec.ContentTarget("act", 1, Tensor.adopt(t, shape))) : List.of(),
        content ? List.of() : List.of(new ObjectiveSpec.StyleTarget("act", 1, Tensor.adopt(meanGram, c, c))),
        1, 1, 1, Pooling.MAX, size, size);
    float[] image = generated.toArray();
    double tv = ExactSums.totalVariation(image, 3, size, size);
    double exact;
    double[] gram = null;
    double[] target = null;
    String term = content ? "content" : "style";
    if (content) {
      exact = n.contentFactor(c, shape[2], shape[3]) * ExactSums.sumSquaredDifferences(a, t);
    } else {
      gram = ExactSums.gram(a, c, hw);
      target = new double[c * c];
      for (int i = 0; i < target.length; i++) {
        target[i] = meanGram[i] * (float) hw; // as the plan rescales the mean Gram: in float
      }
      exact = n.styleFactor(c, shape[2], shape[3]) * sumSquaredDifferences(gram, target);
      print(name, size, LAYERS[l], "|G-T|/|G|", Math.sqrt(sumSquaredDifferences(gram, target) / dot(gram, gram)));
    }
    float[] g = new float[image.length];
    try (Objective o = backend.compile(net, spec).orElseThrow()) {
      LossBreakdown b = o.evaluate(image, g);
      double reported = content ? b.contentByLayer().get("act") : b.styleByLayer().get("act");
      print(name, size, LAYERS[l], "compiled " + term, rel(reported, exact));
      print(name, size, LAYERS[l], "compiled tv", rel(b.totalVariation(), tv));
    }
    if (content) {
      // normalised gradients divide the layer gradient 2 kc (a - t) by its L1 norm: the image
      // gradients with and without normalisation differ by exactly that scalar
      double kc = n.contentFactor(c, shape[2], shape[3]);
      double l1 = 0;
      for (int i = 0; i < a.length; i++) {
        l1 += Math.abs(2 * kc * ((double) a[i] - t[i]));
      }
      float[] normalized = new float[image.length];
      ObjectiveSpec ns = new ObjectiveSpec(spec.content(), List.of(), 1, 0, 0, Pooling.MAX, size, size, n, true);
      ObjectiveSpec ps = new ObjectiveSpec(spec.content(), List.of(), 1, 0, 0, Pooling.MAX, size, size, n, false);
      try (Objective o = backend.compile(net, ns).orElseThrow(); Objective p = backend.compile(net, ps).orElseThrow()) {
        o.evaluate(image, normalized);
        p.evaluate(image, g);
      }
      double scale = ExactSums.dot(normalized, g) / ExactSums.dot(g, g);
      print(name, size, LAYERS[l], "compiled 1/L1 of normalised gradient", rel(scale, 1 / (l1 + 1e-8)));
    }
    TileSpec ts = TileSpec.ofGram(size, size, Pooling.MAX, content ? List.of("act") : List.of(),
        content ? List.of() : List.of("act"));
    try (TileObjective o = backend.compileTile(net, ts).orElseThrow()) {
      float[] ones = new float[hw];
      Arrays.fill(ones, 1f);
      if (content) {
        double[] sums = o.gradient(image, new float[][] {t}, new float[][] {ones}, new float[] {1f}, new float[0][],
            new float[0][], g);
        print(name, size, LAYERS[l], "tile content sum", rel(sums[0], ExactSums.sumSquaredDifferences(a, t)));
      } else {
        float[][] out = {new float[c * c]};
        o.statistics(image, new float[][] {ones}, out);
        double[] tileGram = new double[c * c];
        for (int i = 0; i < tileGram.length; i++) {
          tileGram[i] = out[0][i];
        }
        print(name, size, LAYERS[l], "tile Gram (relative L2)",
            Math.sqrt(sumSquaredDifferences(tileGram, gram) / dot(gram, gram)));
        double loss = n.styleFactor(c, shape[2], shape[3]) * sumSquaredDifferences(tileGram, target);
        print(name, size, LAYERS[l], "style loss from tile Gram", rel(loss, exact));
      }
    }
  }

  private static void print(String backend, int size, String layer, String what, double value) {
    System.out.printf(Locale.ROOT, "%s\t%d\t%s\t%s\t%.3g%n", backend, size, layer, what, value);
  }

  private static double rel(double actual, double exact) {
    return Math.abs(actual - exact) / Math.abs(exact);
  }

  /** The mean Gram (C, C) of an activation (C, HW), in double, rounded to float at the end. */
  private static float[] meanGram(float[] a, int c, int hw) {
    double[] g = ExactSums.gram(a, c, hw);
    float[] m = new float[g.length];
    for (int i = 0; i < g.length; i++) {
      m[i] = (float) (g[i] / hw);
    }
    return m;
  }

  private static double sumSquaredDifferences(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return s;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
