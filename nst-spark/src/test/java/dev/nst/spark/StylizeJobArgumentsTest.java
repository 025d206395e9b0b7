package dev.nst.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The job's numbers and names: read as given, or refused in one line that names the option. */
class StylizeJobArgumentsTest {
  @Test
  void settingsAndPartitionsAsGiven() {
    TransferSettings s = StylizeJob.settings(StylizeJob.parse("--size", "96", "--iterations", " 12", "--seed", "-3",
        "--device", "CPU", "--threads", "2"));
    assertThat(s.size()).isEqualTo(96);
    assertThat(s.iterations()).isEqualTo(12);
    assertThat(s.seed()).isEqualTo(-3);
    assertThat(s.device()).isEqualTo("cpu");
    assertThat(s.threads()).isEqualTo(2);
    assertThat(s.executorMemory()).isZero(); // the default: 60% of each executor's memory
    assertThat(StylizeJob.settings(StylizeJob.parse("--memory", "6g")).executorMemory()).isEqualTo(6L << 30);
    assertThat(StylizeJob.settings(StylizeJob.parse("--memory", "1500MiB")).executorMemory()).isEqualTo(1500L << 20);
    assertThat(StylizeJob.partitions(StylizeJob.parse("--partitions", "0"))).isZero(); // as Spark slices the input
    assertThat(StylizeJob.partitions(StylizeJob.parse("--partitions", "7"))).isEqualTo(7);
    assertThat(StylizeJob.partitions(StylizeJob.parse())).isNull(); // the default, from the images
  }

  @Test
  void byDefaultOneTaskPerImageAndStyleUpToALimit() {
    assertThat(StylizeJob.defaultPartitions(0)).isEqualTo(1);
    assertThat(StylizeJob.defaultPartitions(32)).isEqualTo(32);
    assertThat(StylizeJob.defaultPartitions(StylizeJob.MOST_TASKS)).isEqualTo(StylizeJob.MOST_TASKS);
    assertThat(StylizeJob.defaultPartitions(3 * StylizeJob.MOST_TASKS)).isEqualTo(StylizeJob.MOST_TASKS);
  }

  @Test
  void badValuesAreRefusedByName() {
    assertThatThrownBy(() -> StylizeJob.partitions(StylizeJob.parse("--partitions", "-1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--partitions must be between 0 and 2147483647, got -1");
    assertThatThrownBy(() -> StylizeJob.partitions(StylizeJob.parse("--partitions", "abc")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--partitions needs a whole number, got 'abc'");
    assertThatThrownBy(() -> StylizeJob.settings(StylizeJob.parse("--size", "1.5")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--size needs a whole number, got '1.5'");
    assertThatThrownBy(() -> StylizeJob.settings(StylizeJob.parse("--iterations", "99999999999")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--iterations must be between");
    assertThatThrownBy(() -> StylizeJob.settings(StylizeJob.parse("--device", "tpu")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--device is auto, cpu or gpu, got 'tpu'");
    assertThatThrownBy(() -> StylizeJob.settings(StylizeJob.parse("--memory", "lots")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--memory: 'lots' is not a memory size; write e.g. 8g, 1500m or 20GiB");
  }
}
