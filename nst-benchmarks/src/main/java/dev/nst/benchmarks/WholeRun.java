package dev.nst.benchmarks;

import dev.nst.api.LossNormalization;
import dev.nst.api.Network;
import dev.nst.api.Pooling;
import dev.nst.api.ProgressEvent;
import dev.nst.api.ProgressListener;
import dev.nst.api.spi.Device;
import dev.nst.core.Init;
import dev.nst.core.Scales;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import dev.nst.core.optim.Lbfgs;
import dev.nst.tck.RandomVgg;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One whole Gatys run, as {@code tools/pytorch_whole_run.py} runs it in PyTorch, printed as one
 * JSON line: full-width VGG-19 with the weights of {@code RandomVgg.vgg19(seed)}, content
 * {@code examples/images/chelsea.jpg}, style {@code examples/images/mosaic.png}, long side 512
 * in one scale (no coarse to fine), start from the content image, the classic normalisation
 * with alpha 10, beta 40, no TV, content relu4_2, style relu1_1..relu5_1 (0.2 each), max
 * pooling, and {@link Lbfgs#defaults()} (torch's LBFGS: history 100, learning rate 1, no line
 * search, one evaluation per iteration) for 300 iterations.
 *
 * <p>The JSON holds the wall time of the run (from {@code run()} to its return: images,
 * targets, graph compilation, iterations; not the generation of the random weights), its
 * setup and optimisation times, the seconds per iteration, the loss at iteration 1 and every
 * {@code --every} iterations after (iteration k reports the loss of the k-th evaluation, that of
 * the image after k - 1 steps, as the PyTorch script counts), the last and the lowest loss, and
 * {@code trace}: [iteration, seconds since the optimisation started, loss] for every iteration,
 * from which {@code tools/whole_run_compare.sh} reads the time to reach a given loss. The image
 * written with {@code --output} is the lowest-loss iterate, as {@code run()} returns it.
 *
 * <p>{@code --schedule progressive} runs the same problem coarse to fine instead
 * ({@link Scales#progressive}: long sides growing by sqrt(2) from 128 px, a budget of
 * {@code --iterations} full-size iterations); {@code default} takes the builder's schedule for
 * the size ({@link Scales#forSize}: one scale up to 1024 px). The trace then holds the final
 * scale's iterations only (the losses of smaller scales are of other images), with their
 * seconds counted from the start of the first scale's optimisation, so that the time to a loss
 * includes the coarser scales and their setup.
 *
 * <pre>java -cp nst-benchmarks/target/benchmarks.jar dev.nst.benchmarks.WholeRun --backend onnx \
 *     --device cpu --iterations 300 --size 512 --output /tmp/nst_whole.png</pre>
 *
 * Options: {@code --backend onnx|nd4j}, {@code --device cpu|gpu|auto}, {@code --size},
 * {@code --iterations}, {@code --every}, {@code --seed} (of the weights, 42),
 * {@code --threads} (0: every core), {@code --content}, {@code --style}, {@code --output},
 * {@code --schedule single|progressive|default}.
 */
public final class WholeRun {
  private WholeRun() {}

  public static void main(String[] args) {
    Map<String, String> o = options(args);
    String backend = o.getOrDefault("backend", "onnx");
    Device device = Device.valueOf(o.getOrDefault("device", "cpu").toUpperCase(Locale.ROOT));
    int size = Integer.parseInt(o.getOrDefault("size", "512"));
    int iterations = Integer.parseInt(o.getOrDefault("iterations", "300"));
    int every = Integer.parseInt(o.getOrDefault("every", "50"));
    long seed = Long.parseLong(o.getOrDefault("seed", "42"));
    int threads = Integer.parseInt(o.getOrDefault("threads", "0"));
    Path content = Path.of(o.getOrDefault("content", "examples/images/chelsea.jpg"));
    Path style = Path.of(o.getOrDefault("style", "examples/images/mosaic.png"));

    long w0 = System.nanoTime();
    Network network = RandomVgg.vgg19(seed, "relu5_1"); // the deepest layer the losses use
    double weightsSeconds = (System.nanoTime() - w0) / 1e9;
    String schedule = o.getOrDefault("schedule", "single");
    List<double[]> trace = new ArrayList<>();
    long[] firstScaleStart = {0}; // nanoTime at which the first scale's optimisation started
    int[] scalesSeen = {0};
    ProgressListener record = (ProgressEvent e) -> {
      long now = System.nanoTime();
      if (scalesSeen[0] == 0) {
        firstScaleStart[0] = now - e.elapsed().toNanos();
      }
      if (e.iteration() == 1) { // a new scale: only the last one's losses are of the final image
        scalesSeen[0]++;
        trace.clear();
      }
      trace.add(new double[] {e.iteration(), (now - firstScaleStart[0]) / 1e9, e.losses().total()});
    };
    StyleTransfer.Builder b = StyleTransfer.builder()
        .model(network)
        .content(content)
        .style(style)
        .scales(switch (schedule) {
          case "single" -> Scales.single(size, iterations);
          case "progressive" -> Scales.progressive(size, iterations);
          case "default" -> Scales.forSize(size, iterations);
          default -> throw new IllegalArgumentException("--schedule is single, progressive or default, got " + schedule);
        })
        .contentLayers(StyleTransfer.DEFAULT_CONTENT_LAYERS)
        .styleLayers(StyleTransfer.DEFAULT_STYLE_LAYERS)
        .alpha(10)
        .beta(40)
        .gamma(0)
        .normalization(LossNormalization.CLASSIC)
        .pooling(Pooling.MAX)
        .init(Init.content())
        .optimizer(Lbfgs.defaults())
        .backend(backend)
        .device(device)
        .threads(threads)
        .listener(record);
    if (o.containsKey("output")) {
      b.output(Path.of(o.get("output")));
    }
    StyleTransfer transfer = b.build();
    long t0 = System.nanoTime();
    StyleTransferResult r = transfer.run();
    double wall = (System.nanoTime() - t0) / 1e9;

    double optimisation = r.optimisationTime().toNanos() / 1e9;
    Map<String, Double> losses = new LinkedHashMap<>();
    for (double[] t : trace) {
      int k = (int) t[0];
      if (k == 1 || k % every == 0 || k == trace.size()) {
        losses.put(Integer.toString(k), t[2]);
      }
    }
    StringBuilder json = new StringBuilder("{");
    field(json, "runner", "nst");
    field(json, "backend", backend);
    field(json, "backend_description", r.backend());
    field(json, "device", device.name().toLowerCase(Locale.ROOT));
    field(json, "threads", threads);
    field(json, "size", size);
    field(json, "width", r.image().getWidth());
    field(json, "height", r.image().getHeight());
    field(json, "seed", seed);
    field(json, "iterations", r.iterations());
    field(json, "compiled", r.compiled());
    field(json, "schedule", schedule);
    field(json, "scales", r.scales().toString());
    field(json, "weights_s", weightsSeconds);
    field(json, "wall_s", wall);
    field(json, "setup_s", r.setupTime().toNanos() / 1e9);
    field(json, "optimisation_s", optimisation);
    field(json, "s_per_iteration", r.iterations() == 0 ? Double.NaN : optimisation / r.iterations());
    field(json, "loss_every", every);
    json.append("\"losses\":{");
    losses.forEach((k, v) -> json.append('"').append(k).append("\":").append(number(v)).append(','));
    trimComma(json);
    json.append("},");
    field(json, "final_loss", trace.isEmpty() ? Double.NaN : trace.get(trace.size() - 1)[2]);
    field(json, "best_loss", r.bestLoss() == null ? Double.NaN : r.bestLoss().total());
    field(json, "best_iteration", r.bestIteration());
    field(json, "output", o.getOrDefault("output", ""));
    json.append("\"trace\":[");
    for (double[] t : trace) {
      json.append('[').append((int) t[0]).append(',').append(String.format(Locale.ROOT, "%.4f", t[1])).append(',')
          .append(number(t[2])).append("],");
    }
    trimComma(json);
    json.append("]}");
    System.out.println(json);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
      }
      o.put(args[i].substring(2), args[++i]);
    }
    return o;
  }

  private static void field(StringBuilder json, String name, Object value) {
    json.append('"').append(name).append("\":");
    if (value instanceof Double d) {
      json.append(number(d));
    } else if (value instanceof Number || value instanceof Boolean) {
      json.append(value);
    } else {
      json.append('"').append(String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    json.append(',');
  }

  private static String number(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }

  private static void trimComma(StringBuilder json) {
    if (json.charAt(json.length() - 1) == ',') {
      json.setLength(json.length() - 1);
    }
  }
}
