package dev.nst.backend.nd4j;

import dev.nst.api.spi.Availability;
import dev.nst.api.spi.Device;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.Set;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * What ND4J actually loaded in this JVM: ND4J has exactly one backend per process (the
 * available one with the highest ND4J priority, so CUDA wins over the CPU when both are on the
 * classpath), which this backend reports rather than assumes.
 *
 * @param backendClass ND4J's backend class, such as {@code CpuBackend} or {@code JCublasBackend}
 * @param executorClass ND4J's op executioner class
 * @param device where ND4J computes
 * @param version the ND4J version
 * @param threads the threads of libnd4j's OpenMP pool
 * @param oneDnn whether libnd4j was built with oneDNN (the fast CPU convolutions)
 * @param blasVendor the BLAS library libnd4j uses
 */
record Nd4jRuntime(String backendClass, String executorClass, Device device, String version, int threads,
    boolean oneDnn, String blasVendor) {

  /**
   * Loads ND4J's native backend (the first call costs a second or two) and reads what it is.
   * Throws whatever ND4J throws when its native libraries are missing; callers catch it.
   */
  static Nd4jRuntime load() {
    String backend = Nd4j.getBackend().getClass().getSimpleName();
    String executor = Nd4j.getExecutioner().getClass().getSimpleName();
    Environment env = Nd4j.getEnvironment();
    Properties info = Nd4j.getExecutioner().getEnvironmentInformation();
    String buildInfo = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
    int threads = NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
    return new Nd4jRuntime(backend, executor, env.isCPU() ? Device.CPU : Device.GPU, readVersion(), threads,
        buildInfo != null && buildInfo.contains("HAVE_ONEDNN"), String.valueOf(info.getOrDefault("blas.vendor", "?")));
  }

  /**
   * Sets the threads of libnd4j's OpenMP pool (which oneDNN's kernels use) and of its BLAS.
   * Process-wide, like everything in ND4J: the last backend opened with explicit threads wins.
   * ({@code Environment.setMaxThreads} is not enough: in 1.0.0-M2.1 it leaves the OpenMP pool
   * as it is.)
   */
  static void setThreads(int threads) {
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxThreads(threads);
  }

  /** A sentence naming the device and library, for logs and {@code nst backends}. */
  String describe() {
    String where = device == Device.CPU
        ? "CPU, " + threads + " threads, " + (oneDnn ? "oneDNN" : "no oneDNN") + ", BLAS " + blasVendor
        : "CUDA GPU";
    return "ND4J " + version + " (" + backendClass + ", " + executorClass + ") on " + where;
  }

  /** Available on the device ND4J loaded, described by {@link #describe()}. */
  Availability availability() {
    return Availability.available(Set.of(device), describe());
  }

  /** The sentence for a native library that did not load: what happened and what to do. */
  static String loadFailure(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return "ND4J's native backend did not load (" + e + (root != e ? ", caused by " + root : "") + "); put "
        + "org.nd4j:nd4j-native with the classifier of this platform (for example linux-x86_64-onednn) or "
        + "org.nd4j:nd4j-cuda-11.6 with its classifier on the classpath";
  }

  private static String readVersion() {
    try (InputStream in = Nd4j.class.getResourceAsStream("/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "(unknown version)");
      }
    } catch (IOException ignored) {
      // only a label
    }
    return "(unknown version)";
  }
}
