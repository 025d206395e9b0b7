package dev.nst.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Peak resident memory and time of one backend's compiled objective: sets up
 * {@link ObjectiveBenchmark} (full-width VGG-19) for one size and device, evaluates a few times,
 * and prints the setup time, each evaluation's time ({@code eval N: MS ms}, the first one a
 * warm-up) and the process's peak resident set (VmHWM, Linux). Compare with
 * {@code /usr/bin/time -v pytorch_peer.py}.
 *
 * <pre>java -cp nst-benchmarks/target/benchmarks.jar dev.nst.benchmarks.PeakMemory onnx 512
 * java -cp ... PeakMemory onnx 2048 GPU 4      (backend, size, device CPU/GPU/AUTO, evaluations)
 * java -cp ... PeakMemory nd4j 1024 CPU 3 lean (the backend's lean mode)
 * java -cp ... PeakMemory onnx 1024 CPU 3 tile=768 (tiled, {@link TiledObjectiveBenchmark}'s objective)
 * java -cp ... PeakMemory onnx 1024 CPU 3 tile=1024x592 (tiles of at most 1024 wide, 592 high)</pre>
 */
public final class PeakMemory {
  private PeakMemory() {}

  public static void main(String[] args) throws Exception {
    ObjectiveBenchmark b = new ObjectiveBenchmark();
    b.backend = args.length > 0 ? args[0] : "onnx";
    b.size = args.length > 1 ? Integer.parseInt(args[1]) : 512;
    b.device = args.length > 2 ? args[2].toUpperCase(Locale.ROOT) : "CPU";
    int evaluations = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    String mode = args.length > 4 ? args[4] : "";
    if (mode.startsWith("tile=")) {
      String[] side = mode.substring(5).split("x");
      tiled(b.backend, b.size, Integer.parseInt(side[0]), side.length > 1 ? Integer.parseInt(side[1]) : 0,
          evaluations);
      return;
    }
    b.lean = mode.equals("lean");
    long t0 = System.nanoTime();
    b.setup();
    System.out.printf(Locale.ROOT, "backend: %s%s%n", b.backendDescription(), b.lean ? ", lean mode" : "");
    System.out.printf(Locale.ROOT,
        "setup: %d ms (peak so far %.2f GiB, resident now %.2f GiB, Java heap used %.2f GiB)%n",
        (System.nanoTime() - t0) / 1_000_000, gib("VmHWM"), gib("VmRSS"), heapUsed());
    evaluate(b::evaluate, evaluations);
    b.tearDown();
    System.out.printf(Locale.ROOT, "%s %d px: peak resident set %.2f GiB%n", b.backend, b.size, gib("VmHWM"));
  }

  /** Like {@link #main} for {@link TiledObjectiveBenchmark}'s tiled objective (CPU). */
  private static void tiled(String backend, int size, int tile, int tileHeight, int evaluations)
      throws Exception {
    TiledObjectiveBenchmark b = new TiledObjectiveBenchmark();
    b.backend = backend;
    b.size = size;
    b.tile = tile;
    b.tileHeight = tileHeight;
    long t0 = System.nanoTime();
    b.setup();
    System.out.printf(Locale.ROOT, "setup: %d ms (peak so far %.2f GiB, resident now %.2f GiB)%n",
        (System.nanoTime() - t0) / 1_000_000, gib("VmHWM"), gib("VmRSS"));
    evaluate(b::evaluate, evaluations);
    b.tearDown();
    System.out.printf(Locale.ROOT, "%s %d px in tiles of at most %d: peak resident set %.2f GiB%n", backend, size,
        tile, gib("VmHWM"));
  }

  /** Runs {@code evaluation} that many times, printing each one's time and the peak so far. */
  private static void evaluate(Runnable evaluation, int evaluations) throws java.io.IOException {
    for (int i = 0; i < evaluations; i++) {
      long t = System.nanoTime();
      evaluation.run();
      System.out.printf(Locale.ROOT, "eval %d: %d ms (peak so far %.2f GiB)%n", i, (System.nanoTime() - t) / 1_000_000,
          gib("VmHWM"));
    }
  }

  /** A memory figure of this process from /proc/self/status (Linux), in GiB. */
  private static double gib(String field) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1048576.0;
      }
    }
    return Double.NaN;
  }

  private static double heapUsed() {
    Runtime r = Runtime.getRuntime();
    return (r.totalMemory() - r.freeMemory()) / (1024.0 * 1024 * 1024);
  }
}
