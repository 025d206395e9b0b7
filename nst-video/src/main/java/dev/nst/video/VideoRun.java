package dev.nst.video;

import dev.nst.api.BadImageException;
import dev.nst.api.InputConvention;
import dev.nst.api.LossBreakdown;
import dev.nst.api.ProgressEvent;
import dev.nst.api.ProgressListener;
import dev.nst.core.Init;
import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import dev.nst.core.StyleTransferSession;
import dev.nst.core.image.Images;
import dev.nst.core.image.Preprocessing;
import dev.nst.video.codec.FrameFolder;
import dev.nst.video.codec.FrameReader;
import dev.nst.video.codec.FrameWriter;
import dev.nst.video.codec.Mp4Writer;
import dev.nst.video.codec.Videos;
import dev.nst.video.flow.Plane;
import dev.nst.video.flow.Warping;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@link VideoStyleTransfer#run()}: decodes frame after frame, skips those the frames folder
 * already holds, stylises the others on one {@link StyleTransferSession} (model, backend and
 * style targets set up once), and streams every frame into the output.
 */
final class VideoRun {
  private static final String TEMPORAL = "temporal";

  private final VideoStyleTransfer.Settings settings;
  private Duration decodeTime = Duration.ZERO;
  private Duration flowTime = Duration.ZERO;
  private Duration optimisationTime = Duration.ZERO;
  private Duration writeTime = Duration.ZERO;

  VideoRun(VideoStyleTransfer.Settings settings) {
    this.settings = settings;
  }

  VideoResult run() {
    try (FrameReader reader = Videos.reader(settings.input(), Double.NaN)) {
      reader.notes().forEach(this::notice);
      long start = System.nanoTime();
      BufferedImage first = reader.next();
      if (first == null) {
        throw new BadImageException("No frames in " + settings.input() + ": the video is empty.");
      }
      int[] wh = evenFit(first.getWidth(), first.getHeight(), settings.size());
      StyleTransfer.Builder builder = Objects.requireNonNull(settings.transfer().apply(StyleTransfer.builder()),
          "the transfer settings returned null");
      StyleTransfer transfer = builder.content(first).size(Math.max(wh[0], wh[1])).build();
      decodeTime = decodeTime.plusNanos(System.nanoTime() - start);
      double fps = Double.isNaN(reader.frameRate()) ? settings.frameRate() : reader.frameRate();
      createDirectories(settings.framesDir());
      try (FrameWriter writer = outputWriter(fps); StyleTransferSession session = transfer.open()) {
        Frames frames = new Frames(reader, first, wh[0], wh[1], session, writer);
        frames.run();
        if (writer != null) {
          long t = System.nanoTime();
          writer.finish();
          writeTime = writeTime.plusNanos(System.nanoTime() - t);
        }
        if (frames.resumed > 0) {
          notice(String.format(Locale.ROOT, "took %d frame(s) an earlier run had written to %s", frames.resumed,
              settings.framesDir()));
        }
        Optional<Path> video = Videos.isMp4(settings.output()) ? Optional.of(settings.output()) : Optional.empty();
        return new VideoResult(frames.stylised + frames.resumed, frames.stylised, frames.resumed, frames.cancelled,
            wh[0], wh[1], settings.framesDir(), video, decodeTime, flowTime, optimisationTime, writeTime);
      }
    }
  }

  /**
   * The frames' size: the input scaled to the long side, each side rounded down to even (H.264
   * stores colour at half resolution) and at least 2.
   */
  static int[] evenFit(int width, int height, int longSide) {
    int[] wh = Images.fitLongSide(width, height, longSide);
    return new int[] {Math.max(2, wh[0] & ~1), Math.max(2, wh[1] & ~1)};
  }

