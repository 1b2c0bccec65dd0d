"""Tests for mlpkit.plot: each figure is rendered and we check what was drawn."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402
from matplotlib.quiver import Quiver  # noqa: E402

from mlpkit import plot  # noqa: E402
from mlpkit.metrics import confusion_counts  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _scatter_points(ax):
    return sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))


def _labelled_lines(ax):
    return [l for l in ax.lines if not l.get_label().startswith("_")]


def test_use_style_sets_palette_and_has_no_import_side_effect():
    with plt.rc_context():
        plot.use_style()
        colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        assert [c.upper() for c in colors] == [c.upper() for c in plot.PALETTE]
    assert plot.CMAP_CLASSES.N == len(plot.PALETTE)
    assert not hasattr(plot, "set_style")  # the alias is gone: use_style only


def test_decision_boundary_with_label_function(rng):
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    ax = plot.decision_boundary(lambda Z: (Z[:, 0] > 0).astype(int), X, y, resolution=50, title="t")
    assert _scatter_points(ax) == 40
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == 2  # one per class
    assert len(ax.get_legend().get_texts()) == 2
    assert ax.get_title() == "t"
    ax.figure.savefig(io.BytesIO(), format="png")  # renders fully, writes no file


class _LogitModel:
    """Stand-in for an mlpkit model: has parameters() and returns logits."""

    def parameters(self):
        return []

    def __call__(self, X):
        return np.column_stack([X[:, 0], X[:, 1], -X[:, 0] - X[:, 1]])


def test_decision_boundary_with_model_and_proba(rng):
    X = rng.normal(size=(30, 2))
    y = rng.integers(0, 3, 30)
    ax = plot.decision_boundary(_LogitModel(), X, y, resolution=40, proba=True)
    assert len(ax.images) == 1
    assert ax.images[0].get_array().shape == (40, 40, 3)
    assert _scatter_points(ax) == 30


def _contour_sets(ax):
    return [c for c in ax.collections if isinstance(c, ContourSet)]


def _boundary_vertices(ax):
    """Vertices of the (unfilled) boundary contour drawn by decision_boundary."""
    lines = [c for c in _contour_sets(ax) if not c.filled]
    assert len(lines) == 1
    return np.concatenate([p.vertices for p in lines[0].get_paths()]), lines[0]


class _Binary:
    def parameters(self):
        return []

    def forward(self, X):
        return X[:, :1] - 0.3  # (m, 1) logits

    __call__ = forward


def test_decision_boundary_binary_logits_threshold_at_zero():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    ax = plot.decision_boundary(_Binary(), X, np.array([0, 1]), resolution=20)
    assert _scatter_points(ax) == 2


@pytest.mark.parametrize(
    "model, threshold",
    [
        (_Binary(), None),  # (m, 1) logits
        (lambda Z: Z[:, 0] - 0.3, 0.0),  # (m,) scores
        (lambda Z: 1 / (1 + np.exp(-(Z[:, 0] - 0.3))), None),  # probabilities
        (lambda Z: np.column_stack([np.zeros(len(Z)), Z[:, 0] - 0.3]), None),  # K = 2
    ],
    ids=["logit_model", "score_fn", "proba_fn", "two_scores"],
)
def test_decision_boundary_binary_draws_exact_boundary(model, threshold):
    """For a binary score the boundary is the level-0 contour of the score
    (logit 0, probability 0.5, equal scores), exact where the label contour
    would sit half a grid step off: here the line x1 = 0.3."""
    X = np.array([[-1.0, -1.0], [0.0, 0.5], [1.0, 1.0]])
    y = np.array([0, 0, 1])
    ax = plot.decision_boundary(model, X, y, resolution=23, threshold=threshold)
    V, line = _boundary_vertices(ax)
    np.testing.assert_allclose(V[:, 0], 0.3, atol=1e-4)  # grid step 0.11
    assert V[:, 1].min() == pytest.approx(ax.get_ylim()[0])
    assert V[:, 1].max() == pytest.approx(ax.get_ylim()[1])
    assert to_hex(line.get_edgecolor()[0]) == "#262626"  # thin dark line
    filled = [c for c in _contour_sets(ax) if c.filled]
    assert len(filled) == 1 and len(filled[0].get_paths()) == 2  # two regions
    # regions, boundary, one scatter per class -- nothing more
    assert len(ax.collections) == 4 and _scatter_points(ax) == 3


def test_decision_boundary_labels_and_multiclass_keep_label_contour(rng):
    X = rng.normal(size=(30, 2))
    ax = plot.decision_boundary(lambda Z: (Z[:, 0] > 0.3).astype(int), X, resolution=23)
    V, line = _boundary_vertices(ax)
    assert to_hex(line.get_edgecolor()[0]) == "#4d4d4d"
    assert np.abs(V[:, 0] - 0.3).max() > 1e-3  # half a grid step off
    plt.close("all")
    ax = plot.decision_boundary(_LogitModel(), X, rng.integers(0, 3, 30), resolution=23)
    assert len([c for c in _contour_sets(ax) if not c.filled]) == 1


def test_decision_boundary_default_resolution_is_300(rng):
    X = rng.normal(size=(10, 2))
    ax = plot.decision_boundary(_LogitModel(), X, proba=True)
    assert ax.images[0].get_array().shape == (300, 300, 3)
    _, line = _boundary_vertices(ax)  # K = 3: label contour


def test_decision_boundary_validates_shapes(rng):
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        plot.decision_boundary(lambda Z: Z[:, 0] > 0, rng.normal(size=(5, 3)))
    with pytest.raises(ValueError, match="one label per row"):
        plot.decision_boundary(lambda Z: Z[:, 0] > 0, rng.normal(size=(5, 2)), np.zeros(4))


def test_training_curves_with_accuracy_axis():
    h = {
        "epoch": [1, 2, 3],
        "loss": [1.0, 0.5, 0.3],
        "val_loss": [1.1, 0.7, 0.6],
        "val_accuracy": [0.5, 0.7, 0.8],
    }
    ax = plot.training_curves(h)
    assert len(ax.lines) == 2
    assert len(ax.right_ax.lines) == 1
    assert len(ax.get_legend().get_texts()) == 3
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3])
    assert ax.lines[1].get_linestyle() == "--"  # validation is dashed
    assert ax.get_zorder() > ax.right_ax.get_zorder()  # legend not hidden by accuracy curves
    ax.figure.savefig(io.BytesIO(), format="png")  # renders fully, writes no file


def test_training_curves_xlabel():
    h = {"loss": [1.0, 0.5, 0.3]}
    assert plot.training_curves(h).get_xlabel() == "epoch"
    ax = plot.training_curves(h, xlabel="gradient step", accuracy=False)
    assert ax.get_xlabel() == "gradient step"


def test_training_curves_missing_metric():
    with pytest.raises(ValueError, match="'val_loss' is not in the history"):
        plot.training_curves({"loss": [1.0, 0.5]}, metrics=("loss", "val_loss"))
    ax = plot.training_curves({"loss": [1.0, 0.5]}, accuracy=False)
    assert len(ax.lines) == 1


def test_loss_surface_contours_arrows_path():
    f = lambda a, b: a**2 + 4 * b**2  # noqa: E731
    path = np.array([[1.5, 1.0], [0.9, 0.2], [0.5, 0.05], [0.2, 0.0]])
    ax = plot.loss_surface(f, (-2, 2), (-2, 2), path=path, resolution=60, n_arrows=7)
    quivers = [c for c in ax.collections if isinstance(c, Quiver)]
    assert len(quivers) == 1 and quivers[0].N == 49
    # arrows point downhill: at (x, y) > 0 both components are negative
    U, V = quivers[0].U, quivers[0].V
    assert U[-1] < 0 and V[-1] < 0
    assert len(ax.lines) == 3  # path, start, end
    assert len(ax.lines[0].get_xdata()) == 4
    assert ax.get_aspect() == 1.0
    ax.figure.savefig(io.BytesIO(), format="png")  # renders fully, writes no file


def test_loss_surface_single_path_label_and_colour():
    f = lambda a, b: a**2 + b**2  # noqa: E731
    path = np.array([[1.0, 1.0], [0.5, 0.5], [0.1, 0.1]])
    ax = plot.loss_surface(
        f, path=path, resolution=30, arrows=False, path_label="momentum", path_color="#0072B2"
    )
    assert [l.get_label() for l in ax.lines] == ["momentum", "start", "end"]
    assert {to_hex(l.get_color()) for l in ax.lines} == {"#0072b2"}
    assert ax.get_legend() is None  # the caller decides
    plt.close("all")
    ax = plot.loss_surface(f, path=path, resolution=30, arrows=False)
    assert ax.lines[0].get_label() == "gradient descent"
    assert to_hex(ax.lines[0].get_color()) == to_hex(plot.COLORS["vermillion"])


def test_loss_surface_two_paths():
    f = lambda a, b: a**2 + 4 * b**2  # noqa: E731
    gd = np.array([[1.5, 1.0], [0.9, 0.2], [0.5, 0.05], [0.2, 0.0]])
    mom = np.array([[1.5, 1.0], [1.0, -0.3], [0.3, 0.1]])
    ax = plot.loss_surface(
        f, path=None, paths={"gradient descent": gd, "momentum": mom}, resolution=40, arrows=False
    )
    lines = _labelled_lines(ax)
    assert [l.get_label() for l in lines] == ["gradient descent", "momentum"]
    assert len(ax.lines) == 6  # line, start, end per path
    np.testing.assert_array_equal(lines[1].get_xdata(), mom[:, 0])
    assert lines[0].get_color() != lines[1].get_color()
    assert lines[0].get_marker() != lines[1].get_marker()
    starts = [l for l in ax.lines if l.get_marker() == "s"]
    ends = [l for l in ax.lines if l.get_marker() == "*"]
    assert len(starts) == len(ends) == 2
    assert [s.get_xdata()[0] for s in starts] == [1.5, 1.5]
    assert [e.get_xdata()[0] for e in ends] == [0.2, 0.3]
    assert [s.get_color() for s in starts] == [l.get_color() for l in lines]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["gradient descent", "momentum", "start", "end"]
    ax.figure.savefig(io.BytesIO(), format="png")  # renders fully, writes no file


def test_loss_surface_path_and_paths_together_and_errors():
    f = lambda a, b: a + b  # noqa: E731
    P = np.array([[0.0, 0.0], [1.0, 1.0]])
    ax = plot.loss_surface(
        f,
        path=P,
        paths={"b": P + 0.1},
        resolution=20,
        arrows=False,
        path_color="black",
        legend=False,
    )
    assert [l.get_label() for l in _labelled_lines(ax)] == ["gradient descent", "b"]
    assert to_hex(ax.lines[0].get_color()) == "#000000"
    assert to_hex(ax.lines[3].get_color()) != "#000000"
    assert ax.get_legend() is None
    with pytest.raises(ValueError, match=r"paths\['b'\] must have shape \(T, 2\)"):
        plot.loss_surface(f, paths={"a": P, "b": np.zeros((3, 3))})
    with pytest.raises(TypeError, match="paths must be a dict"):
        plot.loss_surface(f, paths=[P])


def test_loss_surface_with_grad_and_non_vectorised_f():
    calls = []

    def f(a, b):
        calls.append(1)
        return float(a) ** 2 + float(b) ** 2  # scalar only

    ax = plot.loss_surface(
        f,
        (-1, 1),
        (-1, 1),
        resolution=10,
        arrows=True,
        grad=lambda a, b: (2 * a, 2 * b),
        log_levels=True,
        levels=5,
    )
    assert any(isinstance(c, Quiver) for c in ax.collections)
    with pytest.raises(ValueError, match=r"path must have shape \(T, 2\)"):
        plot.loss_surface(lambda a, b: a + b, path=np.zeros(3))


def _edges(ax):
    return sum(len(c.get_segments()) for c in ax.collections if isinstance(c, LineCollection))


def _circles(ax):
    return sum(isinstance(p, Circle) for p in ax.patches)


def test_network_diagram_counts():
    ax = plot.network_diagram([2, 3, 1])
    assert _circles(ax) == 6
    assert _edges(ax) == 2 * 3 + 3 * 1
    assert [t.get_text() for t in ax.texts] == ["input\n(2)", "hidden 1\n(3)", "output\n(1)"]
    ax.figure.savefig(io.BytesIO(), format="png")  # renders fully, writes no file


def test_network_diagram_caps_big_layers_and_colours_weights(rng):
    Ws = [rng.normal(size=(64, 16)), rng.normal(size=(16, 10))]
    ax = plot.network_diagram(weights=Ws, max_units=12)
    assert _circles(ax) == 10 + 10 + 10  # 64 and 16 are capped
    assert _edges(ax) == 10 * 10 + 10 * 10
    assert sum(t.get_text() == "⋮" for t in ax.texts) == 2
    colors = {tuple(c) for coll in ax.collections for c in coll.get_colors()}
    assert len(colors) == 2  # positive and negative
    with pytest.raises(ValueError, match="weights have shapes"):
        plot.network_diagram([3, 16, 10], weights=Ws)


def test_network_diagram_accepts_model_like(rng):
    class P:
        def __init__(self, a):
            self.data = a

    class Model:
        def parameters(self):
            return [
                P(rng.normal(size=(2, 3))),
                P(np.zeros(3)),
                P(rng.normal(size=(3, 1))),
                P(np.zeros(1)),
            ]

    ax = plot.network_diagram(Model())
    assert _circles(ax) == 6 and _edges(ax) == 9


def test_activations_with_derivatives():
    axes = plot.activations(("sigmoid", "tanh", "relu"))
    assert len(axes) == 3
    for ax in axes:
        lines = _labelled_lines(ax)
        assert len(lines) == 2
        assert lines[1].get_linestyle() == "--"
    sig = _labelled_lines(axes[0])[0]
    z, s = sig.get_xdata(), sig.get_ydata()
    assert s[np.argmin(np.abs(z))] == pytest.approx(0.5)
    axes[0].figure.savefig(io.BytesIO(), format="png")  # renders fully, writes no file


def test_activations_on_one_axes_and_errors():
    _, ax = plt.subplots()
    axes = plot.activations(("relu", "step"), ax=ax, derivatives=False)
    assert len(_labelled_lines(axes[0])) == 2
    with pytest.raises(ValueError, match="unknown activation"):
        plot.activations(("swish",))


def test_digits_grid_titles_and_mistakes(rng):
    images = rng.random((12, 64))
    labels = np.arange(12) % 10
    preds = labels.copy()
    preds[3] = 9
    axes = plot.digits_grid(images, labels, preds, ncols=5)
    assert axes.shape == (3, 5)
    shown = [ax for ax in axes.flat if ax.get_visible()]
    assert len(shown) == 12 and all(len(ax.images) == 1 for ax in shown)
    assert shown[3].get_title() == "true 3\npred 9"
    assert shown[3].title.get_fontweight() == "bold"
    assert shown[0].title.get_fontweight() == "normal"
    assert shown[0].images[0].get_array().shape == (8, 8)
    shown[0].figure.savefig(io.BytesIO(), format="png")  # renders fully, writes no file


def test_digits_grid_accepts_3d_and_rejects_non_square(rng):
    axes = plot.digits_grid(rng.random((3, 8, 8)), labels=[1, 2, 3])
    assert axes.flat[1].get_title() == "2"
    with pytest.raises(ValueError, match="not a square number"):
        plot.digits_grid(rng.random((3, 10)))


def test_confusion_counts():
    C = confusion_counts([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], num_classes=4)
    expected = np.zeros((4, 4), int)
    expected[0, 0] = expected[0, 1] = expected[1, 1] = expected[2, 2] = expected[2, 0] = 1
    np.testing.assert_array_equal(C, expected)
    assert C.dtype.kind == "i"
    with pytest.raises(ValueError, match="same length"):
        confusion_counts([0, 1], [0])
    with pytest.raises(TypeError, match="num_classes must be an int"):
        confusion_counts([0, 1], [0, 1], num_classes=2.0)
    assert not hasattr(plot, "confusion_counts")  # moved to mk.metrics


def test_confusion_matrix_annotations(rng):
    yt = rng.integers(0, 4, 100)
    yp = np.where(rng.random(100) < 0.7, yt, rng.integers(0, 4, 100))
    ax = plot.confusion_matrix(yt, yp)
    assert len(ax.images) == 1
    assert len(ax.texts) == 16
    C = confusion_counts(yt, yp)
    assert ax.texts[0].get_text() == str(C[0, 0])
    # the largest cell has white text, the smallest black
    colors = {t.get_text(): t.get_color() for t in ax.texts}
    assert colors[str(C.max())] == "white"
    ax.figure.savefig(io.BytesIO(), format="png")  # renders fully, writes no file
    plt.close("all")
    ax = plot.confusion_matrix(yt, yp, normalize=True, labels=list("abcd"))
    values = np.array([float(t.get_text()) for t in ax.texts]).reshape(4, 4)
    np.testing.assert_allclose(values.sum(axis=1), 1, atol=0.02)


def test_weights_grid_symmetric_colour_scale(rng):
    W = rng.normal(size=(64, 6))
    axes = plot.weights_grid(W, ncols=3)
    shown = [ax for ax in axes.flat if ax.get_visible() and ax.images]
    assert len(shown) == 6
    vmin, vmax = shown[0].images[0].get_clim()
    assert vmin == -vmax == -np.abs(W).max()
    axes.flat[0].figure.savefig(io.BytesIO(), format="png")  # renders fully, writes no file


def test_timeline_one_text_per_event():
    events = [(1986, "backpropagation"), (1958, "perceptron"), (1969, "Perceptrons")]
    ax = plot.timeline(events)
    assert len(ax.texts) == 3
    assert ax.texts[0].get_text().startswith("1958")  # sorted by year
    assert _scatter_points(ax) == 3
    ax.figure.savefig(io.BytesIO(), format="png")  # renders fully, writes no file


HISTORY = [
    (1943, "McCulloch-Pitts neuron"),
    (1958, "perceptron"),
    (1969, "Minsky-Papert"),
    (1970, "reverse-mode AD"),
    (1974, "Werbos"),
    (1986, "backprop (RHW)"),
    (1989, "universal approximation"),
    (1998, "LeNet"),
    (2009, "ImageNet"),
    (2012, "AlexNet"),
]

CHAPTER_1 = [
    (1943, "McCulloch & Pitts: threshold neuron, fixed weights"),
    (1958, "Rosenblatt: perceptron, trained from data"),
    (1969, "Minsky & Papert: limits of one layer (XOR)"),
    (1970, "Linnainmaa: reverse-mode autodiff"),
    (1974, "Werbos: use it to train networks"),
    (1986, "Rumelhart, Hinton & Williams: backprop"),
    (1998, "LeCun et al.: convnets read digits"),
    (2012, "Krizhevsky et al.: AlexNet on ImageNet, GPUs"),
]


def _timeline_history():
    return plot.timeline(HISTORY)


def _timeline_chapter_1():  # house style, larger labels
    with plot.style():
        fig, ax = plt.subplots(figsize=(8.6, 4.6))
        return plot.timeline(CHAPTER_1, ax=ax, wrap=17, fontsize=10.5)


def _timeline_dense():  # a cluster of years, no layout engine
    fig, ax = plt.subplots(figsize=(6, 4))
    events = [
        (year, f"event of {year:d}, with a longer label")
        for year in (1950, 1969, 1970, 1971, 1972, 1974, 2000)
    ]
    return plot.timeline(events, ax=ax, title="Dense years", fontsize=8)


@pytest.mark.parametrize(
    "make",
    [_timeline_history, _timeline_chapter_1, _timeline_dense],
    ids=["history", "chapter_1", "dense"],
)
def test_timeline_labels_do_not_overlap(make):
    ax = make()
    fig = ax.figure
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.texts]
    n = len(boxes)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = boxes[i], boxes[j]
            apart = a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0
            assert apart, (ax.texts[i].get_text(), ax.texts[j].get_text())
    # labels alternate above and below the axis line, and stay in the figure
    line_y = ax.transData.transform((0.0, 0.0))[1]
    for i, box in enumerate(boxes):
        assert box.y0 > line_y if i % 2 == 0 else box.y1 < line_y
        assert 0 <= box.x0 and box.x1 <= fig.bbox.width
    # no pole runs through another event's label
    (poles,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    offsets = poles.get_offset_transform().transform(poles.get_offsets())
    assert len(poles.get_segments()) == n
    for k, (seg, off) in enumerate(zip(poles.get_segments(), offsets)):
        (x, y0), (_, y1) = poles.get_transform().transform(seg) + off
        lo, hi = min(y0, y1), max(y0, y1)
        for j, box in enumerate(boxes):
            if j != k:
                assert not (box.x0 < x < box.x1 and box.y0 < hi and lo < box.y1), (k, j)
    fig.savefig(io.BytesIO(), format="png")  # renders fully, writes no file


def test_timeline_fontsize():
    ax = plot.timeline(HISTORY[:3])
    assert {t.get_fontsize() for t in ax.texts} == {9}
    plt.close("all")
    ax = plot.timeline(HISTORY[:3], fontsize=12)
    assert {t.get_fontsize() for t in ax.texts} == {12}


def test_gradient_norms_bars_and_lines():
    ax = plot.gradient_norms({"layer 1": 1e-4, "layer 2": 1e-2, "layer 3": 0.5})
    assert len(ax.patches) == 3 and ax.get_yscale() == "log"
    ax.figure.savefig(io.BytesIO(), format="png")  # renders fully, writes no file
    plt.close("all")
    ax = plot.gradient_norms([[1, 0.5, 0.2], [2, 1, 0.5]], log=False)
    assert len(ax.lines) == 2


def test_functions_draw_into_given_ax(rng):
    fig, axs = plt.subplots(1, 3)
    X = rng.normal(size=(10, 2))
    assert plot.decision_boundary(lambda Z: Z[:, 0] > 0, X, ax=axs[0], resolution=10) is axs[0]
    assert plot.training_curves({"loss": [1, 0.5]}, ax=axs[1]) is axs[1]
    assert plot.network_diagram([2, 2], ax=axs[2]) is axs[2]
    assert len(fig.axes) == 3


@pytest.mark.parametrize(
    "name",
    [
        "decision_boundary",
        "training_curves",
        "gradient_norms",
        "loss_surface",
        "network_diagram",
        "activations",
        "digits_grid",
        "weights_grid",
        "confusion_matrix",
        "timeline",
    ],
)
def test_ax_is_keyword_only_everywhere(name):
    import inspect

    params = inspect.signature(getattr(plot, name)).parameters
    assert "axes" not in params
    assert params["ax"].kind is inspect.Parameter.KEYWORD_ONLY


def test_activation_curves_come_from_the_one_table():
    from mlpkit.activations import ACTIVATIONS
    from mlpkit.functional import sigmoid

    assert ACTIVATIONS["sigmoid"].fn is sigmoid
    ax = plot.activations(("sigmoid",), derivatives=False)[0]
    z, v = ax.lines[0].get_data()
    np.testing.assert_allclose(v, sigmoid(z))
