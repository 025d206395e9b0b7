#!/usr/bin/python3
"""Draws examples/images/mosaic.png, the project's own style image (CC0): a stained-glass
Voronoi mosaic with dark leading and brush-like colour noise. Deterministic (seed 7).

    /usr/bin/python3 tools/make_mosaic.py examples/images/mosaic.png
"""
import sys
import numpy as np
from PIL import Image, ImageFilter

rng = np.random.default_rng(7)
w, h = 384, 384
n = 90
pts = rng.uniform(0, 1, (n, 2)) * [w, h]
palette = np.array([[222, 76, 46], [245, 184, 52], [40, 96, 170], [28, 146, 128],
                    [120, 50, 140], [235, 220, 180], [200, 40, 90], [70, 160, 220]], float)
cols = palette[rng.integers(0, len(palette), n)] * rng.uniform(0.75, 1.1, (n, 1))
yy, xx = np.mgrid[0:h, 0:w]
d = (xx[..., None] - pts[:, 0]) ** 2 + (yy[..., None] - pts[:, 1]) ** 2
order = np.argsort(d, axis=2)
nearest, second = order[..., 0], order[..., 1]
d1 = np.sqrt(np.take_along_axis(d, nearest[..., None], 2)[..., 0])
d2 = np.sqrt(np.take_along_axis(d, second[..., None], 2)[..., 0])
img = cols[nearest]
img += rng.normal(0, 12, (h, w, 1)) * np.sin(xx / 3.0 + yy / 5.0)[..., None]
edge = np.clip((d2 - d1) / 3.0, 0, 1)[..., None]
img = img * edge + np.array([25, 20, 30]) * (1 - edge)
out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).filter(ImageFilter.SMOOTH)
out.save(sys.argv[1] if len(sys.argv) > 1 else "mosaic.png", optimize=True)
