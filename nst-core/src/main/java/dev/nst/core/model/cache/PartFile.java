package dev.nst.core.model.cache;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.nst.core.io.RegularFiles;
import dev.nst.core.model.ModelFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;

/**
 * The bytes of one published file on their way into the cache: a partial file beside the final
 * name, and the published checksums computed as the bytes are written, so that the file is
 * verified the moment its last byte arrives. It takes up what an earlier attempt left (the
 * checksums of those bytes are computed from the disk), refuses more bytes than published, and
 * deletes itself when the content is wrong. Not thread-safe: the store's lock gives one fetcher
 * at a time a partial file.
 */
final class PartFile {
  private static final int BUFFER = 1 << 16;

  private final Path path;
  private final ModelFile file;
  private final LongConsumer progress;
  private Digests digests;
  private long size;

  /**
   * @param path the partial file, which may hold the bytes of an earlier attempt
   * @param file what the bytes must be
   * @param progress told the bytes on disk after every write
   */
  PartFile(Path path, ModelFile file, LongConsumer progress) {
    this.path = checkNotNull(path, "path");
    this.file = checkNotNull(file, "file");
    this.progress = checkNotNull(progress, "progress");
  }

  /**
   * Takes up the bytes an earlier attempt left, deleting them if they are more than published.
   *
   * @return the bytes kept, to be continued by {@link #write(InputStream, boolean)} with append
   * @throws ModelDownloadException when the partial file cannot be read
   */
  long resume() {
    long have = 0;
    requireRegularOrAbsent();
    try {
      have = Files.isRegularFile(path) ? Files.size(path) : 0;
      if (have > file.size()) {
        delete();
        have = 0;
      }
      digests = new Digests(file);
      if (have > 0) {
        digests.updateFrom(path, have);
      }
    } catch (IOException e) {
      throw new ModelDownloadException("cannot read the partial download " + path + " ("
          + HttpSource.describe(e) + "); delete it and try again", e);
    }
    size = have;
    return have;
  }

  /**
   * Writes {@code in} to its end, after the bytes there ({@code append}) or from the start.
   *
   * @throws IOException when {@code in} fails
   * @throws SourceFailure when {@code in} has more bytes than published (the file is deleted)
   * @throws ModelDownloadException when the partial file cannot be written
   */
  void write(InputStream in, boolean append) throws IOException, SourceFailure {
    checkState(!append || digests != null, "append needs resume() first");
    if (!append) {
      digests = new Digests(file);
      size = 0;
    }
    progress.accept(size);
    requireRegularOrAbsent();
    FileChannel out;
    try {
      out = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw ModelStore.notWritable(path.getParent(), e);
    }
    byte[] buf = new byte[BUFFER];
    try (out; OutputStream os = Channels.newOutputStream(out)) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (size + n > file.size()) {
          delete();
          throw new SourceFailure("sends more than the published " + file.size()
              + " bytes (a different or changed file)", true);
        }
        digests.update(buf, 0, n);
        try {
          os.write(buf, 0, n);
        } catch (IOException e) {
          throw ModelStore.notWritable(path.getParent(), e);
        }
        size += n;
        progress.accept(size);
      }
      try {
        out.force(true);
      } catch (IOException e) {
        throw ModelStore.notWritable(path.getParent(), e);
      }
    }
  }

  /**
   * Checks the bytes written against the published size and checksums.
   *
   * @throws SourceFailure when they differ (the file is deleted)
   */
  void finish() throws SourceFailure {
    checkState(digests != null, "nothing written");
    String mismatch = size == file.size() ? digests.mismatch()
        : "it has " + size + " bytes but the published size is " + file.size();
    if (mismatch != null) {
      delete();
      throw new SourceFailure("wrong content: " + mismatch + " (the bad file was deleted)", true);
    }
  }

  /** Deletes the partial file, if it is there. */
  void delete() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // nothing better to do: the file is not used under its final name
    }
  }

  /**
   * Refuses a partial file that is a pipe, a device or a folder: opening a named pipe to write
   * would wait for a reader forever.
   */
  private void requireRegularOrAbsent() {
    if (Files.exists(path) && !Files.isRegularFile(path)) {
      throw new ModelDownloadException("the partial download " + path + " " + RegularFiles.problem(path)
          + "; delete it and try again");
    }
  }
}
