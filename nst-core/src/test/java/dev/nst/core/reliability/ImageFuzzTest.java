package dev.nst.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.BadImageException;
import dev.nst.core.image.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link Images#read(Path, long)} with byte-level mutants (biased to the headers) of a
 * PNG, a palette PNG, a JPEG, a GIF and a BMP: each must read as a {@code TYPE_INT_RGB} image
 * within the pixel limit or fail with a {@link BadImageException} with a message. Decoder
 * exceptions wrapped in it are fine (Images wraps whatever ImageIO plugins throw, by design).
 * The limit is 1 megapixel so that a mutated header cannot make a case slow.
 */
class ImageFuzzTest {
  static final long SEED = 0x696d6167L; // "imag"
  static final int NORMAL_BUDGET = 300;
  static final long MAX_PIXELS = 1L << 20;
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  @Test
  void mutatedImagesReadOrFailWithABadImageException(@TempDir Path dir) throws IOException {
    BufferedImage photo = ImageInputsTest.gradient(40, 30);
    BufferedImage indexed = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_INDEXED);
    indexed.getGraphics().drawImage(photo, 0, 0, null);
    record Seed(String name, byte[] bytes) {}
    List<Seed> seeds = List.of(
        new Seed("png", ImageInputsTest.encode(photo, "png")),
        new Seed("palette.png", ImageInputsTest.encode(indexed, "png")),
        new Seed("jpg", ImageInputsTest.encode(photo, "jpeg")),
        new Seed("gif", ImageInputsTest.encode(indexed, "gif")),
        new Seed("bmp", ImageInputsTest.encode(photo, "bmp")));
    for (Seed s : seeds) {
      assertThat(Images.read(Files.write(dir.resolve("seed." + s.name()), s.bytes())).getWidth()).as(s.name()).isEqualTo(40);
    }
    int budget = FuzzRun.iterations(NORMAL_BUDGET);
    FuzzRun run = new FuzzRun("Image reader fuzz", SEED, TIMEOUT, BadImageException.class, false, dir.toString());
    Random random = new Random(run.seed());
    ByteMutator mutator = new ByteMutator(random);
    for (int i = 0; i < budget; i++) {
      Seed s = seeds.get(i % seeds.size());
      String[] what = new String[1];
      byte[] mutant = mutator.mutate(s.bytes(), 128, 16, what);
      Path f = Files.write(dir.resolve("mutant." + s.name()), mutant);
      run.check(i, what[0] + " of " + s.name(), (32L << 20) + 32 * MAX_PIXELS, () -> Images.read(f, MAX_PIXELS), img -> {
        if (img.getType() != BufferedImage.TYPE_INT_RGB) {
          return "image of type " + img.getType();
        }
        long pixels = (long) img.getWidth() * img.getHeight();
        return pixels < 1 || pixels > MAX_PIXELS ? "image of " + img.getWidth() + " x " + img.getHeight() : null;
      });
    }
    System.out.print(run.summary());
    assertThat(run.tried()).isEqualTo(budget);
    assertThat(run.findings()).as(run.summary()).isEmpty();
  }
}
