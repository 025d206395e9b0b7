#!/usr/bin/python3
"""Float64 PyTorch references for nst's Wasserstein-2 and histogram style losses (StyleLossKind
W2 and HISTOGRAM), on the shared reference networks (VGG-19-shaped, random weights) and the
reference inputs, with the formulas of nst-api's StyleLossKind written out independently here:
the W2 gradient comes from autograd through torch.linalg.eigvalsh (nst forms it analytically);
the histogram remap is held constant (torch.no_grad), as the definition says, and the target's
CDF is inverted with torch.searchsorted (nst walks the nodes).

Writes one folder per case under the output directory (default testdata/style-losses):
case.json (what the conformance suite needs to rebuild the objective), losses.json,
grad_generated.npy (dJ/dx), grad_style.npy (dJ_style/dx) and, for guided cases, the masks.
The inputs and the model are read from the reference folders they name (not copied).

  /usr/bin/python3 tools/style_loss_reference.py [testdata/reference] [testdata/style-losses]
"""
import json, os, sys
import numpy as np, torch, torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_reader  # noqa: E402  (tools/onnx_reader.py)

torch.set_default_dtype(torch.float64)
REF = sys.argv[1] if len(sys.argv) > 1 else "testdata/reference"
OUT = sys.argv[2] if len(sys.argv) > 2 else "testdata/style-losses"
EPS = 1e-4    # StyleLossKind.W2_EPSILON
BINS = 256    # StyleLossKind.HISTOGRAM_BINS
UNIFORM = 1e-4  # StyleLossKind.HISTOGRAM_UNIFORM


def network(case_dir, pooling, padding):
    c = json.load(open(f"{case_dir}/case.json"))
    weights = onnx_reader.initializers(f"{case_dir}/model.onnx")
    first = next(n for n in c["layers"] if n.startswith("conv"))

    def features(x, wanted):
        out = {}
        for name in c["layers"]:
            if name.startswith("conv"):
                m = c["model"]["layer_to_onnx"][name]
                w, b = torch.tensor(weights[m["weight"]]), torch.tensor(weights[m["bias"]])
                if name == first and padding != "zeros":
                    x = F.conv2d(F.pad(x, (1, 1, 1, 1), mode=padding), w, b)
                else:
                    x = F.conv2d(x, w, b, padding=1)
            elif name.startswith("relu"):
                x = F.relu(x)
            else:
                x = F.max_pool2d(x, 2, 2) if pooling == "max" else F.avg_pool2d(x, 2, 2)
            if name in wanted:
                out[name] = x
            if wanted <= set(out):
                break
        return out
    return features


def flat(a):
    return a.reshape(a.shape[1], -1)


def w2_target(s):
    f = flat(s)
    return f.mean(1), f @ f.T / f.shape[1]


def sqrtm(a):
    vals, vecs = torch.linalg.eigh(a)
    return vecs @ torch.diag(vals.clamp(min=0).sqrt()) @ vecs.T


def w2_loss(a, target, w):
    mean_t, gram_t = target
    f = flat(a)
    C = f.shape[0]
    W = w.sum()
    mu = (f * w).sum(1) / W
    S = (f * w) @ f.T / W - torch.outer(mu, mu) + EPS * torch.eye(C)
    St = 0.5 * (gram_t + gram_t.T) - torch.outer(mean_t, mean_t) + EPS * torch.eye(C)
    R = sqrtm(St)
    K = R @ S @ R
    lam = torch.linalg.eigvalsh(0.5 * (K + K.T))
    return (((mu - mean_t) ** 2).sum() + torch.trace(S) + torch.trace(St) - 2 * lam.clamp(min=0).sqrt().sum()) / C


def node_cdf(f, lo, s, B, w):
    """Linear deposit of every value on the nodes of [lo, hi] (B bins), then P_e = (sum_{j<e} n_j + n_e/2) / W."""
    C = f.shape[0]
    u = ((f - lo) * s).clamp(0, B)
    k = torch.floor(u).clamp(max=B - 1)
    t = u - k
    k = k.long()
    wn = w.expand_as(f)
    nodes = torch.zeros(C, B + 1).scatter_add_(1, k, wn * (1 - t)).scatter_add_(1, k + 1, wn * t)
    return (torch.cumsum(nodes, 1) - 0.5 * nodes) / w.sum(), k, t


def histogram(s):
    """The style's range and node CDF: (C, B + 3) = lo, hi, P^t_0..P^t_B."""
    f = flat(s)
    lo, hi = f.min(1, keepdim=True).values, f.max(1, keepdim=True).values
    sc = torch.where(hi > lo, BINS / (hi - lo), torch.zeros_like(hi))
    P, _, _ = node_cdf(f, lo, sc, BINS, torch.ones(f.shape[1]))
    return torch.cat([lo, hi, P], 1)


