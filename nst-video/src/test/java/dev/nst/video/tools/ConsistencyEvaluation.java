package dev.nst.video.tools;

import dev.nst.core.StyleTransfer;
import dev.nst.core.image.Images;
import dev.nst.video.FrameProgress;
import dev.nst.video.SyntheticVideo;
import dev.nst.video.VideoResult;
import dev.nst.video.VideoStyleTransfer;
import dev.nst.video.codec.FrameFolder;
import dev.nst.video.codec.FrameReader;
import dev.nst.video.codec.Mp4Writer;
import dev.nst.video.codec.Videos;
import dev.nst.video.flow.Consistency;
import dev.nst.video.flow.Flow;
import dev.nst.video.flow.Plane;
import dev.nst.video.flow.TvL1Flow;
import dev.nst.video.flow.Warping;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures temporal instability, per-frame (independent) against consistent stylisation, as
 * tools/video_consistency.sh runs it: the mean squared difference (0..255 units) between output
 * frame t and output frame t-1 warped by the flow, over the pixels where that flow is consistent.
 * On a synthetic video the flow is the true one; on a clip it is TV-L1's (as Ruder et al. did
 * for real videos). Also reports the style term per frame, the flow's end-point error and where
 * the time goes, and writes a side-by-side GIF.
 *
 * <p>Arguments: {@code key=value} pairs: model, style, source ({@code synthetic:IMAGE} or an
 * MP4/folder), size, frames, iterations, later, weight, threads, out, gif (long side of the GIF,
 * 0 for none), make-clip (write the synthetic input as an MP4 there and stop), gif-from (only make the GIF
 * from an earlier evaluation's folders).
 */
public final class ConsistencyEvaluation {
  private ConsistencyEvaluation() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    Path out = Path.of(a.getOrDefault("out", "target/video-eval"));
    if (a.containsKey("gif-from")) {
      // only the animation, from the frame folders of an earlier evaluation
      Path from = Path.of(a.get("gif-from"));
      List<BufferedImage> pairs = new ArrayList<>();
      int n = Math.min(Integer.parseInt(a.getOrDefault("frames", "1000")),
          Math.min(FrameFolder.list(from.resolve("independent")).size(), FrameFolder.list(from.resolve("consistent")).size()));
      for (int t = 0; t < n; t++) {
        pairs.add(sideBySide(Images.read(FrameFolder.frameFile(from.resolve("independent"), t)),
            Images.read(FrameFolder.frameFile(from.resolve("consistent"), t)), Integer.parseInt(a.get("gif"))));
      }
      AnimatedGif.write(pairs, 1000 / 12, out.resolve("side_by_side.gif"));
      System.out.println("wrote " + out.resolve("side_by_side.gif"));
      return;
    }
    int size = Integer.parseInt(a.getOrDefault("size", "256"));
    int frames = Integer.parseInt(a.getOrDefault("frames", "24"));
    String source = a.get("source");
    Path input = out.resolve("input");
    SyntheticVideo synthetic = null;
    if (source.startsWith("synthetic:")) {
      synthetic = synthetic(Path.of(source.substring("synthetic:".length())), size);
      for (int t = 0; t < frames; t++) {
        Images.write(synthetic.frame(t), FrameFolder.frameFile(input, t));
      }
      if (a.containsKey("make-clip")) {
        try (Mp4Writer w = Mp4Writer.create(Path.of(a.get("make-clip")), 25)) {
          for (int t = 0; t < frames; t++) {
            w.write(synthetic.frame(t));
          }
          w.finish();
        }
        System.out.println("wrote " + a.get("make-clip"));
        return;
      }
    } else {
      input = Path.of(source);
    }
    Run independent = run(a, input, out.resolve("independent"), size, frames, false);
    Run consistent = run(a, input, out.resolve("consistent"), size, frames, true);

    List<BufferedImage> in = read(out.resolve("input-resized"), input, independent.result, frames);
    TvL1Flow tvl1 = TvL1Flow.defaults();
    double epe = 0;
    double[] inst = new double[3];
    int pairs = 0;
    for (int t = 1; t < in.size(); t++) {
      Flow backward;
      Plane mask;
      Flow estimated = tvl1.estimate(Plane.luma(in.get(t)), Plane.luma(in.get(t - 1)));
      if (synthetic != null) {
        backward = synthetic.flow(t, -1);
        mask = Consistency.mask(backward, synthetic.flow(t - 1, 1));
        epe += estimated.endPointError(backward, mask);
      } else {
        backward = estimated;
        mask = Consistency.mask(estimated, tvl1.estimate(Plane.luma(in.get(t - 1)), Plane.luma(in.get(t))));
      }
      inst[0] += instability(in.get(t), in.get(t - 1), backward, mask);
      inst[1] += instability(frame(independent.result, t), frame(independent.result, t - 1), backward, mask);
      inst[2] += instability(frame(consistent.result, t), frame(consistent.result, t - 1), backward, mask);
      pairs++;
    }
    StringBuilder report = new StringBuilder();
    report.append(String.format(Locale.ROOT, "source %s, %d frames at %dx%d, iterations %s/%s, temporal weight %s%n",
        source, in.size(), in.get(0).getWidth(), in.get(0).getHeight(), a.getOrDefault("iterations", "100"),
        a.getOrDefault("later", "half"), a.getOrDefault("weight", "" + VideoStyleTransfer.DEFAULT_TEMPORAL_WEIGHT)));
    if (synthetic != null) {
      report.append(String.format(Locale.ROOT, "TV-L1 end-point error (consistent pixels, mean over pairs): %.3f px%n",
          epe / pairs));
    }
    report.append(String.format(Locale.ROOT, "instability (mean squared warped difference, 0..255 units): input %.2f, "
        + "independent %.2f, consistent %.2f, ratio consistent/independent %.3f%n", inst[0] / pairs, inst[1] / pairs,
        inst[2] / pairs, inst[2] / inst[1]));
    report.append(String.format(Locale.ROOT, "style term per frame (mean; first, last): independent %.4g (%.4g, %.4g), "
        + "consistent %.4g (%.4g, %.4g)%n", independent.meanStyle(), independent.style.get(0),
        independent.style.get(independent.style.size() - 1), consistent.meanStyle(), consistent.style.get(0),
        consistent.style.get(consistent.style.size() - 1)));
    report.append("style term per frame, independent: ").append(format(independent.style)).append('\n');
    report.append("style term per frame, consistent:  ").append(format(consistent.style)).append('\n');
    for (Run r : List.of(independent, consistent)) {
      VideoResult v = r.result;
      double total = seconds(v.decodeTime()) + seconds(v.flowTime()) + seconds(v.optimisationTime())
          + seconds(v.writeTime());
      report.append(String.format(Locale.ROOT, "%s: %.2f s/frame; decode %.1f%%, flow %.1f%%, optimisation %.1f%%, "
              + "write %.1f%%%n", r.name, total / v.frames(), 100 * seconds(v.decodeTime()) / total,
          100 * seconds(v.flowTime()) / total, 100 * seconds(v.optimisationTime()) / total,
          100 * seconds(v.writeTime()) / total));
    }
    System.out.print(report);
    Files.writeString(out.resolve("report.txt"), report.toString());
    int gif = Integer.parseInt(a.getOrDefault("gif", "0"));
    if (gif > 0) {
      List<BufferedImage> pairsSideBySide = new ArrayList<>();
      for (int t = 0; t < in.size(); t++) {
        pairsSideBySide.add(sideBySide(frame(independent.result, t), frame(consistent.result, t), gif));
      }
      AnimatedGif.write(pairsSideBySide, 1000 / 12, out.resolve("side_by_side.gif"));
      System.out.println("wrote " + out.resolve("side_by_side.gif"));
    }
  }

  /** One configuration's run and its per-frame style terms. */
  private record Run(String name, VideoResult result, List<Double> style) {
    double meanStyle() {
      return style.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
  }

  private static Run run(Map<String, String> a, Path input, Path out, int size, int frames, boolean temporal) {
    List<Double> style = new ArrayList<>();
    int iterations = Integer.parseInt(a.getOrDefault("iterations", "100"));
    VideoStyleTransfer.Builder b = VideoStyleTransfer.builder()
        .transfer(t -> configure(t, a))
        .input(input).output(out).size(size).iterations(iterations).maxFrames(frames).temporal(temporal)
        .temporalWeight(Double.parseDouble(a.getOrDefault("weight", "" + VideoStyleTransfer.DEFAULT_TEMPORAL_WEIGHT)))
        .listener(f -> {
          style.add(f.styleLoss());
          System.out.println(describe(temporal ? "consistent" : "independent", f));
        });
    if (a.containsKey("later")) {
      b.laterIterations(Integer.parseInt(a.get("later")));
    }
    if (a.containsKey("long-term")) {
      b.temporalFrames(java.util.Arrays.stream(a.get("long-term").split(",")).mapToInt(Integer::parseInt).toArray());
    }
    return new Run(temporal ? "consistent" : "independent", b.build().run(), style);
  }

  private static StyleTransfer.Builder configure(StyleTransfer.Builder b, Map<String, String> a) {
    b.model(Path.of(a.get("model"))).style(Path.of(a.get("style")));
    if (a.containsKey("threads")) {
      b.threads(Integer.parseInt(a.get("threads")));
    }
    if (a.containsKey("backend")) {
      b.backend(a.get("backend"));
    }
    return b;
  }

  private static String describe(String name, FrameProgress f) {
    return String.format(Locale.ROOT, "%s frame %d: %d it, style %.4g, content %.4g, temporal %.4g, flow %.2f s, "
            + "optimisation %.2f s", name, f.index(), f.iterations(), f.styleLoss(), f.contentLoss(), f.temporalLoss(),
        seconds(f.flowTime()), seconds(f.optimisationTime()));
  }

  /** The background still, sized so that the pan and zoom stay inside it, and the motion scaled to the frame. */
  private static SyntheticVideo synthetic(Path image, int size) {
    BufferedImage still = Images.toRgb(Images.read(image));
    int[] wh = dev.nst.core.image.Images.fitLongSide(still.getWidth(), still.getHeight(), (int) (size * 1.5));
    still = Images.resize(still, wh[0], wh[1]);
    int w = size & ~1;
    int h = (int) Math.round(size * 2.0 / 3) & ~1;
    double s = size / 256.0;
    return new SyntheticVideo(still, w, h, 1.2 * s, 0.4 * s, 0.995, 2.5 * s, 1.0 * s);
  }

  /** The input frames at the output size, as the runs saw them. */
  private static List<BufferedImage> read(Path dir, Path input, VideoResult r, int frames) {
    List<BufferedImage> out = new ArrayList<>();
    try (FrameReader reader = Videos.reader(input, 25)) {
      for (BufferedImage f = reader.next(); f != null && out.size() < frames; f = reader.next()) {
        out.add(f.getWidth() == r.width() && f.getHeight() == r.height() ? Images.toRgb(f)
            : Images.resize(f, r.width(), r.height()));
      }
    }
    return out;
  }

  private static BufferedImage frame(VideoResult r, int t) {
    return Images.toRgb(Images.read(FrameFolder.frameFile(r.framesDir(), t)));
  }

  /**
   * Mean over consistent pixels and channels of (a - warp(b))^2, 0..255 units.
   *
   * @param a frame t
   * @param b frame t-1
   * @param backward flow of frame t into frame t-1
   * @param mask where that flow is consistent
   * @return the mean squared difference
   */
  public static double instability(BufferedImage a, BufferedImage b, Flow backward, Plane mask) {
    BufferedImage warped = Warping.warp(b, backward);
    double sum = 0;
    long n = 0;
    float[] m = mask.values();
    int w = a.getWidth();
    for (int i = 0; i < m.length; i++) {
      if (m[i] > 0) {
        int p = a.getRGB(i % w, i / w);
        int q = warped.getRGB(i % w, i / w);
        for (int s = 0; s <= 16; s += 8) {
          int d = ((p >> s) & 0xff) - ((q >> s) & 0xff);
          sum += d * d;
        }
        n += 3;
      }
    }
    return sum / n;
  }

  private static BufferedImage sideBySide(BufferedImage left, BufferedImage right, int longSide) {
    int[] wh = Images.fitLongSide(left.getWidth(), left.getHeight(), longSide / 2);
    BufferedImage out = new BufferedImage(2 * wh[0] + 4, wh[1], BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = out.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    g.drawImage(Images.resize(left, wh[0], wh[1]), 0, 0, null);
    g.drawImage(Images.resize(right, wh[0], wh[1]), wh[0] + 4, 0, null);
    g.dispose();
    return out;
  }

  private static String format(List<Double> values) {
    StringBuilder s = new StringBuilder();
    for (double v : values) {
      s.append(String.format(Locale.ROOT, "%.3g ", v));
    }
    return s.toString().trim();
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
