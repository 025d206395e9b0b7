package dev.nst.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The tasks of one executor share its memory budget by their share of its cores. */
class TaskMemoryTest {
  private static final long GIB = 1L << 30;

  @Test
  void eachTaskGetsItsShareOfTheExecutorsBudget() {
    assertThat(StylizePartition.taskMemoryLimit(8 * GIB, 1, 2)).isEqualTo(4 * GIB);
    assertThat(StylizePartition.taskMemoryLimit(8 * GIB, 2, 4)).isEqualTo(4 * GIB);
    assertThat(StylizePartition.taskMemoryLimit(8 * GIB, 1, 1)).isEqualTo(8 * GIB);
    assertThat(StylizePartition.taskMemoryLimit(9 * GIB, 1, 3)).isEqualTo(3 * GIB);
    // a task that asks for more CPUs than the executor has still runs alone, with all of it
    assertThat(StylizePartition.taskMemoryLimit(8 * GIB, 4, 2)).isEqualTo(8 * GIB);
  }

  @Test
  void theExecutorsBudgetIsASetting() {
    assertThat(TransferSettings.builder().build().executorMemory()).isZero();
    assertThat(TransferSettings.builder().executorMemory(12 * GIB).build().executorMemory()).isEqualTo(12 * GIB);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TransferSettings.builder().executorMemory(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("executorMemory must be >= 0");
  }

  @Test
  void theExecutorsCoresComeFromItsConfigurationOrALocalMaster() {
    int all = Runtime.getRuntime().availableProcessors();
    assertThat(StylizePartition.executorCores(new SparkConf(false).setMaster("local[3]"))).isEqualTo(3);
    assertThat(StylizePartition.executorCores(new SparkConf(false).setMaster("local[2,4]"))).isEqualTo(2);
    assertThat(StylizePartition.executorCores(new SparkConf(false).setMaster("local"))).isEqualTo(1);
    assertThat(StylizePartition.executorCores(new SparkConf(false).setMaster("local[*]"))).isEqualTo(all);
    assertThat(StylizePartition.executorCores(new SparkConf(false).setMaster("spark://host:7077")
        .set("spark.executor.cores", "5"))).isEqualTo(5);
    assertThat(StylizePartition.executorCores(new SparkConf(false).setMaster("yarn"))).isEqualTo(all);
  }
}
