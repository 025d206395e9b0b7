package dev.nst.spark;

import dev.nst.core.StyleTransferSession;
import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The per-executor cache of loaded models and their sessions: <b>the one deliberate piece of
 * static mutable state in nst</b>. A Spark executor is a long-lived JVM that runs many tasks, one
 * after another and several at once, and nothing lives between two tasks but statics; without this
 * cache every task (every partition) would load the model again, 550 MB for VGG-19.
 *
 * <p>Per {@link TransferSettings} (equal settings, one entry; at most {@value #MAX_MODELS}
 * entries, the least recently used going first) it holds:
 * <ul>
 *   <li>a root {@link StyleTransferSession}: the model, loaded once per executor JVM, and the
 *       style images and style targets, computed once per executor and shared by all its tasks;
 *   <li>idle forks of the root, by task shape (threads and GPU address): a task borrows one for
 *       its partition, runs its images on it alone (sessions are not thread-safe), and gives it
 *       back when it completes, so the backend (and its compiled graphs) outlives the task;
 *   <li>the decoded style images by content digest, so that every task hands the sessions the
 *       same image objects and their cached targets are found.
 * </ul>
 * Sessions hold native memory; they are closed when their entry is evicted and otherwise live
 * as long as the executor.
 */
final class ExecutorSessions {
  /** Models kept at once per executor: a second one for a job that alternates settings. */
  static final int MAX_MODELS = 2;

  /** Guarded by the class's lock; access-ordered, so the first entry is the least recently used. */
  private static final Map<TransferSettings, Entry> ENTRIES = new LinkedHashMap<>(4, 0.75f, true);

  /** Models loaded in this JVM, for tests and logs: each entry loads its model once. */
  private static final AtomicInteger MODEL_LOADS = new AtomicInteger();

  private ExecutorSessions() {}

  /** Models loaded in this JVM so far. */
  static int modelLoads() {
    return MODEL_LOADS.get();
  }

  /**
   * A session for one task: an idle one of the same shape, or a new fork of the entry's root.
   *
   * @param settings the transfer settings, the cache key
   * @param firstStyle a style image for the root's configuration, which needs one (never run; decoded
   *     only when the root is made)
   * @param threads backend threads of the task
   * @param gpu the GPU address Spark assigned the task, -1 for none
   * @param memory the task's memory budget in bytes
   */
  static Lease borrow(TransferSettings settings, Supplier<BufferedImage> firstStyle, int threads, int gpu,
      long memory) {
    Entry entry;
    StyleTransferSession idle;
    String shape = threads + "@" + gpu + "/" + memory;
    synchronized (ExecutorSessions.class) {
      entry = ENTRIES.get(settings);
      if (entry == null) {
        BufferedImage style = firstStyle.get();
        // loading under the lock: a second task of the same settings waits for this model rather than loading its own
        StyleTransferSession root =
            settings.toBuilder(threads, gpu, memory).content(style).style(style).build().open();
        MODEL_LOADS.incrementAndGet();
        entry = new Entry(root);
        ENTRIES.put(settings, entry);
        evictBeyondLimit();
      }
      Deque<StyleTransferSession> shaped = entry.idle.get(shape);
      idle = shaped == null ? null : shaped.poll();
    }
    if (idle == null) {
      idle = entry.root.fork(b -> settings.forTask(b, threads, gpu, memory));
    }
    return new Lease(entry, idle, shape);
  }

  private static void evictBeyondLimit() {
    Iterator<Entry> it = ENTRIES.values().iterator();
    while (ENTRIES.size() > MAX_MODELS && it.hasNext()) {
      Entry oldest = it.next();
      it.remove();
      oldest.evict();
    }
  }

  /** Closes every cached session and forgets every model; for tests that need a fresh executor. */
  static void clear() {
    synchronized (ExecutorSessions.class) {
      ENTRIES.values().forEach(Entry::evict);
      ENTRIES.clear();
    }
  }

  /** One settings' model, root session, idle forks and style images. */
  private static final class Entry {
    final StyleTransferSession root;
    final Map<String, Deque<StyleTransferSession>> idle = new HashMap<>(); // guarded by ExecutorSessions.class
    final Map<String, BufferedImage> styles = new ConcurrentHashMap<>();
    boolean evicted; // guarded by ExecutorSessions.class

    Entry(StyleTransferSession root) {
      this.root = root;
    }

    /** Closes the idle sessions now; lent ones are closed when they come back. */
    void evict() {
      evicted = true;
      idle.values().forEach(d -> d.forEach(StyleTransferSession::close));
      idle.clear();
      root.close();
    }
  }

  /** A session lent to one task; closing gives it back (or closes it, when its entry was evicted meanwhile). */
  static final class Lease implements AutoCloseable {
    private final Entry entry;
    private final StyleTransferSession session;
    private final String shape;
    private boolean returned;

    private Lease(Entry entry, StyleTransferSession session, String shape) {
      this.entry = entry;
      this.session = session;
      this.shape = shape;
    }

    /** The session, for this task's thread alone. */
    StyleTransferSession session() {
      return session;
    }

    /**
     * The decoded style image with content digest {@code sha256}: the same object for every task
     * of this executor, so that the sessions' cached style targets are found.
     */
    BufferedImage style(String sha256, Function<String, BufferedImage> decode) {
      return entry.styles.computeIfAbsent(sha256, decode);
    }

    @Override
    public void close() {
      synchronized (ExecutorSessions.class) {
        if (returned) {
          return;
        }
        returned = true;
        if (entry.evicted) {
          session.close();
        } else {
          entry.idle.computeIfAbsent(shape, k -> new ArrayDeque<>()).push(session);
        }
      }
    }
  }
}
