package dev.nst.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.spi.MemoryModel;
import dev.nst.core.optim.Adam;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run compiles its objective in the backend's lean mode where its memory plan chose it, says
 * so, and compiles the default mode where that fits (the plan's own choice is
 * {@link MemoryPlanTest}'s). Runs on {@link HostTestBackend.Lean}.
 */
class LeanModeRunTest {
  private static final int HEIGHT = 900;
  private static final int WIDTH = 1200;

  @TempDir Path dir;

  @Test
  void aBudgetBetweenTheTwoEstimatesRunsInLeanMode() {
    var network = HostTestBackend.network();
    long fast = MemoryModel.CONSERVATIVE.bytes(network, HEIGHT, WIDTH);
    long lean = new MemoryModel(1, 0, 0).bytes(network, HEIGHT, WIDTH);
    // the heap counts at half the budget (this JVM's heap limit is larger): native room is the
    // other half less the runtime's allowance
    long between = 2 * (MemoryPlan.RUNTIME_BYTES + (fast + lean) / 2);
    assertThat(Runtime.getRuntime().maxMemory()).isGreaterThan((long) (between * MemoryPlan.HEAP_SHARE));

    List<String> notices = new ArrayList<>();
    int before = HostTestBackend.Lean.leanCompiles();
    run(between, notices);
    assertThat(HostTestBackend.Lean.leanCompiles()).isEqualTo(before + 1);
    assertThat(notices).anySatisfy(n -> assertThat(n).contains("lean mode").contains("1200x900"));

    notices.clear();
    run(2 * (MemoryPlan.RUNTIME_BYTES + fast + (64L << 20)), notices);
    assertThat(HostTestBackend.Lean.leanCompiles()).as("enough memory: the default mode").isEqualTo(before + 1);
    assertThat(notices).noneSatisfy(n -> assertThat(n).contains("lean mode"));
  }

  private void run(long budget, List<String> notices) {
    StyleTransfer.builder().backend(HostTestBackend.Lean.NAME).model(HostTestBackend.network())
        .contentLayers("conv1_1").styleLayers("conv1_1").content(OutputChecksTest.image(1))
        .style(OutputChecksTest.image(3)).size(WIDTH).iterations(1).optimizer(Adam.withLearningRate(0.05))
        .memoryLimit(budget).output(dir.resolve("out.png"))
        .listener(new dev.nst.api.ProgressListener() {
          @Override
          public void onProgress(dev.nst.api.ProgressEvent e) {}

          @Override
          public void onNotice(String notice) {
            notices.add(notice);
          }
        })
        .build().run();
  }
}
