package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nst.api.LossBreakdown;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.tck.RandomVgg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Native memory stays flat over many evaluations: the compiled objective allocates nothing per
 * iteration outside ONNX Runtime's arena. Read as the process's resident set (Linux /proc):
 * after warm-up the Java side allocates only a few small objects per evaluation, so growth of
 * the resident set is growth of native memory. A leak of one image-sized buffer (110 KB) per
 * evaluation would add 22 MB; the test allows 8 MB and 10%.
 */
class OnnxNativeMemoryTest {

  static long residentBytes() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  @Test
  void twoHundredEvaluationsAfterWarmUpKeepNativeMemoryFlat() throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/self/status")), "needs Linux /proc to read the resident set");
    Network net = RandomVgg.build("vgg-small", new int[] {16, 32, 64}, new int[] {2, 2, 2}, 5);
    int size = 96;
    List<ObjectiveSpec.StyleTarget> style = List.of(
        new ObjectiveSpec.StyleTarget("relu1_1", 0.5, Tensor.zeros(16, 16)),
        new ObjectiveSpec.StyleTarget("relu3_1", 0.5, Tensor.zeros(64, 64)));
    int[] c = net.shapeOf("relu3_2", size, size);
    ObjectiveSpec spec = new ObjectiveSpec(
        List.of(new ObjectiveSpec.ContentTarget("relu3_2", 1, Tensor.zeros(1, c[0], c[1], c[2]))),
        style, 1, 1, 1e-3, Pooling.MAX, size, size);
    float[] x = new float[3 * size * size];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i * 0.37);
    }
    float[] g = new float[x.length];
    try (Backend b = new OnnxBackendProvider().open(BackendOptions.defaults());
        Objective o = b.compile(net, spec).orElseThrow()) {
      for (int i = 0; i < 50; i++) {
        o.evaluate(x, g);
      }
      long before = residentBytes();
      LossBreakdown last = null;
      for (int i = 0; i < 200; i++) {
        last = o.evaluate(x, g);
      }
      long after = residentBytes();
      assertThat(last.isFinite()).isTrue();
      String figures = String.format("resident set before %d, after %d bytes", before, after);
      System.out.println("OnnxNativeMemoryTest: " + figures);
      assertThat((double) (after - before)).as(figures).isLessThan(0.10 * before).isLessThan(8 << 20);
    }
  }
}
