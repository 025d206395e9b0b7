package dev.nst.benchmarks;

import dev.nst.api.Tensor;
import dev.nst.tck.RandomVgg;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A VGG-19 activation of a given layer for a given square image size, with random values, and
 * a matching target: the inputs of the host loss kernels.
 */
@State(Scope.Benchmark)
public class HostKernelState {
  @Param({"relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"})
  public String layer;

  @Param({"256", "512", "1024"})
  public int size;

  public Tensor activation;
  public Tensor target;
  public Tensor meanGram;
  public Tensor image;
  /** The activation's values, for the kernels that take arrays. */
  public float[] activationValues;
  /** Output buffer of GramKernel.gram (C x C). */
  public double[] gramOut;
  public int channels;
  public int positions;

  @Setup(Level.Trial)
  public void setup() {
    int[] s = RandomVgg.vgg19(1).shapeOf(layer, size, size);
    channels = s[0];
    positions = s[1] * s[2];
    SplittableRandom rnd = new SplittableRandom(3);
    activation = ObjectiveBenchmark.random(rnd, 1f, 1, s[0], s[1], s[2]);
    target = ObjectiveBenchmark.random(rnd, 1f, 1, s[0], s[1], s[2]);
    meanGram = ObjectiveBenchmark.random(rnd, 0.1f, s[0], s[0]);
    image = ObjectiveBenchmark.random(rnd, 1f, 1, 3, size, size);
    activationValues = activation.toArray();
    gramOut = new double[s[0] * s[0]];
  }

  /** Multiply-adds of one Gram matrix A A^T (C x C x HW). */
  public long gramMacs() {
    return (long) channels * channels * positions;
  }
}
