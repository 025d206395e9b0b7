package dev.nst.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.nst.api.BadImageException;
import dev.nst.api.InputConvention;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.core.image.Images;
import dev.nst.core.model.format.KerasH5Loader;
import dev.nst.core.model.format.ModelFiles;
import dev.nst.core.model.format.OnnxModelLoader;
import dev.nst.core.model.format.TfjsModelLoader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.imageio.ImageIO;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named pipes and links to {@code /dev/zero} where nst reads a model or an image. Before: a
 * TF.js {@code model.json} that was a pipe blocked its reader forever, and one linked to
 * {@code /dev/zero} filled the heap ({@code OutOfMemoryError}); an ONNX file that was a pipe
 * blocked too; a Keras file that was one was said not to exist, and a pipe or device as an image
 * was said to be "empty (0 bytes) ... download it again". Now every loader reads only regular
 * files, sized first, and says what the file is; images read pipes as streams and refuse devices.
 * Each case runs under a timeout, since the failure before was a hang.
 */
class SpecialFilesTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir Path tmp;

  private static void refusedAsSpecial(ThrowingCallable load, Class<? extends Throwable> type, Path file, String kind) {
    assertTimeoutPreemptively(LIMIT, () -> assertThatThrownBy(load).isInstanceOf(type)
        .hasMessageContaining(file.toString()).hasMessageContaining(kind));
  }

  private Path onnx() throws IOException {
    Path f = tmp.resolve("tiny.onnx");
    Files.write(f, TinyOnnx.model().toByteArray());
    return f;
  }

  @Test
  void onnxFilesThatArePipesOrDevicesAreRefusedByWhatTheyAre() throws IOException {
    Path good = onnx();
    assertThat(OnnxModelLoader.load(good, InputConvention.TORCH).layers()).hasSize(6);
    Path pipe = SpecialFiles.replaceByFifo(good);
    refusedAsSpecial(() -> OnnxModelLoader.load(pipe, InputConvention.TORCH), ModelLoadException.class, pipe,
        "is a named pipe (FIFO), not a regular file");
    refusedAsSpecial(() -> ModelFiles.load(pipe, InputConvention.TORCH), ModelLoadException.class, pipe,
        "is a named pipe (FIFO), not a regular file");
    Path zero = SpecialFiles.zeroLink(tmp.resolve("zero.onnx"));
    refusedAsSpecial(() -> OnnxModelLoader.load(zero, InputConvention.TORCH), ModelLoadException.class, zero,
        "is a character device");
  }

  @Test
  void kerasFilesThatArePipesOrDevicesAreRefusedByWhatTheyAre() {
    Path pipe = SpecialFiles.fifo(tmp.resolve("weights.h5"));
    refusedAsSpecial(() -> KerasH5Loader.load(pipe, InputConvention.CAFFE), ModelLoadException.class, pipe,
        "is a named pipe (FIFO), not a regular file");
    Path zero = SpecialFiles.zeroLink(tmp.resolve("zero.h5"));
    refusedAsSpecial(() -> ModelFiles.load(zero, InputConvention.CAFFE), ModelLoadException.class, zero,
        "is a character device");
  }

  @Test
  void aModelJsonThatIsAPipeOrDevicesIsRefusedInsteadOfBlockingOrFillingTheHeap() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Path json = TinyTfjs.write(dir);
    assertThat(TfjsModelLoader.load(json, InputConvention.UNIT).layers()).hasSize(6);
    SpecialFiles.replaceByFifo(json);
    refusedAsSpecial(() -> TfjsModelLoader.load(json, InputConvention.UNIT), ModelLoadException.class, json,
        "is a named pipe (FIFO), not a regular file");
    SpecialFiles.zeroLink(json);
    refusedAsSpecial(() -> TfjsModelLoader.load(json, InputConvention.UNIT), ModelLoadException.class, json,
        "is a character device");
    // the folder form goes through the same gate
    refusedAsSpecial(() -> ModelFiles.load(dir, InputConvention.UNIT), ModelLoadException.class, json,
        "is a character device");
  }

  @Test
  void weightShardsThatArePipesOrDevicesAreRefused() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Path json = TinyTfjs.write(dir);
    Path shard = dir.resolve(TinyTfjs.SHARD2B);
    SpecialFiles.replaceByFifo(shard);
    refusedAsSpecial(() -> TfjsModelLoader.load(json, InputConvention.UNIT), ModelLoadException.class, shard,
        "is a named pipe (FIFO), not a regular file");
    SpecialFiles.zeroLink(shard);
    refusedAsSpecial(() -> TfjsModelLoader.load(json, InputConvention.UNIT), ModelLoadException.class, shard,
        "is a character device");
  }

  @Test
  void aLinkToARegularShardIsFollowed() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Path json = TinyTfjs.write(dir);
    Path shard = dir.resolve(TinyTfjs.SHARD1);
    Path blob = Files.move(shard, tmp.resolve("blob"));
    Files.createSymbolicLink(shard, blob);
    Network n = TfjsModelLoader.load(json, InputConvention.UNIT);
    assertThat(n.layerNames()).containsExactly("conv1_1", "relu1_1", "pool1", "conv2_1", "relu2_1", "pool2");
  }

  private static byte[] png(BufferedImage img) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ImageIO.write(img, "png", b);
    return b.toByteArray();
  }

  private static BufferedImage pattern(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (x * 37 & 255) << 16 | (y * 53 & 255) << 8 | (x * y) & 255);
      }
    }
    return img;
  }

  /** Before: "the file is empty (0 bytes) ... download it again", since a pipe has no size. */
  @Test
  void anImageInANamedPipeIsReadAsAStream() throws Exception {
    BufferedImage img = pattern(40, 30);
    byte[] bytes = png(img);
    Path pipe = SpecialFiles.fifo(tmp.resolve("image.png"));
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try (OutputStream out = Files.newOutputStream(pipe)) {
        out.write(bytes);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    BufferedImage read = assertTimeoutPreemptively(LIMIT, () -> Images.read(pipe));
    writer.get();
    assertThat(read.getWidth()).isEqualTo(40);
    assertThat(read.getHeight()).isEqualTo(30);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        assertThat(read.getRGB(x, y) & 0xffffff).isEqualTo(img.getRGB(x, y) & 0xffffff);
      }
    }
  }

  /** Before: "the file is empty (0 bytes). It was probably not written or downloaded completely". */
  @Test
  void anImageLinkedToADeviceIsRefusedAsADevice() {
    Path zero = SpecialFiles.zeroLink(tmp.resolve("photo.jpg"));
    refusedAsSpecial(() -> Images.read(zero), BadImageException.class, zero, "is a character device");
    assertThatThrownBy(() -> Images.read(zero)).hasMessageNotContaining("empty");
  }
}
