package dev.nst.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** A session's optimiser arrays: lent run after run, the smallest that fits, trimmed to one run's worth. */
class WorkArraysTest {
  @Test
  void aRunGetsThePreviousRunsArraysTheSmallestThatFits() {
    WorkArrays pool = new WorkArrays();
    float[] big;
    float[] small;
    try (WorkArrays.Lease run = pool.lend(1)) {
      assertThat(run.threads()).isEqualTo(1);
      big = run.floats(100);
      small = run.floats(60);
      assertThat(big).hasSize(100);
      assertThat(small).hasSize(60);
      assertThat(run.floats(60)).isNotSameAs(small); // lent arrays are never lent twice
    }
    assertThat(pool.idleValues()).isEqualTo(220);
    try (WorkArrays.Lease run = pool.lend(0)) {
      assertThat(run.floats(50)).isSameAs(small); // the smallest that fits: the first of the two 60s
      float[] next = run.floats(50);
      assertThat(next).hasSize(60);
      assertThat(run.floats(90)).isSameAs(big);
      assertThat(run.floats(101)).hasSize(101).isNotSameAs(big); // nothing idle is long enough
    }
    // the most one run borrowed: 60 + 60 + 100 + 101 = 321 values; all four kept
    assertThat(pool.idleValues()).isEqualTo(321);
  }

  @Test
  void idleArraysAreTrimmedToTheLargestRunLongestFirst() {
    WorkArrays pool = new WorkArrays();
    try (WorkArrays.Lease run = pool.lend(1)) {
      run.floats(10);
      run.floats(10);
    }
    try (WorkArrays.Lease run = pool.lend(1)) {
      run.floats(15); // nothing idle fits: a new array (this run borrows 15 values, the first 20)
    }
    // idle: 15, 10, 10 (35 values) trimmed to 20, longest first: 15 kept, then a 10 would exceed
    assertThat(pool.idleValues()).isEqualTo(15);
  }

  @Test
  void runsStartedAtOnceOnOneSessionNeverShareAnArray() throws Exception {
    WorkArrays pool = new WorkArrays();
    try (WorkArrays.Lease run = pool.lend(1)) {
      for (int i = 0; i < 8; i++) {
        run.floats(100);
      }
    }
    CyclicBarrier bothHoldTheirs = new CyclicBarrier(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Future<List<float[]>>> runs = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        runs.add(threads.submit(() -> {
          try (WorkArrays.Lease run = pool.lend(1)) {
            List<float[]> taken = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
              taken.add(run.floats(80));
            }
            bothHoldTheirs.await(); // both leases open at once
            return taken;
          }
        }));
      }
      Set<float[]> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
      for (Future<List<float[]>> r : runs) {
        distinct.addAll(r.get());
      }
      assertThat(distinct).hasSize(12); // 8 idle ones and 4 new, none twice
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void badArguments() {
    WorkArrays pool = new WorkArrays();
    assertThatThrownBy(() -> pool.lend(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads");
    try (WorkArrays.Lease run = pool.lend(1)) {
      assertThatThrownBy(() -> run.floats(-2)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("length");
      assertThat(run.floats(0)).isEmpty();
    }
  }
}
