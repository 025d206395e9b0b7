package dev.nst.examples;

import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The README's quick start: paint the sample cat in the sample mosaic's style with VGG-19 and
 * write {@code painted.png}. The lines between the README markers are the README's Java
 * snippet, word for word ({@code ReadmeSnippetTest} keeps the two equal).
 *
 * <p>Run it from the repository root:
 *
 * <pre>
 * ./mvnw -B -q -pl nst-examples -am -DskipTests package -Dexample=QuickStart
 * </pre>
 *
 * The system properties {@code example.model} (a registered model name), {@code example.size},
 * {@code example.iterations} and {@code example.output} change the settings, for example
 * {@code -Dexample.model=darknet-tiny -Dexample.size=256}: a quicker model and a smaller image.
 */
public final class QuickStart {
  private QuickStart() {}

  /**
   * Runs the quick start.
   *
   * @param args not used; settings come from the system properties above
   */
  public static void main(String[] args) {
    // README: begin
    StyleTransferResult result = StyleTransfer.builder()
        .model(System.getProperty("example.model", "vgg19"))    // registered: downloaded once and verified
        .content(Path.of("examples/images/chelsea.jpg"))
        .style(Path.of("examples/images/mosaic.png"))
        .size(Integer.getInteger("example.size", 512))          // long side of the output
        .iterations(Integer.getInteger("example.iterations", 300)) // L-BFGS, one objective evaluation each
        .listener(e -> System.out.println(e.iteration() + " " + e.losses().total()))
        .output(Path.of(System.getProperty("example.output", "painted.png"))) // written atomically
        .build()
        .run();
    // README: end
    System.out.printf(Locale.ROOT, "painted %dx%d on %s: loss %.4g -> %.4g in %d iterations%n",
        result.image().getWidth(), result.image().getHeight(), result.backend(), result.initialLoss().total(),
        result.bestLoss().total(), result.iterations());
  }
}
