package dev.nst.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak resident memory of one backend's compiled objective: sets up {@link ObjectiveBenchmark}
 * (full-width VGG-19) for one size, evaluates three times, and prints the process's peak
 * resident set (VmHWM, Linux). Compare with {@code /usr/bin/time -v pytorch_peer.py}.
 *
 * <pre>java -cp nst-benchmarks/target/benchmarks.jar dev.nst.benchmarks.PeakMemory onnx 512</pre>
 */
public final class PeakMemory {
  private PeakMemory() {}

  public static void main(String[] args) throws Exception {
    ObjectiveBenchmark b = new ObjectiveBenchmark();
    b.backend = args.length > 0 ? args[0] : "onnx";
    b.size = args.length > 1 ? Integer.parseInt(args[1]) : 512;
    b.setup();
    for (int i = 0; i < 3; i++) {
      b.evaluate();
    }
    b.tearDown();
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        long kb = Long.parseLong(line.replaceAll("\\D", ""));
        System.out.printf("%s %d px: peak resident set %.2f GiB%n", b.backend, b.size, kb / 1048576.0);
      }
    }
  }
}
