package dev.nst.examples;

import dev.nst.api.DeviceUnavailableException;
import dev.nst.api.spi.Device;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import dev.nst.core.backend.BackendStatus;
import dev.nst.core.backend.Backends;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which backends are there, and running on a chosen one. {@link Backends#list()} reports every
 * backend on the classpath with its priority and whether it can run here (this module has ONNX
 * Runtime and ND4J). The builder's {@code backend(name)} and {@code device(device)} then pick one.
 *
 * <p>A named backend or a named device never falls back on its own: a run that asked for a GPU
 * and got a CPU would be many times slower without anyone noticing. So the fallback is the
 * application's decision, taken here explicitly when {@link DeviceUnavailableException} says
 * that the GPU is missing.
 *
 * <p>Run it from the repository root:
 *
 * <pre>
 * ./mvnw -B -q -pl nst-examples -am -DskipTests package -Dexample=ChoosingABackend -Dexample.backend=onnx
 * </pre>
 *
 * System properties: {@code example.backend} (default {@code nd4j}), {@code example.device}
 * ({@code gpu}), {@code example.model} (a registered model name, {@code darknet-tiny}),
 * {@code example.size} (256), {@code example.iterations} (50) and {@code example.output}
 * ({@code backend.png}).
 */
public final class ChoosingABackend {
  private ChoosingABackend() {}

  /**
   * Lists the backends, then paints on the chosen one, on the CPU if the chosen device is missing.
   *
   * @param args not used; settings come from the system properties above
   */
  public static void main(String[] args) {
    System.out.println("backends on the classpath, preferred first:");
    for (BackendStatus status : Backends.list()) {
      System.out.println("  " + status.describe());
    }
    String backend = System.getProperty("example.backend", "nd4j");
    Device device = Device.valueOf(System.getProperty("example.device", "gpu").toUpperCase(Locale.ROOT));
    StyleTransferResult result;
    try {
      result = paint(backend, device);
    } catch (DeviceUnavailableException e) {
      System.out.println("no " + device + " for " + backend + ", running on the CPU instead: " + e.getMessage());
      result = paint(backend, Device.CPU);
    }
    System.out.printf(Locale.ROOT, "painted %dx%d on %s: loss %.4g -> %.4g, %d ms per iteration%n",
        result.image().getWidth(), result.image().getHeight(), result.backend(), result.initialLoss().total(),
        result.bestLoss().total(), result.timePerIteration().toMillis());
  }

  private static StyleTransferResult paint(String backend, Device device) {
    return StyleTransfer.builder()
        .backend(backend)
        .device(device)
        .model(System.getProperty("example.model", "darknet-tiny"))
        .content(Path.of("examples/images/chelsea.jpg"))
        .style(Path.of("examples/images/mosaic.png"))
        .size(Integer.getInteger("example.size", 256))
        .iterations(Integer.getInteger("example.iterations", 50))
        .output(Path.of(System.getProperty("example.output", "backend.png")))
        .build()
        .run();
  }
}
