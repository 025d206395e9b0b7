#!/usr/bin/python3
"""PyTorch timings of the host kernels' work, for the ratios in docs/benchmarks.md:
Gram F F^T and the Gram-loss gradient S F at the VGG-19 activation shapes (C x HW) of
relu1_1..relu5_1 for square images of the given sizes. Median of --repeat runs, ms.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tools/torch_gram_peer.py --sizes 256 512 1024
"""
import argparse, json, time
import torch

LAYERS = {"relu1_1": (64, 1), "relu2_1": (128, 2), "relu3_1": (256, 4), "relu4_1": (512, 8), "relu5_1": (512, 16)}

p = argparse.ArgumentParser()
p.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024])
p.add_argument("--threads", type=int, default=2)
p.add_argument("--repeat", type=int, default=5)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)

def median_ms(f):
    f()
    ts = []
    for _ in range(a.repeat):
        t = time.perf_counter(); f(); ts.append((time.perf_counter() - t) * 1e3)
    return sorted(ts)[len(ts) // 2]

rows = []
for size in a.sizes:
    for layer, (c, down) in LAYERS.items():
        hw = (size // down) ** 2
        f = torch.rand(c, hw)
        s = torch.rand(c, c)
        gram = median_ms(lambda: torch.mm(f, f.t()))
        grad = median_ms(lambda: torch.mm(s, f))
        macs = c * c * hw
        rows.append({"size": size, "layer": layer, "c": c, "hw": hw, "macs": macs,
                     "gram_ms": round(gram, 2), "gram_gflops": round(2 * macs / gram / 1e6, 1),
                     "grad_ms": round(grad, 2), "grad_gflops": round(2 * macs / grad / 1e6, 1)})
        print(json.dumps(rows[-1]), flush=True)
