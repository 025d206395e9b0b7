package dev.nst.tck;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the reference cases live: {@code -Dnst.reference.dir} when set; else
 * {@code ${nst.shared.dir}/reference} when that exists; else {@code ${nst.testdata.dir}/reference}
 * (the copy committed with the project). The parent POM passes both directories to Surefire.
 *
 * <p>The project's own cases, those whose network is built from a seed ({@code model.generator}
 * in case.json) rather than read from a file, live only in {@code ${nst.testdata.dir}/reference};
 * they run whichever directory was chosen, unless it holds a case of the same name.
 */
final class ReferenceDirectory {
  static final String REFERENCE_DIR = "nst.reference.dir";
  static final String SHARED_DIR = "nst.shared.dir";
  static final String TESTDATA_DIR = "nst.testdata.dir";

  private ReferenceDirectory() {}

  /** The chosen directory with a sentence saying why it was chosen. */
  record Choice(Path path, String reason) {}

  /**
   * The seeded cases of {@code ${nst.testdata.dir}/reference} whose names are not among
   * {@code chosen} (the case folders of the chosen directory {@code dir}), sorted.
   */
  static List<Path> ownCases(Path dir, List<Path> chosen) throws IOException {
    String testdata = System.getProperty(TESTDATA_DIR);
    if (testdata == null || testdata.isBlank()) {
      return List.of();
    }
    Path own = Path.of(testdata, "reference").toAbsolutePath().normalize();
    if (!Files.isDirectory(own) || own.equals(dir)) {
      return List.of();
    }
    Set<String> names = new HashSet<>();
    chosen.forEach(p -> names.add(p.getFileName().toString()));
    List<Path> out = new ArrayList<>();
    for (Path p : ReferenceCaseTests.caseFolders(own)) {
      if (!names.contains(p.getFileName().toString()) && seeded(p)) {
        out.add(p);
      }
    }
    return out;
  }

  private static boolean seeded(Path folder) {
    try {
      JsonObject json = JsonParser.parseString(Files.readString(folder.resolve("case.json"))).getAsJsonObject();
      return json.has("model") && json.get("model").isJsonObject() && json.getAsJsonObject("model").has("generator");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + folder.resolve("case.json"), e);
    }
  }

  static Choice resolve() {
    String explicit = System.getProperty(REFERENCE_DIR);
    if (explicit != null && !explicit.isBlank()) {
      return new Choice(Path.of(explicit).toAbsolutePath().normalize(), "-D" + REFERENCE_DIR);
    }
    String shared = System.getProperty(SHARED_DIR);
    if (shared != null && !shared.isBlank() && Files.isDirectory(Path.of(shared, "reference"))) {
      return new Choice(Path.of(shared, "reference").toAbsolutePath().normalize(), "${" + SHARED_DIR + "}/reference");
    }
    String testdata = System.getProperty(TESTDATA_DIR);
    if (testdata != null && !testdata.isBlank()) {
      return new Choice(Path.of(testdata, "reference").toAbsolutePath().normalize(), "${" + TESTDATA_DIR + "}/reference");
    }
    return new Choice(null, "none of -D" + REFERENCE_DIR + ", -D" + SHARED_DIR + ", -D" + TESTDATA_DIR
        + " is set; the nst parent POM sets the last two for Surefire, or pass -D" + REFERENCE_DIR + "=<dir>");
  }
}
