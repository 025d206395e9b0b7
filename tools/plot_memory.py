#!/usr/bin/python3
"""Plots peak resident memory and seconds per evaluation against output size (megapixels) for
each backend and PyTorch, untiled, and nst's tiled large-image runs (docs/benchmarks.md,
"Memory and any size").

    /usr/bin/python3 tools/plot_memory.py docs/memory-data.json docs/images/memory_per_size.png
"""
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

data = json.load(open(sys.argv[1]))
untiled = data["untiled"]
mpx = [h * w / 1e6 for h, w in untiled["sizes"]]
fig, (mem, sec) = plt.subplots(1, 2, figsize=(10, 4), dpi=110)
for name in untiled["peak_gib"]:
    mem.plot(mpx, untiled["peak_gib"][name], marker="o", label=f"{name}, untiled")
    sec.plot(mpx, untiled["seconds"][name], marker="o", label=f"{name}, untiled")
for name, runs in data.get("tiled", {}).items():
    x = [r["size"][0] * r["size"][1] / 1e6 for r in runs]
    mem.plot(x, [r["peak_gib"] for r in runs], marker="s", linestyle="--", label=f"{name}, tiled (budget)")
    sec.plot(x, [r["seconds"] for r in runs], marker="s", linestyle="--", label=f"{name}, tiled (upper bound)")
mem.axhline(24, color="grey", linewidth=0.8)
mem.text(mpx[0], 24.5, "machine memory (24 GiB)", fontsize=8, color="grey")
for ax, label in ((mem, "peak resident memory (GiB)"), (sec, "seconds per evaluation")):
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("output size (megapixels)")
    ax.set_ylabel(label)
    ax.grid(True, which="both", alpha=0.3)
mem.legend(fontsize=8)
fig.suptitle(f"full-width VGG-19 objective, {data['date']}: {data['machine']}", fontsize=9)
fig.tight_layout()
fig.savefig(sys.argv[2])
