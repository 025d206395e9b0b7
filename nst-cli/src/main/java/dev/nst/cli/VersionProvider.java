package dev.nst.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code nst --version}: nst's version as the build wrote it into {@code version.properties},
 * the Java runtime, the backends on the classpath and the versions of the libraries they run
 * on. Reads only resources: no backend is probed and no native library is loaded.
 */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    Properties build = properties("version.properties");
    List<String> lines = new ArrayList<>();
    lines.add("nst " + build.getProperty("version", "(unknown version)"));
    lines.add("Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
        + System.getProperty("java.vendor") + ")");
    lines.add("backends: " + String.join(", ", new Choices.BackendNames()));
    // ONNX Runtime's jar carries no pom.properties: its version is the one the build used
    String libraries = "ONNX Runtime " + build.getProperty("onnxruntime.version", "(unknown version)");
    String nd4j = properties("/META-INF/maven/org.nd4j/nd4j-native/pom.properties").getProperty("version");
    if (nd4j != null) {
      libraries += ", ND4J " + nd4j;
    }
    lines.add("libraries: " + libraries);
    return lines.toArray(String[]::new);
  }

  /** The properties of a class-path resource (relative to this package unless it starts with /); empty if absent. */
  private static Properties properties(String resource) {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream(resource)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource + " from the nst jar", e);
    }
    return p;
  }
}
