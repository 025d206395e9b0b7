#!/usr/bin/env python3
"""Derives the backward-pass Winograd variants in WinogradConv (F2 and F4 .backward()).

For a forward variant (B, G, A) with interpolation points x, the backward pass interpolates at
the reciprocal points: G' is G with its columns reversed, so that G' (J g J) G'^T = G g G^T (the
forward's transformed kernel U serves the turned kernel). A'^T holds the powers of the points
(infinity: the last row); B'^T is solved, in exact fractions, from
A'^T ((G' g) . (B'^T d)) = the correlation of d with g, for every g and d.

    /usr/bin/python3 tools/winograd_backward.py
"""
from fractions import Fraction as F


def backward(g, m):
    alpha = len(g)
    gb = [[r[2], r[1], r[0]] for r in g]
    points = [None if r[0] == 0 else r[1] / r[0] for r in gb]  # None: infinity
    at = [[(F(1) if i == m - 1 else F(0)) if y is None else y ** i for y in points] for i in range(m)]
    rows = [[at[i][a] * gb[a][j] for a in range(alpha)] for i in range(m) for j in range(3)]
    bt = [[None] * alpha for _ in range(alpha)]
    for k in range(alpha):
        rhs = [F(1) if k == i + j else F(0) for i in range(m) for j in range(3)]
        # the normal equations of the (consistent) system, solved by Gauss-Jordan elimination
        n = [[sum(r[p] * r[q] for r in rows) for q in range(alpha)] + [sum(r[p] * v for r, v in zip(rows, rhs))]
             for p in range(alpha)]
        for c in range(alpha):
            pivot = next(r for r in range(c, alpha) if n[r][c] != 0)
            n[c], n[pivot] = n[pivot], n[c]
            for r in range(alpha):
                if r != c and n[r][c] != 0:
                    f = n[r][c] / n[c][c]
                    n[r] = [x - f * y for x, y in zip(n[r], n[c])]
        x = [n[p][alpha] / n[p][p] for p in range(alpha)]
        for r, v in zip(rows, rhs):
            assert sum(a * b for a, b in zip(r, x)) == v, "no exact solution"
        for p in range(alpha):
            bt[p][k] = x[p]
    return points, bt, gb, at


def show(name, matrix):
    print(name + " = " + "; ".join("{" + ", ".join(str(v) for v in row) + "}" for row in matrix))


if __name__ == "__main__":
    f2 = [[1, 0, 0], [F(1, 2)] * 3, [F(1, 2), F(-1, 2), F(1, 2)], [0, 0, 1]]
    f4 = [[1, 0, 0], [F(1, 3)] * 3, [F(-1, 3), F(1, 3), F(-1, 3)], [F(-16, 15), F(-8, 15), F(-4, 15)],
          [F(1, 15), F(-2, 15), F(4, 15)], [0, 0, 1]]
    for name, g, m in (("F2", f2, 2), ("F4", f4, 4)):
        points, bt, gb, at = backward([[F(v) for v in row] for row in g], m)
        print(name + " backward, points " + ", ".join("inf" if p is None else str(p) for p in points))
        show("  B^T", bt)
        show("  G", gb)
        show("  A^T", at)
