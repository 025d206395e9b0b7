package dev.nst.core.spi;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.Sets;
import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.TileObjective;
import dev.nst.api.spi.TileSpec;
import java.util.Optional;
import java.util.Set;

/**
 * A skeletal {@link Backend}: the lifecycle, the argument checks, and level 2 by way of an
 * {@link ObjectivePlan}. {@link #compile(Network, ObjectiveSpec)} plans the spec (which checks
 * every target against the network), returns empty when the plan
 * {@linkplain ObjectivePlan#requires() requires} a feature this backend did not declare, and
 * otherwise hands the plan to {@link #newObjective}, except a plan with W2 or histogram terms
 * ({@link ObjectivePlan#needsStatisticsPass()}): those need the whole image's statistics before
 * any layer gradient, so they compile as one exact tile on {@link #compileTile}
 * ({@code TiledObjective.compiled}: a statistics call, the C x C work on the host, a gradient
 * call), and such a plan with normalised gradients compiles to empty (the host objective runs
 * it).
 *
 * <p>Closing is harmless when repeated and forbids creating extractors and objectives (an
 * {@link IllegalStateException}); what was created before stays the caller's to close: extractors
 * check {@link #requireOpen()} on every call, compiled objectives keep working until they are
 * closed themselves.
 */
public abstract class AbstractBackend implements Backend {
  private final Set<ObjectiveFeature> features;
  private volatile boolean closed;

  /**
   * A backend whose compiled objectives support {@code features}.
   *
   * @param features what {@link #newObjective} can build
   * @throws NullPointerException when {@code features} is null
   */
  protected AbstractBackend(Set<ObjectiveFeature> features) {
    this.features = Sets.immutableEnumSet(checkNotNull(features, "features"));
  }

  /**
   * What this backend's compiled objectives support; a spec that needs more runs on the host.
   *
   * @return an immutable set
   */
  public final Set<ObjectiveFeature> features() {
    return features;
  }

  /**
   * Level 1: activations and vector-Jacobian products at named layers, from
   * {@link #newFeatureExtractor}.
   *
   * @param network the network to run
   * @param pooling the kind its pools use
   * @return an extractor the caller closes
   * @throws IllegalStateException when this backend is closed
   */
  @Override
  public final FeatureExtractor featureExtractor(Network network, Pooling pooling) {
    requireOpen();
    checkNotNull(network, "network");
    checkNotNull(pooling, "pooling");
    return newFeatureExtractor(network, pooling);
  }

  /**
   * Level 2: the whole objective compiled by {@link #newObjective}, or empty when the spec needs
   * a feature this backend does not declare (the caller then falls back to level 1).
   *
   * @param network the network to run
   * @param spec the objective's terms and targets for one image size
   * @return an objective the caller closes, or empty
   * @throws IllegalStateException when this backend is closed
   * @throws dev.nst.api.UnknownLayerException when the spec names a layer the network lacks
   * @throws IllegalArgumentException when a target or mask does not fit the network at the
   *     spec's image size (see {@link ObjectivePlan#of})
   */
  @Override
  public final Optional<Objective> compile(Network network, ObjectiveSpec spec) {
    return compile(network, spec, false);
  }

  /**
   * Like {@link #compile(Network, ObjectiveSpec)}, through {@link #newLeanObjective}, or
   * {@link #compileLeanTile} for the objectives that need a statistics pass (W2, histogram).
   */
  @Override
  public final Optional<Objective> compileLean(Network network, ObjectiveSpec spec) {
    return compile(network, spec, true);
  }

  private Optional<Objective> compile(Network network, ObjectiveSpec spec, boolean lean) {
    requireOpen();
    Optional<ObjectivePlan> plan = ObjectivePlan.of(network, spec).ifSupportedBy(features);
    if (plan.isPresent() && plan.get().needsStatisticsPass()) {
      Network net = plan.get().network();
      return spec.normalizeGradients() ? Optional.empty()
          : dev.nst.core.tile.TiledObjective.compiled(
              t -> lean ? compileLeanTile(net, t) : compileTile(net, t), net, spec);
    }
    return plan.map(lean ? this::newLeanObjective : this::newObjective);
  }

  /**
   * Creates a level-1 extractor.
   *
   * @param network the network, not null
   * @param pooling the pooling every pool runs with, not null
   * @return the extractor
   */
  protected abstract FeatureExtractor newFeatureExtractor(Network network, Pooling pooling);

  /**
   * Compiles a plan whose features this backend supports.
   *
   * @param plan the checked plan
   * @return the compiled objective
   */
  protected abstract Objective newObjective(ObjectivePlan plan);

  /**
   * Compiles a plan whose features this backend supports in its lean mode
   * ({@link #leanMemoryModel()}); by default the same as {@link #newObjective}.
   *
   * @param plan the checked plan
   * @return the compiled objective
   */
  protected Objective newLeanObjective(ObjectivePlan plan) {
    return newObjective(plan);
  }

  /**
   * {@link #compileTile} in this backend's lean mode, for {@link #compileLean}'s objectives with
   * a statistics pass; by default the same as {@code compileTile}.
   *
   * @param network the network to run
   * @param spec the tile size and the terms' layers
   * @return the compiled tile objective, or empty
   */
  protected Optional<TileObjective> compileLeanTile(Network network, TileSpec spec) {
    return compileTile(network, spec);
  }

  /**
   * Checks that this backend is open; extractors call it on every use.
   *
   * @throws IllegalStateException naming the backend when it is closed
   */
  public final void requireOpen() {
    checkState(!closed, "this %s backend is closed; open a new one with its BackendProvider", name());
  }

  /**
   * Marks this backend closed; harmless when called twice. What it created stays open (see the
   * class documentation).
   */
  @Override
  public final void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + description() + (closed ? ", closed" : "") + "]";
  }
}
