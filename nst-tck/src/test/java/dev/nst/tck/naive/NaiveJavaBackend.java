package dev.nst.tck.naive;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.Device;
import java.util.Optional;

/** See {@link NaiveJavaBackendProvider}. Has no compiled objective. */
final class NaiveJavaBackend implements Backend {
  private boolean closed;

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
    return Optional.empty();
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
