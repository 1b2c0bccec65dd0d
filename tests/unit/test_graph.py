"""Tests for ``mlpkit.draw_graph``: what was drawn, and that boxes never overlap."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

import mlpkit as mk
from mlpkit.autograd import Value, ValueMLP, cross_entropy, topological_order
from mlpkit.graph import graph_layout


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def neuron_graph():
    """micrograd's worked neuron: o = tanh(x1 w1 + x2 w2 + b)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def forty_node_graph():
    """A ValueMLP [2, 2, 2] on one example with cross-entropy: a 40-ish node graph."""
    m = ValueMLP.from_arrays(
        [np.array([[0.5, -1.0], [1.5, 0.3]]), np.array([[1.0, -0.7], [0.2, 0.9]])],
        [np.array([0.1, -0.2]), np.array([0.0, 0.4])],
        activation="tanh",
    )
    L = cross_entropy(m([Value(1.0, label="x0"), Value(-2.0, label="x1")]), 1)
    L.label = "L"
    L.backward()
    return L


def edges_of(root):
    return {(id(c), id(p)) for p in topological_order(root) for c in p._prev}


def boxes(ax):
    return [p for p in ax.patches if isinstance(p, FancyBboxPatch)]


def arrows(ax):
    return [p for p in ax.patches if isinstance(p, FancyArrowPatch)]


def test_one_box_and_text_per_node_one_arrow_per_edge():
    o = neuron_graph()
    ax = mk.draw_graph(o)
    n_nodes = len(topological_order(o))
    assert n_nodes == 10
    assert len(boxes(ax)) == n_nodes == len(ax.texts)
    assert len(arrows(ax)) == len(edges_of(o)) == 9
    assert not ax.axison


def test_texts_show_label_op_value_and_grad():
    ax = mk.draw_graph(neuron_graph())
    texts = [t.get_text() for t in ax.texts]
    assert "x1\ndata 2.000\ngrad -1.500" in texts
    assert "w1\ndata -3.000\ngrad 1.000" in texts
    assert "o = tanh\ndata 0.707\ngrad 1.000" in texts
    assert any(t.startswith("n = +\ndata 0.881") for t in texts)
    assert sum(t.startswith("\u00d7") for t in texts) == 2  # the two products, unlabelled


def test_precision_and_show_grad():
    ax = mk.draw_graph(Value(1.23456, label="a") * 2, precision=1, show_grad=False)
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == ["a\ndata 1.2", "const\ndata 2.0", "\u00d7\ndata 2.5"]


def test_no_negative_zero():
    ax = mk.draw_graph(Value(-1e-12, label="tiny") * 1.0)
    assert all("-0.000" not in t.get_text() for t in ax.texts)


def test_fan_out_draws_one_arrow_per_distinct_pair():
    a = Value(3.0, label="a")
    f = a * a + a  # edges: a->mul, mul->add, a->add
    ax = mk.draw_graph(f)
    assert len(boxes(ax)) == 3 and len(arrows(ax)) == 3


def test_single_leaf():
    ax = mk.draw_graph(Value(5.0, label="x"))
    assert len(boxes(ax)) == 1 and not arrows(ax)


def test_layers_follow_the_forward_pass():
    """Every edge runs left to right, through one dummy point per layer it skips."""
    L = forty_node_graph()
    pos, edges = graph_layout(L)
    assert len(edges) == len(edges_of(L))
    for c, p, via in edges:
        xs = [pos[c][0]] + [pos[d][0] for d in via] + [pos[p][0]]
        assert xs == sorted(xs) and len(set(xs)) == len(xs)
        assert np.allclose(np.diff(xs), xs[1] - xs[0])
    assert pos[L][0] == max(x for x, _ in pos.values())


def test_forty_node_graph_has_no_overlapping_boxes(tmp_path):
    L = forty_node_graph()
    n_nodes = len(topological_order(L))
    assert 35 <= n_nodes <= 45
    ax = mk.draw_graph(L)
    bs = boxes(ax)
    assert len(bs) == n_nodes and len(arrows(ax)) == len(edges_of(L))
    rects = [
        (b.get_x(), b.get_y(), b.get_x() + b.get_width(), b.get_y() + b.get_height()) for b in bs
    ]
    for i, (x0, y0, x1, y1) in enumerate(rects):
        for u0, v0, u1, v1 in rects[i + 1 :]:
            assert x1 <= u0 or u1 <= x0 or y1 <= v0 or v1 <= y0, "two boxes overlap"
    xlim, ylim = ax.get_xlim(), ax.get_ylim()  # every box is inside the view
    assert all(
        xlim[0] <= r[0] and r[2] <= xlim[1] and ylim[0] <= r[1] and r[3] <= ylim[1] for r in rects
    )
    ax.figure.savefig(tmp_path / "graph.png")


def test_figure_size_scales_with_graph():
    small = mk.draw_graph(Value(1.0) + 2.0).figure.get_size_inches()
    big = mk.draw_graph(forty_node_graph()).figure.get_size_inches()
    assert big[0] > small[0] and big[1] > small[1]


def test_draws_on_a_given_axes():
    fig, ax = plt.subplots(figsize=(6, 3))
    assert mk.draw_graph(neuron_graph(), ax=ax) is ax
    assert len(boxes(ax)) == 10


def test_rejects_non_value():
    with pytest.raises(TypeError, match="expects a Value"):
        mk.draw_graph(3.0)


@pytest.mark.parametrize(
    "precision, exc", [("3", TypeError), (-1, ValueError), (2.5, TypeError), (True, TypeError)]
)
def test_rejects_bad_precision(precision, exc):
    with pytest.raises(exc, match=r"precision \(decimals shown\) must be an int >= 0"):
        mk.draw_graph(Value(1.0), precision=precision)
