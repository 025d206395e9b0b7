package dev.nst.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.api.Padding;
import dev.nst.api.Tensor;
import dev.nst.core.model.format.BatchNormFolding;
import dev.nst.core.model.format.OnnxModelLoader;
import dev.nst.core.model.format.proto.GraphProto;
import dev.nst.core.model.format.proto.ModelProto;
import dev.nst.core.model.format.proto.NodeProto;
import dev.nst.core.model.format.proto.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per ONNX loader bug the fuzzer (or its review) found; each names what happened
 * before the fix. All start from {@link TinyOnnx}, which loads as conv1_1, relu1_1, pool1,
 * conv2_1, relu2_1, pool2.
 */
class OnnxLoaderRegressionTest {

  private static ModelProto edit(Consumer<GraphProto.Builder> change) {
    ModelProto.Builder m = TinyOnnx.model().toBuilder();
    change.accept(m.getGraphBuilder());
    return m.build();
  }

  private static TensorProto.Builder initializer(GraphProto.Builder g, String name) {
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals(name)) {
        return g.getInitializerBuilder(i);
      }
    }
    throw new IllegalArgumentException(name);
  }

  private static NodeProto.Builder node(GraphProto.Builder g, String name) {
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (g.getNode(i).getName().equals(name)) {
        return g.getNodeBuilder(i);
      }
    }
    throw new IllegalArgumentException(name);
  }

  private static void setAttribute(NodeProto.Builder n, dev.nst.core.model.format.proto.AttributeProto a) {
    for (int i = n.getAttributeCount() - 1; i >= 0; i--) {
      if (n.getAttribute(i).getName().equals(a.getName())) {
        n.removeAttribute(i);
      }
    }
    n.addAttribute(a);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(ModelProto model) {
    return assertThatThrownBy(() -> OnnxModelLoader.fromProto(model, "tiny", InputConvention.TORCH))
        .isExactlyInstanceOf(ModelLoadException.class);
  }

  @Test
  void theUnmodifiedTinyModelLoads() {
    Network n = OnnxModelLoader.fromProto(TinyOnnx.model(), "tiny", InputConvention.TORCH);
    assertThat(n.layerNames()).containsExactly("conv1_1", "relu1_1", "pool1", "conv2_1", "relu2_1", "pool2");
    assertThat(((Layer.LeakyRelu) n.layers().get(1)).alpha()).isEqualTo(0.1f);
    assertThat(((Layer.Convolution) n.layers().get(3)).weight().shape()).containsExactly(2, 4, 1, 1);
  }

  /** Before: a 1 GiB float[] was allocated for the declared shape, then the data size was checked. */
  @Test
  void hugeDeclaredShapeIsRefusedBeforeAnythingIsAllocated(@TempDir Path dir) throws IOException {
    ModelProto m = edit(g -> initializer(g, "w1").clearDims().addDims(16384).addDims(16384));
    Path f = Files.write(dir.resolve("huge.onnx"), m.toByteArray());
    assertThat(Files.size(f)).isLessThan(2000);
    long before = FuzzRun.allocatedBytes();
    assertThatThrownBy(() -> OnnxModelLoader.load(f, InputConvention.TORCH))
        .isExactlyInstanceOf(ModelLoadException.class)
        .hasMessageContaining("tensor 'w1' declares 1073741824 bytes of data but holds 432")
        .hasMessageContaining("truncated or corrupt");
    long allocated = FuzzRun.allocatedBytes() - before;
    if (before >= 0) {
      assertThat(allocated).as("bytes allocated while refusing the file").isLessThan(16L << 20);
    }
  }

  /** Before: NaN and infinite weights were loaded and every run of the model produced NaN. */
  @Test
  void nonFiniteWeightsAreRefusedNamingTensorAndIndex() {
    ModelProto m = edit(g -> {
      TensorProto.Builder w = initializer(g, "w1");
      byte[] raw = w.getRawData().toByteArray();
      ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).putFloat(4 * 5, Float.NaN);
      w.setRawData(ByteString.copyFrom(raw));
    });
    assertRefused(m).hasMessage("tensor 'w1' (input 1 of node 'conv_a') holds NaN at index 5; the weights are corrupt "
        + "(or were saved after training diverged)");
  }

  /** Before: variance + epsilon <= 0 folded into NaN (or infinite) weights without a word. */
  @Test
  void batchNormWithNonPositiveVarianceIsRefused() {
    ModelProto m = edit(g -> g.setInitializer(g.getInitializerList().indexOf(initializer(g, "v1").build()),
        TinyOnnx.floats("v1", new float[] {1, -1e-5f, 0.25f, 1}, 4)));
    assertRefused(m).hasMessageContaining("batch normalisation after conv1_1 has channel 1")
        .hasMessageContaining("variance -1.0E-5 and epsilon 1.0E-5")
        .hasMessageContaining("the variance plus epsilon must be positive");
  }

  /** Before: ArithmeticException (division by zero) for a convolution without output channels. */
  @Test
  void batchNormFoldingOfAnEmptyConvolutionIsAModelLoadException() {
    Layer.Convolution empty = new Layer.Convolution("conv1_1", Tensor.zeros(0, 3, 3, 3), Tensor.zeros(0), 1, Padding.NONE);
    float[] none = new float[0];
    assertThatThrownBy(() -> BatchNormFolding.fold(empty, none, none, none, none, 1e-5f))
        .isExactlyInstanceOf(ModelLoadException.class)
        .hasMessage("batch normalisation follows conv1_1, which has no output channels");
  }

  /** Before: a weight with a zero dimension loaded as a convolution without channels or pixels. */
  @Test
  void emptyConvolutionWeightIsRefused() {
    ModelProto m = edit(g -> initializer(g, "w1").clearDims().addDims(0).addDims(3).addDims(3).addDims(3)
        .setRawData(ByteString.EMPTY));
    assertRefused(m).hasMessage("Conv 'conv_a' has an empty weight of shape [0, 3, 3, 3]; the file is corrupt");
  }

  /** Before: IndexOutOfBoundsException from NodeProto.getOutput(0). */
  @Test
  void nodeWithoutOutputIsAModelLoadException() {
    assertRefused(edit(g -> node(g, "conv_a").clearOutput()))
        .hasMessage("node 'conv_a' (Conv) has no output; the graph is corrupt");
  }

  /** Before: IllegalArgumentException from the Layer.Convolution constructor. */
  @Test
  void biasOfTheWrongLengthIsAModelLoadException() {
    ModelProto m = edit(g -> g.setInitializer(g.getInitializerList().indexOf(initializer(g, "b1").build()),
        TinyOnnx.floats("b1", new float[] {1, 2, 3, 4, 5}, 5)));
    assertRefused(m).hasMessage("Conv 'conv_a' has a bias of shape [5] for 4 output channels; the file is corrupt");
  }

  /** Before: IllegalArgumentException "duplicate layer name 'relu1_1'" from the Network constructor. */
  @Test
  void secondActivationInARowIsRefused() {
    ModelProto m = edit(g -> {
      node(g, "pool_a").setInput(0, "a1b");
      int at = g.getNodeList().indexOf(node(g, "lr_a").build());
      g.addNode(at + 1, TinyOnnx.node("Relu", "extra_relu", new String[] {"a1"}, "a1b"));
    });
    assertRefused(m).hasMessageContaining("node 'extra_relu' (Relu) would be a second relu1_1")
        .hasMessageContaining("remove the extra activation");
  }

  /**
   * Before: strides of 2^32 + 1 were cast to 1 and channel counts of 2^32 + 3 to 3 (silently
   * wrong models); negative pads and zero windows threw IllegalArgumentException; a NaN alpha
   * was loaded; an unknown auto_pad was taken as NOTSET.
   */
  @Test
  void attributesOutOfRangeAreRefused() {
    assertRefused(edit(g -> setAttribute(node(g, "conv_a"), TinyOnnx.ints("strides", (1L << 32) + 1, (1L << 32) + 1))))
        .hasMessage("node 'conv_a' (Conv) has strides 4294967297; expected a value from 1 to 65536");
    assertRefused(edit(g -> setAttribute(node(g, "conv_a"), TinyOnnx.ints("pads", -1, 1, 1, 1))))
        .hasMessage("node 'conv_a' (Conv) has pads -1; expected a value from 0 to 65536");
    assertRefused(edit(g -> setAttribute(node(g, "pool_a"), TinyOnnx.ints("kernel_shape", 0, 0))))
        .hasMessage("node 'pool_a' (MaxPool) has kernel_shape 0; expected a value from 1 to 65536");
    assertRefused(edit(g -> setAttribute(node(g, "lr_a"), TinyOnnx.real("alpha", Float.NaN))))
        .hasMessage("node 'lr_a' (LeakyRelu) has alpha NaN; it must be a finite number");
    assertRefused(edit(g -> setAttribute(node(g, "conv_a"), dev.nst.core.model.format.proto.AttributeProto.newBuilder()
        .setName("auto_pad").setS(ByteString.copyFromUtf8("BOGUS")).build())))
        .hasMessageStartingWith("node 'conv_a' has auto_pad 'BOGUS'; ONNX defines");
    assertRefused(edit(g -> g.setInput(0, TinyOnnx.imageInput("x", (1L << 32) + 3))))
        .hasMessage("image input 'x' declares 4294967299 channels; expected 1 to 65536 (NCHW layout)");
  }
}
