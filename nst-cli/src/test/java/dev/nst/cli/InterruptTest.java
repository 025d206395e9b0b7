package dev.nst.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nst.core.image.Images;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on a real process: {@code nst stylize} in a JVM of its own gets SIGINT once it has
 * started iterating. Before: the run stopped and wrote its best image, but nothing said where,
 * and the JVM could end before the report line was printed.
 */
class InterruptTest {
  @TempDir Path tmp;

  @Test
  void sigintWritesTheBestImageAndSaysWhere() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/kill")) || Files.isExecutable(Path.of("/usr/bin/kill")),
        "no kill command here: skipping");
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Path out = tmp.resolve("interrupted.png");
    Process p = new ProcessBuilder(javaBin.toString(), "-cp", classPath, NstCommand.class.getName(), "stylize",
        NstCommandTest.CONTENT, NstCommandTest.STYLE, "-o", out.toString(), "--model", NstCommandTest.MODEL,
        "-s", "32", "-n", "1000000").redirectErrorStream(true).start();
    p.getOutputStream().close();
    List<String> lines = new ArrayList<>();
    CompletableFuture<Void> started = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          synchronized (lines) {
            lines.add(line);
          }
          if (line.startsWith("1/1000000")) {
            started.complete(null);
          }
        }
      } catch (IOException e) {
        started.completeExceptionally(e);
      }
      started.complete(null);
    });
    reader.start();
    try {
      started.get(120, TimeUnit.SECONDS);
      assertThat(p.isAlive()).as("%s", lines).isTrue();
      Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start();
      assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s", lines).isTrue();
      reader.join(10_000);
    } finally {
      p.destroyForcibly();
    }
    synchronized (lines) {
      assertThat(p.exitValue()).as("%s", lines).isEqualTo(NstCommand.INTERRUPTED);
      assertThat(lines).anyMatch(l -> l.matches("interrupted: wrote the best image so far \\(iteration \\d+\\) to "
          + java.util.regex.Pattern.quote(out.toString())));
    }
    assertThat(Images.read(out).getWidth()).isEqualTo(32);
  }
}
