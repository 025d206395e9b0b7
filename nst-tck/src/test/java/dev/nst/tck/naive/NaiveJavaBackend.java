package dev.nst.tck.naive;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.LossBreakdown;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.Device;
import dev.nst.core.loss.HostObjective;
import dev.nst.core.spi.ObjectiveFeature;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * See {@link NaiveJavaBackendProvider}. Its "compiled" objective, for a spec that needs only the
 * features it was given, is the host objective over its own extractor, which it owns and closes.
 */
final class NaiveJavaBackend implements Backend {
  private final Set<ObjectiveFeature> compiled;
  private boolean closed;

  NaiveJavaBackend(Set<ObjectiveFeature> compiled) {
    this.compiled = compiled;
  }

  @Override
  public String name() {
    return "naive-java";
  }

  @Override
  public Device device() {
    return Device.CPU;
  }

  @Override
  public String description() {
    return "naive pure-Java loops on the CPU (test backend of the conformance suite)";
  }

  @Override
  public FeatureExtractor featureExtractor(Network network, Pooling pooling) {
    ensureOpen();
    return new NaiveFeatureExtractor(network.withPooling(pooling));
  }

  @Override
  public Optional<Objective> compile(Network network, ObjectiveSpec spec) {
    ensureOpen();
    if (!compiled.containsAll(needed(spec))) {
      return Optional.empty();
    }
    FeatureExtractor fx = featureExtractor(network, spec.pooling());
    HostObjective host;
    try {
      host = HostObjective.classic(fx, spec);
    } catch (RuntimeException e) {
      fx.close();
      throw e;
    }
    return Optional.of(new Objective() {
      @Override
      public int[] imageShape() {
        return host.imageShape();
      }

      @Override
      public LossBreakdown evaluate(float[] image, float[] gradient) {
        return host.evaluate(image, gradient);
      }

      @Override
      public void close() {
        host.close();
        fx.close();
      }
    });
  }

  /** What the spec needs, written out here rather than shared, so the suite's own rule is checked. */
  private static Set<ObjectiveFeature> needed(ObjectiveSpec spec) {
    Set<ObjectiveFeature> needed = EnumSet.of(ObjectiveFeature.TOTAL_VARIATION);
    if (!spec.content().isEmpty()) {
      needed.add(ObjectiveFeature.CONTENT);
    }
    for (ObjectiveSpec.StyleTarget t : spec.style()) {
      needed.add(switch (t.kind()) {
        case GRAM -> ObjectiveFeature.GRAM_STYLE;
        case W2 -> ObjectiveFeature.W2_STYLE;
        case HISTOGRAM -> ObjectiveFeature.HISTOGRAM_STYLE;
      });
    }
    if (spec.hasMasks()) {
      needed.add(ObjectiveFeature.STYLE_MASKS);
    }
    if (spec.normalizeGradients()) {
      needed.add(ObjectiveFeature.NORMALIZED_GRADIENTS);
    }
    return needed;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the naive-java backend is closed; open a new one");
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
