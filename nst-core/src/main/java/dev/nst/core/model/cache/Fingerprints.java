package dev.nst.core.model.cache;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.nst.core.model.ModelFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The cache's records of verified files, so that a cached file is trusted without reading it
 * again: after a file passed its checksum, a record beside the cache holds its size, last-modified
 * time and file identity together with the checksums it passed. A file whose record is missing
 * or no longer matches (another size, another time, another file under the name, another
 * published checksum) is read and checked again.
 *
 * <p>Before a file is checked, its last-modified time is set a few seconds into the past. Any
 * later write stamps the current time, which then differs from the record even when it happens
 * within the same clock tick as the check (a file system's clock may tick only every few
 * milliseconds, or every 2 s on FAT).
 *
 * <p>Records live in {@code <cache>/.verified/<model>/<file>.verified}, outside the model
 * folders, so a model folder holds nothing but the published files and can be copied or served
 * as a mirror as it is. Every record is written to a temporary file and renamed, so a reader
 * sees a whole record or none; writing one is best effort (a read-only cache only costs checks).
 */
final class Fingerprints {
  private static final String DIRECTORY = ".verified";
  private static final String SUFFIX = ".verified";
  /** Largest record read; a real one is a few hundred bytes. */
  private static final long MAX_RECORD_BYTES = 4096;
  private static final Duration STAMP_AGE = Duration.ofSeconds(2);

  private final Path cacheDir;
  private final Path root;

  /** Records for the files under {@code cacheDir}, an absolute, normalised path. */
  Fingerprints(Path cacheDir) {
    this.cacheDir = checkNotNull(cacheDir, "cacheDir");
    root = cacheDir.resolve(DIRECTORY);
  }

  /** True when {@code file} has a record that matches it and the published checksums of {@code f}. */
  boolean matches(Path file, ModelFile f) {
    try {
      Path record = record(file);
      // a record is a few hundred bytes; anything else (a pipe, a huge file) is no record of ours
      return Files.isRegularFile(record) && Files.size(record) <= MAX_RECORD_BYTES
          && Files.readString(record, StandardCharsets.UTF_8).equals(render(current(file), f));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Checks {@code file} against the published size and checksums and records it if it passes
   * and did not change while it was read.
   *
   * @return null when the file is right, otherwise what differs
   * @throws IOException when the file cannot be read
   */
  String verify(Path file, ModelFile f) throws IOException {
    stampQuietly(file);
    String before = render(current(file), f);
    String problem = Digests.check(file, f);
    if (problem == null && before.equals(render(current(file), f))) {
      write(file, before);
    }
    return problem;
  }

  /**
   * Stamps a file whose bytes were just verified as they were written, before it is moved to
   * its final name; {@link #save} then records it under that name.
   *
   * @return the record to save
   */
  String stamp(Path verified, ModelFile f) throws IOException {
    stampQuietly(verified);
    return render(current(verified), f);
  }

  /** Records {@code file} with what {@link #stamp} returned before it was renamed to {@code file}. */
  void save(Path file, String stamped) {
    write(file, stamped);
  }

  /** Deletes the record of {@code file}, if any. */
  void forget(Path file) {
    try {
      Files.deleteIfExists(record(file));
    } catch (IOException ignored) {
      // a stale record matches no file: it only costs a check
    }
  }

  private Path record(Path file) {
    Path normal = file.toAbsolutePath().normalize();
    checkArgument(normal.startsWith(cacheDir), "%s is not in the cache %s", file, cacheDir);
    return root.resolve(cacheDir.relativize(normal)).resolveSibling(normal.getFileName() + SUFFIX);
  }

  private static BasicFileAttributes current(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class);
  }

  private static String render(BasicFileAttributes a, ModelFile f) {
    return "size=" + a.size() + "\n"
        + "modified=" + a.lastModifiedTime() + "\n"
        + "file=" + Optional.ofNullable(a.fileKey()).map(Object::toString).orElse("-") + "\n"
        + "sha256=" + Optional.ofNullable(f.sha256()).orElse("-") + "\n"
        + "md5=" + Optional.ofNullable(f.md5()).orElse("-") + "\n";
  }

  private static void stampQuietly(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(STAMP_AGE)));
    } catch (IOException e) {
      // not the owner, or a read-only cache: the record then rests on the time of the last write
    }
  }

  private void write(Path file, String content) {
    Path record = record(file);
    try {
      Files.createDirectories(record.getParent());
      Path tmp = Files.createTempFile(record.getParent(), "." + record.getFileName(), ".tmp");
      try {
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        try {
          Files.move(tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, record, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      // best effort: without a record the file is checked again next time
    }
  }
}
