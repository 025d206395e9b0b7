package com.example.nstconsumer;

import dev.nst.core.StyleTransfer;
import dev.nst.core.StyleTransferResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.jar.Manifest;

/**
 * An application using nst: paints CONTENT in the style of STYLE with the ONNX model MODEL and
 * writes OUT. Which backend computes it is decided by the dependencies alone (see pom.xml).
 *
 * <p>Usage: {@code Main MODEL CONTENT STYLE OUT}. With {@code -Dexpect.backend=NAME} it fails
 * unless that backend ran; with {@code -Dexpect.protobuf=VERSION} unless the application's own
 * protobuf-java is that version; with {@code -Dexpect.logging=PACKAGE} unless nst's
 * {@link System.Logger} is implemented in that package (org.slf4j: routed to SLF4J).
 */
public final class Main {
  private Main() {}

  /**
   * Runs the transfer.
   *
   * @param args MODEL CONTENT STYLE OUT
   */
  public static void main(String[] args) {
    if (args.length != 4) {
      System.err.println("usage: Main MODEL CONTENT STYLE OUT");
      System.exit(2);
    }
    Path model = Path.of(args[0]);
    if (!Files.isRegularFile(model)) {
      System.out.println("consumer: skipped, no model at " + model
          + " (it comes from ../shared beside the nst checkout; pass -Dnst.model=FILE.onnx)");
      return;
    }
    StyleTransferResult result = StyleTransfer.builder()
        .model(model)
        .content(Path.of(args[1]))
        .style(Path.of(args[2]))
        .size(64)
        .iterations(3)
        .output(Path.of(args[3]))
        .build()
        .run();
    System.out.printf(Locale.ROOT, "consumer: %dx%d in %d iterations on %s, loss %.4g -> %.4g%n",
        result.image().getWidth(), result.image().getHeight(), result.iterations(), result.backend(),
        result.initialLoss().total(), result.bestLoss().total());

    String backend = System.getProperty("expect.backend", "");
    if (!result.backend().toLowerCase(Locale.ROOT).contains(backend.toLowerCase(Locale.ROOT))) {
      throw new IllegalStateException("expected the " + backend + " backend, but " + result.backend() + " ran");
    }
    String protobuf = System.getProperty("expect.protobuf", "");
    if (!protobuf.isEmpty()) {
      String found = applicationProtobuf();
      if (!protobuf.equals(found)) {
        throw new IllegalStateException("expected protobuf-java " + protobuf + " on the class path, found " + found);
      }
      System.out.println("consumer: the application's protobuf-java " + found + " and nst ran side by side");
    }
    String logging = System.getProperty("expect.logging", "");
    String logger = System.getLogger("dev.nst").getClass().getName();
    if (!logger.startsWith(logging)) {
      throw new IllegalStateException("expected nst's System.Logger from " + logging + ", found " + logger);
    }
    if (!logging.isEmpty()) {
      System.out.println("consumer: nst's System.Logger goes to " + logger);
    }
  }

  /**
   * The version of the protobuf-java jar on the class path (the Bundle-Version of the jar that
   * holds com.google.protobuf.ByteString), or "none".
   */
  private static String applicationProtobuf() {
    URL byteString = Main.class.getResource("/com/google/protobuf/ByteString.class");
    if (byteString == null) {
      return "none";
    }
    String jar = byteString.toString();
    try (InputStream in = URI.create(jar.substring(0, jar.indexOf("!/") + 2) + "META-INF/MANIFEST.MF")
        .toURL().openStream()) {
      return new Manifest(in).getMainAttributes().getValue("Bundle-Version");
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read the manifest of " + jar, e);
    }
  }
}
