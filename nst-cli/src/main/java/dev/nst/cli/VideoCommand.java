package dev.nst.cli;

import dev.nst.api.CancellationToken;
import dev.nst.api.ProgressEvent;
import dev.nst.core.StyleTransfer;
import dev.nst.video.FrameProgress;
import dev.nst.video.VideoListener;
import dev.nst.video.VideoResult;
import dev.nst.video.VideoStyleTransfer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code nst video IN -o OUT --style S}: temporally consistent style transfer of a video (an MP4
 * or a folder of frames), resumable, with the style options of {@code nst stylize}.
 */
@Command(name = "video", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false, customSynopsis = "nst video IN -o OUT --style STYLE [OPTIONS]",
    description = {"Stylise a video so that frames stay consistent (Ruder et al. 2016): each frame starts from the "
        + "previous result warped by the optical flow, and a temporal loss holds it there.",
        "IN and OUT are H.264 MP4 files or folders of numbered PNG frames. Every frame is written to the frames "
        + "folder as it finishes; running the same command again continues after the last frame written. "
        + "Audio is not carried over."})
final class VideoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  NstCommand nst;

  @Parameters(index = "0", paramLabel = "IN", description = "Input video: an MP4 (H.264) or a folder of frames.")
  Path input;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
      description = "Output: an .mp4 file, or a folder for the frames.")
  Path output;

  @Option(names = "--style", required = true, paramLabel = "STYLE",
      description = "Style image; repeat for several (they blend).")
  List<Path> styles;

  @Option(names = "--frames-dir", paramLabel = "DIR",
      description = "Where each frame is written as it finishes, and resumed from "
          + "(default: OUT itself for a folder, else OUT's name + _frames).")
  Path framesDir;

  @Option(names = "--temporal-weight", paramLabel = "W",
      defaultValue = "" + VideoStyleTransfer.DEFAULT_TEMPORAL_WEIGHT,
      description = "Weight of the temporal loss (default ${DEFAULT-VALUE}; 0: warped start only).")
  double temporalWeight;

  @Option(names = "--temporal-frames", split = ",", paramLabel = "K", defaultValue = "1",
      description = "Earlier frames the temporal loss follows, as distances back: 1 (default) or, for "
          + "long-term consistency, e.g. 1,2,4.")
  int[] temporalFrames;

  @Option(names = "--later-iterations", paramLabel = "N",
      description = "Iterations of every frame after the first (default: half of -n).")
  Integer laterIterations;

  @Option(names = "--independent",
      description = "Stylise every frame on its own (no flow, no temporal loss): the flickering baseline.")
  boolean independent;

  @Option(names = "--frame-rate", paramLabel = "FPS", defaultValue = "25",
      description = "Frame rate of an MP4 made from a frame folder (default ${DEFAULT-VALUE}; an MP4 keeps its own).")
  double frameRate;

  @Option(names = "--max-frames", paramLabel = "N", defaultValue = "0",
      description = "Stop after the first N frames (default 0: all).")
  int maxFrames;

  @Option(names = "--style-blend-weights", split = ",", paramLabel = "WEIGHT",
      description = "One weight per style image (default equal).")
  List<Double> blendWeights;

  @Option(names = "--print-every", paramLabel = "N", defaultValue = "0",
      description = "Print the loss terms every N iterations (0 = progress bar only).")
  int printEvery;

  @Mixin
  TransferOptions transfer;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    DownloadBar downloads = new DownloadBar(err, nst.terminal());
    // Resolve the model and options now: mistakes surface before the first frame is decoded.
    StyleTransfer.Builder configured = transfer.applyTo(StyleTransfer.builder(), nst, downloads, null);
    for (int i = 0; i < styles.size(); i++) {
      configured.style(styles.get(i), blendWeights == null ? 1.0 : blendWeights.get(Math.min(i, blendWeights.size() - 1)));
    }
    ProgressBar bar = new ProgressBar(err, nst.terminal(), printEvery);
    CancellationToken token = new CancellationToken();
    VideoStyleTransfer.Builder video = VideoStyleTransfer.builder()
        .transfer(b -> configured)
        .input(input)
        .output(output)
        .size(transfer.size)
        .iterations(transfer.iterations)
        .temporal(!independent)
        .temporalWeight(temporalWeight)
        .temporalFrames(temporalFrames)
        .frameRate(frameRate)
        .maxFrames(maxFrames)
        .cancellation(token)
        .listener(new FrameLines(err, bar));
    if (laterIterations != null) {
      video.laterIterations(laterIterations);
    }
    if (framesDir != null) {
      video.framesDir(framesDir);
    }
    VideoStyleTransfer run = video.build();
    // Ctrl-C: stop at the current frame, and hold the JVM until the output holds every finished frame.
    InterruptGuard guard = new InterruptGuard(token);
    VideoResult r;
    try {
      r = run.run();
    } finally {
      downloads.finish();
      bar.finish();
      guard.release();
    }
    double seconds = (r.decodeTime().toMillis() + r.flowTime().toMillis() + r.optimisationTime().toMillis()
        + r.writeTime().toMillis()) / 1000.0;
    err.printf(Locale.ROOT, "wrote %s: %d frames %dx%d (%d stylised now, %d from an earlier run) in %.1f s; "
            + "frames in %s%s%n", r.video().map(Path::toString).orElse(r.framesDir().toString()), r.frames(),
        r.width(), r.height(), r.stylised(), r.resumed(), seconds, r.framesDir(),
        r.cancelled() ? " (cancelled: run the same command again to continue)" : "");
    if (seconds > 0) {
      err.printf(Locale.ROOT, "time: decode %.1f s (%.0f%%), flow %.1f s (%.0f%%), style transfer %.1f s (%.0f%%), "
              + "write and encode %.1f s (%.0f%%)%n", r.decodeTime().toMillis() / 1000.0,
          100 * r.decodeTime().toMillis() / 1000.0 / seconds, r.flowTime().toMillis() / 1000.0,
          100 * r.flowTime().toMillis() / 1000.0 / seconds, r.optimisationTime().toMillis() / 1000.0,
          100 * r.optimisationTime().toMillis() / 1000.0 / seconds, r.writeTime().toMillis() / 1000.0,
          100 * r.writeTime().toMillis() / 1000.0 / seconds);
    }
    err.flush();
    return 0;
  }

  /** One line per frame, and the iteration bar while a frame runs. */
  private static final class FrameLines implements VideoListener {
    private final PrintWriter err;
    private final ProgressBar bar;

    FrameLines(PrintWriter err, ProgressBar bar) {
      this.err = err;
      this.bar = bar;
    }

    @Override
    public void onFrame(FrameProgress f) {
      bar.finish();
      String of = f.total() > 0 ? "/" + f.total() : "";
      if (f.resumed()) {
        err.printf(Locale.ROOT, "frame %d%s: already in %s%n", f.index() + 1, of, f.file().getParent());
      } else {
        err.printf(Locale.ROOT, "frame %d%s: %.1f s (flow %.1f s), %d iterations, style %.4g, temporal %.4g%n",
            f.index() + 1, of, (f.decodeTime().toMillis() + f.flowTime().toMillis() + f.optimisationTime().toMillis()
                + f.writeTime().toMillis()) / 1000.0, f.flowTime().toMillis() / 1000.0, f.iterations(),
            f.styleLoss(), f.temporalLoss());
      }
      err.flush();
    }

    @Override
    public void onIteration(int frameIndex, ProgressEvent event) {
      bar.onProgress(event);
    }

    @Override
    public void onNotice(String notice) {
      bar.finish();
      err.println("nst: " + notice);
      err.flush();
    }
  }
}
