package dev.nst.tck.naive;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.Network;
import dev.nst.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs the network layer by layer with {@link NaiveOps}; backward recomputes the forward pass. */
final class NaiveFeatureExtractor implements FeatureExtractor {
  private final Network network;
  private boolean closed;

  NaiveFeatureExtractor(Network network) {
    this.network = network;
  }

  @Override
  public Network network() {
    return network;
  }

  /**
   * Shapes (C, H, W) of the image (index 0) and of every layer's output (index i + 1), after
   * checking the image.
   */
  private List<int[]> shapes(Tensor image) {
    if (closed) {
      throw new IllegalStateException("this feature extractor is closed; create a new one");
    }
    int c = network.inputChannels();
    if (image.rank() != 4 || image.dim(0) != 1 || image.dim(1) != c) {
      throw new IllegalArgumentException("expected an image of shape (1, " + c + ", H, W), got "
          + Arrays.toString(image.shape()));
    }
    List<int[]> out = new ArrayList<>();
    out.add(new int[] {c, image.dim(2), image.dim(3)});
    out.addAll(network.shapes(image.dim(2), image.dim(3)));
    return out;
  }

  /** values[0] is the image, values[i + 1] the output of layer i, up to layer {@code last}. */
  private float[][] run(float[] image, List<int[]> shapes, int last) {
    float[][] values = new float[last + 2][];
    values[0] = image;
    for (int i = 0; i <= last; i++) {
      values[i + 1] = NaiveOps.forward(network.layers().get(i), values[i], shapes.get(i));
    }
    return values;
  }

  @Override
  public Map<String, Tensor> forward(Tensor image, Collection<String> layers) {
    List<int[]> shapes = shapes(image);
    network.requireLayers(layers);
    int last = -1;
    for (String l : layers) {
      last = Math.max(last, network.indexOf(l));
    }
    float[][] values = run(image.toArray(), shapes, last);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String l : layers) {
      int i = network.indexOf(l);
      int[] s = shapes.get(i + 1);
      out.put(l, Tensor.of(values[i + 1], 1, s[0], s[1], s[2]));
    }
    return out;
  }

  @Override
  public Tensor backward(Tensor image, Map<String, Tensor> layerGradients) {
    List<int[]> shapes = shapes(image);
    network.requireLayers(layerGradients.keySet());
    int last = -1;
    for (Map.Entry<String, Tensor> e : layerGradients.entrySet()) {
      int i = network.indexOf(e.getKey());
      int[] s = shapes.get(i + 1);
      if (!e.getValue().hasShape(1, s[0], s[1], s[2])) {
        throw new IllegalArgumentException("the gradient at " + e.getKey() + " must have shape (1, " + s[0] + ", "
            + s[1] + ", " + s[2] + ") for this image, got " + Arrays.toString(e.getValue().shape()));
      }
      last = Math.max(last, i);
    }
    if (last < 0) {
      return Tensor.zeros(image.shape());
    }
    float[][] values = run(image.toArray(), shapes, last);
    float[] g = new float[values[last + 1].length];
    for (int i = last; i >= 0; i--) {
      Tensor injected = layerGradients.get(network.layers().get(i).name());
      if (injected != null) {
        for (int k = 0; k < g.length; k++) {
          g[k] += injected.get(k);
        }
      }
      g = NaiveOps.backward(network.layers().get(i), values[i], shapes.get(i), g);
    }
    return Tensor.adopt(g, image.shape());
  }

  @Override
  public void close() {
    closed = true;
  }
}
