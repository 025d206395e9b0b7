#!/usr/bin/python3
"""A whole Gatys run in PyTorch, the problem nst's dev.nst.benchmarks.WholeRun solves, for
comparing whole runs (time, time to a loss, the image) rather than single evaluations
(../shared/tools/pytorch_peer.py).

The problem, as WholeRun sets it up through StyleTransfer.builder():
  * network: full-width VGG-19 features up to relu5_1 (3x3 convolutions with zero padding 1,
    ReLU, 2x2 max pools, the classic layer names, as pytorch_peer.py builds it) with the weights
    of nst-tck's RandomVgg.vgg19(seed), drawn bit for bit by tools/seeded_vgg.py (seed 42);
  * images: examples/images/chelsea.jpg (content) and examples/images/mosaic.png (style), each
    resized to a long side of --size px with nst's resampler (bicubic, a = -0.5, where an axis
    grows; area average where it shrinks; rounded half up to 8 bits; ported below), then
    torchvision's normalisation (x = (p / 255 - mean) / std, RGB), nst's TORCH convention;
  * loss, nst's classic normalisation: alpha * J_content + beta * sum_l 0.2 * J_style(l) (+ gamma
    * TV, gamma 0 by default as in StyleTransfer) with alpha 10, beta 40, content relu4_2, style
    relu1_1..relu5_1, where for an activation F (C channels, N = H W positions)
        J_content = sum((F - P)^2) / (4 C N)
        J_style   = sum((F F^T - T N)^2) / (4 C^2 N^2),  T = the style image's Gram / its own N;
  * optimiser: torch.optim.LBFGS(lr=1, history_size=100, line_search_fn=None, tolerances 1e-7
    and 1e-9), what nst's Lbfgs.defaults() reproduces step for step, stepped once per iteration
    (one evaluation each), starting from the content image;
  * result: the evaluated iterate of the lowest loss, as nst returns it.

Prints one JSON line: wall_s (images, targets and the iterations, after the weights exist),
setup_s, optimisation_s, s_per_iteration, the loss at iteration 1 and every --every iterations
(iteration k reports the loss of the k-th evaluation, of the image after k - 1 steps, as nst
counts), final_loss (the last evaluation), best_loss, and trace: [iteration, seconds since the
optimisation started, loss] for every iteration. --output writes the result as PNG.

Needs torch, numpy and Pillow (Debian: python3-torch python3-numpy python3-pil); for the CPU run
read pytorch_peer.py's header about OpenBLAS. Run with /usr/bin/python3 from anywhere:

  tools/pytorch_whole_run.py --iterations 300 --size 512 --threads 2 --output /tmp/torch_whole.png
  tools/pytorch_whole_run.py --device cuda --iterations 100
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import seeded_vgg  # noqa: E402  (tools/seeded_vgg.py)

# pytorch_peer.py's VGG-19 configuration and names
CFG = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M']
CONTENT = [('relu4_2', 1.0)]
STYLE = [('relu1_1', 0.2), ('relu2_1', 0.2), ('relu3_1', 0.2), ('relu4_1', 0.2), ('relu5_1', 0.2)]
TORCH_MEAN = (0.485, 0.456, 0.406)
TORCH_STD = (0.229, 0.224, 0.225)


def vgg19_named(pool='max'):
    """VGG-19 features as (name, module) pairs with the classic layer names (pytorch_peer.py's)."""
    layers, block, idx = [], 1, 1
    in_c = 3
    for v in CFG:
        if v == 'M':
            layers.append((f'pool{block}', nn.MaxPool2d(2, 2) if pool == 'max' else nn.AvgPool2d(2, 2)))
            block, idx = block + 1, 1
        else:
            layers.append((f'conv{block}_{idx}', nn.Conv2d(in_c, v, 3, padding=1)))
            layers.append((f'relu{block}_{idx}', nn.ReLU(inplace=False)))
            in_c, idx = v, idx + 1
    return layers


def truncated(layers, deepest):
    out = []
    for name, m in layers:
        out.append((name, m))
        if name == deepest:
            break
    return out


def seeded_weights(seed, last_conv, cache):
    """seeded_vgg's weights (about 13M values drawn in Python: seconds), optionally cached as .npz."""
    if cache and os.path.exists(cache):
        z = np.load(cache)
        names = [str(n) for n in z['names']]
        return {n: (z[n + '.weight'], z[n + '.bias']) for n in names}
    w = seeded_vgg.vgg19_weights(seed, last_conv)
    if cache:
        os.makedirs(os.path.dirname(os.path.abspath(cache)), exist_ok=True)
        arrays = {'names': np.array(list(w))}
        for n, (wt, b) in w.items():
            arrays[n + '.weight'], arrays[n + '.bias'] = wt, b
        tmp = cache + '.tmp.npz'
        np.savez(tmp, **arrays)
        os.replace(tmp, cache)
    return w


# --- nst's image preparation (dev.nst.core.image.Resampler, Images.fitLongSide, Preprocessing) ---

def fit_long_side(w, h, long_side):
    """Images.fitLongSide: Java's Math.round (half up), at least 1."""
    if w >= h:
        return long_side, max(1, int(math.floor(h * long_side / w + 0.5)))
    return max(1, int(math.floor(w * long_side / h + 0.5))), long_side


def _cubic(t):
    x = abs(t)
    if x <= 1:
        return (1.5 * x - 2.5) * x * x + 1
    if x < 2:
        return ((-0.5 * x + 2.5) * x - 4) * x + 2
    return 0.0


def _taps(src, dst):
    """Per output index: source indices and float32 weights, padded with weight 0 (adds exactly 0)."""
    rows = []
    if dst == src:
        rows = [([i], [1.0]) for i in range(dst)]
    elif dst < src:
        scale = src / dst
        for i in range(dst):
            lo, hi = i * scale, min(src, (i + 1) * scale)
            first, last = int(math.floor(lo)), min(src - 1, int(math.ceil(hi)) - 1)
            idx = list(range(first, last + 1))
            rows.append((idx, [min(hi, j + 1) - max(lo, j) for j in idx]))
    else:
        scale = src / dst
        for i in range(dst):
            centre = (i + 0.5) * scale - 0.5
            base = int(math.floor(centre)) - 1
            idx = [max(0, min(src - 1, base + k)) for k in range(4)]
            rows.append((idx, [_cubic(centre - (base + k)) for k in range(4)]))
    width = max(len(r[0]) for r in rows)
    index = np.zeros((dst, width), dtype=np.int64)
    weight = np.zeros((dst, width), dtype=np.float32)
    for i, (idx, w) in enumerate(rows):
        s = sum(w)  # in order, in double, as Resampler.normalised
        index[i, :len(idx)] = idx
        weight[i, :len(idx)] = np.array([v / s for v in w], dtype=np.float64).astype(np.float32)
    return index, weight


def resample(rgb, dst_w, dst_h):
    """Resampler.resample on a (H, W, 3) uint8 array: horizontal then vertical pass in float32,
    each output accumulated tap by tap in the same order as the Java loops."""
    src_h, src_w, _ = rgb.shape
    ix, wx = _taps(src_w, dst_w)
    iy, wy = _taps(src_h, dst_h)
    src = rgb.astype(np.float32)
    mid = np.zeros((src_h, dst_w, 3), dtype=np.float32)
    for k in range(ix.shape[1]):
        mid += wx[:, k][None, :, None] * src[:, ix[:, k], :]
    out = np.zeros((dst_h, dst_w, 3), dtype=np.float32)
    for k in range(iy.shape[1]):
        out += wy[:, k][:, None, None] * mid[iy[:, k], :, :]
    # round half up and clip, as Resampler.clip: (int) (v + 0.5f) for 0 < v < 255
    r = np.where(out >= 255, np.float32(255), np.floor(out + np.float32(0.5)))
    r = np.where(out > 0, r, 0)
    return r.astype(np.uint8)


def load_resized(path, long_side):
    img = ImageOps.exif_transpose(Image.open(path)).convert('RGB')
    w, h = fit_long_side(img.width, img.height, long_side)
    rgb = np.asarray(img, dtype=np.uint8)
    return rgb if (w, h) == (img.width, img.height) else resample(rgb, w, h)


def to_tensor(rgb):
    """Preprocessing.toTensor, TORCH convention: float32 of (p * (1/255) - mean) / std in double."""
    out = np.empty((1, 3) + rgb.shape[:2], dtype=np.float32)
    for c in range(3):
        lut = np.array([(p * (1.0 / 255.0) - TORCH_MEAN[c]) / TORCH_STD[c] for p in range(256)],
                       dtype=np.float64).astype(np.float32)
        out[0, c] = lut[rgb[:, :, c]]
    return torch.from_numpy(out)


def to_image(x):
    """Preprocessing.toImage: p = (v std + mean) / (1/255), rounded half up, clipped to 0..255."""
    a = x.detach().to('cpu', torch.float32).numpy()[0].astype(np.float64)
    planes = []
    for c in range(3):
        v = (a[c] * TORCH_STD[c] + TORCH_MEAN[c]) / (1.0 / 255.0)
        p = np.where(v >= 255, 255.0, np.where(v > 0, np.floor(v + 0.5), 0.0))
        planes.append(p.astype(np.uint8))
    return Image.fromarray(np.stack(planes, axis=-1), 'RGB')


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--size', type=int, default=512, help='long side of the output (px)')
    p.add_argument('--iterations', type=int, default=300)
    p.add_argument('--every', type=int, default=50, help='report the loss every this many iterations')
    p.add_argument('--threads', type=int, default=os.cpu_count(), help='torch CPU threads')
    p.add_argument('--device', default='cpu', help='cpu, cuda or cuda:N')
    p.add_argument('--pool', default='max', choices=['max', 'avg'])
    p.add_argument('--seed', type=int, default=42, help='RandomVgg.vgg19 seed of the weights')
    p.add_argument('--content', default=os.path.join(ROOT, 'examples/images/chelsea.jpg'))
    p.add_argument('--style', default=os.path.join(ROOT, 'examples/images/mosaic.png'))
    p.add_argument('--alpha', type=float, default=10.0)
    p.add_argument('--beta', type=float, default=40.0)
    p.add_argument('--gamma', type=float, default=0.0, help='TV weight (StyleTransfer default 0)')
    p.add_argument('--history', type=int, default=100)
    p.add_argument('--lr', type=float, default=1.0)
    p.add_argument('--weights-cache', default='', help='.npz file to keep the drawn weights in between runs')
    p.add_argument('--output', default='', help='write the result here (PNG)')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    cuda = dev.type == 'cuda'

    deepest = 'relu5_1'
    layers = truncated(vgg19_named(a.pool), deepest)
    last_conv = [n for n, m in layers if isinstance(m, nn.Conv2d)][-1]
    w0 = time.perf_counter()
    weights = seeded_weights(a.seed, last_conv, a.weights_cache)
    weights_s = time.perf_counter() - w0

    def sync():
        if cuda:
            torch.cuda.synchronize(dev)

    t0 = time.perf_counter()
    with torch.no_grad():
        for name, m in layers:
            if isinstance(m, nn.Conv2d):
                wt, b = weights[name]
                m.weight.copy_(torch.from_numpy(np.ascontiguousarray(wt)))
                m.bias.copy_(torch.from_numpy(np.ascontiguousarray(b)))
    for _, m in layers:
        m.to(dev)
        for prm in m.parameters():
            prm.requires_grad_(False)
    wanted = {l for l, _ in CONTENT} | {l for l, _ in STYLE}

    def features(x):
        out = {}
        for name, m in layers:
            x = m(x)
            if name in wanted:
                out[name] = x
        return out

    def gram(t):
        c = t.shape[1]
        f = t.reshape(c, -1)
        return f @ f.t()

    content_rgb = load_resized(a.content, a.size)
    style_rgb = load_resized(a.style, a.size)  # style scale 1: the same long side
    content = to_tensor(content_rgb).to(dev)
    style = to_tensor(style_rgb).to(dev)
    with torch.no_grad():
        fc = {l: t.clone() for l, t in features(content).items() if l in dict(CONTENT)}
        mean_grams = {}
        for l, t in features(style).items():
            if l in dict(STYLE):
                mean_grams[l] = gram(t) / (t.shape[2] * t.shape[3])

    x = content.clone().requires_grad_(True)

    def loss_of(img):
        f = features(img)
        j_content = 0
        for l, w in CONTENT:
            t = f[l]
            _, c, h, wd = t.shape
            j_content = j_content + w * ((t - fc[l]) ** 2).sum() / (4 * c * h * wd)
        j_style = 0
        for l, w in STYLE:
            t = f[l]
            _, c, h, wd = t.shape
            n = h * wd
            j_style = j_style + w * ((gram(t) - mean_grams[l] * n) ** 2).sum() / (4 * c * c * n * n)
        j = a.alpha * j_content + a.beta * j_style
        if a.gamma:
            tv = ((img[:, :, 1:, :] - img[:, :, :-1, :]) ** 2).sum() + ((img[:, :, :, 1:] - img[:, :, :, :-1]) ** 2).sum()
            j = j + a.gamma * tv
        return j

    opt = torch.optim.LBFGS([x], lr=a.lr, max_iter=1, history_size=a.history,
                            tolerance_grad=1e-7, tolerance_change=1e-9, line_search_fn=None)
    trace = []
    best = {'loss': math.inf, 'x': None, 'iteration': 0}
    sync()
    start = time.perf_counter()
    setup_s = start - t0

    def closure():
        opt.zero_grad()
        j = loss_of(x)
        j.backward()
        v = j.item()  # waits for the device
        trace.append([len(trace) + 1, round(time.perf_counter() - start, 4), v])
        if v < best['loss']:
            best.update(loss=v, x=x.detach().clone(), iteration=len(trace))
        return j

    for _ in range(a.iterations):
        opt.step(closure)  # one evaluation, then one step (none once a tolerance is met)
    sync()
    optimisation_s = time.perf_counter() - start
    wall_s = time.perf_counter() - t0
    if a.output:
        to_image(best['x'] if best['x'] is not None else x).save(a.output)

    losses = {str(k): v for k, _, v in trace if k == 1 or k % a.every == 0 or k == len(trace)}
    print(json.dumps({
        'runner': 'pytorch', 'torch': torch.__version__, 'device': str(dev),
        'device_name': torch.cuda.get_device_name(dev) if cuda else None,
        'threads': a.threads, 'size': a.size, 'width': int(content.shape[3]), 'height': int(content.shape[2]),
        'seed': a.seed, 'iterations': len(trace), 'weights_s': round(weights_s, 3),
        'wall_s': round(wall_s, 3), 'setup_s': round(setup_s, 3), 'optimisation_s': round(optimisation_s, 3),
        's_per_iteration': round(optimisation_s / max(1, len(trace)), 5), 'loss_every': a.every,
        'losses': losses, 'final_loss': trace[-1][2] if trace else None, 'best_loss': best['loss'],
        'best_iteration': best['iteration'], 'output': a.output, 'trace': trace,
    }))


if __name__ == '__main__':
    main()
