package dev.nst.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.Pooling;
import dev.nst.api.StyleLossKind;
import dev.nst.api.spi.TileSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tile's own statistics joined to its gradient pass: what reaches the backend's inputs, with and
 * without a gradient graph that forms the Gram matrices itself.
 */
class AbstractTileObjectiveTest {
  private static final float[] GRAM = {1, 2, 2, 5};

  /** Records every fed input and the calls; its statistics pass gives {@link #GRAM}. */
  private static final class Recording extends AbstractTileObjective {
    final Map<String, float[]> fed = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    private final boolean formsOwn;

    Recording(TileSpec spec, boolean formsOwn) {
      super(spec, 1, "recording");
      this.formsOwn = formsOwn;
    }

    @Override
    protected void feed(String input, float[] values, int from, int length) {
      fed.put(input, java.util.Arrays.copyOfRange(values, from, from + length));
    }

    @Override
    protected void runStatistics(float[][] statistics) {
      calls.add("statistics");
      System.arraycopy(GRAM, 0, statistics[0], 0, GRAM.length);
    }

    @Override
    protected double[] runGradient(float[] gradient) {
      calls.add("gradient");
      return new double[0];
    }

    @Override
    protected boolean formsOwnStatistics() {
      return formsOwn;
    }

    @Override
    protected double[] runGradientWithOwnStatistics(float[] gradient, float[][] grams) {
      calls.add("gradientWithOwnStatistics");
      System.arraycopy(GRAM, 0, grams[0], 0, GRAM.length);
      return new double[0];
    }

    @Override
    protected void release() {}
  }

  private static final TileSpec GRAM_SPEC = TileSpec.ofGram(2, 2, Pooling.MAX, List.of(), List.of("conv"));

  private static double[] joined(Recording o, float[] matrix, float[] grams) {
    return o.gradientWithOwnStatistics(new float[4], new float[0][], new float[0][], new float[0],
        new float[][] {new float[4]}, new float[][] {matrix}, new float[] {0.5f}, new float[][] {grams},
        new float[4]);
  }

  @Test
  void withoutItsOwnGramTheBackendRunsBothPassesAndGetsTheWholeMatrix() {
    Recording o = new Recording(GRAM_SPEC, false);
    float[] matrix = {10, 20, 30, 40};
    float[] grams = new float[4];

    joined(o, matrix, grams);

    assertThat(o.calls).containsExactly("statistics", "gradient");
    assertThat(o.fed.get("style_matrix/0")).containsExactly(10.5f, 21f, 31f, 42.5f); // A + 0.5 G
    assertThat(matrix).containsExactly(10, 20, 30, 40);
    assertThat(grams).containsExactly(GRAM);
    assertThat(o.fed).doesNotContainKey("style_self/0");
  }

  @Test
  void aBackendThatFormsItsOwnGramGetsTheFactorAndAPlainPassGetsZero() {
    Recording o = new Recording(GRAM_SPEC, true);
    float[] grams = new float[4];

    joined(o, new float[] {10, 20, 30, 40}, grams);

    assertThat(o.calls).containsExactly("gradientWithOwnStatistics");
    assertThat(o.fed.get("style_matrix/0")).containsExactly(10, 20, 30, 40);
    assertThat(o.fed.get("style_self/0")).containsExactly(0.5f);
    assertThat(grams).containsExactly(GRAM);

    o.gradient(new float[4], new float[0][], new float[0][], new float[0], new float[][] {new float[4]},
        new float[][] {new float[4]}, new float[4]);
    assertThat(o.fed.get("style_self/0")).containsExactly(0f);
  }

  @Test
  void termsOfOtherKindsCannotJoinThePasses() {
    TileSpec w2 = new TileSpec(2, 2, Pooling.MAX, List.of(),
        List.of(new TileSpec.Style("conv", StyleLossKind.W2, null, 0)));
    Recording o = new Recording(w2, true);

    assertThatThrownBy(() -> joined(o, new float[6], new float[6]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Gram terms only")
        .hasMessageContaining("W2");
    assertThat(o.calls).isEmpty();
  }
}
