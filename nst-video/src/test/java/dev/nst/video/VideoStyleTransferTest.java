package dev.nst.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.CancellationToken;
import dev.nst.api.Network;
import dev.nst.core.image.Images;
import dev.nst.core.image.Preprocessing;
import dev.nst.tck.RandomVgg;
import dev.nst.video.codec.FrameFolder;
import dev.nst.video.codec.FrameReader;
import dev.nst.video.codec.Videos;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole runs on a tiny random network (ONNX Runtime, one thread) over a 5-frame synthetic video. */
class VideoStyleTransferTest {
  private static final int FRAMES = 5;
  private static final Network NETWORK = RandomVgg.build("tiny", new int[] {8, 16}, new int[] {1, 1}, 5);

  @TempDir
  static Path shared;

  @TempDir
  Path dir;

  private static Path input;
  private static Path style;

  @BeforeAll
  static void makeVideo() {
    SyntheticVideo video = new SyntheticVideo(SyntheticVideo.texture(120, 90, 1), 48, 32, 1.5, 0.5, 0.99, 2, 1);
    input = shared.resolve("input");
    for (int t = 0; t < FRAMES; t++) {
      Images.write(video.frame(t), input.resolve("in" + (t + 1) + ".png"));
    }
    style = shared.resolve("style.png");
    Images.write(SyntheticVideo.texture(40, 40, 99), style);
  }

  private static VideoStyleTransfer.Builder video(Path output) {
    return VideoStyleTransfer.builder()
        .transfer(b -> b.model(NETWORK).style(style).contentLayers("relu2_1").styleLayers("relu1_1", "relu2_1")
            .backend("onnx").threads(1))
        .input(input).output(output).size(48).iterations(4).laterIterations(2);
  }

  @Test
  void stylisesEveryFrameIntoAnMp4AndItsFramesFolder() {
    List<FrameProgress> events = new ArrayList<>();
    VideoResult r = video(dir.resolve("out.mp4")).listener(events::add).build().run();

    assertThat(r.frames()).isEqualTo(FRAMES);
    assertThat(r.stylised()).isEqualTo(FRAMES);
    assertThat(r.cancelled()).isFalse();
    assertThat(r.width()).isEqualTo(48);
    assertThat(r.height()).isEqualTo(32);
    assertThat(r.framesDir()).isEqualTo(dir.resolve("out_frames"));
    assertThat(FrameFolder.list(r.framesDir())).hasSize(FRAMES);
    try (FrameReader reader = Videos.reader(dir.resolve("out.mp4"), Double.NaN)) {
      assertThat(reader.frameCount()).isEqualTo(FRAMES);
      BufferedImage first = reader.next();
      assertThat(first.getWidth()).isEqualTo(48);
      assertThat(first.getHeight()).isEqualTo(32);
    }
    assertThat(events).extracting(FrameProgress::index).containsExactly(0, 1, 2, 3, 4);
    assertThat(events).extracting(FrameProgress::total).containsOnly(FRAMES);
    assertThat(events.get(0).iterations()).isEqualTo(4);
    assertThat(events.get(0).temporalLoss()).isZero();
    for (FrameProgress e : events.subList(1, FRAMES)) {
      assertThat(e.iterations()).isEqualTo(2);
      assertThat(e.temporalLoss()).as("frame %s", e.index()).isPositive();
      assertThat(e.styleLoss()).isPositive();
      assertThat(e.resumed()).isFalse();
    }
  }

  @Test
  void independentFramesHaveNoTemporalTermAndFullIterations() {
    List<FrameProgress> events = new ArrayList<>();
    video(dir.resolve("independent")).temporal(false).maxFrames(3).listener(events::add).build().run();
    assertThat(events).extracting(FrameProgress::iterations).containsExactly(4, 4, 4);
    assertThat(events).extracting(FrameProgress::temporalLoss).containsOnly(0.0);
    assertThat(FrameFolder.list(dir.resolve("independent"))).hasSize(3);
  }

