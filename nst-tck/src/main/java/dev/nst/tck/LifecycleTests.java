package dev.nst.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Objective;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.Device;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Identity and lifecycle: the backend names itself and the device it really uses; backends,
 * feature extractors and compiled objectives close twice without harm, and use after close is
 * an {@link IllegalStateException}.
 */
abstract class LifecycleTests extends ConformanceTests {
  private static final long SEED = TinyNetwork.SEED;

  LifecycleTests(BackendUnderTest target) {
    super(target);
  }

  @Test
  @DisplayName("backend: name, device and description")
  final void backendDescribesItself() {
    Backend backend = backend();
    BackendOptions options = target().options();
    assertEquals(target().provider().name(), backend.name(), "backend name vs provider name");
    assertNotNull(backend.device(), "device()");
    assertNotEquals(Device.AUTO, backend.device(), "device() must be the device actually used, never AUTO");
    if (options.device() != Device.AUTO) {
      assertEquals(options.device(), backend.device(), "device() vs the device asked for");
    }
    assertTrue(backend.description() != null && !backend.description().isBlank(), "description() must say something");
  }

  @Test
  @DisplayName("lifecycle: backend closes twice, use after close is IllegalStateException")
  final void backendLifecycle() {
    Backend b = target().provider().open(target().options());
    b.close();
    b.close();
    Network net = TinyNetwork.build(SEED);
    assertThrows(IllegalStateException.class, () -> b.featureExtractor(net, Pooling.MAX), "featureExtractor after close");
    assertThrows(IllegalStateException.class, () -> b.compile(net, TinySpecs.withoutBackend(net)),
        "compile after close");
  }

  @Test
  @DisplayName("lifecycle: feature extractor closes twice, use after close is IllegalStateException")
  final void extractorLifecycle() {
    Network net = TinyNetwork.build(SEED);
    FeatureExtractor fx = backend().featureExtractor(net, Pooling.MAX);
    Tensor x = TinyNetwork.image(SEED);
    Map<String, Tensor> acts = fx.forward(x, List.of("conv3"));
    fx.close();
    fx.close();
    assertThrows(IllegalStateException.class, () -> fx.forward(x, List.of("conv3")), "forward after close");
    assertThrows(IllegalStateException.class, () -> fx.backward(x, acts), "backward after close");
  }

  @Test
  @DisplayName("lifecycle: compiled objective closes twice, use after close is IllegalStateException")
  final void objectiveLifecycle() {
    Network net = TinyNetwork.build(SEED);
    Objective obj = compiled(net, TinySpecs.withoutBackend(net));
    float[] x = TinyNetwork.image(SEED).toArray();
    obj.evaluate(x, new float[x.length]);
    obj.close();
    obj.close();
    assertThrows(IllegalStateException.class, () -> obj.evaluate(x, new float[x.length]), "evaluate after close");
  }
}
