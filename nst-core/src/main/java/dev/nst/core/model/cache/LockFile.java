package dev.nst.core.model.cache;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.nst.core.io.RegularFiles;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;

/**
 * An exclusive turn, shared by the threads and processes that use the same lock file, and the
 * file deleted when the turn ends, so that no lock files pile up in the cache.
 *
 * <p>Deleting a lock file is only safe with a check on the other side. A waiter may hold an
 * open channel to the file while its holder deletes it; the waiter's lock then succeeds on a
 * file that no longer has a name, while a newcomer creates a new file under the name and locks
 * that one: two turns at once. So whoever gets a lock checks that the name still leads to the
 * file it locked, by the file's identity (device and inode, {@link BasicFileAttributes#fileKey()}),
 * and otherwise tries the name again. Java cannot ask an open channel for its file's identity,
 * so the identity is read from the name just before and just after opening it; when the two
 * agree, the channel has that file (only a file deleted and a new one given the same inode
 * number in those microseconds could fool this, and a file that a waiter keeps open is never
 * given to another). A holder deletes the name only while it holds the lock on the file behind
 * it, so a name checked this way stays put until its holder is done.
 *
 * <p>No other channel or stream ever opens the lock file: on POSIX systems closing any
 * descriptor of a file drops every lock the process holds on it, including other threads'.
 * For the same reason a channel is closed only while this thread holds its lock (which no other
 * thread of the JVM can then hold), except when waiting is interrupted.
 *
 * <p>Where files have no identity (Windows), the lock file is never deleted: it is small, its
 * name starts with a dot, and the next fetcher takes its turn through it.
 */
final class LockFile implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(50);
  /** Stands for the identity of a file on a file system that gives files none. */
  private static final Object NO_IDENTITY = new Object();

  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;
  private final boolean deletable;
  private boolean closed;

  private LockFile(Path path, FileChannel channel, FileLock lock, boolean deletable) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
    this.deletable = deletable;
  }

  /**
   * Waits for the turn at {@code path}, creating the file if needed.
   *
   * @return the turn; where the file system cannot lock, a turn that excludes nobody
   *     ({@link #exclusive()} is false)
   * @throws IOException when the lock file cannot be created or opened
   * @throws InterruptedIOException when the thread is interrupted while waiting
   */
  static LockFile acquire(Path path) throws IOException {
    checkNotNull(path, "path");
    if (Files.exists(path) && !Files.isRegularFile(path)) {
      // opening a named pipe to write would wait for a reader forever
      throw new IOException("the lock file " + path + " " + RegularFiles.problem(path) + "; delete it");
    }
    while (true) {
      Object before = fileKey(path);
      FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      boolean handedOver = false;
      try {
        Object opened = fileKey(path);
        FileLock lock = waitForLock(channel, path);
        if (lock == null || opened == NO_IDENTITY) {
          // no locks, or no identities (then nobody deletes lock files and the name is stable)
          handedOver = true;
          return new LockFile(path, channel, lock, false);
        }
        if (opened != null && opened.equals(before) && opened.equals(fileKey(path))) {
          handedOver = true;
          return new LockFile(path, channel, lock, true);
        }
        // we locked a file deleted by the holder before us, or cannot tell which file we opened
      } finally {
        if (!handedOver) {
          channel.close(); // releases the lock too
        }
      }
    }
  }

  /** False where the file system cannot lock: then every fetcher works on files of its own. */
  boolean exclusive() {
    return lock != null;
  }

  /**
   * Deletes the lock file (while the turn is still held) and ends the turn. Idempotent. A file
   * that cannot be deleted stays; the next fetcher simply takes its turn through it.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (deletable) {
        Files.deleteIfExists(path);
      }
    } catch (IOException ignored) {
      // harmless: see above
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing releases the lock; the system releases it at the latest when the process ends
    }
  }

  /** Null when the file system cannot lock. */
  private static FileLock waitForLock(FileChannel channel, Path path) throws InterruptedIOException {
    while (true) {
      try {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return lock;
        }
      } catch (OverlappingFileLockException e) {
        // another thread of this JVM holds it: wait like for another process
      } catch (IOException | UnsupportedOperationException e) {
        return null;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for another download to finish with " + path);
      }
    }
  }

  /**
   * The identity of the file at {@code path}: null when there is no file, {@link #NO_IDENTITY}
   * where the file system gives files none.
   */
  private static Object fileKey(Path path) throws IOException {
    try {
      Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      return key != null ? key : NO_IDENTITY;
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
