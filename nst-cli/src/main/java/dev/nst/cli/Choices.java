package dev.nst.cli;

import com.google.common.collect.ImmutableMap;
import dev.nst.api.InputConvention;
import dev.nst.api.Optimizer;
import dev.nst.api.PaddingMode;
import dev.nst.api.Pooling;
import dev.nst.api.StyleLossKind;
import dev.nst.api.spi.BackendProvider;
import dev.nst.api.spi.Device;
import dev.nst.core.Preset;
import dev.nst.core.color.ColorControl;
import dev.nst.core.model.ModelRegistry;
import dev.nst.core.optim.Adam;
import dev.nst.core.optim.Lbfgs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The closed sets of {@code nst stylize}'s options, one {@link Choice} each, and the open ones
 * whose usual values {@code --help} lists (models, backends).
 */
final class Choices {
  private Choices() {}

  /** {@code --device}. */
  static final class DeviceChoice extends Choice<Device> {
    DeviceChoice() {
      super(ImmutableMap.of("auto", Device.AUTO, "cpu", Device.CPU, "gpu", Device.GPU));
    }
  }

  /** {@code --pooling}; {@code average} is accepted for {@code avg}. */
  static final class PoolingChoice extends Choice<Pooling> {
    PoolingChoice() {
      super(ImmutableMap.of("max", Pooling.MAX, "avg", Pooling.AVERAGE), ImmutableMap.of("average", Pooling.AVERAGE));
    }
  }

  /** {@code --color}. */
  static final class ColorChoice extends Choice<ColorControl> {
    ColorChoice() {
      super(ImmutableMap.of(
          "none", ColorControl.NONE,
          "keep-content", ColorControl.KEEP_CONTENT_COLORS,
          "luminance-only", ColorControl.LUMINANCE_ONLY,
          "match-style", ColorControl.MATCH_STYLE_TO_CONTENT));
    }
  }

  /** {@code --preset}. */
  static final class PresetChoice extends Choice<Preset> {
    PresetChoice() {
      super(ImmutableMap.of(
          "classic", Preset.CLASSIC,
          "neural-style-lua", Preset.NEURAL_STYLE_LUA,
          "pytorch-tutorial", Preset.PYTORCH_TUTORIAL,
          "tensorflow-tutorial", Preset.TENSORFLOW_TUTORIAL,
          "quality", Preset.QUALITY));
    }
  }

  /** {@code --style-loss}. */
  static final class StyleLossChoice extends Choice<StyleLossKind> {
    StyleLossChoice() {
      super(ImmutableMap.of("gram", StyleLossKind.GRAM, "w2", StyleLossKind.W2, "histogram", StyleLossKind.HISTOGRAM));
    }
  }

  /** {@code --padding}. */
  static final class PaddingChoice extends Choice<PaddingMode> {
    PaddingChoice() {
      super(ImmutableMap.of("zeros", PaddingMode.ZEROS, "replicate", PaddingMode.REPLICATE, "reflect",
          PaddingMode.REFLECT));
    }
  }

  /** {@code --convention}. */
  static final class ConventionChoice extends Choice<InputConvention> {
    ConventionChoice() {
      super(ImmutableMap.of("torch", InputConvention.TORCH, "caffe", InputConvention.CAFFE,
          "unit", InputConvention.UNIT));
    }
  }

  /** {@code --optimizer}: the optimiser's kind; its learning rate is a separate option. */
  static final class OptimizerChoice extends Choice<OptimizerKind> {
    OptimizerChoice() {
      super(ImmutableMap.of("lbfgs", OptimizerKind.LBFGS, "adam", OptimizerKind.ADAM));
    }
  }

  /** The optimisers {@code --optimizer} names. */
  enum OptimizerKind {
    LBFGS,
    ADAM;

    /**
     * The optimiser with {@code learningRate}, or its own default when null. Under the quality
     * preset Adam is the preset's ({@link Adam#quality()}: box constraint, moments carried across
     * scales, the learning rate in units of the pixel range 0..1); otherwise plain Adam.
     */
    Optimizer create(Double learningRate, Preset preset) {
      if (this == LBFGS) {
        return learningRate == null ? Lbfgs.defaults() : Lbfgs.defaults().withLearningRate(learningRate);
      }
      Adam adam = preset == Preset.QUALITY ? Adam.quality() : Adam.defaults();
      return learningRate == null ? adam : new Adam(learningRate, adam.beta1(), adam.beta2(), adam.epsilon(),
          adam.boxConstraint(), adam.carriesState(), adam.pixelUnits());
    }

    /** The kind of optimiser {@code preset} runs. */
    static OptimizerKind of(Preset preset) {
      return preset == Preset.QUALITY ? ADAM : LBFGS;
    }
  }

  /** The registered model names, for {@code --model}'s help (a model file is accepted too). */
  static final class ModelNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return ModelRegistry.builtIn().names().iterator();
    }
  }

  /**
   * The names of the backends on the classpath, for {@code --backend}'s help: what
   * {@code nst backends} lists. Providers are cheap to construct and nothing is probed here, so
   * {@code --help} loads no native library; an unknown name fails later with the list of what was
   * found (exit code 5).
   */
  static final class BackendNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      List<BackendProvider> found = new ArrayList<>();
      try {
        ServiceLoader.load(BackendProvider.class, Choices.class.getClassLoader()).forEach(found::add);
      } catch (ServiceConfigurationError e) {
        // a broken provider: 'nst backends' and the run itself report it; help lists the others
      }
      // the order of 'nst backends': preferred first
      found.sort(Comparator.comparingInt(BackendProvider::priority).reversed().thenComparing(BackendProvider::name));
      return found.stream().map(BackendProvider::name).iterator();
    }
  }
}
