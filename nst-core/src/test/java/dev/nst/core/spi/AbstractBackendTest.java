package dev.nst.core.spi;

import static dev.nst.core.spi.TinyNetworks.ramp;
import static dev.nst.core.spi.TinyNetworks.tiny;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.LossBreakdown;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.ObjectiveSpec.StyleTarget;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Device;
import dev.nst.api.spi.TileObjective;
import dev.nst.api.spi.TileSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AbstractBackendTest {

  /** A backend that records the plans it compiles; its extractors and objectives do nothing. */
  static final class Fake extends AbstractBackend {
    final List<ObjectivePlan> compiled = new ArrayList<>();
    /** The hooks called, in order. */
    final List<String> calls = new ArrayList<>();

    Fake(Set<ObjectiveFeature> features) {
      super(features);
    }

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public Device device() {
      return Device.CPU;
    }

    @Override
    public String description() {
      return "a fake";
    }

    @Override
    protected FeatureExtractor newFeatureExtractor(Network network, Pooling pooling) {
      return new CachedFeatureExtractorTest.Fake(pooling);
    }

    @Override
    protected Objective newLeanObjective(ObjectivePlan plan) {
      calls.add("newLeanObjective");
      return objective(plan);
    }

    @Override
    public Optional<TileObjective> compileTile(Network network, TileSpec spec) {
      calls.add("compileTile");
      return Optional.empty();
    }

    @Override
    protected Optional<TileObjective> compileLeanTile(Network network, TileSpec spec) {
      calls.add("compileLeanTile");
      return Optional.empty();
    }

    @Override
    protected Objective newObjective(ObjectivePlan plan) {
      calls.add("newObjective");
      return objective(plan);
    }

    private Objective objective(ObjectivePlan plan) {
      compiled.add(plan);
      return new Objective() {
        @Override
        public int[] imageShape() {
          return plan.imageShape();
        }

        @Override
        public LossBreakdown evaluate(float[] image, float[] gradient) {
          return plan.breakdown(new double[plan.terms().size()], 0);
        }

        @Override
        public void close() {}
      };
    }
  }

  private static ObjectiveSpec guided() {
    return new ObjectiveSpec(List.of(), List.of(new StyleTarget("r1", 1, ramp(1, 3, 3), Tensor.zeros(1, 1, 6, 8))),
        1, 1, 0, Pooling.MAX, 6, 8);
  }

  @Test
  void aPlanThatNeedsAnUndeclaredFeatureIsNotCompiled() {
    Fake unguided = new Fake(EnumSet.complementOf(EnumSet.of(ObjectiveFeature.STYLE_MASKS)));
    assertThat(unguided.compile(tiny(), guided())).isEmpty();
    assertThat(unguided.compiled).isEmpty();

    Fake all = new Fake(EnumSet.allOf(ObjectiveFeature.class));
    Optional<Objective> o = all.compile(tiny(), guided());
    assertThat(o).isPresent();
    assertThat(o.get().imageShape()).containsExactly(1, 2, 6, 8);
    assertThat(all.compiled).hasSize(1);
    assertThat(all.compiled.get(0).requires()).contains(ObjectiveFeature.STYLE_MASKS);
  }

  @Test
  void theLeanModeReachesEveryObjectiveKind() {
    Fake backend = new Fake(EnumSet.allOf(ObjectiveFeature.class));
    ObjectiveSpec gram = new ObjectiveSpec(List.of(), List.of(new StyleTarget("r1", 1, ramp(1, 3, 3))),
        1, 1, 0, Pooling.MAX, 6, 8);
    ObjectiveSpec w2 = new ObjectiveSpec(List.of(), List.of(StyleTarget.w2("r1", 1, ramp(1, 3), ramp(1, 3, 3),
        null)), 1, 1, 0, Pooling.MAX, 6, 8);
    backend.compileLean(tiny(), gram);
    backend.compile(tiny(), gram);
    assertThat(backend.calls).containsExactly("newLeanObjective", "newObjective");
    backend.calls.clear();
    // W2 and histogram terms compile through the statistics pass's tile path, in the same mode
    backend.compileLean(tiny(), w2);
    backend.compile(tiny(), w2);
    assertThat(backend.calls).containsExactly("compileLeanTile", "compileTile");
  }

  @Test
  void specsThatDoNotFitTheNetworkAreRefusedBeforeTheFeaturesAreConsidered() {
    Fake none = new Fake(EnumSet.noneOf(ObjectiveFeature.class));
    ObjectiveSpec wrong = new ObjectiveSpec(List.of(), List.of(new StyleTarget("r1", 1, Tensor.zeros(2, 2))),
        1, 1, 0, Pooling.MAX, 6, 8);
    assertThatThrownBy(() -> none.compile(tiny(), wrong)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs [3, 3]");
  }

  @Test
  void closingTwiceIsHarmlessAndUseAfterCloseNamesTheBackend() {
    Fake backend = new Fake(EnumSet.allOf(ObjectiveFeature.class));
    FeatureExtractor fx = backend.featureExtractor(tiny(), Pooling.MAX);
    assertThat(backend.toString()).isEqualTo("Fake[a fake]");
    backend.close();
    backend.close();
    assertThat(backend.toString()).isEqualTo("Fake[a fake, closed]");
    assertThatThrownBy(() -> backend.featureExtractor(tiny(), Pooling.MAX)).isInstanceOf(IllegalStateException.class)
        .hasMessage("this fake backend is closed; open a new one with its BackendProvider");
    assertThatThrownBy(() -> backend.compile(tiny(), guided())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(backend::requireOpen).isInstanceOf(IllegalStateException.class);
    fx.close(); // what it created is the caller's to close
  }

  @Test
  void argumentsAndFeaturesAreChecked() {
    Fake backend = new Fake(EnumSet.of(ObjectiveFeature.CONTENT));
    assertThatThrownBy(() -> backend.featureExtractor(null, Pooling.MAX)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> backend.featureExtractor(tiny(), null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> backend.compile(tiny(), null)).isInstanceOf(NullPointerException.class);
    assertThat(backend.features()).containsExactly(ObjectiveFeature.CONTENT);
    assertThatThrownBy(() -> backend.features().clear()).isInstanceOf(UnsupportedOperationException.class);
  }
}
