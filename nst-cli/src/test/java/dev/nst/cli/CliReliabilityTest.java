package dev.nst.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nst.api.MemoryBudgetException;
import dev.nst.api.RunFailedException;
import dev.nst.core.image.Images;
import dev.nst.core.model.cache.Environment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a new user runs into at the command line: outputs that cannot be written, images too
 * small for the network, standard input and pipes, sizes too large, Errors from the JVM, runs
 * that fail after a good image. Each names what happened before.
 */
class CliReliabilityTest {
  static final String MODEL = NstCommandTest.MODEL;
  static final String CONTENT = NstCommandTest.CONTENT;
  static final String STYLE = NstCommandTest.STYLE;

  @TempDir Path tmp;

  /** The outcome of one CLI run. */
  record Run(int code, String out, String err) {}

  Run nst(InputStream stdin, Environment env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = NstCommand.execute(env, false, stdin, new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  Run nst(String... args) {
    return nst(InputStream.nullInputStream(), Environment.of(Map.of(), Map.of("NST_CACHE_DIR", tmp.toString())), args);
  }

  Path image(String name, int w, int h) {
    Path f = tmp.resolve(name);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (x * 7 & 255) << 16 | (y * 5 & 255) << 8 | 128);
      }
    }
    Images.write(img, f);
    return f;
  }

  // ---- 1. outputs: before, found only when the finished image was written

  /** With a model file that does not exist: exit 3 (the output) and not 4 shows the output is checked first. */
  @ParameterizedTest
  @ValueSource(strings = {"out.gif", "out.webp", "out", "folder", "file/out.png", "/proc/nst-out.png"})
  void anOutputThatCannotBeWrittenIsBadInputBeforeTheModelLoads(String name) throws IOException {
    Files.createDirectories(tmp.resolve("folder"));
    Files.writeString(tmp.resolve("file"), "a file where a folder is needed");
    if (name.startsWith("/proc")) {
      assumeTrue(Files.isDirectory(Path.of("/proc/self")), "no /proc here");
    }
    Path out = name.startsWith("/") ? Path.of(name) : tmp.resolve(name);
    Run r = nst("stylize", CONTENT, STYLE, "-o", out.toString(), "--model", tmp.resolve("missing.onnx").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(NstCommand.BAD_INPUT);
    assertThat(r.err()).startsWith("nst: ").contains(out.toString()).doesNotContain("missing.onnx");
    assertThat(r.err().lines()).hasSize(1);
  }

  // ---- 2. small images: before, an IllegalArgumentException from the network's shape check (or ONNX Runtime)

  @ParameterizedTest
  @ValueSource(strings = {"onnx", "nd4j"})
  void imagesTooSmallAfterResizingAreBadInputOnBothBackends(String backend) {
    Path wide = image("wide.png", 4000, 2);
    Run r = nst("stylize", wide.toString(), STYLE, "-o", tmp.resolve("o.png").toString(), "--model", MODEL,
        "-s", "64", "--backend", backend);
    assertThat(r.code()).as(r.err()).isEqualTo(NstCommand.BAD_INPUT);
    assertThat(r.err()).startsWith("nst: the content image " + wide + " (4000x2) is 64x1 when resized to a long "
        + "side of 64 px, smaller than the 16x16 network ");
    Path tall = image("tall.png", 2, 4000);
    r = nst("stylize", tall.toString(), STYLE, "-o", tmp.resolve("o.png").toString(), "--model", MODEL,
        "-s", "64", "--backend", backend);
    assertThat(r.code()).as(r.err()).isEqualTo(NstCommand.BAD_INPUT);
    assertThat(r.err()).contains("(2x4000) is 1x64 when resized");
    r = nst("stylize", CONTENT, STYLE, "-o", tmp.resolve("o.png").toString(), "--model", MODEL,
        "-s", "64", "--style-scale", "0.1", "--backend", backend);
    assertThat(r.code()).as(r.err()).isEqualTo(NstCommand.BAD_INPUT);
    assertThat(r.err()).startsWith("nst: the style image " + STYLE + " (384x384) is 6x6 when resized to a long side "
        + "of 6 px (style scale 0.1 of 64 px), smaller than the 16x16 network ");
    assertThat(tmp.resolve("o.png")).doesNotExist();
  }

  // ---- 4. streams: before, "the file is empty (0 bytes) ... download it again"

  @Test
  void contentOrStyleFromStandardInput() throws IOException {
    byte[] content = Files.readAllBytes(Path.of(CONTENT));
    Path out = tmp.resolve("stdin.png");
    Run r = nst(new ByteArrayInputStream(content), Environment.of(Map.of(), Map.of()), "stylize", "-", STYLE, "-o",
        out.toString(), "--model", MODEL, "-s", "32", "-n", "2");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Images.read(out).getWidth()).isEqualTo(32);
    assertThat(Images.read(out).getHeight()).isEqualTo(21); // 451x300 at 32 px

    byte[] style = Files.readAllBytes(Path.of(STYLE));
    r = nst(new ByteArrayInputStream(style), Environment.of(Map.of(), Map.of()), "stylize", CONTENT, "-", "-o",
        out.toString(), "--model", MODEL, "-s", "32", "-n", "2");
    assertThat(r.code()).as(r.err()).isZero();

    r = nst(new ByteArrayInputStream(style), Environment.of(Map.of(), Map.of()), "stylize", "-", "-", "-o",
        out.toString(), "--model", MODEL);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("standard input ('-') can be read only once: give it as CONTENT or as one STYLE");

    r = nst(InputStream.nullInputStream(), Environment.of(Map.of(), Map.of()), "stylize", "-", STYLE, "-o",
        out.toString(), "--model", MODEL);
    assertThat(r.code()).isEqualTo(NstCommand.BAD_INPUT);
    assertThat(r.err()).isEqualTo("nst: Cannot read image standard input: the stream is empty (it ended before its "
        + "first byte). Check the command that writes it." + System.lineSeparator());
  }

  @Test
  void contentFromANamedPipe() throws Exception {
    byte[] content = Files.readAllBytes(Path.of(CONTENT));
    Path pipe = fifo(tmp.resolve("content.jpg"));
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try (OutputStream o = Files.newOutputStream(pipe)) {
        o.write(content);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    Path out = tmp.resolve("fifo.png");
    Run r = nst("stylize", pipe.toString(), STYLE, "-o", out.toString(), "--model", MODEL, "-s", "32", "-n", "2");
    writer.get();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Images.read(out).getWidth()).isEqualTo(32);
  }

  /** A named pipe made with mkfifo; skips the test where there is none. */
  static Path fifo(Path path) throws IOException, InterruptedException {
    boolean made;
    try {
      Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
      made = p.waitFor() == 0;
    } catch (IOException e) {
      made = false;
    }
    assumeTrue(made, "mkfifo is not available here: skipping");
    return path;
  }

  // ---- 7. sizes the memory plan refuses: before, exit 6 (run failed)

  @Test
  void aSizeTooLargeForTheMemoryIsBadInput() {
    Run r = nst("stylize", CONTENT, STYLE, "-o", tmp.resolve("o.png").toString(), "--model", MODEL,
        "--size", "100000");
    assertThat(r.code()).as(r.err()).isEqualTo(NstCommand.BAD_INPUT);
    assertThat(r.err()).startsWith("nst: a 100000x66519 image needs about ").contains("of Java heap");
    assertThat(NstCommand.exitCode(new MemoryBudgetException("x"))).isEqualTo(NstCommand.BAD_INPUT);
  }

  // ---- 5. Errors: before, a stack trace and exit status 1 from the JVM

  /** An environment whose every lookup throws {@code error}: the CLI reads it as it sets up a registered model. */
  static Environment throwing(Supplier<Error> error) {
    return new Environment() {
      @Override
      public Optional<String> property(String name) {
        throw error.get();
      }

      @Override
      public Optional<String> variable(String name) {
        throw error.get();
      }
    };
  }

  @Test
  void everyErrorIsOneLineWithADocumentedExitCode() {
    String[] args = {"stylize", CONTENT, STYLE, "-o", tmp.resolve("o.png").toString(), "--model", "darknet-tiny"};
    Run oom = nst(InputStream.nullInputStream(), throwing(() -> new OutOfMemoryError("Java heap space")), args);
    assertThat(oom.code()).isEqualTo(NstCommand.OUT_OF_MEMORY).isEqualTo(7);
    assertThat(oom.err()).startsWith("nst: out of memory (OutOfMemoryError: Java heap space; the Java heap limit is ")
        .contains("NST_JAVA_OPTS=-Xmx");
    Run link = nst(InputStream.nullInputStream(), throwing(() -> new UnsatisfiedLinkError("no onnxruntime in path")),
        args);
    assertThat(link.code()).isEqualTo(NstCommand.BACKEND_PROBLEM);
    assertThat(link.err()).startsWith("nst: a class or native library could not be loaded (UnsatisfiedLinkError: no "
        + "onnxruntime in path)");
    Run overflow = nst(InputStream.nullInputStream(), throwing(StackOverflowError::new), args);
    assertThat(overflow.code()).isEqualTo(1);
    assertThat(overflow.err()).startsWith("nst: the stack overflowed (StackOverflowError): this is a bug");
    Run internal = nst(InputStream.nullInputStream(), throwing(() -> new InternalError("boom\n  at x")), args);
    assertThat(internal.code()).isEqualTo(1);
    assertThat(internal.err()).startsWith("nst: the Java runtime failed (InternalError: boom at x)");
    for (Run r : new Run[] {oom, link, overflow, internal}) {
      assertThat(r.err().lines()).hasSize(1);
      assertThat(r.err()).doesNotContain("\tat ");
    }
    // a run that caught the heap running out (and wrote its best image) exits as out of memory too
    assertThat(NstCommand.exitCode(new RunFailedException("the Java heap ran out", new RunFailedException("x",
        new OutOfMemoryError()), null))).isEqualTo(NstCommand.OUT_OF_MEMORY);
  }

  // ---- 7. model.json: before, Gson's class name and troubleshooting link over two lines

  @Test
  void anInvalidModelJsonIsOneLineNamingTheFile() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Path json = Files.writeString(dir.resolve("model.json"), "{\"modelTopology\": {\"a\": 1");
    Run r = nst("stylize", CONTENT, STYLE, "-o", tmp.resolve("o.png").toString(), "--model", json.toString());
    assertThat(r.code()).isEqualTo(NstCommand.MODEL_PROBLEM);
    assertThat(r.err()).startsWith("nst: " + json + " is not valid JSON: ").doesNotContain("gson", "http");
    assertThat(r.err().lines()).hasSize(1);
  }

  // ---- 7. failures after a good image: before, the image in the exception was thrown away

  @Test
  void aDivergingRunWritesItsBestImageAndSaysWhere() {
    Path out = tmp.resolve("diverged.png");
    // the classic preset's plain Adam: the quality preset's keeps every pixel in range, which bounds the loss
    Run r = nst("stylize", CONTENT, STYLE, "-o", out.toString(), "--model", MODEL, "-s", "32", "-n", "200",
        "--preset", "classic", "--optimizer", "adam", "--learning-rate", "10000");
    assertThat(r.code()).as(r.err()).isEqualTo(NstCommand.RUN_FAILED);
    assertThat(r.err()).contains("nst: the loss diverged").containsPattern(
        "; wrote the best image so far \\(iteration \\d+\\) to " + java.util.regex.Pattern.quote(out.toString()));
    assertThat(Images.read(out).getWidth()).isEqualTo(32);
  }
}
