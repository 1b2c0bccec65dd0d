"""Draw the computation graph of a :class:`~mlpkit.Value` with matplotlib alone.

One rounded box per node shows its name and operation, its value (``data``)
and its gradient (``grad``).  Arrows follow the forward pass: inputs on the
left, the output on the right.

Layout (a small Sugiyama-style layered drawing):

1. **Layers.**  An operation sits one layer to the right of its deepest input
   (longest path from the inputs); a leaf sits just left of its first use, so
   constants stay next to the operation that consumes them.
2. **Dummy points.**  An edge that spans several layers is split by invisible
   points, one per layer crossed, so it can bend around boxes.
3. **Order within layers.**  Alternate left-to-right and right-to-left sweeps
   sort each layer by the barycentre (mean position) of its neighbours in the
   previous layer; the order with the fewest edge crossings is kept.
"""

from __future__ import annotations

from ._optional import require_matplotlib

require_matplotlib("mlpkit.graph (draw_graph)")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402
from matplotlib.path import Path  # noqa: E402

from .autograd import Value, topological_order  # noqa: E402
from .validation import check_positive_int  # noqa: E402

BOX_W, BOX_H = 1.45, 0.66  # inches at scale 1
GAP_X, ROW_H, DUMMY_H = 0.75, 0.95, 0.35
_OP_NAMES = {"*": "\u00d7", "-": "\u2212", "/": "\u00f7", "neg": "negate"}
_COLOURS = {"leaf": "#dbe9f6", "op": "#fdf1d6", "root": "#d9f0d3"}


def _title(v: Value) -> str:
    op = _OP_NAMES.get(v.op, v.op)
    if v.label and op:
        return f"{v.label} = {op}"
    return v.label or op or "const"


def _fmt(x: float, precision: int) -> str:
    return f"{round(x, precision) + 0.0:.{precision}f}"  # + 0.0 turns -0.0 into 0.0


def graph_layout(root: Value):
    """Layers, within-layer order and routed edges for drawing ``root``'s graph.

    Returns
    -------
    pos : dict mapping each node (and dummy point) to ``(x, y)`` in layout units
    edges : list of ``(child, parent, points)``; ``points`` lists the dummy
        points the edge passes through, left to right
    """
    nodes = topological_order(root)
    parents: dict = {n: [] for n in nodes}
    edges = []
    for p in nodes:
        for c in dict.fromkeys(p._prev):  # a*a is drawn as one edge
            parents[c].append(p)
            edges.append((c, p))
    layer = {}
    for n in nodes:  # children come first in topological order
        layer[n] = 1 + max(layer[c] if c._prev else 0 for c in n._prev) if n._prev else 0
    for n in nodes:
        if not n._prev:
            layer[n] = min((layer[p] for p in parents[n]), default=1) - 1

    n_layers = max(layer.values()) + 1
    rows: list[list] = [[] for _ in range(n_layers)]
    for n in nodes:
        rows[layer[n]].append(n)
    left: dict = {n: [] for n in nodes}  # neighbours one layer to the left
    right: dict = {n: [] for n in nodes}
    routed = []
    for i, (c, p) in enumerate(edges):
        chain = [c] + [("dummy", i, l) for l in range(layer[c] + 1, layer[p])] + [p]
        for d in chain[1:-1]:
            rows[d[2]].append(d)
            left[d], right[d] = [], []
        for u, v in zip(chain, chain[1:]):
            right[u].append(v)
            left[v].append(u)
        routed.append((c, p, chain[1:-1]))

    def index():
        return {n: i for row in rows for i, n in enumerate(row)}

    def crossings(idx):
        total = 0
        for row in rows:
            segs = [(idx[u], idx[v]) for u in row for v in right[u]]
            total += sum(
                (a - c) * (b - d) < 0 for k, (a, b) in enumerate(segs) for c, d in segs[k + 1 :]
            )
        return total

    idx = index()
    best = (crossings(idx), [r[:] for r in rows])
    for sweep in range(12):
        nbrs, order = (
            (left, range(1, n_layers)) if sweep % 2 == 0 else (right, range(n_layers - 2, -1, -1))
        )
        for l in order:
            rows[l].sort(
                key=lambda n: (
                    sum(idx[m] for m in nbrs[n]) / len(nbrs[n]) if nbrs[n] else idx[n],
                    idx[n],
                )
            )
            idx = index()
        best = min(best, (crossings(idx), [r[:] for r in rows]), key=lambda t: t[0])
    rows = best[1]

    pos = {}
    for l, row in enumerate(rows):
        heights = [DUMMY_H if isinstance(n, tuple) else ROW_H for n in row]
        y = sum(heights) / 2
        for n, h in zip(row, heights):
            pos[n] = (l * (BOX_W + GAP_X), y - h / 2)
            y -= h
    return pos, routed


