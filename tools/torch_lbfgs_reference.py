#!/usr/bin/python3
"""PyTorch's torch.optim.LBFGS on a reference case: the objective of ../shared/reference's
README (content, Gram style, TV) on the case's model.onnx weights, starting from generated.npy,
targets from content.npy / style.npy. Prints J after each of N iterations as JSON, for the
comparison in nst's LbfgsReferenceTest and the issue note.

  cd tools && /usr/bin/python3 torch_lbfgs_reference.py ../../shared/reference/case01_default 20 \
      > ../testdata/torch-lbfgs/case01_default.json
"""
import json, sys
import numpy as np, torch, torch.nn.functional as F

case, iters = sys.argv[1], int(sys.argv[2])
c = json.load(open(f"{case}/case.json"))
torch.set_default_dtype(torch.float64)
# Weights: read straight from the ONNX initializers (no onnx package needed: tiny protobuf walk).
import onnx_reader  # noqa: E402  (tools/onnx_reader.py)
weights = onnx_reader.initializers(f"{case}/model.onnx")
layers = c["layers"]
convs = [k for k in c["model"]["layer_to_onnx"] if k.startswith("conv")]

def features(x, wanted):
    out, i = {}, 0
    for name in layers:
        if name.startswith("conv"):
            m = c["model"]["layer_to_onnx"][name]
            x = F.conv2d(x, torch.tensor(weights[m["weight"]]), torch.tensor(weights[m["bias"]]), padding=1)
        elif name.startswith("relu"):
            x = F.relu(x)
        else:
            x = F.max_pool2d(x, 2, 2)
        if name in wanted:
            out[name] = x
        if wanted <= set(out):
            break
    return out

load = lambda f: torch.tensor(np.load(f"{case}/{f}").astype(np.float64))
content, style, gen = load("content.npy"), load("style.npy"), load("generated.npy")
cl, sls, sw = c["content_layer"], c["style_layers"], c["style_weights"]
alpha, beta, gamma = c["alpha"], c["beta"], c["gamma"]
gram = lambda a: a.reshape(a.shape[1], -1) @ a.reshape(a.shape[1], -1).t()
with torch.no_grad():
    fc = features(content, {cl})[cl]
    fs = features(style, set(sls))
    gs = {l: gram(fs[l]) / (fs[l].shape[2] * fs[l].shape[3]) for l in sls}
x = gen.clone().requires_grad_(True)

def J():
    f = features(x, set(sls) | {cl})
    a = f[cl]; _, C, H, W = a.shape
    jc = ((fc - a) ** 2).sum() / (4 * C * H * W)
    js = 0
    for l in sls:
        t = f[l]; _, C, H, W = t.shape
        js = js + sw[l] * ((gs[l] * H * W - gram(t)) ** 2).sum() / (4 * C * C * (H * W) ** 2)
    tv = ((x[:, :, 1:] - x[:, :, :-1]) ** 2).sum() + ((x[:, :, :, 1:] - x[:, :, :, :-1]) ** 2).sum()
    return alpha * jc + beta * js + gamma * tv

opt = torch.optim.LBFGS([x], lr=1, max_iter=1, history_size=100, tolerance_grad=0, tolerance_change=0)
values = []
for _ in range(iters):
    def closure():
        opt.zero_grad(); j = J(); j.backward(); values.append(j.item()); return j
    opt.step(closure)
print(json.dumps({"case": case.split("/")[-1], "iterations": iters, "J": values, "J_after": J().item()}))
