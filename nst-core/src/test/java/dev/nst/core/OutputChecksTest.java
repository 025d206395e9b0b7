package dev.nst.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nst.api.BadImageException;
import dev.nst.core.image.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An output that cannot be written is found before the work. Before: the builder took any name,
 * and a folder, a parent that is a file or a read-only folder failed only when the finished image
 * was written, after the whole run; a snapshot that could not be written ended the run.
 */
class OutputChecksTest {
  @TempDir Path dir;

  static BufferedImage image(int seed) {
    BufferedImage img = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 12; y++) {
      for (int x = 0; x < 16; x++) {
        img.setRGB(x, y, ((x * 16 + seed * 40) & 255) << 16 | ((x + y) * 9 * seed & 255) << 8 | (y * 21) & 255);
      }
    }
    return img;
  }

  private static StyleTransfer.Builder base() {
    return StyleTransfer.builder().backend(HostTestBackend.NAME).model(HostTestBackend.network())
        .contentLayers("conv1_1").styleLayers("conv1_1").content(image(1)).style(image(3)).size(16).iterations(3);
  }

  /** A model that fails to load: the checks must refuse the output before it is tried. */
  private StyleTransfer.Builder withMissingModel() {
    return base().model(dir.resolve("missing.onnx"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"out.gif", "out.webp", "out", "out.png.txt", "out."})
  void namesNstCannotWriteAreRefusedByTheBuilder(String name) {
    Path out = dir.resolve(name);
    assertThatThrownBy(() -> base().output(out)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot write the output image " + out + ": ")
        .hasMessageContaining("use one of .png, .jpg, .jpeg");
  }

  @ParameterizedTest
  @ValueSource(strings = {"out.png", "out.JPG", "out.jpeg"})
  void namesNstWritesAreTaken(String name) {
    assertThat(base().output(dir.resolve(name)).build()).isNotNull();
  }

  @Test
  void aFolderAsTheOutputIsRefusedBeforeTheModelLoads() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("folder.png"));
    assertThatThrownBy(() -> withMissingModel().output(folder).build().run()).isInstanceOf(BadImageException.class)
        .hasMessage("Cannot write the image " + folder + ": it is a folder; give a file name in it, for example "
            + folder.resolve("out.png"));
  }

  @Test
  void aParentThatIsAFileIsRefusedBeforeTheModelLoads() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.txt"), "x");
    Path out = file.resolve("sub/out.png");
    assertThatThrownBy(() -> withMissingModel().output(out).build().run()).isInstanceOf(BadImageException.class)
        .hasMessage("Cannot write the image " + out + ": " + file + " is a file, not a folder, so nothing can be "
            + "written under it");
  }

  /** /proc takes no new files, even from root; a chmod'ed folder is tried too where it binds. */
  @Test
  void aFolderThatTakesNoFilesIsRefusedBeforeTheModelLoads() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "no /proc here: skipping");
    Path out = Path.of("/proc/nst-out.png");
    assertThatThrownBy(() -> withMissingModel().output(out).build().run()).isInstanceOf(BadImageException.class)
        .hasMessageStartingWith("Cannot write the image " + out + ": the folder /proc does not take new files (")
        .hasMessageEndingWith("); choose a writable folder");
    Path locked = Files.createDirectories(dir.resolve("locked"));
    try {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
      boolean binds;
      try {
        Files.delete(Files.createFile(locked.resolve("probe")));
        binds = false; // root writes anyway
      } catch (IOException e) {
        binds = true;
      }
      if (binds) {
        Path lockedOut = locked.resolve("out.png");
        assertThatThrownBy(() -> withMissingModel().output(lockedOut).build().run())
            .isInstanceOf(BadImageException.class).hasMessageContaining("the folder " + locked + " does not take");
      }
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void missingFoldersAreCreatedAndTheCheckLeavesNothingBehind() throws IOException {
    Path out = dir.resolve("a/b/out.png");
    StyleTransferResult r = base().output(out).build().run();
    assertThat(Images.read(out).getWidth()).isEqualTo(r.image().getWidth());
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".nst-write-check"));
    }
  }

  @Test
  void theFirstSnapshotIsCheckedLikeTheOutput() throws IOException {
    Path blocked = Files.createDirectories(dir.resolve("out_iter1.png"));
    assertThatThrownBy(() -> withMissingModel().output(dir.resolve("out.png")).saveEvery(1).build().run())
        .isInstanceOf(BadImageException.class).hasMessageStartingWith("Cannot write the image " + blocked
            + ": it is a folder");
  }

  @Test
  void aSnapshotThatCannotBeWrittenIsToldAndTheRunGoesOn() throws IOException {
    Path blocked = Files.createDirectories(dir.resolve("out_iter2.png"));
    Files.writeString(blocked.resolve("keep"), "a folder in the way of the second snapshot");
    List<String> notices = new ArrayList<>();
    Path out = dir.resolve("out.png");
    StyleTransferResult r = base().output(out).saveEvery(1).iterations(4).listener(new dev.nst.api.ProgressListener() {
      @Override
      public void onProgress(dev.nst.api.ProgressEvent event) {}

      @Override
      public void onNotice(String notice) {
        notices.add(notice);
      }
    }).build().run();
    assertThat(r.iterations()).isEqualTo(4);
    assertThat(out).isRegularFile();
    assertThat(dir.resolve("out_iter1.png")).isRegularFile();
    assertThat(dir.resolve("out_iter3.png")).isRegularFile();
    assertThat(notices).singleElement().asString()
        .startsWith("could not write the snapshot of iteration 2 (Cannot write image " + blocked)
        .endsWith("); the run goes on");
  }

  @Test
  void aSessionRunChecksItsOwnOutput() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("folder.png"));
    try (StyleTransferSession session = base().build().open()) {
      assertThatThrownBy(() -> session.run(b -> b.output(folder))).isInstanceOf(BadImageException.class)
          .hasMessageContaining("it is a folder");
      Path out = dir.resolve("ok.png");
      session.run(b -> b.output(out));
      assertThat(out).isRegularFile();
    }
  }
}
