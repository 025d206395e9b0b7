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

  /** Releases native resources; harmless when called twice. */
  @Override
  void close();
}