  @Test
  void anInterruptedRunResumesWithTheSameRemainingFrames() throws Exception {
    Path whole = dir.resolve("whole");
    video(whole).build().run();

    Path parts = dir.resolve("parts");
    CancellationToken token = new CancellationToken();
    VideoResult first = video(parts).cancellation(token).listener(f -> {
      if (f.index() == 1) {
        token.cancel();
      }
    }).build().run();
    assertThat(first.cancelled()).isTrue();
    assertThat(first.stylised()).isEqualTo(2);
    assertThat(FrameFolder.list(parts)).hasSize(2);

    List<FrameProgress> events = new ArrayList<>();
    List<String> notices = new ArrayList<>();
    VideoResult second = video(parts).listener(new VideoListener() {
      @Override
      public void onFrame(FrameProgress frame) {
        events.add(frame);
      }

      @Override
      public void onNotice(String notice) {
        notices.add(notice);
      }
    }).build().run();
    assertThat(second.resumed()).isEqualTo(2);
    assertThat(second.stylised()).isEqualTo(3);
    assertThat(events).extracting(FrameProgress::resumed).containsExactly(true, true, false, false, false);
    assertThat(notices).anyMatch(n -> n.contains("2 frame(s)"));
    for (int t = 0; t < FRAMES; t++) {
      BufferedImage a = Images.read(FrameFolder.frameFile(whole, t));
      BufferedImage b = Images.read(FrameFolder.frameFile(parts, t));
      assertThat(Preprocessing.rgbPixels(b)).as("frame %s", t).containsExactly(Preprocessing.rgbPixels(a));
    }
  }

  @Test
  void aFramesFolderOfAnotherSizeIsRefused() {
    Path out = dir.resolve("other");
    Images.write(new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB), FrameFolder.frameFile(out, 0));
    assertThatThrownBy(() -> video(out).build().run()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("20x10").hasMessageContaining("48x32").hasMessageContaining("another frames folder");
  }

  @Test
  void aFolderOutputBesidesItsFramesFolderGetsEveryFrameToo() {
    Path out = dir.resolve("copy");
    video(out).framesDir(dir.resolve("work")).maxFrames(2).build().run();
    assertThat(FrameFolder.list(out)).hasSize(2);
    assertThat(FrameFolder.list(dir.resolve("work"))).hasSize(2);
  }

  @Test
  void builderSaysWhatIsMissingOrWrong() {
    assertThatThrownBy(() -> VideoStyleTransfer.builder().input(input).output(dir).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("transfer(");
    assertThatThrownBy(() -> VideoStyleTransfer.builder().transfer(b -> b).output(dir).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("input(");
    assertThatThrownBy(() -> VideoStyleTransfer.builder().transfer(b -> b).input(input).output(input).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("output").hasMessageContaining("is the input");
    assertThatThrownBy(() -> VideoStyleTransfer.builder().transfer(b -> b).input(input).output(dir.resolve("o.mp4"))
        .framesDir(input).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("frames folder").hasMessageContaining("is the input");
    assertThatThrownBy(() -> VideoStyleTransfer.builder().temporalWeight(-2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
    assertThatThrownBy(() -> VideoStyleTransfer.builder().temporalFrames(1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    assertThatThrownBy(() -> VideoStyleTransfer.builder().size(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VideoStyleTransfer.builder().input(null)).isInstanceOf(NullPointerException.class);
    assertThat(Files.exists(dir.resolve("never"))).isFalse();
  }

  @Test
  void longTermFramesRun() {
    List<FrameProgress> events = new ArrayList<>();
    video(dir.resolve("long")).temporalFrames(1, 2, 4).maxFrames(5).listener(events::add).build().run();
    assertThat(events).hasSize(5);
    assertThat(events.subList(1, 5)).allMatch(e -> e.temporalLoss() > 0);
  }

  @Test
  void evenSidesAtTheLongSide() {
    assertThat(VideoRun.evenFit(451, 300, 256)).containsExactly(256, 170);
    assertThat(VideoRun.evenFit(300, 451, 257)).containsExactly(170, 256);
    assertThat(VideoRun.evenFit(1000, 3, 100)).containsExactly(100, 2);
  }
}
