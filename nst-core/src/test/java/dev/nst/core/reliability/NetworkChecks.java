package dev.nst.core.reliability;

import dev.nst.api.Layer;
import dev.nst.api.Network;

/** What a loaded {@link Network} must satisfy for a fuzzer to accept it. */
final class NetworkChecks {
  private NetworkChecks() {}

  /** {@code null} when {@code n} is usable, otherwise what is wrong with it. */
  static String problem(Network n) {
    if (n == null) {
      return "null network";
    }
    if (n.layers().isEmpty()) {
      return "no layers";
    }
    if (n.inputChannels() < 1) {
      return "input channels " + n.inputChannels();
    }
    int channels = n.inputChannels();
    for (Layer l : n.layers()) {
      if (l instanceof Layer.Convolution c) {
        if (c.inChannels() != channels) {
          return c.name() + " takes " + c.inChannels() + " channels but receives " + channels;
        }
        if (c.outChannels() < 1 || c.kernelHeight() < 1 || c.kernelWidth() < 1) {
          return c.name() + " has an empty weight " + java.util.Arrays.toString(c.weight().shape());
        }
        String w = nonFinite(c.weight().toArray());
        String b = nonFinite(c.bias().toArray());
        if (w != null || b != null) {
          return c.name() + " has " + (w != null ? "weight " + w : "bias " + b);
        }
        String geometry = geometry(c.stride(), c.padding(), c.kernelHeight(), c.kernelWidth());
        if (geometry != null) {
          return c.name() + " has " + geometry;
        }
        channels = c.outChannels();
      } else if (l instanceof Layer.LeakyRelu r && !Float.isFinite(r.alpha())) {
        return r.name() + " has alpha " + r.alpha();
      } else if (l instanceof Layer.Pool p && (p.kernel() < 1 || p.stride() < 1)) {
        return p.name() + " has kernel " + p.kernel() + " stride " + p.stride();
      } else if (l instanceof Layer.Pool p && geometry(p.stride(), p.padding(), p.kernel(), p.kernel()) != null) {
        return p.name() + " has " + geometry(p.stride(), p.padding(), p.kernel(), p.kernel());
      }
    }
    return null;
  }

  /**
   * Strides, pads and kernels beyond {@value #MAX_GEOMETRY} make no sense for images and can
   * overflow the int arithmetic of {@link Network#shapes}.
   */
  static final int MAX_GEOMETRY = 1 << 16;

  private static String geometry(int stride, dev.nst.api.Padding p, int kh, int kw) {
    int max = Math.max(Math.max(stride, Math.max(kh, kw)), Math.max(Math.max(p.top(), p.bottom()), Math.max(p.left(), p.right())));
    return max > MAX_GEOMETRY ? "an absurd stride, padding or kernel (" + stride + ", " + p + ", " + kh + "x" + kw + ")" : null;
  }

  private static String nonFinite(float[] v) {
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        return "value " + v[i] + " at " + i;
      }
    }
    return null;
  }
}
