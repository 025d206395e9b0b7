package dev.nst.core.reliability;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Named pipes and links to {@code /dev/zero} for tests; each skips where the system has none. */
public final class SpecialFiles {
  private SpecialFiles() {}

  /** Creates a named pipe at {@code path} with {@code mkfifo}, or skips the test where that fails. */
  public static Path fifo(Path path) {
    boolean made;
    try {
      Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
      made = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      made = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      made = false;
    }
    assumeTrue(made && Files.exists(path), "mkfifo is not available here: skipping");
    return path;
  }

  /** A symbolic link at {@code path} to {@code /dev/zero}, or skips the test where there is none. */
  public static Path zeroLink(Path path) {
    assumeTrue(Files.exists(Path.of("/dev/zero")), "no /dev/zero here: skipping");
    try {
      Files.deleteIfExists(path);
      return Files.createSymbolicLink(path, Path.of("/dev/zero"));
    } catch (IOException | UnsupportedOperationException e) {
      assumeTrue(false, "symbolic links are not available here: skipping (" + e + ")");
      return path;
    }
  }

  /** Replaces {@code path} by a named pipe. */
  public static Path replaceByFifo(Path path) throws IOException {
    Files.deleteIfExists(path);
    return fifo(path);
  }
}
