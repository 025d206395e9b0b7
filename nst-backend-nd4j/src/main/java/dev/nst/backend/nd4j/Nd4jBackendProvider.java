package dev.nst.backend.nd4j;

import dev.nst.api.spi.Availability;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.BackendProvider;

/**
 * ND4J backend: the network, the losses and the backward pass as one SameDiff graph per image
 * size, run by libnd4j (with oneDNN on the CPU).
 *
 * <p>The device is chosen by the classpath, never by code: {@code org.nd4j:nd4j-native} (what
 * this module depends on) runs on the CPU; to run on an NVIDIA GPU, exclude {@code nd4j-native}
 * and add ND4J's CUDA backend, whose higher ND4J priority then makes it the one ND4J loads:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.nst</groupId>
 *   <artifactId>nst-backend-nd4j</artifactId>
 *   <exclusions>
 *     <exclusion><groupId>org.nd4j</groupId><artifactId>nd4j-native</artifactId></exclusion>
 *   </exclusions>
 * </dependency>
 * <dependency>
 *   <groupId>org.nd4j</groupId>
 *   <artifactId>nd4j-cuda-11.6</artifactId>
 *   <version>1.0.0-M2.1</version>
 * </dependency>
 * <dependency>
 *   <groupId>org.nd4j</groupId>
 *   <artifactId>nd4j-cuda-11.6</artifactId>
 *   <version>1.0.0-M2.1</version>
 *   <classifier>linux-x86_64</classifier>
 * </dependency>
 * <!-- only when CUDA 11.6 and cuDNN 8.3 are not installed: -->
 * <dependency>
 *   <groupId>org.bytedeco</groupId>
 *   <artifactId>cuda-platform-redist</artifactId>
 *   <version>11.6-8.3-1.5.7</version>
 * </dependency>
 * }</pre>
 *
 * Its priority (50) is below the ONNX backend's (100): when both are on the classpath and none
 * is named, ONNX Runtime, the project's primary backend, is chosen; select this one by name
 * ({@code nst.backend=nd4j}).
 *
 * <p>On a CPU, libnd4j runs its OpenMP threads with the default (spinning) wait policy; on a
 * machine shared with other busy processes, start the JVM with the environment variable
 * {@code OMP_WAIT_POLICY=PASSIVE} (it cannot be set from Java once the JVM runs).
 */
public final class Nd4jBackendProvider implements BackendProvider {
  /** The name users select this backend by. */
  public static final String NAME = "nd4j";

  /** Creates the provider (ServiceLoader does); nothing native loads before {@link #probe()}. */
  public Nd4jBackendProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Loads ND4J's native backend. Never throws: a missing or broken native library (an
   * {@link UnsatisfiedLinkError}, an {@link ExceptionInInitializerError} from ND4J's static
   * initialisers, ...) is reported as unavailable with the reason.
   */
  @Override
  public Availability probe() {
    try {
      return Nd4jRuntime.load().availability();
    } catch (Throwable e) { // native loading fails with Errors, not Exceptions: report, never crash discovery
      return Availability.unavailable(Nd4jRuntime.loadFailure(e));
    }
  }

  @Override
  public int priority() {
    return 50;
  }

  @Override
  public Backend open(BackendOptions options) {
    return new Nd4jBackend(options);
  }
}
