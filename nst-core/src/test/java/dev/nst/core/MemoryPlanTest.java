package dev.nst.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.MemoryBudgetException;
import dev.nst.api.Network;
import dev.nst.api.RunFailedException;
import dev.nst.api.spi.MemoryModel;
import dev.nst.core.optim.Adam;
import dev.nst.core.optim.Lbfgs;
import dev.nst.core.tile.TileLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a scale fits its budget: untiled, tiled, a shorter L-BFGS history, or refused with what to change. */
class MemoryPlanTest {
  private static final long GIB = 1L << 30;
  private static final List<String> LAYERS = List.of("relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu4_2",
      "relu5_1");
  private static final List<String> CONTENT = List.of("relu4_2");
  private final Network vgg = dev.nst.core.tile.TestNetworks.vgg19();

  @Test
  void aSmallImageRunsUntiledWithTheFullHistory() {
    MemoryPlan p = MemoryPlan.plan(vgg, LAYERS, CONTENT, 300, 400, 16 * GIB, 8 * GIB, 0, Lbfgs.defaults(), MemoryModel.CONSERVATIVE);
    assertThat(p.layout()).isEmpty();
    assertThat(p.optimizer()).isEqualTo(Lbfgs.defaults());
    assertThat(p.notices()).isEmpty();
    assertThat(p.nativeBytes()).isEqualTo(MemoryEstimate.bytes(vgg, 300, 400));
  }

  @Test
  void aLargeImageRunsInTheLargestTilesThatFit() {
    MemoryPlan p = MemoryPlan.plan(vgg, LAYERS, CONTENT, 2731, 4096, 14 * GIB, 6 * GIB, 0, Adam.withLearningRate(1), MemoryModel.CONSERVATIVE);
    TileLayout l = p.layout().orElseThrow();
    assertThat(l.tiles()).hasSizeGreaterThan(1);
    // the heap counts at its limit, which it may grow to
    assertThat(p.nativeBytes() + 6 * GIB + MemoryPlan.RUNTIME_BYTES).isLessThanOrEqualTo(14 * GIB);
    // no more tiles, and no more pixels, than in the largest square tiles that fit
    int side = 4096;
    while (MemoryPlan.TILE_GRAPHS * MemoryEstimate.bytes(vgg, side, side) > p.nativeRoom()) {
      side -= 8;
    }
    TileLayout square = TileLayout.plan(vgg, LAYERS, 2731, 4096, side, side).orElseThrow();
    assertThat(l.tiles().size()).isLessThanOrEqualTo(square.tiles().size());
    assertThat(l.overlap()).isLessThanOrEqualTo(square.overlap());
    // both passes' graphs are counted
    assertThat(p.nativeBytes()).isEqualTo(MemoryPlan.TILE_GRAPHS * MemoryEstimate.bytes(vgg, l.tileHeight(), l.tileWidth()));
    assertThat(p.notices()).singleElement().asString().contains("tiles of").contains("same as untiled");
  }

  @Test
  void aLeanModeIsChosenBeforeTilesWhereItFitsAndOnlyThere() {
    MemoryModel fast = new MemoryModel(10, 16, 16);
    MemoryModel lean = new MemoryModel(5, 16, 16);
    java.util.Optional<MemoryModel> leanMode = java.util.Optional.of(lean);
    int h = 683;
    int w = 1024;
    long heapLimit = GIB; // at most half of every budget below, so the heap counts at its limit
    long overhead = heapLimit + MemoryPlan.RUNTIME_BYTES;
    long fastBytes = fast.bytes(vgg, h, w);
    long leanBytes = lean.bytes(vgg, h, w);
    assertThat(overhead + leanBytes / 2).isGreaterThanOrEqualTo(2 * heapLimit);
    // a budget between the two estimates: whole, lean, and said
    long between = overhead + (fastBytes + leanBytes) / 2;
    MemoryPlan p = MemoryPlan.plan(vgg, LAYERS, CONTENT, h, w, between, heapLimit, 0, Adam.withLearningRate(1), fast,
        leanMode);
    assertThat(p.layout()).isEmpty();
    assertThat(p.lean()).isTrue();
    assertThat(p.nativeBytes()).isEqualTo(leanBytes);
    assertThat(p.model()).isEqualTo(fast); // forward passes for targets run in the default mode
    assertThat(p.notices()).singleElement().asString().contains("lean mode").contains("1024x683");
    // enough for the default mode: it is kept, lean mode or not
    MemoryPlan roomy = MemoryPlan.plan(vgg, LAYERS, CONTENT, h, w, overhead + fastBytes + GIB / 4, heapLimit, 0,
        Adam.withLearningRate(1), fast, leanMode);
    assertThat(roomy.lean()).isFalse();
    assertThat(roomy.layout()).isEmpty();
    assertThat(roomy.notices()).isEmpty();
    // too little for either: tiles in the default mode
    MemoryPlan tight = MemoryPlan.plan(vgg, LAYERS, CONTENT, h, w, overhead + leanBytes / 2, heapLimit, 0,
        Adam.withLearningRate(1), fast, leanMode);
    assertThat(tight.lean()).isFalse();
    assertThat(tight.layout()).isPresent();
    // without a lean mode the in-between budget tiles
    MemoryPlan noLean = MemoryPlan.plan(vgg, LAYERS, CONTENT, h, w, between, heapLimit, 0, Adam.withLearningRate(1),
        fast);
    assertThat(noLean.lean()).isFalse();
    assertThat(noLean.layout()).isPresent();
  }

