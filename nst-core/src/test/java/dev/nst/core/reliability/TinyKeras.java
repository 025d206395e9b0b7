package dev.nst.core.reliability;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.DatasetCreationOptions;
import io.jhdf.api.WritableGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small Keras weight files in Keras' own layout (root attribute {@code layer_names}, one group per
 * layer with a {@code weight_names} attribute), described by a mutable {@link Spec} so that a fuzzer
 * can change names, attributes and datasets before writing. The same layouts as
 * {@code KerasH5LoaderTest}: Keras 1 ({@code conv_W_1:0} in the layer's group) and Keras 2
 * ({@code conv/kernel:0} one group deeper), optionally chunked and deflated.
 */
final class TinyKeras {
  private TinyKeras() {}

  /** One layer: its group name, its weight_names attribute (null: none) and its datasets by path. */
  static final class LayerSpec {
    String name;
    Object weightNames; // String[] normally; a fuzzer may put anything jhdf can write
    final Map<String, Object> datasets = new LinkedHashMap<>();

    LayerSpec(String name) {
      this.name = name;
    }

    LayerSpec copy() {
      LayerSpec c = new LayerSpec(name);
      c.weightNames = weightNames instanceof String[] s ? s.clone() : weightNames;
      c.datasets.putAll(datasets);
      return c;
    }
  }

  /** A whole file: layer_names, the layer groups and whether datasets are chunked and deflated. */
  static final class Spec {
    Object layerNames; // String[] normally
    final List<LayerSpec> layers = new ArrayList<>();
    boolean deflate;

    Spec copy() {
      Spec c = new Spec();
      c.layerNames = layerNames instanceof String[] s ? s.clone() : layerNames;
      for (LayerSpec l : layers) {
        c.layers.add(l.copy());
      }
      c.deflate = deflate;
      return c;
    }
  }

  static float[][][][] kernel(int cin, int cout, int layer) {
    float[][][][] k = new float[3][3][cin][cout];
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 3; x++) {
        for (int i = 0; i < cin; i++) {
          for (int o = 0; o < cout; o++) {
            k[y][x][i][o] = (1000 * y + 100 * x + 10 * i + o + layer) / 1000f;
          }
        }
      }
    }
    return k;
  }

  static float[] bias(int cout) {
    float[] b = new float[cout];
    for (int o = 0; o < cout; o++) {
      b[o] = o + 0.25f;
    }
    return b;
  }

  /** VGG-shaped: input, conv(3->4), conv(4->4), pool, conv(4->5), pool. */
  static Spec vgg(boolean keras2, boolean deflate) {
    Spec s = new Spec();
    s.deflate = deflate;
    Object[][] layers = {{"input_1"}, {"block1_conv1", 3, 4}, {"block1_conv2", 4, 4}, {"block1_pool"},
        {"block2_conv1", 4, 5}, {"block2_pool"}};
    List<String> names = new ArrayList<>();
    int index = 0;
    for (Object[] l : layers) {
      String name = (String) l[0];
      names.add(name);
      LayerSpec ls = new LayerSpec(name);
      if (l.length == 3) {
        index++;
        String k = keras2 ? name + "/kernel:0" : name + "_W_1:0";
        String b = keras2 ? name + "/bias:0" : name + "_b_1:0";
        ls.weightNames = new String[] {k, b};
        ls.datasets.put(k, kernel((Integer) l[1], (Integer) l[2], index));
        ls.datasets.put(b, bias((Integer) l[2]));
      }
      s.layers.add(ls);
    }
    s.layerNames = names.toArray(String[]::new);
    return s;
  }

  /** Writes {@code spec} to {@code file} with jhdf. */
  static Path write(Spec spec, Path file) {
    try (WritableHdfFile f = HdfFile.write(file)) {
      if (spec.layerNames != null) {
        f.putAttribute("layer_names", spec.layerNames);
      }
      f.putAttribute("backend", "tensorflow");
      for (LayerSpec l : spec.layers) {
        WritableGroup g = f.putGroup(l.name);
        if (l.weightNames != null) {
          g.putAttribute("weight_names", l.weightNames);
        }
        for (Map.Entry<String, Object> d : l.datasets.entrySet()) {
          String[] parts = d.getKey().split("/");
          WritableGroup parent = g;
          for (int i = 0; i < parts.length - 1; i++) {
            parent = parent.getChild(parts[i]) instanceof WritableGroup w ? w : parent.putGroup(parts[i]);
          }
          Object data = d.getValue();
          if (spec.deflate && data.getClass().isArray() && data.getClass().getComponentType() != String.class
              && java.lang.reflect.Array.getLength(data) > 0) {
            parent.putDataset(parts[parts.length - 1], data,
                DatasetCreationOptions.builder().chunkDimensions(chunks(data)).shuffle().deflate().build());
          } else {
            parent.putDataset(parts[parts.length - 1], data);
          }
        }
      }
    }
    return file;
  }

  /** Chunks of half the first dimension (at least 1), whole along the others. */
  private static int[] chunks(Object data) {
    List<Integer> dims = new ArrayList<>();
    Object a = data;
    while (a != null && a.getClass().isArray()) {
      int n = java.lang.reflect.Array.getLength(a);
      dims.add(n);
      a = n > 0 && a.getClass().getComponentType().isArray() ? java.lang.reflect.Array.get(a, 0) : null;
    }
    int[] c = dims.stream().mapToInt(Integer::intValue).toArray();
    c[0] = Math.max(1, c[0] / 2);
    return c;
  }
}
