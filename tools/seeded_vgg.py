"""Full-width VGG-19 weights from a seed, bit for bit the float32 values of nst-tck's
RandomVgg.vgg19(seed) (Java), so that a reference case can name its network by a seed instead
of carrying ~80 MB of weights.

The generator (the same in RandomVgg.java):
  * SplitMix64: state starts at the seed; each draw adds GAMMA = 0x9E3779B97F4A7C15 to the
    state (mod 2^64) and returns mix64(state) with
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        z ^ (z >> 31)
    (java.util.SplittableRandom's sequence); a double is (draw >> 11) * 2^-53.
  * A normal value takes two doubles d1, d2: sqrt(-2 log(1 - d1)) * cos(2 pi d2) (Box-Muller,
    cosine branch only), in float64 with correctly rounded or fdlibm-grade log and cos (Java uses
    StrictMath; CPython's math module uses the C library; a last-bit difference in float64 almost
    never survives the rounding to float32, and the case records a SHA-256 of the float32 weights
    that the Java side checks).
  * Per convolution in network order: the weight (out, in, 3, 3) in row-major order, each value
    float32(normal * sqrt(2 / (9 in))) (He-normal), then the bias (out), each
    float32(normal * 0.1).
"""
import hashlib
import math

import numpy as np

GAMMA = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1
WIDTHS = [64, 128, 256, 512, 512]
CONVS = [2, 2, 4, 4, 4]


def vgg19_layers():
    """Layer names of VGG-19 features in order, with (kind, in, out) for convolutions."""
    layers, cin = [], 3
    for b, (w, n) in enumerate(zip(WIDTHS, CONVS), start=1):
        for i in range(1, n + 1):
            layers.append((f"conv{b}_{i}", "conv", cin, w))
            layers.append((f"relu{b}_{i}", "relu", None, None))
            cin = w
        layers.append((f"pool{b}", "pool", None, None))
    return layers


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def doubles(self, n):
        """The next n doubles in [0, 1), vectorised (uint64 arithmetic wraps like Java's long)."""
        steps = np.arange(1, n + 1, dtype=np.uint64)
        with np.errstate(over="ignore"):
            z = np.uint64(self.state) + steps * np.uint64(GAMMA)
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
        self.state = (self.state + n * GAMMA) & MASK
        return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53

    def normals(self, n, std):
        """n float32 values float32(normal * std); math.log/math.cos per value (not numpy's
        vectorised kernels, which may differ from the C library in the last bits)."""
        d = self.doubles(2 * n)
        log, cos, sqrt, two_pi = math.log, math.cos, math.sqrt, 2 * math.pi
        u = (1.0 - d[0::2]).tolist()
        v = d[1::2].tolist()
        out = [sqrt(-2 * log(a)) * cos(two_pi * b) * std for a, b in zip(u, v)]
        return np.array(out, dtype=np.float64).astype(np.float32)


def vgg19_weights(seed, last_conv):
    """{conv name: (weight float32 (out, in, 3, 3), bias float32 (out,))} up to last_conv."""
    rnd = SplitMix64(seed)
    out = {}
    for name, kind, cin, cout in vgg19_layers():
        if kind != "conv":
            continue
        w = rnd.normals(cout * cin * 9, math.sqrt(2.0 / (9 * cin))).reshape(cout, cin, 3, 3)
        b = rnd.normals(cout, 0.1)
        out[name] = (w, b)
        if name == last_conv:
            break
    return out


def weights_sha256(weights):
    """SHA-256 of the weights then the bias of each convolution in order, float32 little-endian."""
    h = hashlib.sha256()
    for w, b in weights.values():
        h.update(w.astype("<f4").tobytes())
        h.update(b.astype("<f4").tobytes())
    return h.hexdigest()


if __name__ == "__main__":
    import sys
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 42
    last = sys.argv[2] if len(sys.argv) > 2 else "conv5_1"
    print(weights_sha256(vgg19_weights(seed, last)))
