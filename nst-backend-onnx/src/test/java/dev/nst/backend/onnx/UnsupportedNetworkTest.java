package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.RunFailedException;
import dev.nst.api.Tensor;
import dev.nst.api.UnsupportedNetworkException;
import dev.nst.api.spi.BackendOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the ONNX backend cannot do says so with the exception types the CLI maps to exit codes. */
class UnsupportedNetworkTest {
  /** c1 (3 to 4, 3x3 pad 1), p1 (max 3x3, stride 2, pad 1: overlapping and padded windows). */
  private static Network overlapping() {
    float[] w = new float[4 * 3 * 9];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i % 7 - 3) / 10f;
    }
    return new Network("overlapping", InputConvention.UNIT, 3, List.of(
        new Layer.Convolution("c1", Tensor.of(w, 4, 3, 3, 3), Tensor.zeros(4), 1, Padding.same(1)),
        new Layer.Pool("p1", Pooling.MAX, 3, 2, Padding.same(1))));
  }

  @Test
  void overlappingPoolsRunForwardButTheirBackwardIsAnUnsupportedNetwork() {
    Network net = overlapping();
    Tensor x = Tensor.zeros(1, 3, 8, 8);
    try (OnnxBackend b = (OnnxBackend) new OnnxBackendProvider().open(BackendOptions.defaults());
        FeatureExtractor fx = b.featureExtractor(net, Pooling.MAX)) {
      Tensor p1 = fx.forward(x, List.of("p1")).get("p1");
      assertThat(p1.shape()).containsExactly(1, 4, 4, 4);
      assertThatThrownBy(() -> fx.backward(x, Map.of("p1", p1)))
          .isInstanceOf(UnsupportedNetworkException.class).isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("pool p1 of network overlapping").hasMessageContaining("nst.backend=nd4j");
      ObjectiveSpec spec = new ObjectiveSpec(List.of(new ObjectiveSpec.ContentTarget("p1", 1, p1)), List.of(),
          1, 0, 0, Pooling.MAX, 8, 8);
      assertThatThrownBy(() -> b.compile(net, spec)).isInstanceOf(UnsupportedNetworkException.class)
          .hasMessageContaining("p1");
    }
  }

  @Test
  void aGraphOnnxRuntimeRefusesIsARunFailureNamingWhatItWasFor() {
    GraphBuilder g = new GraphBuilder();
    g.input("x", 1, 2);
    g.named("NoSuchOperator", "y", "x").build();
    g.output("y");
    try (OnnxBackend b = (OnnxBackend) new OnnxBackendProvider().open(BackendOptions.defaults())) {
      assertThatThrownBy(() -> b.session(g.build(), "a test graph")).isInstanceOf(RunFailedException.class)
          .hasMessageContaining("graph generated for a test graph").hasMessageContaining("opset 17");
    }
  }
}
