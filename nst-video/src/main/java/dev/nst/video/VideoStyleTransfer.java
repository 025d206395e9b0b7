package dev.nst.video;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.nst.api.CancellationToken;
import dev.nst.core.StyleTransfer;
import dev.nst.video.codec.Videos;
import dev.nst.video.flow.TvL1Flow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Style transfer for a video, frame after frame, kept temporally consistent as Ruder et al.
 * (2016) do: every frame after the first starts from the previous stylised frame warped by the
 * optical flow (pixels the flow cannot carry over start from the content frame) and a
 * {@link TemporalLoss} ties it to that warped frame where the flow is consistent.
 *
 * <pre>{@code
 * VideoResult r = VideoStyleTransfer.builder()
 *     .transfer(b -> b.model("vgg19").style(Path.of("painting.jpg")))
 *     .input(Path.of("clip.mp4"))
 *     .output(Path.of("clip-styled.mp4"))   // frames go to clip-styled_frames/ as they finish
 *     .size(512)
 *     .build()
 *     .run();
 * }</pre>
 *
 * <p>Frames are written to the frames folder atomically as they finish. A run that finds frames
 * already there takes them as they are and continues after the last one, so an interrupted run
 * resumes where it stopped. Memory does not grow with the video: frames are decoded and encoded
 * as a stream, and only the frames the temporal term needs are kept. An instance is immutable;
 * each {@link #run} opens its own model, backend and style targets, once for the whole video.
 */
public final class VideoStyleTransfer {
  /** Default temporal weight; docs/guide.md ("Video") shows how it was chosen. */
  public static final double DEFAULT_TEMPORAL_WEIGHT = 0.002;

  private final Settings settings;

  private VideoStyleTransfer(Settings settings) {
    this.settings = settings;
  }

  /**
   * Starts a configuration.
   *
   * @return a builder with the defaults documented on its setters
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Stylises the video, or the frames an earlier run left to do.
   *
   * @return what was written
   * @throws dev.nst.api.BadImageException when the input cannot be read or the output written
   * @throws IllegalStateException when the frames folder holds frames of another size
   * @throws dev.nst.api.NstException as {@link StyleTransfer#run()} does, for the model, backend and run
   */
  public VideoResult run() {
    return new VideoRun(settings).run();
  }

  /** The validated configuration. */
  record Settings(UnaryOperator<StyleTransfer.Builder> transfer, Path input, Path output, Path framesDir, int size,
      int iterations, int laterIterations, boolean temporal, double temporalWeight, int[] offsets, TvL1Flow flow,
      double frameRate, int maxFrames, List<VideoListener> listeners, CancellationToken cancellation) {

    boolean cancelRequested() {
      return cancellation != null && cancellation.isCancelled();
    }
  }

  /** Configures a {@link VideoStyleTransfer}; every setter validates its argument at once. */
  public static final class Builder {
    private UnaryOperator<StyleTransfer.Builder> transfer;
    private Path input;
    private Path output;
    private Path framesDir;
    private int size = 512;
    private int iterations = 300;
    private int laterIterations;
    private boolean temporal = true;
    private double temporalWeight = DEFAULT_TEMPORAL_WEIGHT;
    private int[] offsets = {1};
    private TvL1Flow flow = TvL1Flow.defaults();
    private double frameRate = 25;
    private int maxFrames;
    private final List<VideoListener> listeners = new ArrayList<>();
    private CancellationToken cancellation;

    private Builder() {}

    /**
     * The style transfer settings every frame uses: model, style images, weights, optimiser,
     * backend... applied to a fresh {@link StyleTransfer#builder()}. The content image, size,
     * iterations, start image and cancellation are the video run's (set them here on the video
     * builder); leave the output unset, frames go to the frames folder.
     *
     * @param settings for example {@code b -> b.model("vgg19").style(painting)}
     * @return this builder
     */
    public Builder transfer(UnaryOperator<StyleTransfer.Builder> settings) {
      transfer = checkNotNull(settings, "transfer settings");
      return this;
    }

    /**
     * The video to stylise: an H.264 MP4 file or a folder of numbered PNG/JPEG frames.
     *
     * @param video the input
     * @return this builder
     */
    public Builder input(Path video) {
      input = checkNotNull(video, "input");
      return this;
    }

    /**
     * Where the result goes: an MP4 file ({@code .mp4}, {@code .m4v}, {@code .mov}), or a folder
     * that receives the numbered frames ({@code frame_000001.png}, ...).
     *
     * @param video the output
     * @return this builder
     */
    public Builder output(Path video) {
      output = checkNotNull(video, "output");
      return this;
    }

    /**
     * The folder that receives each frame as it finishes, and that a resumed run continues from.
     * Default: the output itself when it is a folder, else {@code NAME_frames} beside the MP4.
     *
     * @param dir the frames folder
     * @return this builder
     */
    public Builder framesDir(Path dir) {
      framesDir = checkNotNull(dir, "framesDir");
      return this;
    }

    /**
     * Long side of the output frames in pixels (default 512), rounded down to even sides as
     * H.264 requires.
     *
     * @param longSide pixels, at least 2
     * @return this builder
     */
    public Builder size(int longSide) {
      checkArgument(longSide >= 2, "size must be at least 2, got %s", longSide);
      size = longSide;
      return this;
    }

    /**
     * Iterations of the first frame (default 300), and of every frame without the temporal term.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder iterations(int n) {
      checkArgument(n >= 1, "iterations must be >= 1, got %s", n);
      iterations = n;
      return this;
    }

    /**
     * Iterations of every frame after the first (default: half of {@link #iterations}): they
     * start from the previous result warped, which is already close.
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder laterIterations(int n) {
      checkArgument(n >= 1, "later iterations must be >= 1, got %s", n);
      laterIterations = n;
      return this;
    }

    /**
     * Weight of the temporal term (default {@value #DEFAULT_TEMPORAL_WEIGHT}); 0 keeps the warped
     * start but lets frames drift apart.
     *
     * @param weight finite, &gt;= 0
     * @return this builder
     */
    public Builder temporalWeight(double weight) {
      checkArgument(weight >= 0 && Double.isFinite(weight), "temporal weight must be finite and >= 0, got %s", weight);
      temporalWeight = weight;
      return this;
    }

    /**
     * The earlier frames the temporal term follows, as distances back (default {@code 1}, the
     * short-term term). Ruder et al.'s long-term term uses, for example, {@code 1, 2, 4}: a pixel
     * follows the nearest of those frames where it was visible, so details that an object hid
     * for a moment come back as they were. Each distance beyond 1 costs two more flow
     * estimates per frame (frames further back are compared directly).
     *
     * @param distances distinct values from 1 to 16
     * @return this builder
     */
    public Builder temporalFrames(int... distances) {
      checkNotNull(distances, "distances");
      checkArgument(distances.length >= 1, "at least one earlier frame is needed");
      int[] sorted = distances.clone();
      Arrays.sort(sorted);
      for (int i = 0; i < sorted.length; i++) {
        checkArgument(sorted[i] >= 1 && sorted[i] <= 16, "temporal frame distances lie in 1..16, got %s", sorted[i]);
        checkArgument(i == 0 || sorted[i] != sorted[i - 1], "temporal frame distance %s is given twice", sorted[i]);
      }
      offsets = sorted;
      return this;
    }

    /**
     * False stylises every frame on its own from the content frame, with {@link #iterations}
     * each: the flickering baseline. Default true.
     *
     * @param on whether to keep frames consistent
     * @return this builder
     */
    public Builder temporal(boolean on) {
      temporal = on;
      return this;
    }

    /**
     * The optical flow's settings (default {@link TvL1Flow#defaults()}).
     *
     * @param estimator the settings
     * @return this builder
     */
    public Builder flow(TvL1Flow estimator) {
      flow = checkNotNull(estimator, "flow");
      return this;
    }

    /**
     * Frames per second of an MP4 output when the input is a frame folder (default 25); an MP4
     * input keeps its own rate.
     *
     * @param fps positive
     * @return this builder
     */
    public Builder frameRate(double fps) {
      checkArgument(fps > 0 && Double.isFinite(fps), "frame rate must be positive, got %s", fps);
      frameRate = fps;
      return this;
    }

    /**
     * Stops after the first {@code n} frames; 0 (default) runs the whole video.
     *
     * @param n frames, &gt;= 0
     * @return this builder
     */
    public Builder maxFrames(int n) {
      checkArgument(n >= 0, "maxFrames must be >= 0 (0 = all), got %s", n);
      maxFrames = n;
      return this;
    }

    /**
     * Adds a listener told after every frame and iteration.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(VideoListener listener) {
      listeners.add(checkNotNull(listener, "listener"));
      return this;
    }

    /**
     * A token that stops the run: the frame in progress is dropped (a resumed run redoes it),
     * every finished frame stays in the frames folder, and an MP4 output is completed with them.
     *
     * @param token the token
     * @return this builder
     */
    public Builder cancellation(CancellationToken token) {
      cancellation = checkNotNull(token, "token");
      return this;
    }

    /**
     * Checks the settings together and freezes them.
     *
     * @return the configured video run
     * @throws IllegalStateException naming the call that is missing
     */
    public VideoStyleTransfer build() {
      checkState(transfer != null, "no style transfer settings: call transfer(b -> b.model(...).style(...))");
      checkState(input != null, "no input video: call input(path to an MP4 or a frame folder)");
      checkState(output != null, "no output: call output(path to an MP4 or a folder)");
      Path frames = framesDir;
      if (frames == null) {
        if (Videos.isMp4(output)) {
          String name = output.getFileName().toString();
          frames = output.resolveSibling(name.substring(0, name.lastIndexOf('.')) + "_frames");
        } else {
          frames = output;
        }
      }
      Path in = input.toAbsolutePath().normalize();
      checkState(!output.toAbsolutePath().normalize().equals(in), "the output %s is the input; choose another output",
          output);
      checkState(!frames.toAbsolutePath().normalize().equals(in),
          "the frames folder %s is the input; choose another output or frames folder", frames);
      int later = laterIterations > 0 ? laterIterations : Math.max(1, iterations / 2);
      return new VideoStyleTransfer(new Settings(transfer, input, output, frames, size, iterations, later, temporal,
          temporalWeight, offsets.clone(), flow, frameRate, maxFrames, List.copyOf(listeners), cancellation));
    }
  }
}
