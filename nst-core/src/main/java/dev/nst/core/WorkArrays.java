package dev.nst.core;

import static com.google.common.base.Preconditions.checkArgument;

import dev.nst.api.Optimizer;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * The float arrays a session lends its runs' optimisers ({@link Optimizer.Workspace}), one run
 * after another. L-BFGS's history pairs, 2 x history x the image's values, are most of what a run
 * allocates (three quarters of an {@code nst batch}'s allocations, by JFR's sampling); allocated
 * per image they live for one image and then leave the garbage collector to find them in the old
 * generation, which cost a Spark executor, whose own data already fills much of its heap,
 * seconds of concurrent marking per 32 images. Lent from here they are allocated once per
 * session and stay put.
 *
 * <p>A run gets the smallest idle array that is long enough, so images of other sizes and aspect
 * ratios reuse them too. Between runs the session keeps at most as many values as the largest run
 * borrowed, and keeps them softly: the collector takes them back before it would run out of
 * memory. A session's runs take turns and each fork has its own pool; the pool is thread-safe all
 * the same (its methods lock it), so that runs started at once on one session never share an
 * array.
 */
final class WorkArrays {
  private SoftReference<List<float[]>> idle = new SoftReference<>(new ArrayList<>());
  /** The most values one lease has borrowed: what the idle arrays are trimmed to. */
  private long mostLent;

  /**
   * A workspace for one run; closing it returns its arrays.
   *
   * @param threads the run's threads
   */
  Lease lend(int threads) {
    checkArgument(threads >= 0, "threads must be >= 0, got %s", threads);
    return new Lease(threads);
  }

  /** Values held by idle arrays (tests). */
  synchronized long idleValues() {
    List<float[]> free = idle.get();
    return free == null ? 0 : free.stream().mapToLong(a -> a.length).sum();
  }

  /** One run's workspace: hands out arrays until it is closed. */
  final class Lease implements Optimizer.Workspace, AutoCloseable {
    private final int threads;
    private final List<float[]> lent = new ArrayList<>();

    private Lease(int threads) {
      this.threads = threads;
    }

    @Override
    public int threads() {
      return threads;
    }

    @Override
    public float[] floats(int length) {
      checkArgument(length >= 0, "length must be >= 0, got %s", length);
      synchronized (WorkArrays.this) {
        return take(length);
      }
    }

    private float[] take(int length) {
      List<float[]> free = idle.get();
      float[] fit = null;
      if (free != null) {
        for (float[] a : free) {
          if (a.length >= length && (fit == null || a.length < fit.length)) {
            fit = a;
          }
        }
      }
      if (fit != null) {
        free.remove(fit);
      } else {
        fit = new float[length];
      }
      lent.add(fit);
      return fit;
    }

    /** Returns the arrays, keeping the longest up to the most values one lease has used. */
    @Override
    public void close() {
      synchronized (WorkArrays.this) {
        giveBack();
      }
    }

    private void giveBack() {
      mostLent = Math.max(mostLent, lent.stream().mapToLong(a -> a.length).sum());
      List<float[]> free = idle.get();
      if (free == null) {
        free = new ArrayList<>();
        idle = new SoftReference<>(free);
      }
      free.addAll(lent);
      lent.clear();
      free.sort(Comparator.comparingInt((float[] a) -> a.length).reversed());
      long kept = 0;
      for (Iterator<float[]> it = free.iterator(); it.hasNext(); ) {
        float[] a = it.next();
        if (kept + a.length > mostLent) {
          it.remove();
        } else {
          kept += a.length;
        }
      }
    }
  }
}
