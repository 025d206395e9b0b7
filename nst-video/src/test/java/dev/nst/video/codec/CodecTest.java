package dev.nst.video.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nst.api.BadImageException;
import dev.nst.core.image.Images;
import dev.nst.video.SyntheticVideo;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodecTest {
  @TempDir
  Path dir;

  private static List<BufferedImage> frames(int n, int w, int h) {
    SyntheticVideo video = new SyntheticVideo(SyntheticVideo.texture(w + 60, h + 60, 11), w, h, 3, 1, 1.0, 4, 0);
    List<BufferedImage> frames = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      frames.add(video.frame(t));
    }
    return frames;
  }

  /** Mean absolute difference per channel value, 0..255. */
  static double difference(BufferedImage a, BufferedImage b) {
    double sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int s = 0; s <= 16; s += 8) {
          sum += Math.abs(((p >> s) & 0xff) - ((q >> s) & 0xff));
        }
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }

  private static List<BufferedImage> readAll(FrameReader reader) {
    List<BufferedImage> out = new ArrayList<>();
    for (BufferedImage f = reader.next(); f != null; f = reader.next()) {
      out.add(f);
    }
    return out;
  }

  /** Each decoded frame is nearest to the original of its own position, so order and content survive. */
  private static void assertSameFrames(List<BufferedImage> decoded, List<BufferedImage> originals, double tolerance) {
    assertThat(decoded).hasSameSizeAs(originals);
    for (int i = 0; i < decoded.size(); i++) {
      BufferedImage d = decoded.get(i);
      assertThat(d.getWidth()).isEqualTo(originals.get(i).getWidth());
      assertThat(d.getHeight()).isEqualTo(originals.get(i).getHeight());
      double own = difference(d, originals.get(i));
      assertThat(own).as("frame %s", i).isLessThan(tolerance);
      for (int j = 0; j < originals.size(); j++) {
        if (j != i) {
          assertThat(difference(d, originals.get(j))).as("frame %s against %s", i, j).isGreaterThan(own);
        }
      }
    }
  }

  @Test
  void frameFolderRoundTripKeepsCountSizeAndOrder() {
    List<BufferedImage> frames = frames(12, 34, 20);
    Path folder = dir.resolve("frames");
    try (FrameWriter writer = FrameFolder.writer(folder)) {
      frames.forEach(writer::write);
      writer.finish();
    }
    assertThat(FrameFolder.list(folder).get(0).getFileName().toString()).isEqualTo("frame_000001.png");
    try (FrameReader reader = Videos.reader(folder, 24)) {
      assertThat(reader.frameCount()).isEqualTo(12);
      assertThat(reader.frameRate()).isEqualTo(24);
      assertSameFrames(readAll(reader), frames, 1e-9);
    }
  }

  @Test
  void folderOrderFollowsTheNumbersInTheNames() throws Exception {
    for (String name : List.of("shot10.png", "shot2.png", "shot1.jpg", "notes.txt", ".hidden.png")) {
      Files.writeString(dir.resolve(name), "");
    }
    assertThat(FrameFolder.list(dir)).extracting(p -> p.getFileName().toString())
        .containsExactly("shot1.jpg", "shot2.png", "shot10.png");
  }

  @Test
  void mp4RoundTripKeepsCountSizeAndOrder() {
    List<BufferedImage> frames = frames(15, 96, 64);
    Path mp4 = dir.resolve("clip.mp4");
    try (Mp4Writer writer = Mp4Writer.create(mp4, 12.5)) {
      frames.forEach(writer::write);
      assertThat(Files.exists(mp4)).as("the video appears only when finished").isFalse();
      writer.finish();
    }
    assertThat(mp4).exists();
    assertThat(dir.resolve(".clip.mp4.part")).doesNotExist();
    List<BufferedImage> decoded;
    try (FrameReader reader = Videos.reader(mp4, Double.NaN)) {
      assertThat(reader.frameCount()).isEqualTo(15);
      assertThat(reader.frameRate()).isCloseTo(12.5, within(0.01));
      decoded = readAll(reader);
    }
    assertSameFrames(decoded, frames, 12);
    // decode -> encode -> decode: the second generation keeps count, size and order too
    Path again = dir.resolve("again.mp4");
    try (Mp4Writer writer = Mp4Writer.create(again, 12.5)) {
      decoded.forEach(writer::write);
      writer.finish();
    }
    try (FrameReader reader = Videos.reader(again, Double.NaN)) {
      assertSameFrames(readAll(reader), frames, 16);
    }
  }

  @Test
  void anUnfinishedMp4LeavesNothingBehind() {
    Path mp4 = dir.resolve("broken.mp4");
    try (Mp4Writer writer = Mp4Writer.create(mp4, 25)) {
      writer.write(frames(1, 32, 32).get(0));
    }
    assertThat(mp4).doesNotExist();
    assertThat(dir.resolve(".broken.mp4.part")).doesNotExist();
  }

  @Test
  void mp4NeedsEvenSidesAndOneSize() {
    try (Mp4Writer writer = Mp4Writer.create(dir.resolve("odd.mp4"), 25)) {
      assertThatThrownBy(() -> writer.write(new BufferedImage(33, 32, BufferedImage.TYPE_INT_RGB)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("even");
      writer.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB));
      assertThatThrownBy(() -> writer.write(new BufferedImage(34, 32, BufferedImage.TYPE_INT_RGB)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("34x32");
    }
  }

  @Test
  void unreadableInputsSayWhatIsRead() throws Exception {
    assertThatThrownBy(() -> Videos.reader(dir.resolve("missing.mp4"), 25)).isInstanceOf(BadImageException.class)
        .hasMessageContaining("missing.mp4");
    Path avi = dir.resolve("clip.avi");
    Files.writeString(avi, "x");
    assertThatThrownBy(() -> Videos.reader(avi, 25)).isInstanceOf(BadImageException.class)
        .hasMessageContaining("H.264 MP4");
    Path garbage = dir.resolve("garbage.mp4");
    Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    assertThatThrownBy(() -> Videos.reader(garbage, 25)).isInstanceOf(BadImageException.class)
        .hasMessageContaining("garbage.mp4");
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertThatThrownBy(() -> Videos.reader(empty, 25)).isInstanceOf(BadImageException.class)
        .hasMessageContaining("No frames");
  }

  @Test
  void readersRefuseUseAfterClose() {
    Path folder = dir.resolve("one");
    Images.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), folder.resolve("a1.png"));
    FrameReader reader = Videos.reader(folder, 25);
    reader.close();
    reader.close();
    assertThatThrownBy(reader::next).isInstanceOf(IllegalStateException.class);
  }
}
