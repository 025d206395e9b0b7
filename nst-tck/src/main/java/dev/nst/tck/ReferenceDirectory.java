package dev.nst.tck;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the reference cases live: {@code -Dnst.reference.dir} when set; else
 * {@code ${nst.shared.dir}/reference} when that exists; else {@code ${nst.testdata.dir}/reference}
 * (the copy committed with the project). The parent POM passes both directories to Surefire.
 */
final class ReferenceDirectory {
  static final String REFERENCE_DIR = "nst.reference.dir";
  static final String SHARED_DIR = "nst.shared.dir";
  static final String TESTDATA_DIR = "nst.testdata.dir";

  private ReferenceDirectory() {}

  /** The chosen directory with a sentence saying why it was chosen. */
  record Choice(Path path, String reason) {}

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
