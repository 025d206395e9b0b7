package dev.nst.core.model.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Turns through a lock file that is deleted after each turn. */
@Timeout(60)
class LockFileTest {
  @TempDir
  Path tmp;

  @Test
  void theLockFileIsDeletedWhenTheTurnEnds() throws Exception {
    Path path = tmp.resolve(".w.lock");
    LockFile turn = LockFile.acquire(path);
    assertThat(turn.exclusive()).isTrue();
    assertThat(path).exists();
    turn.close();
    assertThat(path).doesNotExist();
    turn.close(); // idempotent
    assertThat(path).doesNotExist();
  }

  @Test
  void aLockFileLeftByAnEarlierRunIsTakenOverAndDeleted() throws Exception {
    Path path = tmp.resolve(".w.lock");
    Files.createFile(path);
    try (LockFile turn = LockFile.acquire(path)) {
      assertThat(turn.exclusive()).isTrue();
    }
    assertThat(path).doesNotExist();
  }

  /**
   * Each turn deletes the file that the waiting threads have open; without the check that the
   * name still leads to the locked file, a waiter and a newcomer would hold turns at once.
   */
  @Test
  void threadsTakeTurnsAlthoughEachTurnDeletesTheFile() throws Exception {
    Path path = tmp.resolve(".w.lock");
    Path work = tmp.resolve("work");
    int threads = 4;
    int rounds = 40;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger mostInside = new AtomicInteger();
    AtomicInteger turns = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          for (int r = 0; r < rounds; r++) {
            try (LockFile turn = LockFile.acquire(path)) {
              assertThat(turn.exclusive()).isTrue();
              mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
              Files.writeString(work, "turn " + turns.incrementAndGet()); // a little work, giving others time
              Thread.sleep(1);
              inside.decrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(turns.get()).isEqualTo(threads * rounds);
    assertThat(mostInside.get()).isEqualTo(1);
    assertThat(path).doesNotExist();
  }
}
