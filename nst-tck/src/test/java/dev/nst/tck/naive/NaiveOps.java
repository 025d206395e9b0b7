package dev.nst.tck.naive;

import dev.nst.api.Layer;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;

/**
 * Direct loops over float arrays for every layer kind, forward and vector-Jacobian product.
 * Written for obviousness, not speed: the suite's reference test of the suite itself.
 * Activations are (C, H, W) arrays; shapes come from {@link Layer#outputShape}.
 */
final class NaiveOps {
  private NaiveOps() {}

  static float[] forward(Layer layer, float[] in, int[] inShape) {
    int[] out = layer.outputShape(inShape[0], inShape[1], inShape[2]);
    if (layer instanceof Layer.Convolution c) {
      return conv(c, in, inShape, out);
    } else if (layer instanceof Layer.Relu) {
      return relu(in, 0f);
    } else if (layer instanceof Layer.LeakyRelu l) {
      return relu(in, l.alpha());
    } else if (layer instanceof Layer.Pool p) {
      return p.kind() == Pooling.MAX ? maxPool(p, in, inShape, out) : avgPool(p, in, inShape, out);
    }
    throw new IllegalArgumentException("unsupported layer " + layer);
  }

  /** Gradient with respect to the layer's input, given the gradient at its output. */
  static float[] backward(Layer layer, float[] in, int[] inShape, float[] gradOut) {
    int[] out = layer.outputShape(inShape[0], inShape[1], inShape[2]);
    if (layer instanceof Layer.Convolution c) {
      return convBackward(c, inShape, out, gradOut);
    } else if (layer instanceof Layer.Relu) {
      return reluBackward(in, gradOut, 0f);
    } else if (layer instanceof Layer.LeakyRelu l) {
      return reluBackward(in, gradOut, l.alpha());
    } else if (layer instanceof Layer.Pool p) {
      return p.kind() == Pooling.MAX
          ? maxPoolBackward(p, in, inShape, out, gradOut) : avgPoolBackward(p, inShape, out, gradOut);
    }
    throw new IllegalArgumentException("unsupported layer " + layer);
  }

  private static float[] conv(Layer.Convolution c, float[] in, int[] s, int[] o) {
    float[] w = c.weight().toArray();
    float[] b = c.bias().toArray();
    int kh = c.kernelHeight();
    int kw = c.kernelWidth();
    Padding pad = c.padding();
    float[] out = new float[o[0] * o[1] * o[2]];
    for (int co = 0; co < o[0]; co++) {
      for (int oy = 0; oy < o[1]; oy++) {
        for (int ox = 0; ox < o[2]; ox++) {
          float sum = b[co];
          for (int ci = 0; ci < s[0]; ci++) {
            for (int ky = 0; ky < kh; ky++) {
              int y = source(oy * c.stride() - pad.top() + ky, s[1], c.paddingMode());
              if (y < 0) {
                continue;
              }
              for (int kx = 0; kx < kw; kx++) {
                int x = source(ox * c.stride() - pad.left() + kx, s[2], c.paddingMode());
                if (x < 0) {
                  continue;
                }
                sum += w[((co * s[0] + ci) * kh + ky) * kw + kx] * in[(ci * s[1] + y) * s[2] + x];
              }
            }
          }
          out[(co * o[1] + oy) * o[2] + ox] = sum;
        }
      }
    }
    return out;
  }

  private static float[] convBackward(Layer.Convolution c, int[] s, int[] o, float[] g) {
    float[] w = c.weight().toArray();
    int kh = c.kernelHeight();
    int kw = c.kernelWidth();
    Padding pad = c.padding();
    float[] gin = new float[s[0] * s[1] * s[2]];
    for (int co = 0; co < o[0]; co++) {
      for (int oy = 0; oy < o[1]; oy++) {
        for (int ox = 0; ox < o[2]; ox++) {
          float go = g[(co * o[1] + oy) * o[2] + ox];
          for (int ci = 0; ci < s[0]; ci++) {
            for (int ky = 0; ky < kh; ky++) {
              int y = source(oy * c.stride() - pad.top() + ky, s[1], c.paddingMode());
              if (y < 0) {
                continue;
              }
              for (int kx = 0; kx < kw; kx++) {
                int x = source(ox * c.stride() - pad.left() + kx, s[2], c.paddingMode());
                if (x < 0) {
                  continue;
                }
                gin[(ci * s[1] + y) * s[2] + x] += w[((co * s[0] + ci) * kh + ky) * kw + kx] * go;
              }
            }
          }
        }
      }
    }
    return gin;
  }

