package dev.nst.benchmarks;

import dev.nst.api.ProgressEvent;
import dev.nst.api.ProgressListener;
import dev.nst.api.TileProgress;
import dev.nst.core.Scales;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import dev.nst.tck.RandomVgg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A whole run at a large output size with full-width VGG-19 (random weights) and the default
 * memory budget, or the one given, printing the plan's notices, the time per evaluation of each
 * scale and the process's peak resident set (Linux VmHWM). Single-shot: large sizes take minutes
 * per evaluation on a CPU.
 *
 * <pre>java -cp nst-benchmarks/target/benchmarks.jar dev.nst.benchmarks.LargeImageRun onnx 4096 default 1024,2048,4096 3,2,2
 * java -cp ... LargeImageRun onnx 8192 20g 2048,4096,8192 2,1,1</pre>
 */
public final class LargeImageRun {
  private LargeImageRun() {}

  public static void main(String[] args) throws Exception {
    String backend = args.length > 0 ? args[0] : "onnx";
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
    String memory = args.length > 2 ? args[2] : "default";
    List<Integer> sides = args.length > 3 ? ints(args[3]) : List.of(size);
    List<Integer> iterations = args.length > 4 ? ints(args[4]) : List.of(2);
    StyleTransfer.Builder b = StyleTransfer.builder()
        .model(RandomVgg.vgg19(42))
        .content(Path.of("examples/images/chelsea.jpg"))
        .style(Path.of("examples/images/mosaic.png"))
        .backend(backend)
        .scales(new Scales(sides, iterations))
        .listener(new Report());
    if (!memory.equals("default")) {
      b.memoryLimit(parse(memory));
    }
    long t0 = System.nanoTime();
    StyleTransferResult r = b.build().run();
    System.out.printf(Locale.ROOT, "%s %dx%d: %d iterations in %.1f s (setup %.1f s), %s%n", backend,
        r.image().getWidth(), r.image().getHeight(), r.iterations(), (System.nanoTime() - t0) / 1e9,
        r.setupTime().toMillis() / 1000.0, peak());
  }

  /** Prints notices, one line per iteration, and the tiles of the first evaluation of each scale. */
  private static final class Report implements ProgressListener {
    private int lastTiles = -1;

    @Override
    public void onProgress(ProgressEvent e) {
      System.out.printf(Locale.ROOT, "iteration %d/%d: %.1f s since the scale started, loss %.4g, %s%n",
          e.iteration(), e.iterations(), e.elapsed().toMillis() / 1000.0, e.losses().total(), peak());
    }

    @Override
    public void onTile(TileProgress t) {
      if (t.iteration() == 1 && t.pass() == 1 && t.tile() == 1 && t.tiles() != lastTiles) {
        System.out.printf(Locale.ROOT, "%dx%d: %d tiles per pass%n", t.width(), t.height(), t.tiles());
        lastTiles = t.tiles();
      }
    }

    @Override
    public void onNotice(String notice) {
      System.out.println("note: " + notice);
    }
  }

  private static List<Integer> ints(String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      out.add(Integer.parseInt(s.trim()));
    }
    return out;
  }

  private static long parse(String memory) {
    String m = memory.toLowerCase(Locale.ROOT);
    long unit = m.endsWith("g") ? 1L << 30 : m.endsWith("m") ? 1L << 20 : 1;
    return (long) (Double.parseDouble(m.replaceAll("[gm]$", "")) * unit);
  }

  static String peak() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          long kb = Long.parseLong(line.replaceAll("\\D", ""));
          return String.format(Locale.ROOT, "peak RSS %.2f GiB", kb / 1048576.0);
        }
      }
    } catch (java.io.IOException e) {
      return "peak RSS unknown (" + e.getMessage() + ")";
    }
    return "peak RSS unknown";
  }

}
