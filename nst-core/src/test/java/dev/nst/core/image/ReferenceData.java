package dev.nst.core.image;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the reference data: the shared folder when present, else the committed copy. */
final class ReferenceData {
  private ReferenceData() {}

  static Path dir() {
    String shared = System.getProperty("nst.shared.dir");
    if (shared != null && Files.isDirectory(Path.of(shared, "reference"))) {
      return Path.of(shared, "reference");
    }
    return Path.of(System.getProperty("nst.testdata.dir", "../testdata"), "reference");
  }

  static Path preprocess(String file) {
    return dir().resolve("preprocess").resolve(file);
  }
}