def draw_graph(
    root: Value, *, ax: plt.Axes | None = None, precision: int = 3, show_grad: bool = True
) -> plt.Axes:
    """Draw the graph that produced ``root``, one box per node.

    Parameters
    ----------
    root : Value
        The output; every node it depends on is drawn.
    ax : matplotlib Axes, optional
        Where to draw.  By default a new figure is sized to fit the graph.
    precision : int
        Decimals shown for ``data`` and ``grad``.
    show_grad : bool
        Show the ``grad`` line (turn off before calling ``backward``).

    Returns
    -------
    ax : the Axes drawn on, with the axis turned off.  Boxes are
    ``FancyBboxPatch`` objects and arrows ``FancyArrowPatch`` objects, one per
    distinct (input, operation) pair.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph expects a Value, got {type(root).__name__}")
    precision = check_positive_int("precision (decimals shown)", precision, minimum=0)
    pos, edges = graph_layout(root)
    xs, ys = [x for x, _ in pos.values()], [y for _, y in pos.values()]
    x0, x1 = min(xs) - BOX_W / 2 - 0.15, max(xs) + BOX_W / 2 + 0.15
    y0, y1 = min(ys) - BOX_H / 2 - 0.15, max(ys) + BOX_H / 2 + 0.15
    if ax is None:
        scale = min(1.0, 22 / (x1 - x0), 16 / (y1 - y0))  # keep very large graphs on screen
        _, ax = plt.subplots(figsize=((x1 - x0) * scale, (y1 - y0) * scale))
        ax.set_position([0, 0, 1, 1])
    bbox = ax.get_window_extent().transformed(ax.figure.dpi_scale_trans.inverted())
    scale = min(bbox.width / (x1 - x0), bbox.height / (y1 - y0))
    font = max(3.0, 7.5 * scale)

    nodes = [n for n in pos if isinstance(n, Value)]
    for n in nodes:
        x, y = pos[n]
        kind = "root" if n is root else ("op" if n._prev else "leaf")
        ax.add_patch(
            FancyBboxPatch(
                (x - BOX_W / 2, y - BOX_H / 2),
                BOX_W,
                BOX_H,
                boxstyle="round,pad=0,rounding_size=0.08",
                facecolor=_COLOURS[kind],
                edgecolor="#555555",
                linewidth=0.8,
            )
        )
        lines = [_title(n), f"data {_fmt(n.data, precision)}"]
        if show_grad:
            lines.append(f"grad {_fmt(n.grad, precision)}")
        ax.text(
            x,
            y,
            "\n".join(lines),
            ha="center",
            va="center",
            fontsize=font,
            family="monospace",
            linespacing=1.25,
        )

    incoming: dict = {}
    for c, p, _ in edges:
        incoming.setdefault(p, []).append(c)
    for c, p, via in edges:
        ins = sorted(incoming[p], key=lambda m: -pos[m][1])  # top input enters highest
        k = ins.index(c)
        dy = (0.5 - (k + 0.5) / len(ins)) * BOX_H * 0.6
        pts = [(pos[c][0] + BOX_W / 2, pos[c][1])] + [pos[d] for d in via]
        pts.append((pos[p][0] - BOX_W / 2, pos[p][1] + dy))
        path = Path(pts, [Path.MOVETO] + [Path.LINETO] * (len(pts) - 1))
        ax.add_patch(
            FancyArrowPatch(
                path=path,
                arrowstyle="-|>",
                mutation_scale=9 * scale,
                color="#444444",
                linewidth=0.8,
                shrinkA=0,
                shrinkB=0,
            )
        )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.axis("off")
    return ax
