package dev.nst.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nst.video.flow.TvL1Flow;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameHistoryTest {
  /** Frame t: a 48 x 32 window over the texture, 2 px further right at every frame. */
  private static FrameHistory.Frame frame(BufferedImage texture, int t) {
    return new FrameHistory.Frame(t, texture.getSubimage(2 * t, 0, 48, 32), Path.of("frame" + t + ".png"));
  }

  @Test
  void keepsOnlyTheFramesTheTemporalTermReaches() {
    BufferedImage texture = SyntheticVideo.texture(120, 32, 4);
    FrameHistory history = new FrameHistory(2, TvL1Flow.defaults());
    for (int t = 0; t < 10; t++) {
      history.add(frame(texture, t));
    }
    assertThat(history.back(0).index).isEqualTo(9);
    assertThat(history.back(2).index).isEqualTo(7);
    assertThat(history.back(3)).isNull();
  }

  @Test
  void flowsReachTheEarlierFrames() {
    BufferedImage texture = SyntheticVideo.texture(120, 32, 4);
    FrameHistory history = new FrameHistory(4, TvL1Flow.defaults());
    for (int t = 0; t < 5; t++) {
      history.add(frame(texture, t));
    }
    // frame t shows texture columns 2t..2t+47: pixel x of frame t is pixel x + 2 of frame t-1
    List<FrameHistory.Link> links = history.links(new int[] {1, 2, 4});
    assertThat(links).extracting(FrameHistory.Link::distance).containsExactly(1, 2, 4);
    for (FrameHistory.Link link : links) {
      assertThat(link.flow().u().get(20, 16)).as("distance %s", link.distance())
          .isCloseTo(2f * link.distance(), within(0.15f));
      assertThat(link.flow().v().get(20, 16)).isCloseTo(0f, within(0.15f));
      // the columns that came into view since that frame are not consistent
      assertThat(link.consistency().get(47, 16)).isZero();
      assertThat(link.consistency().get(20, 16)).isEqualTo(1f);
    }
  }

  @Test
  void linksStopWhereTheVideoBegins() {
    BufferedImage texture = SyntheticVideo.texture(120, 32, 4);
    FrameHistory history = new FrameHistory(4, TvL1Flow.defaults());
    history.add(frame(texture, 0));
    history.add(frame(texture, 1));
    assertThat(history.links(new int[] {1, 2, 4})).extracting(FrameHistory.Link::distance).containsExactly(1);
  }

  @Test
  void whatTheFrameBeforeHidFollowsTheFrameBeforeThat() {
    // a square covers the middle of a still background in frame 1 only
    BufferedImage background = SyntheticVideo.texture(64, 48, 8);
    BufferedImage covered = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    covered.createGraphics().drawImage(background, 0, 0, null);
    for (int y = 16; y < 32; y++) {
      for (int x = 24; x < 40; x++) {
        covered.setRGB(x, y, ((x * 16) & 0xff) << 16 | 0x20f0);
      }
    }
    FrameHistory history = new FrameHistory(2, TvL1Flow.defaults());
    history.add(new FrameHistory.Frame(0, background, Path.of("0.png")));
    history.add(new FrameHistory.Frame(1, covered, Path.of("1.png")));
    history.add(new FrameHistory.Frame(2, background, Path.of("2.png")));
    List<FrameHistory.Link> links = history.links(new int[] {1, 2});
    assertThat(links.get(0).consistency().get(32, 24)).as("hidden in frame 1").isZero();
    assertThat(links.get(1).consistency().get(32, 24)).as("visible in frame 0").isEqualTo(1f);
    assertThat(links.get(1).consistency().get(5, 5)).isEqualTo(1f);
  }
}
