#!/usr/bin/python3
"""How close a stylised image's feature distributions are to its style's, measured with a
network no loss optimises: the sliced Wasserstein distance (SWD) between the output's and the
style's features at relu1_1, relu2_1, relu3_1 and relu4_1 of a VGG-19 with random weights
(full width, He-normal, seed 0; the only other network available offline, and random
multi-scale features are known to capture texture statistics), plus the same distance between
the RGB pixel distributions, and the content distance: the relative squared distance between
the output's and the content's features at relu4_1 of the same network.

For each layer, the features of both images are projected on 64 random unit directions
(seeded); per direction the two sorted projections are compared at 256 quantile levels; the
layer's SWD is the root mean square of those differences divided by the style's projected
standard deviation (so layers of any scale weigh alike), and the table shows the mean over the
four layers. Lower is closer to the style; the content distance, lower is closer to the photo.

  /usr/bin/python3 tools/style_statistics.py CONTENT STYLE OUTPUT [OUTPUT...]
  /usr/bin/python3 tools/style_statistics.py --table runs.tsv    # rows: method<TAB>content<TAB>style<TAB>output

The style image is resized to the output's long side, as nst does with style scale 1.
"""
import sys
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

torch.manual_seed(0)
CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512]  # VGG-19 up to relu4_1
NAMES = {0: "relu1_1", 2: "relu2_1", 4: "relu3_1", 8: "relu4_1"}  # by convolution index
LEVELS = 256
DIRECTIONS = 64


def make_network():
    layers, c = [], 3
    g = torch.Generator().manual_seed(0)
    for v in CFG:
        if v == "M":
            layers.append(None)
        else:
            w = torch.randn(v, c, 3, 3, generator=g) * (2.0 / (c * 9)) ** 0.5
            layers.append(w)
            c = v
    return layers


NET = make_network()
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def load(path, long_side=None):
    img = Image.open(path).convert("RGB")
    if long_side is not None:
        w, h = img.size
        s = long_side / max(w, h)
        img = img.resize((max(1, round(w * s)), max(1, round(h * s))), Image.BICUBIC)
    return torch.tensor(np.asarray(img), dtype=torch.float32).permute(2, 0, 1)[None] / 255


@torch.no_grad()
def features(x):
    out, conv = {}, 0
    x = (x - MEAN) / STD
    for w in NET:
        if w is None:
            x = F.max_pool2d(x, 2)
            continue
        x = F.relu(F.conv2d(x, w, padding=1))
        if conv in NAMES:
            out[NAMES[conv]] = x
        conv += 1
    return out


def swd(a, b, seed):
    """a, b: (N, C) samples; the sliced W2 distance over random directions, in units of b's spread."""
    g = torch.Generator().manual_seed(seed)
    d = torch.randn(a.shape[1], DIRECTIONS, generator=g)
    d /= d.norm(dim=0, keepdim=True)
    pa, pb = a @ d, b @ d
    q = torch.linspace(0, 1, LEVELS)
    qa = torch.quantile(pa[torch.randperm(pa.shape[0], generator=g)[:16384]], q, dim=0)
    qb = torch.quantile(pb[torch.randperm(pb.shape[0], generator=g)[:16384]], q, dim=0)
    spread = pb.std(dim=0).clamp(min=1e-8)
    return (((qa - qb) / spread) ** 2).mean().sqrt().item()


def measure(content_path, style_path, output_path):
    out = load(output_path)
    side = max(out.shape[2:])
    content = load(content_path)
    content = F.interpolate(content, size=out.shape[2:], mode="bicubic", align_corners=False)
    style = load(style_path, side)
    fo, fs, fc = features(out), features(style), features(content)
    flat = lambda t: t[0].flatten(1).T
    layers = [swd(flat(fo[l]), flat(fs[l]), i) for i, l in enumerate(NAMES.values())]
    rgb = swd(flat(out), flat(style), 99)
    c = ((fo["relu4_1"] - fc["relu4_1"]) ** 2).sum().item() / (fc["relu4_1"] ** 2).sum().item()
    return float(np.mean(layers)), layers, rgb, c


def main():
    if sys.argv[1] == "--table":
        rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if l.strip() and not l.startswith("#")]
        by_method = {}
        print("| method | image | feature SWD (mean of relu1_1..relu4_1) | relu1_1 | relu2_1 | relu3_1 | relu4_1 | "
              "RGB SWD | content distance |")
        print("|---|---|---|---|---|---|---|---|---|")
        for method, content, style, output in rows:
            m, layers, rgb, c = measure(content, style, output)
            by_method.setdefault(method, []).append((m, rgb, c))
            print(f"| {method} | {output.split('/')[-1]} | {m:.3f} | " + " | ".join(f"{v:.3f}" for v in layers)
                  + f" | {rgb:.3f} | {c:.3f} |")
        print()
        print("| method | mean feature SWD | mean RGB SWD | mean content distance | images |")
        print("|---|---|---|---|---|")
        for method, v in by_method.items():
            a = np.array(v)
            print(f"| {method} | {a[:, 0].mean():.3f} | {a[:, 1].mean():.3f} | {a[:, 2].mean():.3f} | {len(v)} |")
        return
    content, style, *outputs = sys.argv[1:]
    for o in outputs:
        m, layers, rgb, c = measure(content, style, o)
        print(f"{o}\tfeature SWD {m:.4f} ({', '.join(f'{v:.3f}' for v in layers)})\tRGB SWD {rgb:.4f}\tcontent {c:.4f}")


if __name__ == "__main__":
    main()