  @Test
  void theHistoryShrinksToFitTheHeapAndSaysSo() {
    // 2048x1365: an image-sized array is 33 MB, 100 steps of history 6.7 GB
    MemoryPlan p = MemoryPlan.plan(vgg, LAYERS, CONTENT, 1365, 2048, 0, 2 * GIB, 0, Lbfgs.defaults(), MemoryModel.CONSERVATIVE);
    int history = ((Lbfgs) p.optimizer()).historySize();
    assertThat(history).isBetween(MemoryPlan.MIN_HISTORY, 60);
    assertThat(p.heapBytes()).isLessThanOrEqualTo(2 * GIB - 2 * GIB / 10);
    assertThat(p.notices()).singleElement().asString().contains("L-BFGS keeps " + history + " instead of 100")
        .contains("-Xmx");
  }

  @Test
  void theHistoryLeavesRoomForTilesWhoseHalosCostLittle() {
    // 4096x2725 with L-BFGS: 100 steps of history (27 GB) cannot fit a 14 GiB budget; the history
    // shrinks so that tiles of ~5 minimum sides still fit, not to the smallest tiles' 10x halos
    MemoryPlan p = MemoryPlan.plan(vgg, LAYERS, CONTENT, 2725, 4096, 14 * GIB, 12 * GIB, 0, Lbfgs.defaults(),
        MemoryModel.CONSERVATIVE);
    TileLayout l = p.layout().orElseThrow();
    assertThat(l.overlap()).isLessThan(3.0);
    int history = ((Lbfgs) p.optimizer()).historySize();
    assertThat(history).isBetween(MemoryPlan.MIN_HISTORY, 99);
    assertThat(p.nativeBytes() + MemoryPlan.heapCharge(p.heapBytes(), 12 * GIB, 14 * GIB) + MemoryPlan.RUNTIME_BYTES)
        .isLessThanOrEqualTo(14 * GIB);
    assertThat(p.notices()).hasSize(2);
    assertThat(p.notices().get(0)).contains("L-BFGS keeps " + history + " instead of 100").contains("budget");
  }

  @Test
  void anObjectiveWithAStatisticsPassCountsTwoGraphs() {
    MemoryModel model = new MemoryModel(10, 16, 16);
    int h = 683;
    int w = 1024;
    long heapLimit = GIB;
    long one = model.bytes(vgg, h, w);
    // room for one graph, not two: a Gram objective runs whole, a W2 one in tiles
    long budget = heapLimit + MemoryPlan.RUNTIME_BYTES + one * 3 / 2;
    MemoryPlan gram = MemoryPlan.plan(vgg, LAYERS, CONTENT, h, w, budget, heapLimit, 0, Adam.withLearningRate(1),
        model, java.util.Optional.empty(), 1);
    assertThat(gram.layout()).isEmpty();
    assertThat(gram.nativeBytes()).isEqualTo(one);
    MemoryPlan w2 = MemoryPlan.plan(vgg, LAYERS, CONTENT, h, w, budget, heapLimit, 0, Adam.withLearningRate(1),
        model, java.util.Optional.empty(), MemoryPlan.TILE_GRAPHS);
    assertThat(w2.layout()).isPresent();
    // with room for two it runs whole, counted twice
    MemoryPlan roomy = MemoryPlan.plan(vgg, LAYERS, CONTENT, h, w, budget + one, heapLimit, 0,
        Adam.withLearningRate(1), model, java.util.Optional.empty(), MemoryPlan.TILE_GRAPHS);
    assertThat(roomy.layout()).isEmpty();
    assertThat(roomy.nativeBytes()).isEqualTo(2 * one);
  }

