"""Writes keras1_vgg_notop.h5: a tiny VGG-shaped weight file in exactly the layout of Keras 1's
save_weights (as in vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5), written by h5py, so that
KerasH5LoaderTest reads a file made by the same library as the real ones.

Run with: /usr/bin/python3 make_keras1_vgg_notop.py   (Debian: apt-get install python3-h5py)

Kernels are HWIO; kernel[y, x, i, o] = 1000*y + 100*x + 10*i + o + layer/10, bias[o] = o + 0.25,
so a test can compute every expected value.
"""
import os

import h5py
import numpy as np

LAYERS = [
    ("input_1", None),
    ("block1_conv1", (3, 4)),
    ("block1_conv2", (4, 4)),
    ("block1_pool", None),
    ("block2_conv1", (4, 5)),
    ("block2_pool", None),
]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras1_vgg_notop.h5")
with h5py.File(out, "w") as f:
    # Keras 1 (engine/topology.py, save_weights_to_hdf5_group) under h5py 2, where lists of bytes
    # became numpy 'S' arrays: fixed-length, null-padded ASCII strings. h5py 3 would store a plain
    # list as variable-length strings, hence the explicit arrays.
    f.attrs["layer_names"] = np.array([name.encode("utf8") for name, _ in LAYERS])
    conv_index = 0
    for name, shape in LAYERS:
        g = f.create_group(name)
        weight_values = []
        weight_names = []
        if shape is not None:
            conv_index += 1
            cin, cout = shape
            y, x, i, o = np.meshgrid(np.arange(3), np.arange(3), np.arange(cin), np.arange(cout), indexing="ij")
            kernel = (1000 * y + 100 * x + 10 * i + o + conv_index / 10).astype(np.float32)
            bias = (np.arange(cout) + 0.25).astype(np.float32)
            weight_values = [kernel, bias]
            weight_names = [(name + "_W_1:0").encode("utf8"), (name + "_b_1:0").encode("utf8")]
        # [] for weightless layers becomes an empty float64 array, as in the real files.
        g.attrs["weight_names"] = np.array(weight_names) if weight_names else np.array([])
        for wname, val in zip(weight_names, weight_values):
            dset = g.create_dataset(wname, val.shape, dtype=val.dtype)
            dset[:] = val
print("wrote", out, os.path.getsize(out), "bytes")
