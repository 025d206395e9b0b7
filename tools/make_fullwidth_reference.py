#!/usr/bin/python3
"""Writes a full-width VGG-19 reference case (the format of testdata/reference/README.md) whose
network is built from a seed (tools/seeded_vgg.py, bit for bit nst-tck's RandomVgg.vgg19) instead
of a model.onnx: 64..512 channels up to relu5_1, float64 losses and input gradient by PyTorch
autograd from the float32 weights and float32 inputs.

At full width and ~64 px a few of the ~1.2M pre-activations lie so close to 0 (and a few
max-pool windows so close to a tie) that one float32 rounding flips the ReLU (or the argmax) and
moves the gradient by up to 2e-2. So the generated image is nudged: while any unit has a margin
(|pre-activation|, or the top-two gap of a pool window whose max is positive) below
--margin x the spread (std) of its layer's pre-activations, small float64 steps on the input
push those units away from their kinks; each step is rounded to float32 and checked again. What
was done is recorded in case.json under "conditioning".

    /usr/bin/python3 tools/make_fullwidth_reference.py testdata/reference/case03_fullwidth_vgg19
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seeded_vgg  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--seed", type=int, default=20240)
p.add_argument("--input-seed", type=int, default=7)
p.add_argument("--size", type=int, nargs=2, default=[56, 72], help="content/generated H W")
p.add_argument("--style-size", type=int, nargs=2, default=[60, 44], help="style H W")
p.add_argument("--margin", type=float, default=1e-3, help="minimum |z| / std(z) (and pool gap / std)")
p.add_argument("--alpha", type=float, default=10.0)
p.add_argument("--beta", type=float, default=40.0)
p.add_argument("--gamma", type=float, default=1e-3)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)

CONTENT = "relu4_2"
STYLE = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]
LAMBDA = {l: 0.2 for l in STYLE}
LAST = "relu5_1"
LAYERS = []
for name, kind, cin, cout in seeded_vgg.vgg19_layers():
    LAYERS.append((name, kind))
    if name == LAST:
        break
CONVS = [n for n, k in LAYERS if k == "conv"]
# the pools a gradient passes on its way back from the deepest loss layer
POOLS = [n for n, k in LAYERS if k == "pool"]

weights32 = seeded_vgg.vgg19_weights(a.seed, CONVS[-1])
digest = seeded_vgg.weights_sha256(weights32)
W = {n: (torch.from_numpy(w.astype(np.float64)), torch.from_numpy(b.astype(np.float64)))
     for n, (w, b) in weights32.items()}
W32 = {n: (torch.from_numpy(w), torch.from_numpy(b)) for n, (w, b) in weights32.items()}


def features(x, weights, keep_all=False):
    """Activations by layer name up to LAST (all layers, or only the loss layers)."""
    out = {}
    wanted = set(STYLE) | {CONTENT}
    for name, kind in LAYERS:
        if kind == "conv":
            x = F.conv2d(x, *weights[name], padding=1)
        elif kind == "relu":
            x = F.relu(x)
        else:
            x = F.max_pool2d(x, 2, 2)
        if keep_all or name in wanted:
            out[name] = x
    return out


def gram(act):
    f = act.reshape(act.shape[1], -1)
    return f @ f.t()


def losses(gen, content_act, style_grams, weights):
    """J terms of the README's formulas; style_grams are the unscaled style Grams with their nHW."""
    acts = features(gen, weights)
    ac, ag = content_act, acts[CONTENT]
    _, c, h, w = ag.shape
    j = {"J_content": ((ac - ag) ** 2).sum() / (4 * c * h * w)}
    js = 0
    for l in STYLE:
        g = acts[l]
        _, c, h, w = g.shape
        gs, nhw_s = style_grams[l]
        d = gs * (h * w / nhw_s) - gram(g)
        j["J_style_" + l] = (d ** 2).sum() / (4 * c * c * (h * w) ** 2)
        js = js + LAMBDA[l] * j["J_style_" + l]
    j["J_style"] = js
    j["J_tv"] = ((gen[:, :, 1:, :] - gen[:, :, :-1, :]) ** 2).sum() + ((gen[:, :, :, 1:] - gen[:, :, :, :-1]) ** 2).sum()
    j["J"] = a.alpha * j["J_content"] + a.beta * j["J_style"] + a.gamma * j["J_tv"]
    return j