  @Test
  void theHeapCountsAtItsLimitUpToHalfTheBudget() {
    long heap = 100L << 20;
    assertThat(MemoryPlan.heapCharge(heap, 2 * GIB, 8 * GIB)).isEqualTo(2 * GIB); // it may grow to its limit
    assertThat(MemoryPlan.heapCharge(heap, 6 * GIB, 8 * GIB)).isEqualTo(4 * GIB); // half the budget at most
    assertThat(MemoryPlan.heapCharge(3 * GIB, 6 * GIB, 4 * GIB)).isEqualTo(3 * GIB + 3 * GIB / 4); // the estimate
    // a run of 1024x683 with a small heap: all but the heap limit and the runtime is native room
    MemoryPlan small = MemoryPlan.plan(vgg, LAYERS, CONTENT, 683, 1024, 8 * GIB, 2 * GIB, 0,
        Adam.withLearningRate(1), MemoryModel.CONSERVATIVE);
    assertThat(small.nativeRoom()).isEqualTo(6 * GIB - MemoryPlan.RUNTIME_BYTES);
    // a heap limit above half the budget counts at half (a batch's workers share one heap)
    MemoryPlan large = MemoryPlan.plan(vgg, LAYERS, CONTENT, 683, 1024, 8 * GIB, 6 * GIB, 0,
        Adam.withLearningRate(1), MemoryModel.CONSERVATIVE);
    assertThat(large.nativeRoom()).isEqualTo(4 * GIB - MemoryPlan.RUNTIME_BYTES);
  }

  @Test
  void refusalsSayWhatToChange() {
    assertThatThrownBy(() -> MemoryPlan.plan(vgg, LAYERS, CONTENT, 13000, 20000, 0, GIB, 0, Adam.withLearningRate(1), MemoryModel.CONSERVATIVE))
        .isInstanceOf(MemoryBudgetException.class).isInstanceOf(RunFailedException.class)
        .hasMessageContaining("20000x13000")
        .hasMessageContaining("of Java heap").hasMessageContaining("-Xmx");
    assertThatThrownBy(() -> MemoryPlan.plan(vgg, LAYERS, CONTENT, 800, 1200, 300L << 20, 8 * GIB, 0,
        Adam.withLearningRate(1), MemoryModel.CONSERVATIVE))
        .isInstanceOf(MemoryBudgetException.class).hasMessageContaining("smallest tile")
        .hasMessageContaining("raise the budget");
  }

  @Test
  void memorySizesParseInBinaryUnits() {
    assertThat(MemoryEstimate.parseSize("8g")).isEqualTo(8 * GIB);
    assertThat(MemoryEstimate.parseSize(" 1500M")).isEqualTo(1500L << 20);
    assertThat(MemoryEstimate.parseSize("20GiB")).isEqualTo(20 * GIB);
    assertThat(MemoryEstimate.parseSize("2.5g")).isEqualTo(5 * GIB / 2);
    assertThat(MemoryEstimate.parseSize("4096")).isEqualTo(4096);
    assertThatThrownBy(() -> MemoryEstimate.parseSize("lots")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'lots' is not a memory size; write e.g. 8g, 1500m or 20GiB");
    assertThatThrownBy(() -> MemoryEstimate.parseSize("99999999t")).hasMessageContaining("more memory than any");
  }

  @Test
  void absurdSizesGiveHugeEstimatesNotOverflows() {
    assertThat(MemoryEstimate.bytes(vgg, 1 << 20, 1 << 20)).isGreaterThan(1L << 50);
    assertThat(MemoryPlan.heapFixed(vgg, CONTENT, Integer.MAX_VALUE / 2, Integer.MAX_VALUE / 2)).isPositive();
  }

  @Test
  void anAskedTileSizeWins() {
    MemoryPlan p = MemoryPlan.plan(vgg, LAYERS, CONTENT, 500, 700, 0, 8 * GIB, 256, Adam.withLearningRate(1), MemoryModel.CONSERVATIVE);
    assertThat(p.layout().orElseThrow().tileWidth()).isLessThanOrEqualTo(256);
    assertThatThrownBy(() -> MemoryPlan.plan(vgg, LAYERS, CONTENT, 500, 700, 0, 8 * GIB, 100,
        Adam.withLearningRate(1), MemoryModel.CONSERVATIVE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least");
  }
}
