package dev.nst.core.spi;

import static dev.nst.core.spi.TinyNetworks.ramp;
import static dev.nst.core.spi.TinyNetworks.tiny;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.nst.api.Layer;
import dev.nst.api.Network;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.UnknownLayerException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CachedFeatureExtractorTest {

  /** A compiled graph of the fake backend: what it was compiled for. */
  record Graph(String direction, int height, int width, List<String> layers, Network network) {}

  /**
   * Forward returns activations filled with the layer's position in the request; backward
   * returns an image filled with the sum of the first value of every gradient. Records every
   * compile and close.
   */
  static final class Fake extends CachedFeatureExtractor<Graph> {
    final List<Graph> compiled = new ArrayList<>();
    final List<Graph> closed = new ArrayList<>();
    boolean backendOpen = true;
    int[] backwardShape;

    Fake(Pooling pooling) {
      super("fake", tiny(), pooling);
    }

    @Override
    protected Graph compileForward(Network network, int[] imageShape, List<String> layers) {
      return record(new Graph("forward", imageShape[2], imageShape[3], layers, network));
    }

    @Override
    protected Map<String, Tensor> runForward(Graph graph, Tensor image, List<String> layers) {
      Map<String, Tensor> out = new HashMap<>();
      for (String l : layers) {
        int[] chw = graph.network().shapeOf(l, image.dim(2), image.dim(3));
        float[] v = new float[chw[0] * chw[1] * chw[2]];
        Arrays.fill(v, layers.indexOf(l));
        out.put(l, Tensor.adopt(v, 1, chw[0], chw[1], chw[2]));
      }
      return out;
    }

    @Override
    protected Graph compileBackward(Network network, int[] imageShape, List<String> layers) {
      return record(new Graph("backward", imageShape[2], imageShape[3], layers, network));
    }

    @Override
    protected Tensor runBackward(Graph graph, Tensor image, Map<String, Tensor> layerGradients) {
      float sum = 0;
      for (Tensor g : layerGradients.values()) {
        sum += g.get(0);
      }
      float[] v = new float[image.size()];
      Arrays.fill(v, sum);
      return Tensor.adopt(v, backwardShape != null ? backwardShape : image.shape());
    }

    private Graph record(Graph g) {
      compiled.add(g);
      return g;
    }

    @Override
    protected void closeCompiled(Graph graph) {
      closed.add(graph);
    }

    @Override
    protected void requireBackendOpen() {
      if (!backendOpen) {
        throw new IllegalStateException("the fake backend is closed");
      }
    }
  }

  private static Tensor image(int h, int w) {
    return Tensor.zeros(1, 2, h, w);
  }

  private static Map<String, Tensor> gradients(int h, int w, String... layers) {
    Map<String, Tensor> out = new HashMap<>();
    for (String l : layers) {
      int[] chw = tiny().shapeOf(l, h, w);
      out.put(l, ramp(1, 1, chw[0], chw[1], chw[2]));
    }
    return out;
  }

  @Test
  void aQuestionAskedAgainReusesItsGraphWhateverTheLayerOrder() {
    try (Fake fx = new Fake(Pooling.MAX)) {
      Map<String, Tensor> first = fx.forward(image(6, 8), List.of("r2", "c1"));
      Map<String, Tensor> again = fx.forward(image(6, 8), List.of("c1", "r2", "c1"));
      assertThat(fx.compiled).hasSize(1);
      assertThat(fx.compiled.get(0).layers()).containsExactly("c1", "r2");
      assertThat(first.get("r2").shape()).containsExactly(1, 4, 3, 4);
      assertThat(first.get("r2").get(0)).isEqualTo(1f); // the backend saw the sorted layers
      assertThat(again).isEqualTo(first);
    }
  }

  @Test
  void graphsGetTheNetworkCutAfterTheirDeepestLayerWithTheExtractorsPooling() {
    try (Fake fx = new Fake(Pooling.AVERAGE)) {
      fx.forward(image(6, 8), List.of("p1"));
      Network network = fx.compiled.get(0).network();
      assertThat(network.layerNames()).containsExactly("c1", "r1", "p1");
      assertThat(((Layer.Pool) network.layers().get(2)).kind()).isEqualTo(Pooling.AVERAGE);
      assertThat(fx.network()).isEqualTo(tiny()); // the network as given, not as compiled
    }
  }

  @Test
  void forwardAndBackwardAndEachSizeHaveTheirOwnGraph() {
    try (Fake fx = new Fake(Pooling.MAX)) {
      fx.forward(image(6, 8), List.of("r2"));
      Tensor g = fx.backward(image(6, 8), gradients(6, 8, "r2", "r1"));
      fx.forward(image(8, 6), List.of("r2"));
      fx.backward(image(6, 8), gradients(6, 8, "r1", "r2"));
      assertThat(fx.compiled).extracting(Graph::direction, Graph::height, Graph::width).containsExactly(
          tuple("forward", 6, 8), tuple("backward", 6, 8),
          tuple("forward", 8, 6));
      assertThat(fx.compiled.get(1).layers()).containsExactly("r1", "r2");
      assertThat(g.shape()).containsExactly(1, 2, 6, 8);
      assertThat(g.get(0)).isEqualTo(2f); // both gradients reached the backend
    }
  }

  @Test
  void theLeastRecentlyUsedGraphIsClosedWhenAFifthArrives() {
    try (Fake fx = new Fake(Pooling.MAX)) {
      for (int w = 8; w < 12; w++) {
        fx.forward(image(6, w), List.of("c1"));
      }
      fx.forward(image(6, 8), List.of("c1")); // 6x8 is now the most recent; 6x9 the least
      assertThat(fx.closed).isEmpty();
      fx.forward(image(6, 12), List.of("c1"));
      assertThat(fx.closed).extracting(Graph::width).containsExactly(9);
      fx.forward(image(6, 9), List.of("c1")); // compiled again, evicting 6x10
      assertThat(fx.compiled).hasSize(6);
      assertThat(fx.closed).extracting(Graph::width).containsExactly(9, 10);
    }
  }

  @Test
  void closeClosesEveryCachedGraphOnceAndForbidsFurtherUse() {
    Fake fx = new Fake(Pooling.MAX);
    fx.forward(image(6, 8), List.of("c1"));
    fx.backward(image(6, 8), gradients(6, 8, "c1"));
    fx.close();
    assertThat(fx.closed).containsExactlyInAnyOrderElementsOf(fx.compiled);
    fx.close();
    assertThat(fx.closed).hasSize(2);
    assertThatThrownBy(() -> fx.forward(image(6, 8), List.of("c1"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("fake feature extractor is closed");
    assertThatThrownBy(() -> fx.backward(image(6, 8), gradients(6, 8, "c1"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("fake feature extractor is closed");
  }

  @Test
  void aClosedBackendStopsItsExtractors() {
    try (Fake fx = new Fake(Pooling.MAX)) {
      fx.backendOpen = false;
      assertThatThrownBy(() -> fx.forward(image(6, 8), List.of("c1"))).isInstanceOf(IllegalStateException.class)
          .hasMessage("the fake backend is closed");
    }
  }

  @Test
  void emptyQuestionsCompileNothing() {
    try (Fake fx = new Fake(Pooling.MAX)) {
      assertThat(fx.forward(image(6, 8), List.of())).isEmpty();
      Tensor g = fx.backward(image(6, 8), Map.of());
      assertThat(g.shape()).containsExactly(1, 2, 6, 8);
      assertThat(g.squaredNorm()).isZero();
      assertThat(fx.compiled).isEmpty();
    }
  }

  @Test
  void badImagesAreRefusedWithTheExpectedShape() {
    try (Fake fx = new Fake(Pooling.MAX)) {
      assertThatThrownBy(() -> fx.forward(Tensor.zeros(1, 3, 6, 8), List.of("c1")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1, 2, H, W)");
      assertThatThrownBy(() -> fx.backward(Tensor.zeros(2, 6, 8), gradients(6, 8, "c1")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1, 2, H, W)");
      assertThatThrownBy(() -> fx.forward(image(2, 8), List.of("c3")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too small");
      assertThatThrownBy(() -> fx.forward(null, List.of("c1"))).isInstanceOf(NullPointerException.class);
      assertThat(fx.compiled).isEmpty();
    }
  }

  @Test
  void badGradientsAreRefusedInOneFormat() {
    try (Fake fx = new Fake(Pooling.MAX)) {
      Map<String, Tensor> wrong = Map.of("p1", Tensor.zeros(1, 3, 3, 5));
      assertThatThrownBy(() -> fx.backward(image(6, 8), wrong)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the gradient at layer p1 has shape [1, 3, 3, 5] but a 6x8 image gives [1, 3, 3, 4] there; "
              + "give each layer a gradient of its activation's shape");
      Map<String, Tensor> missing = new HashMap<>();
      missing.put("p1", null);
      assertThatThrownBy(() -> fx.backward(image(6, 8), missing)).isInstanceOf(NullPointerException.class)
          .hasMessage("the gradient at layer p1 is null");
      assertThatThrownBy(() -> fx.backward(image(6, 8), Map.of("r9", Tensor.zeros(1))))
          .isInstanceOf(UnknownLayerException.class).hasMessageContaining("r9");
      assertThatThrownBy(() -> fx.forward(image(6, 8), List.of("c1", "r9")))
          .isInstanceOf(UnknownLayerException.class).hasMessageContaining("r9");
      assertThat(fx.compiled).isEmpty();
    }
  }

  @Test
  void aBackendGradientOfTheWrongShapeIsCaughtAsABackendBug() {
    try (Fake fx = new Fake(Pooling.MAX)) {
      fx.backwardShape = new int[] {1, 2, 8, 6};
      assertThatThrownBy(() -> fx.backward(image(6, 8), gradients(6, 8, "c1"))).isInstanceOf(IllegalStateException.class)
          .hasMessage("the fake backend returned a gradient of shape [1, 2, 8, 6] for an image of shape [1, 2, 6, 8]: "
              + "a bug in the backend");
    }
  }

  @Test
  void forwardResultsCannotBeChangedByTheCaller() {
    try (Fake fx = new Fake(Pooling.MAX)) {
      Map<String, Tensor> out = fx.forward(image(6, 8), List.of("c1"));
      assertThatThrownBy(() -> out.put("r1", Tensor.zeros(1))).isInstanceOf(UnsupportedOperationException.class);
      assertThat(out).containsOnlyKeys("c1");
    }
  }
}
