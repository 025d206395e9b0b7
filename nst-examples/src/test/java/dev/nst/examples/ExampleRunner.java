package dev.nst.examples;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nst.core.image.Images;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Runs an example's {@code main} as a user would, with its settings as system properties and the
 * registered Darknet Tiny served offline from {@code ../shared/models}, and returns what it
 * printed. Skips the calling test when {@code ../shared/models/darknet-tiny} is absent.
 */
final class ExampleRunner {
  private final Path cache;

  /** @param cache an empty directory to use as the model cache */
  ExampleRunner(Path cache) {
    this.cache = cache;
  }

  /** Runs {@code main} with {@code settings} (example.size, ...) and returns its standard output. */
  String run(ExampleMain main, Map<String, String> settings) {
    Path mirror = Path.of(System.getProperty("nst.shared.dir"), "models").toAbsolutePath().normalize();
    assumeTrue(Files.isDirectory(mirror.resolve("darknet-tiny")),
        mirror.resolve("darknet-tiny") + " is absent (a fresh clone without ../shared): skipping the example run");
    Map<String, String> properties = new HashMap<>(settings);
    properties.put("nst.cache.dir", cache.toString());
    properties.put("nst.model.mirror", mirror.toString());
    properties.put("nst.offline", "true");
    Map<String, String> previous = new HashMap<>();
    properties.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
    PrintStream originalOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      main.run(new String[0]);
    } finally {
      System.setOut(originalOut);
      previous.forEach((k, v) -> {
        if (v == null) {
          System.clearProperty(k);
        } else {
          System.setProperty(k, v);
        }
      });
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    originalOut.print(printed); // keep it in the test's report
    return printed;
  }

  /** An example's {@code main}. */
  interface ExampleMain {
    void run(String[] args);
  }

  /** {width, height} of the sample cat scaled to a long side of {@code size}, as a run sizes it. */
  static int[] contentSizeAt(int size) {
    BufferedImage content = Images.read(Path.of("examples/images/chelsea.jpg"));
    return Images.fitLongSide(content.getWidth(), content.getHeight(), size);
  }

  /** The numbers of the first match of {@code regex} in {@code text}, as doubles. */
  static List<Double> numbers(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new AssertionError("no line matches " + regex + " in:\n" + text);
    }
    return IntStream.rangeClosed(1, m.groupCount())
        .mapToObj(i -> Double.parseDouble(m.group(i))).toList();
  }
}
