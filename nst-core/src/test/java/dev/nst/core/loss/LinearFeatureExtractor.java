package dev.nst.core.loss;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.Network;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small exact extractor for tests: layer "mix" is a 1x1 convolution without bias (3 -> 4
 * channels), layer "pool" a 2x2 stride-2 average pool of it. Counts its calls.
 */
final class LinearFeatureExtractor implements FeatureExtractor {
  static final int IN = 3;
  static final int OUT = 4;
  private final float[] m = new float[OUT * IN];
  private final Network network;
  int forwards;
  int backwards;
  boolean closed;

  LinearFeatureExtractor(long seed) {
    Random r = new Random(seed);
    for (int i = 0; i < m.length; i++) {
      m[i] = (float) r.nextGaussian();
    }
    network = new Network("linear", InputConvention.UNIT, IN, List.of(
        new Layer.Convolution("mix", Tensor.of(m, OUT, IN, 1, 1), Tensor.zeros(OUT), 1, Padding.NONE),
        new Layer.Pool("pool", Pooling.AVERAGE, 2, 2, Padding.NONE)));
  }

  @Override
  public Network network() {
    return network;
  }

  @Override
  public Map<String, Tensor> forward(Tensor image, Collection<String> layers) {
    forwards++;
    network.requireLayers(layers);
    int h = image.dim(2);
    int w = image.dim(3);
    float[] x = image.toArray();
    float[] mix = new float[OUT * h * w];
    for (int o = 0; o < OUT; o++) {
      for (int i = 0; i < IN; i++) {
        for (int p = 0; p < h * w; p++) {
          mix[o * h * w + p] += m[o * IN + i] * x[i * h * w + p];
        }
      }
    }
    int ph = h / 2;
    int pw = w / 2;
    float[] pool = new float[OUT * ph * pw];
    for (int o = 0; o < OUT; o++) {
      for (int i = 0; i < ph; i++) {
        for (int j = 0; j < pw; j++) {
          int b = o * h * w + 2 * i * w + 2 * j;
          pool[(o * ph + i) * pw + j] = (mix[b] + mix[b + 1] + mix[b + w] + mix[b + w + 1]) / 4;
        }
      }
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String l : layers) {
      out.put(l, l.equals("mix") ? Tensor.of(mix, 1, OUT, h, w) : Tensor.of(pool, 1, OUT, ph, pw));
    }
    return out;
  }

  @Override
  public Tensor backward(Tensor image, Map<String, Tensor> layerGradients) {
    backwards++;
    network.requireLayers(layerGradients.keySet());
    int h = image.dim(2);
    int w = image.dim(3);
    float[] gmix = new float[OUT * h * w];
    if (layerGradients.containsKey("mix")) {
      layerGradients.get("mix").copyTo(gmix);
    }
    if (layerGradients.containsKey("pool")) {
      Tensor gp = layerGradients.get("pool");
      int ph = h / 2;
      int pw = w / 2;
      for (int o = 0; o < OUT; o++) {
        for (int i = 0; i < ph; i++) {
          for (int j = 0; j < pw; j++) {
            float g = gp.get((o * ph + i) * pw + j) / 4;
            int b = o * h * w + 2 * i * w + 2 * j;
            gmix[b] += g;
            gmix[b + 1] += g;
            gmix[b + w] += g;
            gmix[b + w + 1] += g;
          }
        }
      }
    }
    float[] gx = new float[IN * h * w];
    for (int o = 0; o < OUT; o++) {
      for (int i = 0; i < IN; i++) {
        for (int p = 0; p < h * w; p++) {
          gx[i * h * w + p] += m[o * IN + i] * gmix[o * h * w + p];
        }
      }
    }
    return Tensor.adopt(gx, image.shape());
  }

  @Override
  public void close() {
    closed = true;
  }
}
