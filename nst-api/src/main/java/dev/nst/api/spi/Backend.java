package dev.nst.api.spi;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import java.util.Optional;

/**
 * An opened compute backend. Holds native resources; close it when done (closing twice is
 * harmless, use after close throws {@link IllegalStateException}).
 */
public interface Backend extends AutoCloseable {

  /**
   * The provider's name.
   *
   * @return the name users select it by
   */
  String name();

  /**
   * The device it actually runs on (never AUTO).
   *
   * @return CPU or GPU
   */
  Device device();

  /**
   * A sentence naming the device and library, for logs and {@code nst backends}.
   *
   * @return the description
   */
  String description();

  /**
   * Level 1: activations and vector-Jacobian products at named layers.
   *
   * @param network the network to run
   * @param pooling the kind its pools use
   * @return an extractor the caller closes
   */
  FeatureExtractor featureExtractor(Network network, Pooling pooling);

  /**
   * Level 2: the whole objective (forward, losses, backward) compiled for the device, or empty
   * when this backend cannot compile it (the caller then falls back to level 1).
   *
   * @param network the network to run
   * @param spec the objective's terms and targets for one image size
   * @return an objective the caller closes, or empty
   */
  Optional<Objective> compile(Network network, ObjectiveSpec spec);

  /**
   * Level 2 for the tiles of an exact tiled evaluation of images too large to evaluate at once
   * (see {@link TileObjective}), or empty when this backend does not compile tiles (the run then
   * forms the tiles' statistics and gradients on the host over level-1 features).
   *
   * @param network the network (any pooling; the spec's applies)
   * @param spec the tile size and the terms' layers
   * @return the compiled tile objective, or empty
   */
  default Optional<TileObjective> compileTile(Network network, TileSpec spec) {
    return Optional.empty();
  }

  /**
   * How much native memory an evaluation takes on this backend, by estimate: the memory plan of
   * a run uses it to choose between whole images and tiles.
   *
   * @return {@link MemoryModel#CONSERVATIVE} unless the backend measured itself
   */
  default MemoryModel memoryModel() {
    return MemoryModel.CONSERVATIVE;
  }

  /**
   * The memory model of this backend's lean mode ({@link #compileLean}), or empty when it has
   * none. A run's memory plan evaluates the whole image in lean mode when the default mode's
   * estimate does not fit the budget but the lean mode's does, before it falls back to tiles,
   * which cost more time than a lean evaluation.
   *
   * @return the lean mode's model, empty by default
   */
  default Optional<MemoryModel> leanMemoryModel() {
    return Optional.empty();
  }

  /**
   * Level 2 in lean mode: the objective {@link #compile} gives (the same losses and gradient),
   * evaluated holding less memory at once for more time per evaluation. Backends without a lean
   * mode compile their default one.
   *
   * @param network the network to run
   * @param spec the objective's terms and targets for one image size
   * @return an objective the caller closes, or empty
   */
  default Optional<Objective> compileLean(Network network, ObjectiveSpec spec) {
    return compile(network, spec);
  }

  @Override
  void close();
}
