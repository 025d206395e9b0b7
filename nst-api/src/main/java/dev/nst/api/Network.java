package dev.nst.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A loaded feature network: an ordered chain of layers with their weights, plus the input
 * convention its weights expect. Backend-neutral; backends compile it into their own form.
 *
 * @param name the network's name, for messages
 * @param inputConvention how its input is scaled and ordered
 * @param inputChannels channels of its input (3 for RGB)
 * @param layers the chain, first layer first; not empty, names unique
 */
public record Network(String name, InputConvention inputConvention, int inputChannels, List<Layer> layers) {

  /**
   * Copies the layers and checks that there is at least one and that their names are unique.
   *
   * @param name the network's name, for messages
   * @param inputConvention how its input is scaled and ordered
   * @param inputChannels channels of its input (3 for RGB)
   * @param layers the chain, first layer first; not empty, names unique
   */
  public Network {
    layers = List.copyOf(layers);
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("network '" + name + "' has no layers");
    }
    Set<String> seen = new HashSet<>();
    for (Layer l : layers) {
      if (!seen.add(l.name())) {
        throw new IllegalArgumentException("duplicate layer name '" + l.name() + "' in network " + name);
      }
    }
  }

  /**
   * Layer names in network order.
   *
   * @return a new list of the names
   */
  public List<String> layerNames() {
    List<String> names = new ArrayList<>(layers.size());
    for (Layer l : layers) {
      names.add(l.name());
    }
    return names;
  }

  /**
   * Index of the named layer, or -1.
   *
   * @param layerName a layer's name
   * @return its position in {@link #layers()}, or -1 when there is no such layer
   */
  public int indexOf(String layerName) {
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i).name().equals(layerName)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Throws {@link UnknownLayerException} naming the available layers when any of {@code names}
   * is not in this network.
   *
   * @param names layer names
   * @throws UnknownLayerException for the first name that is not in the network
   */
  public void requireLayers(Collection<String> names) {
    for (String n : names) {
      if (indexOf(n) < 0) {
        throw new UnknownLayerException(n, name, layerNames());
      }
    }
  }

  /**
   * The network cut after the deepest of {@code needed}: later layers cost time and no value.
   *
   * @param needed the layers whose activations are used
   * @return a network ending at the deepest of them
   * @throws UnknownLayerException if one of them is not in the network
   */
  public Network truncatedAfter(Collection<String> needed) {
    requireLayers(needed);
    int deepest = -1;
    for (String n : needed) {
      deepest = Math.max(deepest, indexOf(n));
    }
    return new Network(name, inputConvention, inputChannels, layers.subList(0, deepest + 1));
  }

  /**
   * The network with every pool switched to {@code pooling}.
   *
   * @param pooling max or average
   * @return a network that differs from this one in its pools' kind only
   */
  public Network withPooling(Pooling pooling) {
    List<Layer> out = new ArrayList<>(layers.size());
    for (Layer l : layers) {
      out.add(l instanceof Layer.Pool p ? p.withKind(pooling) : l);
    }
    return new Network(name, inputConvention, inputChannels, out);
  }

  /**
   * The network with its first convolution filling its padding as {@code mode} says (the only
   * one that reads the image's border; later layers keep zero padding, as they were trained).
   *
   * @param mode how the first convolution pads
   * @return the network with that padding
   */
  public Network withFirstConvolutionPadding(PaddingMode mode) {
    java.util.Objects.requireNonNull(mode, "mode");
    List<Layer> out = new ArrayList<>(layers);
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i) instanceof Layer.Convolution c) {
        out.set(i, c.withPaddingMode(mode));
        break;
      }
    }
    return new Network(name, inputConvention, inputChannels, out);
  }

  /**
   * Output shape (C, H, W) of every layer for an input of the given size, in network order.
   *
   * @param height the input's height
   * @param width the input's width
   * @return one {C, H, W} per layer
   * @throws IllegalArgumentException if the input is too small for a layer
   */
  public List<int[]> shapes(int height, int width) {
    List<int[]> out = new ArrayList<>(layers.size());
    int[] s = {inputChannels, height, width};
    for (Layer l : layers) {
      s = l.outputShape(s[0], s[1], s[2]);
      if (s[1] < 1 || s[2] < 1) {
        int[] min = minimumInputSize();
        throw new IllegalArgumentException(
            "an input of " + height + "x" + width + " (height x width) is too small for network " + name
                + ": layer " + l.name() + " would have no pixels left; it needs at least " + min[0] + "x"
                + min[1]);
      }
      out.add(s);
    }
    return out;
  }

  /**
   * The smallest input for which every layer keeps at least one pixel, as {height, width}: the
   * size below which {@link #shapes} refuses an image. Worked out backwards from the last layer,
   * whose output needs one pixel: a convolution or pool of window k, stride s and pads p
   * before and after needs (r - 1) s + k - p input pixels for r output pixels.
   *
   * @return {minimum height, minimum width}, each at least 1
   */
  public int[] minimumInputSize() {
    long h = 1;
    long w = 1;
    for (int i = layers.size() - 1; i >= 0; i--) {
      Layer l = layers.get(i);
      if (l instanceof Layer.Convolution c) {
        h = needed(h, c.stride(), c.kernelHeight(), c.padding().top() + c.padding().bottom());
        w = needed(w, c.stride(), c.kernelWidth(), c.padding().left() + c.padding().right());
      } else if (l instanceof Layer.Pool p) {
        h = needed(h, p.stride(), p.kernel(), p.padding().top() + p.padding().bottom());
        w = needed(w, p.stride(), p.kernel(), p.padding().left() + p.padding().right());
      }
    }
    return new int[] {(int) h, (int) w};
  }

  /** Input pixels a window of {@code kernel} at {@code stride} over {@code pads} needs for {@code out} outputs. */
  private static long needed(long out, int stride, int kernel, int pads) {
    long in = (out - 1) * stride + kernel - pads;
    return Math.min(Integer.MAX_VALUE, Math.max(1, in));
  }

  /**
   * Checks that {@code image} is (1, inputChannels, H, W) and large enough for every layer;
   * returns its shape. Throws IllegalArgumentException with the expected shape otherwise.
   *
   * @param image an input image
   * @return its shape, {1, C, H, W}
   */
  public int[] requireImage(Tensor image) {
    int[] s = image.shape();
    if (s.length != 4 || s[0] != 1 || s[1] != inputChannels) {
      throw new IllegalArgumentException("image must have shape (1, " + inputChannels + ", H, W) for network "
          + name + ", got " + java.util.Arrays.toString(s));
    }
    shapes(s[2], s[3]); // a clear message when the image is too small
    return s;
  }

  /**
   * Output shape (C, H, W) of the named layer for an input of the given size.
   *
   * @param layerName a layer's name
   * @param height the input's height
   * @param width the input's width
   * @return {C, H, W} of that layer's output
   * @throws UnknownLayerException if the layer is not in the network
   */
  public int[] shapeOf(String layerName, int height, int width) {
    requireLayers(List.of(layerName));
    return shapes(height, width).get(indexOf(layerName));
  }
}
