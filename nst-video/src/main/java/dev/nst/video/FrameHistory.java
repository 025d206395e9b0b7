package dev.nst.video;

import dev.nst.core.image.Images;
import dev.nst.video.flow.Consistency;
import dev.nst.video.flow.Flow;
import dev.nst.video.flow.Plane;
import dev.nst.video.flow.TvL1Flow;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The last few frames of a video run, as many as the temporal term reaches back, with what it
 * needs of them: the input frame, its stylised result (read back from the frames folder when an
 * earlier run wrote it), and the flow into the frame before it with its consistency weights,
 * computed when first needed. Older frames are dropped, so memory does not grow with the video.
 */
final class FrameHistory {
  /** One frame. */
  static final class Frame {
    final int index;
    final BufferedImage content;
    final Plane luma;
    final Path file;
    private BufferedImage stylised;
    private Flow backward;
    private Plane consistency;

    Frame(int index, BufferedImage content, Path file) {
      this.index = index;
      this.content = content;
      this.luma = Plane.luma(content);
      this.file = file;
    }

    void stylised(BufferedImage image) {
      stylised = image;
    }
  }

  /** The flow of the newest frame into an earlier one and where it holds. */
  record Link(int distance, Flow flow, Plane consistency) {}

  private final ArrayDeque<Frame> frames = new ArrayDeque<>();
  private final int keep;
  private final TvL1Flow estimator;

  /** Keeps the newest frame and {@code reach} frames before it. */
  FrameHistory(int reach, TvL1Flow estimator) {
    this.keep = reach + 1;
    this.estimator = estimator;
  }

  void add(Frame frame) {
    frames.addLast(frame);
    while (frames.size() > keep) {
      frames.removeFirst();
    }
  }

  /** The frame {@code distance} before the newest, or null when the video has none or it is no longer kept. */
  Frame back(int distance) {
    if (distance >= frames.size()) {
      return null;
    }
    Iterator<Frame> it = frames.descendingIterator();
    for (int i = 0; i < distance; i++) {
      it.next();
    }
    return it.next();
  }

  /**
   * The stylised result of {@code frame}, read from its file when it came from an earlier run.
   *
   * @throws IllegalStateException when that file has another size than this run's frames
   */
  BufferedImage stylised(Frame frame) {
    if (frame.stylised == null) {
      BufferedImage read = Images.toRgb(Images.read(frame.file));
      if (read.getWidth() != frame.content.getWidth() || read.getHeight() != frame.content.getHeight()) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "%s is %dx%d but this run makes %dx%d frames: the frames folder holds another run's output; "
                + "choose another frames folder or delete it", frame.file, read.getWidth(), read.getHeight(),
            frame.content.getWidth(), frame.content.getHeight()));
      }
      frame.stylised = read;
    }
    return frame.stylised;
  }

  /**
   * For each of {@code distances} (ascending) that the history reaches, the flow of the newest
   * frame into that earlier frame and its consistency. The flow to the frame before is the one
   * kept with the frame; flows further back are estimated directly between the two frames, as
   * Ruder et al. do: what the frames between hid (an object passing) is visible to a direct flow
   * and lost to one composed through the frame that hid it.
   */
  List<Link> links(int[] distances) {
    List<Link> links = new ArrayList<>();
    Frame newest = back(0);
    for (int distance : distances) {
      Frame earlier = back(distance);
      if (earlier == null) {
        break;
      }
      if (distance == 1) {
        ensureFlow(newest, earlier);
        links.add(new Link(1, newest.backward, newest.consistency));
      } else {
        Flow backward = estimator.estimate(newest.luma, earlier.luma);
        Flow forward = estimator.estimate(earlier.luma, newest.luma);
        links.add(new Link(distance, backward, Consistency.mask(backward, forward)));
      }
    }
    return links;
  }

  private void ensureFlow(Frame frame, Frame previous) {
    if (frame.backward == null) {
      frame.backward = estimator.estimate(frame.luma, previous.luma);
      Flow forward = estimator.estimate(previous.luma, frame.luma);
      frame.consistency = Consistency.mask(frame.backward, forward);
    }
  }
}
