package dev.nst.tck;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.NstException;
import dev.nst.api.Objective;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.UnknownLayerException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input: wrong shapes are {@link IllegalArgumentException}s (or {@link NstException}s)
 * whose message names the expected shape; unknown layers are {@link UnknownLayerException}s
 * that name the layer.
 */
abstract class BadInputTests extends ConformanceTests {
  private static final long SEED = TinyNetwork.SEED;

  BadInputTests(BackendUnderTest target) {
    super(target);
  }

  /** The expected shape as numbers in order, such as "(1, 3, 11, 12)" or "[1, 3, H, W]". */
  private static Pattern shapePattern(Object... dims) {
    StringBuilder sb = new StringBuilder("(?s).*");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append("[^0-9A-Za-z]{1,4}");
      }
      sb.append("\\b").append(Pattern.quote(dims[i].toString())).append("\\b");
    }
    return Pattern.compile(sb.append(".*").toString());
  }

  private static void assertRejected(Executable call, Pattern expectedShape, String what) {
    RuntimeException e = assertThrows(RuntimeException.class, call, what + " must be rejected");
    assertTrue(e instanceof IllegalArgumentException || e instanceof NstException,
        () -> what + ": expected IllegalArgumentException or NstException, got " + e);
    assertTrue(e.getMessage() != null && expectedShape.matcher(e.getMessage()).matches(),
        () -> what + ": the message should name the expected shape (" + expectedShape + "), was: " + e.getMessage());
  }

  @Test
  @DisplayName("bad input: wrong image shapes name the expected shape")
  final void wrongImageShapes() {
    Network net = TinyNetwork.build(SEED);
    try (FeatureExtractor fx = backend().featureExtractor(net, Pooling.MAX)) {
      Pattern expected = shapePattern(1, TinyNetwork.CHANNELS);
      assertRejected(() -> fx.forward(Tensor.zeros(1, 4, 11, 12), List.of("conv3")), expected,
          "forward of a 4-channel image to a 3-channel network");
      assertRejected(() -> fx.forward(Tensor.zeros(3, 11, 12), List.of("conv3")), expected,
          "forward of a rank-3 image");
      assertRejected(() -> fx.forward(Tensor.zeros(2, 3, 11, 12), List.of("conv3")), expected,
          "forward of a batch of 2");
      Map<String, Tensor> grads = Map.of("conv3", Tensor.zeros(1, 5, 2, 3));
      assertRejected(() -> fx.backward(Tensor.zeros(1, 2, 11, 12), grads), expected,
          "backward with a 2-channel image");
    }
  }

  @Test
  @DisplayName("bad input: a layer gradient of the wrong shape names the expected shape")
  final void wrongLayerGradientShape() {
    Network net = TinyNetwork.build(SEED);
    try (FeatureExtractor fx = backend().featureExtractor(net, Pooling.MAX)) {
      int[] chw = net.shapeOf("lrelu2", TinyNetwork.HEIGHT, TinyNetwork.WIDTH);
      assertRejected(() -> fx.backward(TinyNetwork.image(SEED), Map.of("lrelu2", Tensor.zeros(1, chw[0], chw[1] + 1, chw[2]))),
          shapePattern(1, chw[0], chw[1], chw[2]), "backward with a gradient at lrelu2 of the wrong size");
    }
  }

  @Test
  @DisplayName("bad input: a compiled objective rejects arrays of the wrong length")
  final void compiledObjectiveRejectsWrongLengths() {
    Network net = TinyNetwork.build(SEED);
    try (Objective obj = compiled(net, TinySpecs.withoutBackend(net))) {
      assertRejected(() -> obj.evaluate(new float[10], new float[10]),
          shapePattern(1, TinyNetwork.CHANNELS, TinyNetwork.HEIGHT, TinyNetwork.WIDTH), "evaluate with 10 values");
    }
  }

  @Test
  @DisplayName("bad input: unknown layers are UnknownLayerException")
  final void unknownLayers() {
    Network net = TinyNetwork.build(SEED);
    try (FeatureExtractor fx = backend().featureExtractor(net, Pooling.MAX)) {
      Tensor x = TinyNetwork.image(SEED);
      UnknownLayerException e = assertThrows(UnknownLayerException.class, () -> fx.forward(x, List.of("conv1", "relu9_9")));
      assertTrue(e.getMessage().contains("relu9_9"), () -> "the message should name the layer: " + e.getMessage());
      assertThrows(UnknownLayerException.class, () -> fx.backward(x, Map.of("relu9_9", Tensor.zeros(1, 4, 11, 12))));
    }
    ObjectiveSpec unknown = new ObjectiveSpec(List.of(), List.of(new ObjectiveSpec.StyleTarget("relu9_9", 1.0,
        Tensor.zeros(4, 4))), 1, 1, 0, Pooling.MAX, TinyNetwork.HEIGHT, TinyNetwork.WIDTH);
    try {
      Optional<Objective> o = backend().compile(net, unknown);
      o.ifPresent(Objective::close);
      assertTrue(o.isEmpty(), "compile of a spec with an unknown layer must throw UnknownLayerException (or return empty)");
    } catch (UnknownLayerException expected) {
      assertTrue(expected.getMessage().contains("relu9_9"), () -> "the message should name the layer: " + expected.getMessage());
    }
  }
}
