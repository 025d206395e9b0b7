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
      assertThatThrownBy(() -> s.run(x -> x.style(image(9, 8, 8))))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> s.run(x -> x.threads(3))).isInstanceOf(IllegalArgumentException.class);
      // what a run may change
      assertThat(s.run(x -> x.iterations(2).alpha(3).size(10)).iterations()).isEqualTo(2);
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