  /** Where frames go besides the frames folder: an MP4, another folder, or nowhere (null). */
  private FrameWriter outputWriter(double fps) {
    Path out = settings.output();
    if (Videos.isMp4(out)) {
      return Mp4Writer.create(out, fps);
    }
    boolean same = out.toAbsolutePath().normalize().equals(settings.framesDir().toAbsolutePath().normalize());
    return same ? null : FrameFolder.writer(out);
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new BadImageException("Cannot create the frames folder " + dir + ": " + e.getMessage()
          + ". Check that the parent is writable.", e);
    }
  }

  private void notice(String notice) {
    settings.listeners().forEach(l -> l.onNotice(notice));
  }

  /** The frame loop over one reader, session and writer. */
  private final class Frames {
    private final FrameReader reader;
    private final BufferedImage first;
    private final int width;
    private final int height;
    private final StyleTransferSession session;
    private final FrameWriter writer;
    private final FrameHistory history;
    private final InputConvention convention;
    private final int total;
    int stylised;
    int resumed;
    boolean cancelled;

    Frames(FrameReader reader, BufferedImage first, int width, int height, StyleTransferSession session,
        FrameWriter writer) {
      this.reader = reader;
      this.first = first;
      this.width = width;
      this.height = height;
      this.session = session;
      this.writer = writer;
      int[] offsets = settings.offsets();
      this.history = new FrameHistory(settings.temporal() ? offsets[offsets.length - 1] : 0, settings.flow());
      this.convention = session.inputConvention();
      int count = reader.frameCount();
      this.total = settings.maxFrames() > 0 && count > 0 ? Math.min(count, settings.maxFrames()) : count;
    }

    void run() {
      for (int index = 0; settings.maxFrames() == 0 || index < settings.maxFrames(); index++) {
        long t0 = System.nanoTime();
        BufferedImage raw = index == 0 ? first : reader.next();
        if (raw == null) {
          return;
        }
        BufferedImage content = raw.getWidth() == width && raw.getHeight() == height ? Images.toRgb(raw)
            : Images.resize(raw, width, height);
        Duration decode = Duration.ofNanos(System.nanoTime() - t0);
        decodeTime = decodeTime.plus(decode);
        FrameHistory.Frame frame = new FrameHistory.Frame(index, content, FrameFolder.frameFile(settings.framesDir(),
            index));
        history.add(frame);
        if (Files.isRegularFile(frame.file)) {
          resume(frame, decode);
        } else if (settings.cancelRequested() || !stylise(frame, decode)) {
          cancelled = true;
          return;
        }
      }
    }

    /** Takes a frame an earlier run wrote. */
    private void resume(FrameHistory.Frame frame, Duration decode) {
      long t = System.nanoTime();
      if (writer != null) {
        writer.write(history.stylised(frame));
      }
      Duration write = Duration.ofNanos(System.nanoTime() - t);
      writeTime = writeTime.plus(write);
      resumed++;
      tell(new FrameProgress(frame.index, total, true, 0, Double.NaN, Double.NaN, Double.NaN, decode, Duration.ZERO,
          Duration.ZERO, write, frame.file));
    }

    /** Stylises a frame and writes it; false when a cancellation stopped it (nothing is written then). */
    private boolean stylise(FrameHistory.Frame frame, Duration decode) {
      long t0 = System.nanoTime();
      boolean temporal = settings.temporal() && history.back(1) != null;
      BufferedImage init = frame.content;
      TemporalLoss loss = null;
      if (temporal) {
        List<FrameHistory.Link> links = history.links(settings.offsets());
        init = initialImage(frame, links.get(0));
        loss = temporalLoss(links);
      }
      long t1 = System.nanoTime();
      Duration flow = Duration.ofNanos(t1 - t0);
      flowTime = flowTime.plus(flow);
      int iterations = temporal ? settings.laterIterations() : settings.iterations();
      Init start = Init.image(init);
      TemporalLoss temporalLoss = loss;
      int index = frame.index;
      StyleTransferResult r = session.run(b -> {
        b.content(frame.content).iterations(iterations).init(start).listener(new ProgressListener() {
          @Override
          public void onProgress(ProgressEvent e) {
            settings.listeners().forEach(l -> l.onIteration(index, e));
          }

          @Override
          public void onNotice(String notice) {
            VideoRun.this.notice(notice);
          }
        });
        if (temporalLoss != null) {
          b.imageLoss(TEMPORAL, temporalLoss);
        }
        if (settings.cancellation() != null) {
          b.cancellation(settings.cancellation());
        }
        return b;
      });
      long t2 = System.nanoTime();
      Duration optimisation = Duration.ofNanos(t2 - t1);
      optimisationTime = optimisationTime.plus(optimisation);
      if (r.cancelled()) {
        return false;
      }
      Images.write(r.image(), frame.file);
      frame.stylised(r.image());
      if (writer != null) {
        writer.write(r.image());
      }
      Duration write = Duration.ofNanos(System.nanoTime() - t2);
      writeTime = writeTime.plus(write);
      stylised++;
      LossBreakdown best = r.bestLoss();
      double temporalValue = best.imageLosses().getOrDefault(TEMPORAL, 0.0);
      tell(new FrameProgress(frame.index, total, false, r.iterations(), best.content(), best.style(), temporalValue,
          decode, flow, optimisation, write, frame.file));
      return true;
    }

    /**
     * The previous result warped into this frame; where the flow is not consistent (disocclusions,
     * motion boundaries, outside the previous frame) the content frame itself.
     */
    private BufferedImage initialImage(FrameHistory.Frame frame, FrameHistory.Link previous) {
      BufferedImage warped = Warping.warp(history.stylised(history.back(1)), previous.flow());
      int[] w = warped.getRGB(0, 0, width, height, null, 0, width);
      int[] c = frame.content.getRGB(0, 0, width, height, null, 0, width);
      float[] mask = previous.consistency().values();
      for (int i = 0; i < w.length; i++) {
        if (mask[i] == 0) {
          w[i] = c[i];
        }
      }
      BufferedImage init = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      init.setRGB(0, 0, width, height, w, 0, width);
      return init;
    }

    /**
     * The temporal term over the reachable earlier frames: each pixel follows the nearest of them
     * where it is consistent (Ruder et al.'s long-term weights, max(c_j - sum of nearer c, 0)).
     */
    private TemporalLoss temporalLoss(List<FrameHistory.Link> links) {
      int n = width * height;
      float[] covered = new float[n];
      List<TemporalLoss.Target> targets = new ArrayList<>();
      for (FrameHistory.Link link : links) {
        float[] c = link.consistency().values();
        for (int i = 0; i < n; i++) {
          float own = Math.max(c[i] - covered[i], 0);
          covered[i] += c[i];
          c[i] = own;
        }
        BufferedImage earlier = history.stylised(history.back(link.distance()));
        float[] target = Warping.warpChannels(Preprocessing.toTensor(earlier, convention).toArray(), 3, link.flow());
        targets.add(new TemporalLoss.Target(target, Plane.of(width, height, c)));
      }
      return TemporalLoss.of(convention, settings.temporalWeight(), targets);
    }

    private void tell(FrameProgress p) {
      settings.listeners().forEach(l -> l.onFrame(p));
    }
  }
}