def histogram_loss(a, target, w):
    f = flat(a)
    C, B = f.shape[0], target.shape[1] - 3
    lo, hi, Pt = target[:, :1], target[:, 1:2], target[:, 2:]
    Pt = (1 - UNIFORM) * Pt + UNIFORM * torch.arange(B + 1) / B  # StyleLossKind.HISTOGRAM_UNIFORM
    s = torch.where(hi > lo, B / (hi - lo), torch.zeros_like(hi))
    width = (hi - lo) / B
    W = w.sum()
    with torch.no_grad():
        P, k, t = node_cdf(f, lo, s, B, w)
        # invert the target's CDF piecewise linearly: from the last node at or below P
        e = torch.stack([torch.searchsorted(Pt[c].contiguous(), P[c].contiguous(), right=True) for c in range(C)]) - 1
        e = e.clamp(0, B - 1)
        p0, p1 = Pt.gather(1, e), Pt.gather(1, e + 1)
        span = p1 - p0
        v = e + torch.where(span > 0, (P - p0) / torch.where(span > 0, span, torch.ones_like(span)), torch.zeros_like(P))
        v = torch.where(P <= Pt[:, :1], torch.zeros_like(v), v)
        v = torch.where(P >= Pt[:, B:], torch.full_like(v, B), v)
        T = lo + v * width
        R = T.gather(1, k) + t * (T.gather(1, k + 1) - T.gather(1, k))
    return (w * (f - R) ** 2).sum() / (C * W)


def ramp(h, w):
    y, x = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
    return ((0.1 + 0.8 * (x + 0.5) / w + 0.1 * torch.sin(1.3 * y)).clamp(0, 1)).reshape(1, 1, h, w)


def make(name, ref_case, kind, pooling, padding, style_layers, style_weights, alpha, beta, gamma, guided=()):
    case_dir = f"{REF}/{ref_case}"
    c = json.load(open(f"{case_dir}/case.json"))
    features = network(case_dir, pooling, padding)
    load = lambda f: torch.tensor(np.load(f"{case_dir}/{f}").astype(np.float64))
    content, style, gen = load("content.npy"), load("style.npy"), load("generated.npy")
    cl = c["content_layer"]
    out_dir = f"{OUT}/{name}"
    os.makedirs(out_dir, exist_ok=True)
    with torch.no_grad():
        fc = features(content, {cl})[cl]
        fs = features(style, set(style_layers))
        targets = {l: (w2_target(fs[l]) if kind == "w2" else histogram(fs[l])) for l in style_layers}
    x = gen.clone().requires_grad_(True)
    f = features(x, set(style_layers) | {cl})
    masks = {}
    for l in guided:
        h, w = f[l].shape[2:]
        masks[l] = ramp(h, w)
        np.save(f"{out_dir}/mask_{l}.npy", masks[l].numpy().astype(np.float32))
    a = f[cl]
    _, C, H, W = a.shape
    jc = ((fc - a) ** 2).sum() / (4 * C * H * W)
    per_layer = {}
    js = 0
    for l in style_layers:
        wts = (masks[l].reshape(-1) ** 2) if l in masks else torch.ones(f[l].shape[2] * f[l].shape[3])
        jl = w2_loss(f[l], targets[l], wts) if kind == "w2" else histogram_loss(f[l], targets[l], wts)
        per_layer[l] = jl
        js = js + style_weights[l] * jl
    tv = ((x[:, :, 1:] - x[:, :, :-1]) ** 2).sum() + ((x[:, :, :, 1:] - x[:, :, :, :-1]) ** 2).sum()
    J = alpha * jc + beta * js + gamma * tv
    grad_style, = torch.autograd.grad(js, x, retain_graph=True)
    grad, = torch.autograd.grad(J, x)
    np.save(f"{out_dir}/grad_generated.npy", grad.numpy())
    np.save(f"{out_dir}/grad_style.npy", grad_style.numpy())
    losses = {"J_content": jc.item(), **{f"J_style_{l}": v.item() for l, v in per_layer.items()},
              "J_style": float(js), "J_tv": tv.item(), "J": J.item()}
    json.dump(losses, open(f"{out_dir}/losses.json", "w"), indent=1)
    rel = lambda p: os.path.relpath(f"{case_dir}/{p}", out_dir)
    json.dump({
        "description": f"{kind} style loss on {ref_case}'s network, {pooling} pooling, {padding} padding of the "
                       "first convolution" + (f", guided at {', '.join(guided)}" if guided else ""),
        "generated_by": "tools/style_loss_reference.py (PyTorch " + torch.__version__ + ", float64)",
        "model": rel("model.onnx"), "content": rel("content.npy"), "style": rel("style.npy"),
        "generated": rel("generated.npy"), "style_loss": kind, "pooling": pooling, "first_conv_padding": padding,
        "content_layer": cl, "style_layers": style_layers, "style_weights": style_weights,
        "masks": {l: f"mask_{l}.npy" for l in guided},
        "alpha": alpha, "beta": beta, "gamma": gamma,
        "tolerances": {"loss_rel": 1e-4, "grad_rel_norm": 1e-4},
        "grad_norm": grad.norm().item(), "style_grad_norm": grad_style.norm().item(),
    }, open(f"{out_dir}/case.json", "w"), indent=1)
    print(name, losses)


vgg5 = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]
even = {l: 0.2 for l in vgg5}
make("w2_default", "case01_default", "w2", "max", "zeros", vgg5, even, 1, 10, 0)
make("histogram_default", "case01_default", "histogram", "max", "zeros", vgg5, even, 1, 10, 0)
two = ["relu2_2", "conv3_1"]
make("w2_guided_avgpool_replicate", "case02_custom_layers_tv_avgpool", "w2", "avg", "replicate", two,
     {"relu2_2": 0.75, "conv3_1": 0.25}, 2, 5, 0.004, guided=("relu2_2",))
make("histogram_guided_reflect", "case02_custom_layers_tv_avgpool", "histogram", "max", "reflect", two,
     {"relu2_2": 0.75, "conv3_1": 0.25}, 2, 5, 0.004, guided=("conv3_1",))
