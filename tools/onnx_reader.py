"""Minimal protobuf walk over an ONNX file: float32 initializers by name (no onnx package)."""
import numpy as np


def _varint(b, i):
    r, s = 0, 0
    while True:
        v = b[i]; i += 1; r |= (v & 0x7F) << s; s += 7
        if v < 0x80:
            return r, i


def _fields(b):
    i = 0
    while i < len(b):
        key, i = _varint(b, i)
        f, t = key >> 3, key & 7
        if t == 0:
            v, i = _varint(b, i)
        elif t == 2:
            n, i = _varint(b, i); v = b[i:i + n]; i += n
        elif t == 5:
            v = b[i:i + 4]; i += 4
        elif t == 1:
            v = b[i:i + 8]; i += 8
        else:
            raise ValueError(t)
        yield f, t, v


def initializers(path):
    model = open(path, "rb").read()
    graph = next(v for f, t, v in _fields(model) if f == 7)
    out = {}
    for f, t, v in _fields(graph):
        if f != 5:
            continue
        dims, name, raw = [], None, None
        for g, tt, w in _fields(v):
            if g == 1:
                if tt == 0:
                    dims.append(w)
                else:
                    j = 0
                    while j < len(w):
                        d, j = _varint(w, j); dims.append(d)
            elif g == 8:
                name = w.decode()
            elif g == 9:
                raw = w
        out[name] = np.frombuffer(raw, "<f4").reshape(dims).astype(np.float64)
    return out