def smooth_field(rng, c, h, w):
    """A roughly N(0,1) smooth random image: coarse noise upsampled bicubically plus fine noise."""
    coarse = torch.from_numpy(rng.standard_normal((1, c, h // 6 + 2, w // 6 + 2)))
    x = F.interpolate(coarse, size=(h, w), mode="bicubic", align_corners=False)
    x = x + 0.3 * torch.from_numpy(rng.standard_normal((1, c, h, w)))
    return (x - x.mean(dim=(2, 3), keepdim=True)) / x.std(dim=(2, 3), keepdim=True)


def margins(x):
    """Per kink site, the margin over the layer's spread and a differentiable sum that grows when
    the units below the threshold move away from their kinks. Returns (min margin, where, count
    below threshold, push objective, per-layer minimum)."""
    acts = features(x, W, keep_all=True)
    push = x.new_zeros(())
    below = 0
    worst = (float("inf"), None)
    per_layer = {}
    for name, kind in LAYERS:
        if kind == "conv":
            z = acts[name]
            s = z.detach().std()
            m = z.abs() / s
            mask = (m < a.margin).detach()
            sign = torch.where(z.detach() >= 0, 1.0, -1.0)
            push = push + (sign * z / s)[mask].sum()
            spread = s
        elif kind == "pool":
            r = acts[prev]  # the ReLU output the pool reads
            _, c, h, w = r.shape
            win = r[:, :, : h // 2 * 2, : w // 2 * 2].reshape(1, c, h // 2, 2, w // 2, 2)
            win = win.permute(0, 1, 2, 4, 3, 5).reshape(1, c, h // 2, w // 2, 4)
            top = torch.topk(win, 2, dim=-1).values
            gap = top[..., 0] - top[..., 1]
            m = gap / spread
            mask = ((m < a.margin) & (top[..., 0] > 0)).detach()
            push = push + m[mask].sum()
            m = torch.where(top[..., 0] > 0, m, torch.full_like(m, float("inf")))
        else:
            prev = name
            continue
        mn = float(m.detach().min())
        per_layer[name] = mn
        if mn < worst[0]:
            worst = (mn, name)
        below += int(mask.sum())
        prev = name
    return worst[0], worst[1], below, push, per_layer


def nudge(x32):
    """x32 (float32 tensor) nudged until no unit is below the margin; returns the new float32
    image and a record of the steps."""
    x = x32.double()
    steps = []
    for it in range(200):
        xv = x.clone().requires_grad_(True)
        worst, where, below, push, _ = margins(xv)
        steps.append({"step": it, "units_below": below, "min_margin": worst, "at": where})
        print(f"step {it}: {below} units below {a.margin:g}, min margin {worst:.3g} at {where}", flush=True)
        if below == 0:
            return x.float(), steps
        (d,) = torch.autograd.grad(push, xv)
        # step length: the push objective counts margins in units of the layers' spreads; aim to
        # move the summed margin of the units below the threshold by 2 x threshold per unit
        rate = float((d * d).sum())
        eta = 2 * a.margin * below / rate
        x = (x + eta * d).float().double()  # every candidate is a float32 image
    raise SystemExit("nudging did not converge; try another --input-seed")


rng = np.random.default_rng(a.input_seed)
h, w = a.size
content = smooth_field(rng, 3, h, w).float()
style = smooth_field(rng, 3, *a.style_size).float()
generated = (0.5 * content.double() + 0.8 * smooth_field(rng, 3, h, w)).float()
original = generated.clone()
generated, steps = nudge(generated)
change = (generated.double() - original.double())
_, _, _, _, per_layer = margins(generated.double())

with torch.no_grad():
    c_act = features(content.double(), W)[CONTENT]
    s_acts = features(style.double(), W)
    s_grams = {l: (gram(s_acts[l]), s_acts[l].shape[2] * s_acts[l].shape[3]) for l in STYLE}


def reference(gen, terms):
    g = gen.double().clone().requires_grad_(True)
    j = losses(g, c_act, s_grams, W)
    total = sum(k * j[n] for n, k in terms)
    (grad,) = torch.autograd.grad(total, g)
    return {k: float(v) for k, v in j.items()}, grad.detach()


J, grad = reference(generated, [("J", 1.0)])
per_term = {t: reference(generated, [(n, 1.0)])[1] for t, n in
            [("content", "J_content"), ("style", "J_style"), ("tv", "J_tv")]}

# float32 recomputation: PyTorch float32 (oneDNN) from the float32 weights and inputs
with torch.no_grad():
    c32 = features(content, W32)[CONTENT]
    sa32 = features(style, W32)
    sg32 = {l: (gram(sa32[l]), sa32[l].shape[2] * sa32[l].shape[3]) for l in STYLE}


def float32(gen):
    g32 = gen.clone().requires_grad_(True)
    j32 = losses(g32, c32, sg32, W32)
    (grad32,) = torch.autograd.grad(j32["J"], g32)
    return j32, grad32


rel = lambda x, y: float(torch.linalg.norm(x.double() - y) / torch.linalg.norm(y))
j32, grad32 = float32(generated)
# how far float32 rounding moves a pre-activation, in units of its layer's spread: the margin
# above must be far larger
with torch.no_grad():
    z64 = features(generated.double(), W, keep_all=True)
    z32 = features(generated, W32, keep_all=True)
z_err = {n: float(((z32[n].double() - z64[n]).abs().max()) / z64[n].std()) for n in CONVS}
loss_err = {k: abs(float(j32[k]) - J[k]) / abs(J[k]) for k in J}
# the same comparison on the image before nudging: what the kinks cost a float32 gradient
_, grad_original = reference(original, [("J", 1.0)])
unnudged_grad_err = rel(float32(original)[1], grad_original)

os.makedirs(a.out, exist_ok=True)
files = {}


def save(name, arr):
    path = os.path.join(a.out, name)
    np.save(path, arr)
    files[name] = {"bytes": os.path.getsize(path), "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest()}


save("content.npy", content.numpy().astype("<f4"))
save("style.npy", style.numpy().astype("<f4"))
save("generated.npy", generated.numpy().astype("<f4"))
save("grad_generated.npy", grad.numpy().astype("<f8"))
for t, g in per_term.items():
    save(f"grad_{t}.npy", g.numpy().astype("<f8"))
cheap_grams = ["relu1_1", "relu2_1"]  # 64x64 and 128x128; the deeper ones would add ~3 MB
for l in cheap_grams:
    save(f"gram_style_{l}.npy", s_grams[l][0].numpy().astype("<f8"))
with torch.no_grad():
    last = features(generated.double(), W)[LAST]
save(f"act_{LAST}.npy", last.numpy().astype("<f8"))
with open(os.path.join(a.out, "losses.json"), "w") as f:
    json.dump(J, f, indent=1)
files["losses.json"] = {"bytes": os.path.getsize(os.path.join(a.out, "losses.json"))}

norm = lambda g: float(torch.linalg.norm(g))
case = {
    "set": "nst",
    "case": os.path.basename(os.path.normpath(a.out)),
    "description": "Full-width VGG-19 (64, 128, 256, 512, 512 channels) with seeded random weights, up to relu5_1: "
                   "content relu4_2, style relu1_1..relu5_1 (lambda 0.2 each), TV; max pooling. The network is "
                   "rebuilt from model.seed (RandomVgg.vgg19 in Java, tools/seeded_vgg.py in Python), not read "
                   "from a file; the generated image was nudged away from ReLU and max-pool kinks (see conditioning).",
    "generated_by": f"tools/make_fullwidth_reference.py, PyTorch autograd in float64, torch {torch.__version__}",
    "command": "/usr/bin/python3 tools/make_fullwidth_reference.py " + " ".join(sys.argv[1:]),
    "precision": "all reference outputs computed in float64 from the float32 weights and the float32 input files",
    "model": {
        "generator": "RandomVgg.vgg19",
        "seed": a.seed,
        "last_layer": LAST,
        "weights_sha256": digest,
        "weights_sha256_covers": "weight then bias of every convolution up to the last layer, float32 little-endian",
        "algorithm": seeded_vgg.__doc__.strip(),
    },
    "inputs": {
        "content": {"file": "content.npy", "shape": list(content.shape), "dtype": "float32", "layout": "NCHW"},
        "style": {"file": "style.npy", "shape": list(style.shape), "dtype": "float32", "layout": "NCHW"},
        "generated": {"file": "generated.npy", "shape": list(generated.shape), "dtype": "float32", "layout": "NCHW"},
        "note": "smooth random fields (numpy default_rng(input_seed)); generated = 0.5 content + 0.8 noise, then nudged",
        "input_seed": a.input_seed,
    },
    "content_layer": CONTENT,
    "style_layers": STYLE,
    "style_weights": LAMBDA,
    "alpha": a.alpha,
    "beta": a.beta,
    "gamma": a.gamma,
    "pooling": ["max"],
    "variants": {
        "max": {
            "suffix": "",
            "losses_file": "losses.json",
            "grad_file": "grad_generated.npy",
            "per_term_grad_files": {"content": "grad_content.npy", "style": "grad_style.npy", "tv": "grad_tv.npy"},
            "activation_layers_stored": [LAST],
            "content_act_file": None,
            "gram_files": {l: {"style": f"gram_style_{l}.npy", "generated": None} for l in cheap_grams},
            "grad_norm": norm(grad),
            "per_term_grad_norms": {"||alpha*dJ_content/dx||": a.alpha * norm(per_term["content"]),
                                    "||beta*dJ_style/dx||": a.beta * norm(per_term["style"]),
                                    "||gamma*dJ_tv/dx||": a.gamma * norm(per_term["tv"])},
        }
    },
    "formulas": "as in README.md (Gram, content, style with the style Gram rescaled by nHW_gen / nHW_style, TV, J)",
    "suggested_float32_tolerances": {"grad_rel_norm": 1e-4, "loss_rel": 1e-5, "activation_rel_norm": 2e-5,
                                     "gram_rel_norm": 2e-5},
    "measured_float32_vs_float64": {"torch_float32": {
        "grad_rel_norm": rel(grad32, grad),
        "loss_rel_err": loss_err,
        f"act_{LAST}_rel_norm": rel(features(generated, W32)[LAST].detach(), last),
        "max_abs_preactivation_err_over_layer_std": z_err,
    }},
    "conditioning": {
        "criterion": f"every conv pre-activation z up to {LAST} has |z| >= {a.margin:g} x std(z of its layer), and "
                     "every max-pool window with a positive max has a top-two gap >= the same bound (std of the "
                     "pre-activations of the convolution before the pool)",
        "margin": a.margin,
        "method": "repeat: forward in float64 from the float32 image; if units are below the bound, one float64 "
                  "gradient step on the image along d/dx of the sum of their signed margins (step chosen to move "
                  "them by ~2 x the bound on average), rounded to float32",
        "steps": steps,
        "torch_float32_grad_rel_norm_before_nudging": unnudged_grad_err,
        "change_max_abs": float(change.abs().max()),
        "change_rel_norm": float(torch.linalg.norm(change) / torch.linalg.norm(original.double())),
        "min_margin_per_layer": per_layer,
    },
    "files": files,
}
with open(os.path.join(a.out, "case.json"), "w") as f:
    json.dump(case, f, indent=1)
print(json.dumps({"J": J, "grad_norm": norm(grad), "per_term": case["variants"]["max"]["per_term_grad_norms"],
                  "float32": case["measured_float32_vs_float64"], "change": case["conditioning"]["change_max_abs"],
                  "float32_grad_err_before_nudging": unnudged_grad_err},
                 indent=1))
