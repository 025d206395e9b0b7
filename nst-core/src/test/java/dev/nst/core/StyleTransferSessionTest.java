package dev.nst.core;

import static dev.nst.core.ToBuilderTest.image;
import static dev.nst.core.ToBuilderTest.onHost;
import static dev.nst.core.ToBuilderTest.pixels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.Pooling;
import dev.nst.core.image.Images;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many runs on one backend with shared style targets give what separate runs give. */
class StyleTransferSessionTest {
  @TempDir Path dir;

  private static StyleTransfer transfer() {
    return onHost().style(image(3, 20, 14)).style(image(5, 9, 9), 0.5).iterations(6).build();
  }

  @Test
  void runsOfASessionEqualSeparateRuns() throws Exception {
    StyleTransfer t = transfer();
    Path a = dir.resolve("a.png");
    Path b = dir.resolve("b.png");
    try (StyleTransferSession s = t.open()) {
      StyleTransferResult first = s.run(x -> x.content(image(2, 18, 12)).output(a));
      StyleTransferResult second = s.run(x -> x.content(image(7, 12, 18)).output(b));
      StyleTransferResult again = s.run(x -> x.content(image(2, 18, 12)));
      StyleTransferResult alone = t.toBuilder().content(image(2, 18, 12)).build().run();
      assertThat(pixels(first.image())).isEqualTo(pixels(alone.image()));
      assertThat(pixels(again.image())).isEqualTo(pixels(alone.image()));
      assertThat(first.history()).isEqualTo(alone.history());
      // the second image ran on the first one's L-BFGS history arrays (longer, and holding its values)
      StyleTransferResult secondAlone = t.toBuilder().content(image(7, 12, 18)).build().run();
      assertThat(pixels(second.image())).isEqualTo(pixels(secondAlone.image()));
      assertThat(second.history()).isEqualTo(secondAlone.history());
      assertThat(s.workArrays().idleValues()).as("history arrays kept for the next run").isPositive();
      assertThat(second.image().getWidth()).isEqualTo(11);
      assertThat(second.image().getHeight()).isEqualTo(16);
      assertThat(pixels(Images.read(a))).isEqualTo(pixels(first.image()));
      assertThat(Images.read(b).getHeight()).isEqualTo(16);
    }
  }

  @Test
  void whatTheSessionFixedCannotChange() {
    try (StyleTransferSession s = transfer().open()) {
      assertThatThrownBy(() -> s.run(x -> x.pooling(Pooling.AVERAGE)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("open another session");
      assertThatThrownBy(() -> s.run(x -> x.styleScale(0.5))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> s.run(x -> x.threads(3))).isInstanceOf(IllegalArgumentException.class);
      // what a run may change
      assertThat(s.run(x -> x.iterations(2).alpha(3).size(10)).iterations()).isEqualTo(2);
    }
  }

  @Test
  void runsWithOtherStylesEqualSeparateRunsAndComputeEachStyleOnce() {
    StyleTransfer t = onHost().style(image(3, 20, 14)).iterations(4).build();
    try (StyleTransferSession s = t.open()) {
      java.awt.image.BufferedImage painting = image(4, 23, 13); // 16 x 9 at size 16
      int before = HostTestBackend.forwards(9, 16);
      StyleTransferResult other = s.run(x -> x.clearStyles().style(painting).content(image(2, 18, 12)));
      s.run(x -> x.clearStyles().style(painting).content(image(6, 18, 12)));
      StyleTransferResult first = s.run(x -> x.content(image(2, 18, 12)));
      assertThat(HostTestBackend.forwards(9, 16) - before).as("forward passes of the other style").isEqualTo(1);
      assertThat(pixels(other.image())).isEqualTo(pixels(t.toBuilder().clearStyles().style(painting)
          .content(image(2, 18, 12)).build().run().image()));
      assertThat(pixels(first.image())).isEqualTo(pixels(t.toBuilder().content(image(2, 18, 12)).build().run().image()));
      assertThat(pixels(other.image())).isNotEqualTo(pixels(first.image()));
    }
  }

  @Test
  void forksShareStyleTargetsAcrossThreadsAndGiveTheSameImages() throws Exception {
    StyleTransfer t = onHost().style(image(3, 21, 13)).iterations(3).build(); // 16 x 10 at size 16
    int before = HostTestBackend.forwards(10, 16);
    try (StyleTransferSession s = t.open(); StyleTransferSession fork = s.fork(x -> x.threads(1))) {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var a = pool.submit(() -> s.run(x -> x.content(image(2, 18, 12))));
        var b = pool.submit(() -> fork.run(x -> x.content(image(2, 18, 12))));
        assertThat(pixels(a.get().image())).isEqualTo(pixels(b.get().image()));
      } finally {
        pool.shutdown();
      }
      assertThat(HostTestBackend.forwards(10, 16) - before).as("style forward passes for two sessions").isEqualTo(1);
      assertThatThrownBy(() -> s.fork(x -> x.pooling(Pooling.AVERAGE)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fork keeps");
      assertThatThrownBy(() -> fork.run(x -> x.threads(2))).isInstanceOf(IllegalArgumentException.class);
      fork.close();
      assertThat(s.run(x -> x.content(image(5, 10, 10))).image().getWidth()).isEqualTo(16);
      assertThatThrownBy(() -> fork.fork(x -> x)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aClosedSessionRefusesRunsAndClosesTwiceHarmlessly() {
    StyleTransferSession s = transfer().open();
    s.close();
    s.close();
    assertThatThrownBy(() -> s.run(x -> x)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
