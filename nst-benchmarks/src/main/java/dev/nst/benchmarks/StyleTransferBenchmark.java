package dev.nst.benchmarks;

import dev.nst.api.Network;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import dev.nst.core.model.format.ModelFiles;
import dev.nst.tck.RandomVgg;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole run as a user sees it: VGG-19 (random weights), 256 px, 50 L-BFGS iterations, default
 * layers, including target computation and graph compilation. Single-shot: each measurement is
 * one complete run. Also the loading of a model file (ONNX reference network, or
 * {@code -p modelFile=...} for another).
 *
 * <pre>java -jar nst-benchmarks/target/benchmarks.jar StyleTransferBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class StyleTransferBenchmark {
  @Param({"onnx"})
  public String backend;

  @Param({"testdata/reference/case01_default/model.onnx"})
  public String modelFile;

  private Network vgg19;
  private BufferedImage content;
  private BufferedImage style;

  @Setup(Level.Trial)
  public void setup() {
    vgg19 = RandomVgg.vgg19(42);
    content = noise(256, 192, 1);
    style = noise(256, 256, 2);
  }

  private static BufferedImage noise(int w, int h, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rnd.nextInt(1 << 24));
      }
    }
    return img;
  }

  @Benchmark
  public StyleTransferResult run50Iterations() {
    return StyleTransfer.builder().model(vgg19).content(content).style(style).size(256).iterations(50)
        .backend(backend).build().run();
  }

  @Benchmark
  public Network loadModel() {
    Path p = Path.of(modelFile);
    if (!Files.exists(p)) {
      throw new IllegalStateException(p.toAbsolutePath() + " does not exist: run from the repository root or pass -p modelFile=");
    }
    return ModelFiles.load(p, dev.nst.api.InputConvention.TORCH);
  }
}
