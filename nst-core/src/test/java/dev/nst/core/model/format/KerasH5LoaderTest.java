package dev.nst.core.model.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras weight files written with jhdf in Keras' own group and attribute layout. (Keras writes
 * its string attributes as null-padded fixed-length ASCII, jhdf as null-terminated UTF-8; both
 * are fixed-length HDF5 strings and read alike.)
 */
class KerasH5LoaderTest {
  @TempDir
  Path dir;

  /** A conv layer's weights as Keras stores them: kernel (kH, kW, Cin, Cout), bias (Cout). */
  record Conv(String name, float[][][][] kernel, float[] bias) {}

  static Conv conv(String name, int cin, int cout, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][][][] k = new float[3][3][cin][cout];
    for (float[][][] a : k) {
      for (float[][] b : a) {
        for (float[] c : b) {
          for (int o = 0; o < cout; o++) {
            c[o] = (float) r.nextGaussian();
          }
        }
      }
    }
    float[] bias = new float[cout];
    for (int o = 0; o < cout; o++) {
      bias[o] = (float) r.nextGaussian();
    }
    return new Conv(name, k, bias);
  }

  /**
   * Writes a weight file. {@code layers} are Conv records or plain names of weightless layers;
   * {@code keras2} puts weights one group deeper under "{layer}/kernel:0" as Keras 2 does, else
   * "{layer}_W_1:0" directly in the layer's group as in Keras' VGG notop files.
   */
  static Path write(Path file, boolean keras2, Object... layers) {
    List<String> names = new ArrayList<>();
    for (Object l : layers) {
      names.add(l instanceof Conv c ? c.name() : (String) l);
    }
    try (WritableHdfFile f = HdfFile.write(file)) {
      f.putAttribute("layer_names", names.toArray(String[]::new));
      f.putAttribute("backend", "tensorflow");
      for (Object l : layers) {
        if (l instanceof Conv c) {
          WritableGroup g = f.putGroup(c.name());
          if (keras2) {
            g.putAttribute("weight_names", new String[] {c.name() + "/kernel:0", c.name() + "/bias:0"});
            WritableGroup inner = g.putGroup(c.name());
            inner.putDataset("kernel:0", c.kernel());
            inner.putDataset("bias:0", c.bias());
          } else {
            g.putAttribute("weight_names", new String[] {c.name() + "_W_1:0", c.name() + "_b_1:0"});
            g.putDataset(c.name() + "_W_1:0", c.kernel());
            g.putDataset(c.name() + "_b_1:0", c.bias());
          }
        } else if (l instanceof String s && s.startsWith("fc")) {
          WritableGroup g = f.putGroup(s);
          g.putAttribute("weight_names", new String[] {s + "_W_1:0"});
          g.putDataset(s + "_W_1:0", new float[4][2]);
        } else {
          f.putGroup((String) l); // weightless: Keras writes an empty weight_names, jhdf cannot; both mean none
        }
      }
    }
    return file;
  }

  static void assertOihwOf(Layer.Convolution c, Conv keras) {
    float[][][][] k = keras.kernel();
    int cin = k[0][0].length;
    int cout = k[0][0][0].length;
    assertThat(c.weight().shape()).containsExactly(cout, cin, 3, 3);
    for (int o = 0; o < cout; o++) {
      for (int i = 0; i < cin; i++) {
        for (int y = 0; y < 3; y++) {
          for (int x = 0; x < 3; x++) {
            assertThat(c.weight().get(((o * cin + i) * 3 + y) * 3 + x)).isEqualTo(k[y][x][i][o]);
          }
        }
      }
    }
    assertThat(c.bias().toArray()).containsExactly(keras.bias());
    assertThat(c.padding()).isEqualTo(new Padding(1, 1, 1, 1));
    assertThat(c.stride()).isEqualTo(1);
  }

  @Test
  void readsTheVggNotopLayoutOfKeras1() {
    Conv c11 = conv("block1_conv1", 3, 4, 1);
    Conv c12 = conv("block1_conv2", 4, 4, 2);
    Conv c21 = conv("block2_conv1", 4, 6, 3);
    Path f = write(dir.resolve("vgg_notop.h5"), false, "input_1", c11, c12, "block1_pool", c21, "block2_pool");
    Network n = KerasH5Loader.load(f, InputConvention.CAFFE);
    assertThat(n.name()).isEqualTo("vgg_notop");
    assertThat(n.inputConvention()).isEqualTo(InputConvention.CAFFE);
    assertThat(n.inputChannels()).isEqualTo(3);
    assertThat(n.layerNames()).containsExactly("conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1",
        "conv2_1", "relu2_1", "pool2");
    assertOihwOf((Layer.Convolution) n.layers().get(0), c11);
    assertOihwOf((Layer.Convolution) n.layers().get(2), c12);
    assertOihwOf((Layer.Convolution) n.layers().get(5), c21);
    Layer.Pool p = (Layer.Pool) n.layers().get(4);
    assertThat(p.kind()).isEqualTo(Pooling.MAX);
    assertThat(p.kernel()).isEqualTo(2);
    assertThat(p.stride()).isEqualTo(2);
    assertThat(n.shapeOf("relu2_1", 10, 14)).containsExactly(6, 5, 7);
  }

  /**
   * A file written by h5py exactly as Keras 1 wrote the VGG notop files (fixed-length null-padded
   * ASCII names, empty float64 weight_names on weightless layers, superblock version 0); made by
   * make_keras1_vgg_notop.py beside it.
   */
  @Test
  void readsAFileWrittenByH5pyInKeras1Layout() throws Exception {
    Path f = Path.of(getClass().getResource("keras1_vgg_notop.h5").toURI());
    Network n = ModelFiles.load(f, ModelFiles.conventionFor(f));
    assertThat(n.inputConvention()).isEqualTo(InputConvention.CAFFE);
    assertThat(n.inputChannels()).isEqualTo(3);
    assertThat(n.layerNames()).containsExactly("conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1",
        "conv2_1", "relu2_1", "pool2");
    int[] convAt = {0, 2, 5};
    for (int c = 0; c < 3; c++) {
      Layer.Convolution conv = (Layer.Convolution) n.layers().get(convAt[c]);
      int cout = conv.outChannels();
      int cin = conv.inChannels();
      for (int o = 0; o < cout; o++) {
        assertThat(conv.bias().get(o)).isEqualTo(o + 0.25f);
        for (int i = 0; i < cin; i++) {
          for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
              float expected = (float) (1000 * y + 100 * x + 10 * i + o + (c + 1) / 10.0);
              assertThat(conv.weight().get(((o * cin + i) * 3 + y) * 3 + x)).isEqualTo(expected);
            }
          }
        }
      }
    }
    assertThat(((Layer.Convolution) n.layers().get(5)).weight().shape()).containsExactly(5, 4, 3, 3);
  }

  @Test
  void readsTheNestedLayoutOfKeras2AndStopsAtTheClassifier() {
    Conv c11 = conv("block1_conv1", 3, 2, 4);
    Path f = write(dir.resolve("with_top.h5"), true, c11, "block1_pool", "flatten", "fc1");
    Network n = ModelFiles.load(f, ModelFiles.conventionFor(f));
    assertThat(n.inputConvention()).isEqualTo(InputConvention.CAFFE);
    assertThat(n.layerNames()).containsExactly("conv1_1", "relu1_1", "pool1");
    assertOihwOf((Layer.Convolution) n.layers().get(0), c11);
  }

  @Test
  void averagePoolsAreRecognisedByName() {
    Path f = write(dir.resolve("avg.h5"), false, conv("c1", 3, 2, 5), "avg_pool");
    Network n = KerasH5Loader.load(f, InputConvention.CAFFE);
    assertThat(((Layer.Pool) n.layers().get(2)).kind()).isEqualTo(Pooling.AVERAGE);
  }

  @Test
  void mismatchedChannelsAreAClearError() {
    Path f = write(dir.resolve("bad.h5"), false, conv("block1_conv1", 3, 4, 6), conv("block1_conv2", 5, 4, 7));
    assertThatThrownBy(() -> KerasH5Loader.load(f, InputConvention.CAFFE))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("bad.h5")
        .hasMessageContaining("'block1_conv2' expects 5 input channels but the previous convolution gives 4");
  }

  @Test
  void anHdf5FileThatIsNotKerasIsRefused() {
    Path f = dir.resolve("plain.h5");
    try (WritableHdfFile h = HdfFile.write(f)) {
      h.putDataset("data", new float[] {1, 2, 3});
    }
    assertThatThrownBy(() -> KerasH5Loader.load(f, InputConvention.CAFFE))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no 'layer_names' attribute");
  }

  @Test
  void garbageAndTruncatedFilesAreModelLoadExceptions() throws Exception {
    Path garbage = dir.resolve("garbage.h5");
    Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    assertThatThrownBy(() -> ModelFiles.load(garbage, InputConvention.CAFFE))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("garbage.h5");

    Path whole = write(dir.resolve("whole.h5"), false, conv("block1_conv1", 3, 64, 8));
    byte[] b = Files.readAllBytes(whole);
    Path truncated = dir.resolve("truncated.h5");
    Files.write(truncated, java.util.Arrays.copyOf(b, b.length / 2));
    assertThatThrownBy(() -> KerasH5Loader.load(truncated, InputConvention.CAFFE))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("truncated.h5: the file is truncated");
  }

  @Test
  void conventionFollowsTheFormat() {
    assertThat(ModelFiles.conventionFor(Path.of("x.onnx"))).isEqualTo(InputConvention.TORCH);
    assertThat(ModelFiles.conventionFor(Path.of("vgg19.H5"))).isEqualTo(InputConvention.CAFFE);
    assertThat(ModelFiles.conventionFor(Path.of("m/model.json"))).isEqualTo(InputConvention.UNIT);
  }

  @Test
  void onlyTheFiltersKerasWritesAreRead() {
    // gzip (1), shuffle (2), fletcher32 (3) pass; LZF, LZ4 and BitShuffle, whose jhdf decoders
    // allocate sizes declared in the file, are refused before jhdf runs them
    for (int id : new int[] {1, 2, 3}) {
      KerasH5Loader.requireReadableFilter(id, "f" + id, "weight 'w' of layer 'l'");
    }
    for (int id : new int[] {32000, 32004, 32008, 4}) {
      assertThatThrownBy(() -> KerasH5Loader.requireReadableFilter(id, "filter" + id, "weight 'w' of layer 'l'"))
          .isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("weight 'w' of layer 'l' is compressed with HDF5 filter 'filter" + id + "' (id " + id + ")")
          .hasMessageContaining("re-save the weights");
    }
  }
}
