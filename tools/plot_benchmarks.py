#!/usr/bin/python3
"""Plots ms per objective evaluation against image size for each backend and PyTorch.

    /usr/bin/python3 tools/plot_benchmarks.py docs/benchmarks-data.json docs/images/benchmarks_ms_per_eval.png
"""
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

data = json.load(open(sys.argv[1]))
fig, ax = plt.subplots(figsize=(6, 4), dpi=110)
for name, ms in data["ms"].items():
    ax.plot(data["sizes"], ms, marker="o", label=name)
ax.set_xlabel("image size (px, square)")
ax.set_ylabel("ms per evaluation (forward + losses + backward)")
ax.set_yscale("log")
ax.set_title(f"VGG-19 objective, {data['cpus']} CPUs, {data['date']}")
ax.grid(True, which="both", alpha=0.3)
ax.legend()
fig.tight_layout()
fig.savefig(sys.argv[2])
