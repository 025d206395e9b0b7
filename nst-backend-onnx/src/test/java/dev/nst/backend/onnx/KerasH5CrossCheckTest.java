package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.Network;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.core.model.format.KerasH5Loader;
import dev.nst.core.model.format.OnnxModelLoader;
import dev.nst.tck.Npy;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Keras HDF5 path gives the same network as the ONNX path: the weights of the reference
 * VGG-19 (ONNX, OIHW) are written as a Keras notop weight file (HWIO, Keras' group layout and
 * names), loaded back with {@link KerasH5Loader}, and both networks run on the ONNX backend.
 * The Keras network must match the ONNX one and PyTorch's float64 activations.
 */
class KerasH5CrossCheckTest {
  @TempDir
  Path dir;

  /** Writes {@code net}'s convolutions as Keras 1 does in vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5. */
  static Path writeKerasNotop(Network net, Path file) {
    List<String> names = new ArrayList<>();
    names.add("input_1");
    try (WritableHdfFile f = HdfFile.write(file)) {
      f.putGroup("input_1");
      for (Layer l : net.layers()) {
        if (l instanceof Layer.Convolution c) {
          String n = c.name().replaceFirst("conv(\\d+)_(\\d+)", "block$1_conv$2");
          names.add(n);
          int co = c.outChannels();
          int ci = c.inChannels();
          int kh = c.kernelHeight();
          int kw = c.kernelWidth();
          float[][][][] hwio = new float[kh][kw][ci][co];
          for (int o = 0; o < co; o++) {
            for (int i = 0; i < ci; i++) {
              for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                  hwio[y][x][i][o] = c.weight().get(((o * ci + i) * kh + y) * kw + x);
                }
              }
            }
          }
          WritableGroup g = f.putGroup(n);
          g.putAttribute("weight_names", new String[] {n + "_W_1:0", n + "_b_1:0"});
          g.putDataset(n + "_W_1:0", hwio);
          g.putDataset(n + "_b_1:0", c.bias().toArray());
        } else if (l instanceof Layer.Pool p) {
          String n = p.name().replaceFirst("pool(\\d+)", "block$1_pool");
          names.add(n);
          f.putGroup(n);
        }
      }
      f.putAttribute("layer_names", names.toArray(String[]::new));
    }
    return file;
  }

  @Test
  void kerasWeightsOfTheReferenceVggMatchOnnxAndPytorch() {
    Path ref = OnnxObjectiveSmokeTest.ref().resolve("case01_default");
    Network onnx = OnnxModelLoader.load(ref.resolve("model.onnx"), InputConvention.TORCH);
    Network keras = KerasH5Loader.load(writeKerasNotop(onnx, dir.resolve("vgg19_notop.h5")), InputConvention.TORCH);
    assertThat(keras.layerNames()).isEqualTo(onnx.layerNames());

    List<String> layers = List.of("relu1_1", "pool1", "relu2_2", "relu3_4", "relu4_2", "relu5_1", "pool5");
    Tensor x = Npy.read(ref.resolve("generated.npy"));
    try (Backend b = new OnnxBackendProvider().open(BackendOptions.defaults());
        FeatureExtractor fk = b.featureExtractor(keras, Pooling.MAX);
        FeatureExtractor fo = b.featureExtractor(onnx, Pooling.MAX)) {
      Map<String, Tensor> ak = fk.forward(x, layers);
      Map<String, Tensor> ao = fo.forward(x, layers);
      for (String l : layers) {
        Tensor torch = Npy.read(ref.resolve("act_" + l + ".npy"));
        assertThat(ak.get(l).shape()).as(l).containsExactly(torch.shape());
        assertThat(relDiff(ak.get(l), ao.get(l))).as(l + " Keras vs ONNX").isLessThan(1e-6);
        assertThat(relDiff(ak.get(l), torch)).as(l + " Keras vs PyTorch").isLessThan(2e-5);
      }
    }
  }

  /** ||a - b|| / ||b||. */
  static double relDiff(Tensor a, Tensor b) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < b.size(); i++) {
      double d = a.get(i) - b.get(i);
      num += d * d;
      den += (double) b.get(i) * b.get(i);
    }
    return Math.sqrt(num / den);
  }
}
