package dev.nst.core.model.cache;

import dev.nst.core.model.ModelFile;
import dev.nst.core.model.ModelSpec;
import java.nio.file.Path;

/**
 * The result of re-checking one cached file ({@link ModelStore#verify(ModelSpec)}).
 *
 * @param file the published file
 * @param path where it is (or would be) in the cache
 * @param status what the check found
 * @param detail a human-readable explanation, empty when the file is fine
 */
public record FileCheck(ModelFile file, Path path, Status status, String detail) {

  /** What a check found. */
  public enum Status {
    /** Present, right size and checksum. */
    OK,
    /** Not in the cache. */
    MISSING,
    /** Present but with the wrong size or checksum; it has been deleted. */
    CORRUPT
  }

  /** Whether the file is present and verified. */
  public boolean ok() {
    return status == Status.OK;
  }
}
