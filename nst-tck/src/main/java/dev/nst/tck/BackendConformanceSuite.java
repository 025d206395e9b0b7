package dev.nst.tck;

import dev.nst.api.NstException;
import dev.nst.api.UnknownLayerException;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.BackendProvider;
import dev.nst.api.spi.Device;
import com.google.common.base.CaseFormat;
import dev.nst.core.spi.ObjectiveFeature;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

/**
 * The backend conformance suite (DESIGN.md sections 2 and 3). A backend module runs it by
 * subclassing it in its tests, naming its provider and the features its {@code compile}
 * supports:
 *
 * <pre>
 * class OnnxConformanceTest extends BackendConformanceSuite {
 *   protected BackendProvider provider() { return new OnnxBackendProvider(); }
 *   protected Set&lt;ObjectiveFeature&gt; features() { return EnumSet.allOf(ObjectiveFeature.class); }
 * }
 * </pre>
 *
 * and on another device by overriding {@link #options()} in a subclass of that. A backend that
 * cannot run here (its provider is unavailable, offers no such device, or throws
 * {@link dev.nst.api.DeviceUnavailableException} on open) has every test skipped with that
 * reason; one that opens on another device than the one asked for fails, so a GPU run never
 * passes on the CPU.
 *
 * <p>The parts, each a focused class of its own and a {@link Nested} class here:
 *
 * <ul>
 *   <li><b>Reference cases</b> ({@code ReferenceCaseTests}): activations, Gram matrices and
 *       both levels of the objective against PyTorch float64 data, within each case's
 *       tolerances. The reference directory is {@code -Dnst.reference.dir}, else
 *       {@code ${nst.shared.dir}/reference} when present, else
 *       {@code ${nst.testdata.dir}/reference}; the first test's name shows the one used. The
 *       project's own full-width VGG-19 case (weights from a seed) runs in addition.
 *   <li><b>Style loss references</b> ({@code StyleLossReferenceTests}): the W2 and histogram
 *       style losses against PyTorch float64 data from {@code tools/style_loss_reference.py}
 *       ({@code ${nst.testdata.dir}/style-losses}), guided terms and replicate and reflect
 *       padding included, at both levels.
 *   <li><b>Gradients</b> ({@code GradientTests}): a tiny random network with every layer kind,
 *       against central differences, both poolings, level 1 and level 2.
 *   <li><b>Loss precision</b> ({@code LossPrecisionTests}): the loss values of large
 *       reductions (a content term over 4.2M values, a 256x256 Gram, the TV of 512x512 px) within 2e-6
 *       of float64 sums over the backend's own activations.
 *   <li><b>Declared features</b> ({@code FeatureTests}): for each {@link ObjectiveFeature}, a
 *       declared one compiles and agrees with level 1, an undeclared one compiles to empty, and
 *       the level-1 fallback handles it.
 *   <li><b>Lean mode</b> ({@code LeanModeTests}): {@code compileLean} gives the default mode's
 *       losses and gradient over several evaluations, and its memory model estimates no more.
 *   <li><b>Lifecycle</b> ({@code LifecycleTests}): identity and device; closing twice is
 *       harmless, use after close is an {@link IllegalStateException}.
 *   <li><b>Bad input</b> ({@code BadInputTests}): wrong shapes are
 *       {@link IllegalArgumentException}s (or {@link NstException}s) naming the expected shape;
 *       unknown layers are {@link UnknownLayerException}s.
 * </ul>
 *
 * <p>Wherever a test compiles a spec, it holds {@code compile} to the declaration: a spec whose
 * features are all declared must compile; one that needs an undeclared feature must compile to
 * empty (and the test is then skipped, as level 1 covers it).
 *
 * <p>Why {@code @Nested} parts: the backend is opened once, here, and shared by every part,
 * and a backend module still writes one short subclass that runs everything, as with a single
 * class, while each part stays a small file (as guava-testlib's testers do). Thin subclasses
 * per part would cost every backend five files per device, and a JUnit suite engine would
 * not share the opened backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayNameGeneration(BackendConformanceSuite.PartNames.class)
public abstract class BackendConformanceSuite {
  private BackendUnderTest target;

  /** Creates the suite; the backend is opened before the first test. */
  protected BackendConformanceSuite() {}

  /**
   * The provider of the backend under test.
   *
   * @return a new provider; called once per run of the suite
   */
  protected abstract BackendProvider provider();

  /**
   * The features the backend's {@link Backend#compile} supports: each is checked against
   * level 1, and every other one must make {@code compile} return empty.
   *
   * @return the declared features; may be empty for a backend that never compiles
   */
  protected abstract Set<ObjectiveFeature> features();

  /**
   * Options the backend is opened with.
   *
   * @return CPU with all cores unless overridden
   */
  protected BackendOptions options() {
    return new BackendOptions(Device.CPU, 0);
  }

  /**
   * Whether the reference cases include the project's own full-width VGG-19 case (seeded
   * weights, 64..512 channels; about a dozen evaluations of a 1.5 GMAC forward pass and its
   * backward). A backend meant for use must run it, and should keep the default; a reference
   * implementation written for obviousness rather than speed may return false, and its tests
   * then report the case as skipped.
   *
   * @return true unless overridden
   */
  protected boolean fullWidthReferenceCases() {
    return true;
  }

  @BeforeAll
  final void openBackend() {
    target = BackendUnderTest.open(provider(), options(), features());
  }

  @AfterAll
  final void closeBackend() {
    if (target != null) {
      target.close();
    }
  }

  /** Reference cases against PyTorch float64 data. */
  @Nested
  class ReferenceCases extends ReferenceCaseTests {
    ReferenceCases() {
      super(target, fullWidthReferenceCases());
    }
  }

  /** The W2 and histogram style losses against PyTorch float64 data. */
  @Nested
  class StyleLossReferences extends StyleLossReferenceTests {
    StyleLossReferences() {
      super(target);
    }
  }

  /** Gradients of the tiny network against central differences. */
  @Nested
  class Gradients extends GradientTests {
    Gradients() {
      super(target);
    }
  }

  /** The declared features against level 1; the undeclared ones compile to empty. */
  @Nested
  class DeclaredFeatures extends FeatureTests {
    DeclaredFeatures() {
      super(target);
    }
  }

  /** Loss values of large reductions against float64 sums. */
  @Nested
  class LossPrecision extends LossPrecisionTests {
    LossPrecision() {
      super(target);
    }
  }

  /** Exact tiles: tiled evaluation equals untiled. */
  @Nested
  class TiledEvaluation extends TiledEvaluationTests {
    TiledEvaluation() {
      super(target);
    }
  }

  /** The lean mode: the default mode's objective with less memory. */
  @Nested
  class LeanMode extends LeanModeTests {
    LeanMode() {
      super(target);
    }
  }

  /** Identity and lifecycle. */
  @Nested
  class Lifecycle extends LifecycleTests {
    Lifecycle() {
      super(target);
    }
  }

  /** Wrong shapes and unknown layers. */
  @Nested
  class BadInput extends BadInputTests {
    BadInput() {
      super(target);
    }
  }

  /**
   * Names each part after its class and the concrete suite ("OnnxGpuConformanceTest: declared
   * features"), so that a report says which backend and device a failing part ran on: the part
   * classes are shared by every suite.
   */
  static final class PartNames extends DisplayNameGenerator.Standard {
    @Override
    public String generateDisplayNameForNestedClass(List<Class<?>> enclosingInstanceTypes, Class<?> nestedClass) {
      String part = CaseFormat.UPPER_CAMEL.to(CaseFormat.LOWER_UNDERSCORE, nestedClass.getSimpleName()).replace('_', ' ');
      return enclosingInstanceTypes.isEmpty()
          ? part : enclosingInstanceTypes.get(enclosingInstanceTypes.size() - 1).getSimpleName() + ": " + part;
    }
  }
}