  /** The input index a padded index reads: itself inside, the copied pixel beyond (or -1 for zeros). */
  private static int source(int i, int n, dev.nst.api.PaddingMode mode) {
    if (i >= 0 && i < n) {
      return i;
    }
    return switch (mode) {
      case ZEROS -> -1;
      case REPLICATE -> i < 0 ? 0 : n - 1;
      case REFLECT -> i < 0 ? -i : 2 * (n - 1) - i;
    };
  }

  private static float[] relu(float[] in, float alpha) {
    float[] out = new float[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = in[i] > 0 ? in[i] : alpha * in[i];
    }
    return out;
  }

  private static float[] reluBackward(float[] in, float[] g, float alpha) {
    float[] out = new float[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = in[i] > 0 ? g[i] : alpha * g[i];
    }
    return out;
  }

  /** Index of the maximum of a pooling window (first one on ties, padding ignored), or -1. */
  private static int argMax(Layer.Pool p, float[] in, int[] s, int c, int oy, int ox) {
    int best = -1;
    for (int ky = 0; ky < p.kernel(); ky++) {
      int y = oy * p.stride() - p.padding().top() + ky;
      for (int kx = 0; kx < p.kernel(); kx++) {
        int x = ox * p.stride() - p.padding().left() + kx;
        if (y < 0 || y >= s[1] || x < 0 || x >= s[2]) {
          continue;
        }
        int i = (c * s[1] + y) * s[2] + x;
        if (best < 0 || in[i] > in[best]) {
          best = i;
        }
      }
    }
    return best;
  }

  private static float[] maxPool(Layer.Pool p, float[] in, int[] s, int[] o) {
    float[] out = new float[o[0] * o[1] * o[2]];
    for (int c = 0; c < o[0]; c++) {
      for (int oy = 0; oy < o[1]; oy++) {
        for (int ox = 0; ox < o[2]; ox++) {
          int i = argMax(p, in, s, c, oy, ox);
          out[(c * o[1] + oy) * o[2] + ox] = i < 0 ? 0f : in[i];
        }
      }
    }
    return out;
  }

  private static float[] maxPoolBackward(Layer.Pool p, float[] in, int[] s, int[] o, float[] g) {
    float[] gin = new float[in.length];
    for (int c = 0; c < o[0]; c++) {
      for (int oy = 0; oy < o[1]; oy++) {
        for (int ox = 0; ox < o[2]; ox++) {
          int i = argMax(p, in, s, c, oy, ox);
          if (i >= 0) {
            gin[i] += g[(c * o[1] + oy) * o[2] + ox];
          }
        }
      }
    }
    return gin;
  }

  /** Average over the window's cells inside the input (padding excluded, as ONNX's default). */
  private static float[] avgPool(Layer.Pool p, float[] in, int[] s, int[] o) {
    float[] out = new float[o[0] * o[1] * o[2]];
    for (int c = 0; c < o[0]; c++) {
      for (int oy = 0; oy < o[1]; oy++) {
        for (int ox = 0; ox < o[2]; ox++) {
          float sum = 0;
          int n = 0;
          for (int ky = 0; ky < p.kernel(); ky++) {
            int y = oy * p.stride() - p.padding().top() + ky;
            for (int kx = 0; kx < p.kernel(); kx++) {
              int x = ox * p.stride() - p.padding().left() + kx;
              if (y >= 0 && y < s[1] && x >= 0 && x < s[2]) {
                sum += in[(c * s[1] + y) * s[2] + x];
                n++;
              }
            }
          }
          out[(c * o[1] + oy) * o[2] + ox] = n == 0 ? 0f : sum / n;
        }
      }
    }
    return out;
  }

  private static float[] avgPoolBackward(Layer.Pool p, int[] s, int[] o, float[] g) {
    float[] gin = new float[s[0] * s[1] * s[2]];
    for (int c = 0; c < o[0]; c++) {
      for (int oy = 0; oy < o[1]; oy++) {
        for (int ox = 0; ox < o[2]; ox++) {
          int n = 0;
          for (int pass = 0; pass < 2; pass++) {
            for (int ky = 0; ky < p.kernel(); ky++) {
              int y = oy * p.stride() - p.padding().top() + ky;
              for (int kx = 0; kx < p.kernel(); kx++) {
                int x = ox * p.stride() - p.padding().left() + kx;
                if (y >= 0 && y < s[1] && x >= 0 && x < s[2]) {
                  if (pass == 0) {
                    n++;
                  } else {
                    gin[(c * s[1] + y) * s[2] + x] += g[(c * o[1] + oy) * o[2] + ox] / n;
                  }
                }
              }
            }
          }
        }
      }
    }
    return gin;
  }
}
