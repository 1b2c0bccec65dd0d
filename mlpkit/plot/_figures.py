"""The book's static figures (the house style and one function per figure type).

The package docstring (:mod:`mlpkit.plot`) describes the conventions.  Every
function takes the Axes to draw into as the keyword-only ``ax=`` (an array of
Axes for the multi-panel ``activations``, ``digits_grid`` and ``weights_grid``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, to_hex, to_rgb
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.transforms import Affine2D, offset_copy

from ..activations import ACTIVATIONS
from ..metrics import confusion_counts

__all__ = [
    "PALETTE",
    "COLORS",
    "MARKERS",
    "CMAP_CLASSES",
    "CMAP_WEIGHTS",
    "FIGSIZE",
    "FIGSIZE_SQUARE",
    "FIGSIZE_WIDE",
    "RC_PARAMS",
    "use_style",
    "style",
    "decision_boundary",
    "training_curves",
    "loss_surface",
    "network_diagram",
    "activations",
    "digits_grid",
    "confusion_matrix",
    "weights_grid",
    "timeline",
    "gradient_norms",
]

# ---------------------------------------------------------------------------
# House style
# ---------------------------------------------------------------------------

#: Okabe-Ito colours by name.
COLORS: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "skyblue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}

#: Class/line colours in order (Okabe-Ito, strongest contrasts first).
PALETTE: tuple[str, ...] = tuple(COLORS.values())

#: One marker per class, so that classes differ by shape as well as colour.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")

#: Discrete colormap for class labels 0, 1, 2, ...
CMAP_CLASSES = ListedColormap(PALETTE, name="mlpkit_classes")

#: Diverging colormap for weights: vermillion (negative), white (0), blue (positive).
CMAP_WEIGHTS = LinearSegmentedColormap.from_list(
    "mlpkit_weights", [COLORS["vermillion"], "#FFFFFF", COLORS["blue"]]
)

#: Sequential colormap for surfaces and images.
CMAP_SEQUENTIAL = "viridis"

FIGSIZE = (6.0, 4.0)
FIGSIZE_SQUARE = (4.8, 4.8)
FIGSIZE_WIDE = (9.6, 3.6)

_GREY = "#4D4D4D"
_DARK = "#262626"
_LIGHT = "#BBBBBB"

#: The rcParams that :func:`use_style` applies.
RC_PARAMS: dict[str, Any] = {
    "figure.figsize": FIGSIZE,
    "figure.dpi": 110,
    "figure.constrained_layout.use": True,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "lines.linewidth": 2.0,
    "lines.markersize": 6,
    "image.cmap": CMAP_SEQUENTIAL,
}


def use_style() -> None:
    """Apply the book's rcParams globally (call once per notebook)."""
    mpl.rcParams.update(RC_PARAMS)


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context manager applying the house style only inside a ``with`` block."""
    with mpl.rc_context(RC_PARAMS):
        yield


def _get_ax(ax: Axes | None, figsize: tuple[float, float] = FIGSIZE) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _class_color(k: int) -> str:
    return PALETTE[k % len(PALETTE)]


def _class_marker(k: int) -> str:
    return MARKERS[k % len(MARKERS)]


def _weight_matrices(obj: Any) -> list[np.ndarray]:
    """Weight matrices (n_in, n_out) from a list of arrays or an mlpkit model."""
    if hasattr(obj, "parameters") and callable(obj.parameters):
        params = [np.asarray(getattr(p, "data", p)) for p in obj.parameters()]
        return [p for p in params if p.ndim == 2]
    if hasattr(obj, "W"):  # a single Linear layer
        return [np.asarray(getattr(obj.W, "data", obj.W))]
    mats = [np.asarray(getattr(W, "data", W), dtype=float) for W in obj]
    for i, W in enumerate(mats):
        if W.ndim != 2:
            raise ValueError(f"weights[{i}] must be a 2-D array (n_in, n_out), got shape {W.shape}")
    return mats


# ---------------------------------------------------------------------------
# Decision boundaries
# ---------------------------------------------------------------------------


def _model_output(model: Any, X: np.ndarray) -> np.ndarray:
    if callable(model):
        out = model(X)
    elif hasattr(model, "forward"):
        out = model.forward(X)
    else:
        raise TypeError(
            f"model must be callable or have a .forward method, got {type(model).__name__}"
        )
    return np.asarray(getattr(out, "data", out))


def _scores_to_labels_and_proba(out: np.ndarray, m: int, is_model: bool, threshold: float | None):
    """Return (labels (m,), probabilities (m, K) or None, margin (m,) or None).

    For two classes given as scores (not labels), ``margin`` is a continuous
    score that is > 0 exactly where the label is 1: the logit minus the
    threshold, or the difference of the two scores.  Its level-0 contour is
    the exact decision boundary.
    """
    if out.ndim == 2 and out.shape[1] > 1:
        if out.shape[0] != m:
            raise ValueError(f"the model returned shape {out.shape} for {m} points")
        z = out - out.max(axis=1, keepdims=True)
        P = np.exp(z)
        P /= P.sum(axis=1, keepdims=True)
        looks_like_proba = not is_model and np.all(out >= 0) and np.allclose(out.sum(axis=1), 1)
        margin = (out[:, 1] - out[:, 0]).astype(float) if out.shape[1] == 2 else None
        return out.argmax(axis=1), (out if looks_like_proba else P), margin
    if out.size != m:
        raise ValueError(
            f"expected {m} outputs (shape ({m},), ({m}, 1) or ({m}, K)), got shape {out.shape}"
        )
    s = out.reshape(m)
    if s.dtype.kind in "biu":
        return s.astype(int), None, None
    if threshold is None and not is_model and np.all(s == np.round(s)):
        return s.astype(int), None, None  # float labels such as 0.0, 1.0
    if threshold is None:
        in_unit = np.all((s >= 0) & (s <= 1))
        threshold = 0.5 if (in_unit and not is_model) else 0.0
    if threshold == 0.0:
        with np.errstate(over="ignore", under="ignore"):
            p1 = 1.0 / (1.0 + np.exp(-s))
    else:
        p1 = np.clip(s, 0.0, 1.0)
    return ((s > threshold).astype(int), np.column_stack([1 - p1, p1]), s.astype(float) - threshold)


def decision_boundary(
    model: Callable | Any,
    X: np.ndarray,
    y: np.ndarray | None = None,
    *,
    ax: Axes | None = None,
    resolution: int = 300,
    proba: bool = False,
    padding: float = 0.1,
    threshold: float | None = None,
    title: str | None = None,
    legend: bool = True,
    point_size: float = 28.0,
) -> Axes:
    """Predicted class over the plane, with the data points on top.

    Parameters
    ----------
    model : callable or mlpkit model
        Either a function mapping points ``(m, 2)`` to labels ``(m,)`` or to
        scores, or a model (anything callable or with ``.forward``) returning
        logits.  Outputs of shape ``(m, K)`` with ``K > 1`` are read as class
        scores (argmax).  Outputs of shape ``(m,)`` or ``(m, 1)`` are read as
        labels if they are integers; otherwise as logits (threshold 0) when
        ``model`` has ``.parameters()`` or any value lies outside [0, 1], and
        as probabilities (threshold 0.5) otherwise.  ``threshold`` overrides.
    X : ndarray, shape (n, 2)
        The data points.
    y : ndarray, shape (n,), optional
        Integer class labels of the points; points are coloured and shaped by
        class.  Without ``y`` they are drawn in black.
    ax : Axes, optional
    resolution : int
        Grid points along each axis.
    proba : bool
        Shade by confidence (the probability of the predicted class, from a
        softmax or sigmoid of the scores) instead of flat class colours.
    padding : float
        Fraction of the data range added on each side of the grid.
    threshold : float, optional
        Threshold for one-column outputs (see ``model``).
    title : str, optional
    legend : bool
        Add a legend of the classes.
    point_size : float
        Marker area of the data points.

    Returns
    -------
    Axes
        The filled class regions are ``ax.collections[0]`` (a contour set; or
        ``ax.images[0]`` when ``proba=True``); then, if the plane holds more
        than one predicted class, the boundary line (a contour set); then one
        scatter per class.  For two classes given as scores (a logit, a
        probability, or two columns of scores) the regions and the boundary
        are contours of the continuous score at its threshold (logit 0,
        probability 0.5, or equal scores), so the boundary is exact and
        smooth, a thin dark line.  For labels, or more than two classes, they
        are contours of the predicted label on the grid.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"decision_boundary needs 2-D data: X must have shape (n, 2), got {X.shape}"
        )
    if y is not None:
        y = np.asarray(y).reshape(-1)
        if y.shape[0] != X.shape[0]:
            raise ValueError(
                f"y must have one label per row of X: X has "
                f"{X.shape[0]} rows, y has shape {y.shape}"
            )
        if not np.all(y == np.round(y)) or np.any(y < 0):
            raise ValueError("y must hold integer class labels 0, 1, 2, ...")
        y = y.astype(int)
    if resolution < 2:
        raise ValueError(f"resolution must be >= 2, got {resolution}")
    ax = _get_ax(ax, FIGSIZE_SQUARE)

    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = padding * np.where(hi > lo, hi - lo, 1.0)
    g1 = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    g2 = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    G1, G2 = np.meshgrid(g1, g2)
    grid = np.column_stack([G1.ravel(), G2.ravel()])
    is_model = hasattr(model, "parameters")
    out = _model_output(model, grid)
    labels, P, margin = _scores_to_labels_and_proba(out, grid.shape[0], is_model, threshold)
    K = (
        int(
            max(
                labels.max(),
                y.max() if y is not None else 0,
                (P.shape[1] - 1) if P is not None else 0,
            )
        )
        + 1
    )
    L = labels.reshape(G1.shape)
    colors = [_class_color(k) for k in range(K)]
    S = None  # continuous score, boundary at 0
    if K == 2 and margin is not None and np.all(np.isfinite(margin)):
        S = np.clip(margin, -1e300, 1e300).reshape(G1.shape)

    if proba:
        if P is None:
            raise ValueError(
                "proba=True needs scores or probabilities, but the model returned class labels"
            )
        conf = P.max(axis=1).reshape(G1.shape)
        strength = (conf - 1.0 / K) / (1.0 - 1.0 / K)  # 0 at chance, 1 sure
        rgb = np.array([to_rgb(c) for c in colors])[L]
        img = 1.0 - 0.4 * strength[..., None] * (1.0 - rgb)  # blend with white
        ax.imshow(
            img,
            origin="lower",
            extent=(g1[0], g1[-1], g2[0], g2[-1]),
            aspect="auto",
            interpolation="bilinear",
        )
    elif S is not None:
        span = max(float(np.abs(S).max()), 1.0)
        ax.contourf(
            G1,
            G2,
            S,
            levels=[-2.0 * span, 0.0, 2.0 * span],
            colors=colors,
            alpha=0.28,
            antialiased=True,
        )
    else:
        ax.contourf(
            G1, G2, L, levels=np.arange(K + 1) - 0.5, colors=colors, alpha=0.28, antialiased=True
        )
    if K > 1 and L.min() != L.max():
        if S is not None and S.min() < 0.0 < S.max():
            ax.contour(G1, G2, S, levels=[0.0], colors=_DARK, linewidths=1.2)
        else:
            ax.contour(G1, G2, L, levels=np.arange(K) + 0.5, colors=_GREY, linewidths=1.0)

    if y is None:
        ax.scatter(
            X[:, 0], X[:, 1], s=point_size, c="black", edgecolors="white", linewidths=0.6, zorder=3
        )
    else:
        for k in np.unique(y):
            m = y == k
            ax.scatter(
                X[m, 0],
                X[m, 1],
                s=point_size,
                c=_class_color(k),
                marker=_class_marker(k),
                edgecolors="white",
                linewidths=0.6,
                zorder=3,
                label=f"class {k}",
            )
        if legend:
            ax.legend(loc="best", frameon=True, framealpha=0.85)
    ax.set_xlim(g1[0], g1[-1])
    ax.set_ylim(g2[0], g2[-1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


# ---------------------------------------------------------------------------
# Training curves and gradient norms
# ---------------------------------------------------------------------------

_METRIC_STYLE = {
    "loss": (COLORS["blue"], "-", "training loss"),
    "train_loss": (COLORS["blue"], "-", "training loss"),
    "val_loss": (COLORS["orange"], "--", "validation loss"),
    "train_accuracy": (COLORS["green"], "-", "training accuracy"),
    "accuracy": (COLORS["green"], "-", "training accuracy"),
    "val_accuracy": (COLORS["purple"], "--", "validation accuracy"),
}


def training_curves(
    history: Mapping[str, Sequence[float]],
    *,
    ax: Axes | None = None,
    metrics: Sequence[str] | None = None,
    accuracy: bool | Sequence[str] = True,
    logy: bool = False,
    title: str | None = None,
    xlabel: str = "epoch",
) -> Axes:
    """Loss (and accuracy) per epoch from a ``fit`` history.

    Parameters
    ----------
    history : dict
        ``{"epoch": [...], "loss": [...], "val_loss": [...], ...}`` as returned
        by :func:`mlpkit.fit`.  Without ``"epoch"`` the x axis counts 1, 2, ...
    ax : Axes, optional
    metrics : sequence of str, optional
        Keys drawn on the left axis.  Default: whichever of ``"loss"`` and
        ``"val_loss"`` the history has.  A key that is asked for but missing
        raises ``ValueError``.
    accuracy : bool or sequence of str
        Draw accuracies on a twin right-hand axis (from 0 to 1): ``True`` means
        whichever of ``"train_accuracy"`` and ``"val_accuracy"`` exist.
    logy : bool
        Logarithmic loss axis.
    title : str, optional
    xlabel : str
        Label of the x axis, e.g. ``"step"`` for a history recorded per
        gradient step.

    Returns
    -------
    Axes
        The loss axes; the accuracy axes, if drawn, is ``ax.right_ax``.
        Training curves are solid, validation curves dashed.
    """
    if not isinstance(history, Mapping):
        raise TypeError(f"history must be a dict of lists, got {type(history).__name__}")
    available = [k for k in history if k != "epoch"]
    if metrics is None:
        metrics = [k for k in ("loss", "val_loss") if k in history]
        if not metrics:
            raise ValueError(f"history has no 'loss' or 'val_loss'; its keys are {sorted(history)}")
    for k in metrics:
        if k not in history:
            raise ValueError(f"metric {k!r} is not in the history; available: {available}")
    if accuracy is True:
        acc_keys = [k for k in ("train_accuracy", "accuracy", "val_accuracy") if k in history]
    elif accuracy is False:
        acc_keys = []
    else:
        acc_keys = list(accuracy)
        for k in acc_keys:
            if k not in history:
                raise ValueError(f"metric {k!r} is not in the history; available: {available}")
    n = len(history[metrics[0]]) if metrics else len(history[acc_keys[0]])
    epochs = np.asarray(history.get("epoch", np.arange(1, n + 1)))

    def draw(axis: Axes, key: str, i: int) -> Any:
        values = np.asarray(history[key], dtype=float)
        if len(values) != len(epochs):
            raise ValueError(
                f"history[{key!r}] has {len(values)} values but there are {len(epochs)} epochs"
            )
        color, ls, label = _METRIC_STYLE.get(key, (_class_color(i), "-", key))
        return axis.plot(epochs, values, color=color, linestyle=ls, label=label)[0]

    ax = _get_ax(ax)
    handles = [draw(ax, k, i) for i, k in enumerate(metrics)]
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    if logy:
        ax.set_yscale("log")
    if acc_keys:
        right = ax.twinx()
        right.spines["right"].set_visible(True)
        handles += [draw(right, k, i + len(metrics)) for i, k in enumerate(acc_keys)]
        right.set_ylim(0, 1.02)
        right.set_ylabel("accuracy")
        ax.right_ax = right
        # draw the loss axes (and so the legend) above the twin accuracy axes
        ax.set_zorder(right.get_zorder() + 1)
        ax.patch.set_visible(False)
    ax.legend(handles=handles, labels=[h.get_label() for h in handles], loc="best")
    if title:
        ax.set_title(title)
    return ax


def gradient_norms(
    norms_by_layer: Mapping[str, Any] | Sequence[Any],
    *,
    ax: Axes | None = None,
    log: bool = True,
    xlabel: str | None = None,
    title: str | None = None,
) -> Axes:
    """Gradient norm per layer: bars for one snapshot, lines over training.

    Parameters
    ----------
    norms_by_layer : dict or sequence
        ``{"layer 1": 0.3, "layer 2": 0.02, ...}`` (one bar per layer), or
        ``{"layer 1": [norms per step], ...}`` (one line per layer).  A plain
        sequence is labelled "layer 1", "layer 2", ...
    ax : Axes, optional
    log : bool
        Logarithmic y axis, which makes vanishing and exploding gradients
        visible as steady slopes.
    xlabel, title : str, optional

    Returns
    -------
    Axes
    """
    if isinstance(norms_by_layer, Mapping):
        names, values = list(norms_by_layer), list(norms_by_layer.values())
    else:
        values = list(norms_by_layer)
        names = [f"layer {i + 1}" for i in range(len(values))]
    if not values:
        raise ValueError("norms_by_layer is empty")
    arrays = [np.asarray(v, dtype=float) for v in values]
    ax = _get_ax(ax)
    if all(a.ndim == 0 for a in arrays):
        heights = np.array([float(a) for a in arrays])
        ax.bar(np.arange(len(names)), heights, color=[_class_color(i) for i in range(len(names))])
        ax.set_xticks(np.arange(len(names)), names)
        ax.set_xlabel(xlabel or "layer")
    elif all(a.ndim == 1 for a in arrays):
        for i, (name, a) in enumerate(zip(names, arrays)):
            ax.plot(np.arange(len(a)), a, color=_class_color(i), label=name)
        ax.legend(loc="best")
        ax.set_xlabel(xlabel or "step")
    else:
        raise ValueError(
            "each entry of norms_by_layer must be a number or a 1-D "
            "sequence, and all entries must be alike"
        )
    ax.set_ylabel("gradient norm")
    if log:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    return ax


# ---------------------------------------------------------------------------
# Loss surfaces
# ---------------------------------------------------------------------------


def _eval_grid(f: Callable, A: np.ndarray, B: np.ndarray) -> np.ndarray:
    try:
        with np.errstate(all="ignore"):
            Z = np.asarray(f(A, B), dtype=float)
        if Z.shape == A.shape:
            return Z
    except Exception:  # noqa: BLE001 - fall back
        pass
    return np.vectorize(lambda a, b: float(f(a, b)))(A, B)


#: Colours and line markers of descent paths, in order (the start is always a
#: square and the end a star, so those two markers are not used here).
_PATH_COLORS: tuple[str, ...] = (
    COLORS["vermillion"],
    COLORS["blue"],
    COLORS["black"],
    COLORS["orange"],
    COLORS["purple"],
    COLORS["skyblue"],
    COLORS["green"],
    COLORS["yellow"],
)
_PATH_MARKERS: tuple[str, ...] = ("o", "^", "D", "v", "P", "X", "h", "p")


def _paths_to_draw(
    path: np.ndarray | None, path_label: str, paths: Mapping[str, np.ndarray] | None
) -> list[tuple[str, np.ndarray]]:
    """Validate ``path`` and ``paths`` and return ``[(label, (T, 2) array)]``."""
    named: list[tuple[str, str, Any]] = []
    if path is not None:
        named.append(("path", str(path_label), path))
    if paths is not None:
        if not isinstance(paths, Mapping):
            raise TypeError(
                f"paths must be a dict {{label: array of shape (T, 2)}}, got {type(paths).__name__}"
            )
        named += [(f"paths[{k!r}]", str(k), v) for k, v in paths.items()]
    out = []
    for what, label, value in named:
        P = np.asarray(value, dtype=float)
        if P.ndim != 2 or P.shape[1] != 2 or P.shape[0] == 0:
            raise ValueError(f"{what} must have shape (T, 2), got {P.shape}")
        out.append((label, P))
    return out


def loss_surface(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    xlim: tuple[float, float] = (-2.0, 2.0),
    ylim: tuple[float, float] = (-2.0, 2.0),
    *,
    path: np.ndarray | None = None,
    grad: Callable | None = None,
    ax: Axes | None = None,
    levels: int | Sequence[float] = 15,
    log_levels: bool = False,
    filled: bool = True,
    arrows: bool = True,
    n_arrows: int = 11,
    equal: bool = True,
    resolution: int = 200,
    labels: tuple[str, str] = ("$w_1$", "$w_2$"),
    title: str | None = None,
    path_label: str = "gradient descent",
    path_color: str | None = None,
    paths: Mapping[str, np.ndarray] | None = None,
    legend: bool | None = None,
) -> Axes:
    """Contours of a function of two parameters, with descent arrows and paths.

    Parameters
    ----------
    f : callable
        ``f(w1, w2)`` returning the loss; called once on two grids of shape
        (resolution, resolution) (falls back to one call per point if ``f`` is
        not vectorised).
    xlim, ylim : (float, float)
        Ranges of ``w1`` and ``w2``.
    path : ndarray, shape (T, 2), optional
        Iterates of gradient descent, drawn as a line with markers; the start
        is a square, the end a star.
    grad : callable, optional
        ``grad(w1, w2) -> (g1, g2)``, vectorised like ``f``.  Default: central
        differences of ``f``.
    ax : Axes, optional
    levels : int or sequence of float
        Number of contour levels or the levels themselves.
    log_levels : bool
        Space the levels geometrically between the minimum and maximum of
        ``f`` (good for steep bowls; needs ``f > 0`` above its minimum).
    filled : bool
        Shade between contour lines as well as drawing them.
    arrows : bool
        Draw the negative gradient on an ``n_arrows x n_arrows`` grid.  The
        arrows are scaled to equal length, so they show *direction* only; with
        ``equal=True`` you can see that they cross the contours at right angles.
    n_arrows : int
    equal : bool
        Equal scale on both axes (needed for right angles to look right).
    resolution : int
    labels : (str, str)
        Axis labels.
    title : str, optional
    path_label : str
        Legend label of ``path``.
    path_color : str, optional
        Colour of the first path drawn (``path``, or else the first entry of
        ``paths``); default vermillion.
    paths : dict of {str: ndarray of shape (T, 2)}, optional
        Several paths to compare, e.g. ``{"gradient descent": P1,
        "momentum": P2}``, drawn after ``path`` (if given) in distinct
        palette colours and markers, each with its own start square and end
        star.
    legend : bool, optional
        Add a legend of the paths.  Default: only when more than one path is
        drawn (a single path leaves the legend to the caller, as before).

    Returns
    -------
    Axes
        Contour sets are in ``ax.collections``; the arrows are a
        ``matplotlib.quiver.Quiver``.  Each path adds three entries to
        ``ax.lines``, in order: the path labelled with its name, its start and
        its end.  With a single path these are labelled ``"start"`` and
        ``"end"``; with several, the start and end markers are left out of the
        legend, which shows one grey square and one grey star instead.
    """
    (x0, x1), (y0, y1) = xlim, ylim
    if not (x1 > x0 and y1 > y0):
        raise ValueError(f"xlim and ylim must be increasing pairs, got {xlim} and {ylim}")
    series = _paths_to_draw(path, path_label, paths)
    ax = _get_ax(ax, FIGSIZE_SQUARE if equal else FIGSIZE)
    a = np.linspace(x0, x1, resolution)
    b = np.linspace(y0, y1, resolution)
    A, B = np.meshgrid(a, b)
    Z = _eval_grid(f, A, B)
    if log_levels and np.ndim(levels) == 0:
        zmin, zmax = np.nanmin(Z), np.nanmax(Z)
        offset = max((zmax - zmin) * 1e-3, 1e-12)
        levels = zmin + np.geomspace(offset, zmax - zmin, int(levels))
    if filled:
        ax.contourf(A, B, Z, levels=levels, cmap=CMAP_SEQUENTIAL, alpha=0.35)
    ax.contour(A, B, Z, levels=levels, cmap=CMAP_SEQUENTIAL, linewidths=1.0)

    if arrows:
        pa = np.linspace(x0, x1, n_arrows + 2)[1:-1]
        pb = np.linspace(y0, y1, n_arrows + 2)[1:-1]
        PA, PB = np.meshgrid(pa, pb)
        if grad is not None:
            g1, g2 = grad(PA, PB)
            g1, g2 = np.broadcast_to(g1, PA.shape), np.broadcast_to(g2, PA.shape)
        else:
            h1, h2 = 1e-5 * (x1 - x0), 1e-5 * (y1 - y0)
            g1 = (_eval_grid(f, PA + h1, PB) - _eval_grid(f, PA - h1, PB)) / (2 * h1)
            g2 = (_eval_grid(f, PA, PB + h2) - _eval_grid(f, PA, PB - h2)) / (2 * h2)
        norm = np.hypot(g1, g2)
        norm = np.where(norm > 0, norm, 1.0)
        length = 0.45 * min((x1 - x0), (y1 - y0)) / n_arrows
        ax.quiver(
            PA,
            PB,
            -g1 / norm * length,
            -g2 / norm * length,
            angles="xy",
            scale_units="xy",
            scale=1,
            color=_GREY,
            width=0.004,
            headwidth=4,
            headlength=4.5,
            zorder=2,
        )

    single = len(series) == 1
    used = [path_color] if path_color is not None else []
    colors = used + [c for c in _PATH_COLORS if to_hex(c) not in map(to_hex, used)]
    handles = []
    for i, (label, P) in enumerate(series):
        color = colors[i % len(colors)]
        handles.append(
            ax.plot(
                P[:, 0],
                P[:, 1],
                color=color,
                marker=_PATH_MARKERS[i % len(_PATH_MARKERS)],
                markersize=4,
                linewidth=1.6,
                zorder=4,
                label=label,
            )[0]
        )
        ax.plot(
            *P[0],
            marker="s",
            color=color,
            markersize=8,
            markeredgecolor="white",
            zorder=5,
            label="start" if single else f"_{label} start",
        )
        ax.plot(
            *P[-1],
            marker="*",
            color=color,
            markersize=13,
            markeredgecolor="white",
            zorder=5,
            label="end" if single else f"_{label} end",
        )
    if (len(series) > 1) if legend is None else legend:
        if single:
            handles = ax.lines[-3:]
        elif series:
            handles += [
                Line2D(
                    [], [], linestyle="none", marker="s", markersize=8, color=_GREY, label="start"
                ),
                Line2D(
                    [], [], linestyle="none", marker="*", markersize=13, color=_GREY, label="end"
                ),
            ]
        if handles:
            ax.legend(handles=handles, loc="best", frameon=True, framealpha=0.85)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    if equal:
        ax.set_aspect("equal")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    if title:
        ax.set_title(title)
    return ax


# ---------------------------------------------------------------------------
# Network diagrams
# ---------------------------------------------------------------------------


def _shown_units(n: int, max_units: int) -> tuple[list[int], bool]:
    """Indices of units to draw and whether an ellipsis replaces the rest."""
    if n <= max_units:
        return list(range(n)), False
    k = max(max_units - 2, 2)
    top = (k + 1) // 2
    return list(range(top)) + list(range(n - (k - top), n)), True


def network_diagram(
    sizes: Sequence[int] | Any = None,
    *,
    ax: Axes | None = None,
    weights: Sequence[np.ndarray] | Any = None,
    labels: bool = True,
    max_units: int = 12,
    layer_names: Sequence[str] | None = None,
    title: str | None = None,
) -> Axes:
    """Draw a fully connected network as columns of circles joined by edges.

    Parameters
    ----------
    sizes : sequence of int, optional
        Layer widths, input first, e.g. ``[2, 3, 1]``.  May be omitted when
        ``weights`` is given; an mlpkit model may also be passed here.
    ax : Axes, optional
    weights : list of ndarray (n_in, n_out), or an mlpkit model, optional
        When given, an edge's colour shows the sign of its weight (blue
        positive, vermillion negative) and its width the magnitude.
    labels : bool
        Write "input", "hidden 1", ..., "output" and the layer width under
        each column.
    max_units : int
        Layers wider than this show ``max_units - 2`` units and a vertical
        ellipsis.
    layer_names : sequence of str, optional
        Replace the default column labels.
    title : str, optional

    Returns
    -------
    Axes
        Nodes are ``matplotlib.patches.Circle`` in ``ax.patches``; edges are one
        ``LineCollection`` per pair of layers in ``ax.collections``.
    """
    if sizes is not None and not isinstance(sizes, (list, tuple, np.ndarray)):
        weights, sizes = sizes, None  # a model passed first
    mats = _weight_matrices(weights) if weights is not None else None
    if sizes is None:
        if mats is None:
            raise ValueError("give the layer sizes or the weights")
        sizes = [mats[0].shape[0]] + [W.shape[1] for W in mats]
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least two positive layer widths, got {sizes}")
    if mats is not None:
        expected = list(zip(sizes[:-1], sizes[1:]))
        if [W.shape for W in mats] != expected:
            raise ValueError(
                f"weights have shapes {[W.shape for W in mats]}, but sizes {sizes} need {expected}"
            )
    if max_units < 4:
        raise ValueError(f"max_units must be >= 4, got {max_units}")

    L = len(sizes)
    shown = [_shown_units(n, max_units) for n in sizes]
    rows = max(len(idx) + (1 if ell else 0) for idx, ell in shown)
    dx, r = 2.6, 0.3
    if ax is None:
        _, ax = plt.subplots(
            figsize=(min(1.6 + 1.9 * L, 12.0), min(1.4 + 0.42 * rows, 8.0)), layout="constrained"
        )

    # y positions: units centred on 0, the ellipsis in the gap
    pos: list[dict[int, float]] = []
    for idx, ell in shown:
        slots = len(idx) + (1 if ell else 0)
        ys = (slots - 1) / 2 - np.arange(slots)
        p = {}
        top = (len(idx) + 1) // 2 if ell else len(idx)
        for j, unit in enumerate(idx):
            p[unit] = ys[j if j < top else j + 1]
        pos.append(p)

    wmax = max((np.abs(W).max() for W in mats), default=1.0) if mats else 1.0
    wmax = wmax if wmax > 0 else 1.0
    for l in range(L - 1):
        segs, colors, widths = [], [], []
        for i, yi in pos[l].items():
            for j, yj in pos[l + 1].items():
                segs.append([(l * dx, yi), ((l + 1) * dx, yj)])
                if mats is None:
                    colors.append(_LIGHT)
                    widths.append(0.8)
                else:
                    w = mats[l][i, j]
                    colors.append(COLORS["blue"] if w >= 0 else COLORS["vermillion"])
                    widths.append(0.2 + 2.6 * abs(w) / wmax)
        ax.add_collection(
            LineCollection(
                segs, colors=colors, linewidths=widths, zorder=1, alpha=0.75 if mats else 1.0
            )
        )

    fills = {0: COLORS["skyblue"], L - 1: COLORS["orange"]}
    for l, (p, (idx, ell)) in enumerate(zip(pos, shown)):
        for y in p.values():
            ax.add_patch(
                Circle(
                    (l * dx, y),
                    r,
                    facecolor=fills.get(l, "white"),
                    edgecolor=_GREY,
                    linewidth=1.3,
                    zorder=3,
                )
            )
        if ell:
            gap = (len(idx) + 1) // 2
            y_gap = (len(idx)) / 2 - gap
            ax.text(
                l * dx, y_gap, "⋮", ha="center", va="center", fontsize=16, color=_GREY, zorder=3
            )

    if labels:
        names = (
            list(layer_names)
            if layer_names is not None
            else (["input"] + [f"hidden {i}" for i in range(1, L - 1)] + ["output"])
        )
        if len(names) != L:
            raise ValueError(f"layer_names needs {L} names, got {len(names)}")
        y_label = -(rows - 1) / 2 - 0.55
        for l, (name, n) in enumerate(zip(names, sizes)):
            ax.text(
                l * dx, y_label, f"{name}\n({n})", ha="center", va="top", fontsize=10, color=_GREY
            )
    ax.set_xlim(-0.8, (L - 1) * dx + 0.8)
    ax.set_ylim(-(rows - 1) / 2 - (1.6 if labels else 0.6), (rows - 1) / 2 + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


# ---------------------------------------------------------------------------
# Activation functions
# ---------------------------------------------------------------------------


def _break_jumps(z: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Insert nan at jumps so that step-like curves are not joined vertically."""
    jumps = np.flatnonzero(np.abs(np.diff(v)) > 0.25)
    return np.insert(z, jumps + 1, np.nan), np.insert(v, jumps + 1, np.nan)


def activations(
    names: Sequence[str] = ("sigmoid", "tanh", "relu"),
    *,
    ax: Axes | Sequence[Axes] | None = None,
    derivatives: bool = True,
    zlim: tuple[float, float] = (-4.0, 4.0),
) -> np.ndarray:
    """Activation functions (solid) and their derivatives (dashed).

    Parameters
    ----------
    names : sequence of str
        Any of ``"sigmoid", "tanh", "relu", "leaky_relu", "identity", "step",
        "softplus", "elu", "gelu"``.
    ax : Axes or sequence of Axes, optional
        One Axes per name (default: a new row of panels).  A single Axes draws
        all functions on the same panel.
    derivatives : bool
        Also draw each derivative as a dashed line of the same colour.
    zlim : (float, float)
        Range of the input ``z``.

    Returns
    -------
    ndarray of Axes
        The panels, one per name (or a 1-element array for a single Axes).
    """
    unknown = [n for n in names if n not in ACTIVATIONS]
    if unknown:
        raise ValueError(f"unknown activation(s) {unknown}; choose from {sorted(ACTIVATIONS)}")
    if not names:
        raise ValueError("names is empty")
    axes = ax
    if axes is None:
        _, axes = plt.subplots(
            1, len(names), figsize=(3.2 * len(names), 3.0), layout="constrained", squeeze=False
        )
        axes = axes[0]
    axes = np.atleast_1d(np.asarray(axes, dtype=object))
    single = axes.size == 1 and len(names) > 1
    if not single and axes.size != len(names):
        raise ValueError(
            f"need {len(names)} axes (one per activation) or a single Axes, got {axes.size}"
        )
    z = np.linspace(zlim[0], zlim[1], 801)
    for i, key in enumerate(names):
        ax = axes[0] if single else axes[i]
        entry = ACTIVATIONS[key]
        label, f, df = entry.label, entry.fn, entry.derivative
        color = _class_color(i)
        ax.plot(*_break_jumps(z, f(z)), color=color, label=label)
        if derivatives:
            ax.plot(
                *_break_jumps(z, df(z)),
                color=color,
                linestyle="--",
                linewidth=1.6,
                label="derivative",
            )
        if not single:
            ax.set_title(label)
    for ax in axes[:1] if single else axes:
        ax.axhline(0.0, color=_LIGHT, linewidth=0.8, zorder=0)
        ax.axvline(0.0, color=_LIGHT, linewidth=0.8, zorder=0)
        ax.set_xlabel("$z$")
        ax.set_xlim(*zlim)
        ax.legend(loc="best", fontsize=9)
    return axes


# ---------------------------------------------------------------------------
# Images: digits and first-layer weights
# ---------------------------------------------------------------------------


def _as_images(images: np.ndarray, shape: tuple[int, int] | None, what: str) -> np.ndarray:
    images = np.asarray(images, dtype=float)
    if images.ndim == 3:
        return images
    if images.ndim != 2:
        raise ValueError(f"{what} must have shape (n, D) or (n, h, w), got {images.shape}")
    D = images.shape[1]
    if shape is None:
        side = int(round(np.sqrt(D)))
        if side * side != D:
            raise ValueError(
                f"{what} rows have {D} values, which is not a square number; pass shape=(h, w)"
            )
        shape = (side, side)
    if shape[0] * shape[1] != D:
        raise ValueError(f"shape {shape} does not hold {D} values")
    return images.reshape(-1, *shape)


def _show_images(axes: np.ndarray, imgs: np.ndarray, **imshow_kw) -> list:
    """One image per panel, without ticks; panels beyond the images are hidden.

    Returns ``[(ax, AxesImage), ...]`` for the panels that show an image.
    """
    shown = []
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= len(imgs):
            ax.set_visible(False)
            continue
        shown.append((ax, ax.imshow(imgs[i], interpolation="nearest", **imshow_kw)))
    return shown


def _grid_axes(n: int, ncols: int, axes: Any, panel: float = 1.0) -> np.ndarray:
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    if axes is None:
        _, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(panel * ncols, panel * 1.2 * nrows),
            squeeze=False,
            layout="constrained",
        )
    axes = np.asarray(axes, dtype=object)
    if axes.size < n:
        raise ValueError(f"need at least {n} axes, got {axes.size}")
    return axes


def digits_grid(
    images: np.ndarray,
    labels: Sequence[int] | None = None,
    predictions: Sequence[int] | None = None,
    *,
    ncols: int = 10,
    ax: Any = None,
    shape: tuple[int, int] | None = None,
    cmap: str = "gray_r",
) -> np.ndarray:
    """A grid of small images, titled with their labels and predictions.

    Parameters
    ----------
    images : ndarray, shape (n, D) or (n, h, w)
        Flattened square images (e.g. the 8x8 digits as (n, 64)) or images.
    labels : sequence of int, optional
        True classes; the title is ``"3"``.
    predictions : sequence of int, optional
        Predicted classes.  With labels the title is ``"true 3\\npred 5"``;
        mistakes get a bold vermillion title and frame, so they stand out by
        weight and frame as well as colour.
    ncols : int
    ax : array of Axes, optional
        At least ``n`` axes (default: a new figure).
    shape : (int, int), optional
        Image shape for non-square flattened images.
    cmap : str
        Colormap; ``"gray_r"`` draws dark ink on white paper.

    Returns
    -------
    ndarray of Axes, shape (nrows, ncols)
        The figure is ``axes.flat[0].figure``.  Unused panels are hidden.
    """
    imgs = _as_images(images, shape, "images")
    n = imgs.shape[0]
    if n == 0:
        raise ValueError("images is empty")
    for name, seq in (("labels", labels), ("predictions", predictions)):
        if seq is not None and len(seq) != n:
            raise ValueError(f"{name} has {len(seq)} entries for {n} images")
    axes = _grid_axes(n, ncols, ax)
    for i, (ax, _) in enumerate(_show_images(axes, imgs, cmap=cmap)):
        wrong = (
            labels is not None and predictions is not None and int(labels[i]) != int(predictions[i])
        )
        if labels is not None and predictions is not None:
            text = f"true {int(labels[i])}\npred {int(predictions[i])}"
        elif labels is not None:
            text = f"{int(labels[i])}"
        elif predictions is not None:
            text = f"pred {int(predictions[i])}"
        else:
            text = ""
        if text:
            ax.set_title(
                text,
                fontsize=9,
                color=COLORS["vermillion"] if wrong else "black",
                fontweight="bold" if wrong else "normal",
            )
        for spine in ax.spines.values():
            spine.set_visible(wrong)
            spine.set_color(COLORS["vermillion"])
            spine.set_linewidth(2.5)
    return axes


def weights_grid(
    W: np.ndarray | Any,
    *,
    shape: tuple[int, int] | None = None,
    ncols: int = 8,
    max_units: int | None = 32,
    ax: Any = None,
    colorbar: bool = True,
    title: str | None = None,
) -> np.ndarray:
    """First-layer weights as images: one panel per hidden unit.

    Parameters
    ----------
    W : ndarray (n_in, n_out), a Linear layer, or an mlpkit model
        Column ``j`` holds the weights into unit ``j``; it is reshaped to an
        image of ``shape`` (default: square, e.g. 8x8 for 64 inputs).  For a
        model, its first weight matrix is used.
    shape : (int, int), optional
    ncols : int
    max_units : int or None
        Show at most this many units (the first ones).
    ax : array of Axes, optional
    colorbar : bool
        Add one shared colour bar.
    title : str, optional
        Figure title (``suptitle``).

    Returns
    -------
    ndarray of Axes
        All panels share one colour scale symmetric about 0 (blue positive,
        white 0, vermillion negative), so panels can be compared.
    """
    if not isinstance(W, np.ndarray):
        W = (
            _weight_matrices(W)[0]
            if (hasattr(W, "parameters") or hasattr(W, "W"))
            else np.asarray(W, dtype=float)
        )
    W = np.asarray(W, dtype=float)
    if W.ndim != 2:
        raise ValueError(f"W must have shape (n_in, n_out), got {W.shape}")
    if max_units is not None:
        W = W[:, :max_units]
    imgs = _as_images(W.T, shape, "W.T")
    n = imgs.shape[0]
    axes = _grid_axes(n, ncols, ax)
    vmax = float(np.abs(W).max()) or 1.0
    im = None
    for i, (ax, im) in enumerate(  # noqa: B007 (im, the last image, feeds the colorbar)
        _show_images(axes, imgs, cmap=CMAP_WEIGHTS, vmin=-vmax, vmax=vmax)
    ):
        ax.set_title(f"unit {i + 1}", fontsize=8)
    fig = axes.flat[0].figure
    if colorbar and im is not None:
        fig.colorbar(im, ax=list(axes.flat), shrink=0.8, label="weight")
    if title:
        fig.suptitle(title)
    return axes


# ---------------------------------------------------------------------------
# Confusion matrices
# ---------------------------------------------------------------------------


def confusion_matrix(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    *,
    ax: Axes | None = None,
    labels: Sequence[str] | None = None,
    normalize: bool = False,
    num_classes: int | None = None,
    cmap: str = "Blues",
    title: str | None = None,
) -> Axes:
    """Confusion matrix as an annotated image (rows true, columns predicted).

    Parameters
    ----------
    y_true, y_pred : ndarray of int, shape (n,)
    ax : Axes, optional
    labels : sequence of str, optional
        Class names for the ticks (default ``0 .. K-1``).
    normalize : bool
        Divide each row by its total, so that a cell is the fraction of the
        true class predicted as each class (the diagonal is per-class recall).
    num_classes : int, optional
    cmap : str
    title : str, optional

    Returns
    -------
    Axes
        One image (``ax.images[0]``) and ``K * K`` cell annotations in
        ``ax.texts``, dark on light cells and white on dark ones.
    """
    C = confusion_counts(y_true, y_pred, num_classes)
    K = C.shape[0]
    if labels is not None and len(labels) != K:
        raise ValueError(f"labels has {len(labels)} names for {K} classes")
    if normalize:
        totals = C.sum(axis=1, keepdims=True)
        M = np.divide(C, totals, out=np.zeros(C.shape), where=totals > 0)
        vmax = 1.0
    else:
        M = C.astype(float)
        vmax = max(float(M.max()), 1.0)
    ax = _get_ax(ax, (min(2.2 + 0.5 * K, 8.0), min(1.8 + 0.5 * K, 7.5)))
    ax.imshow(M, cmap=cmap, vmin=0.0, vmax=vmax, interpolation="nearest")
    fontsize = 10 if K <= 10 else 8
    for i in range(K):
        for j in range(K):
            text = f"{M[i, j]:.2f}" if normalize else f"{C[i, j]:d}"
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=fontsize,
                color="white" if M[i, j] > 0.55 * vmax else "black",
            )
    ticks = np.arange(K)
    names = [str(k) for k in ticks] if labels is None else list(labels)
    ax.set_xticks(ticks, names)
    ax.set_yticks(ticks, names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(length=0)
    if title:
        ax.set_title(title)
    return ax


# ---------------------------------------------------------------------------
# History timeline
# ---------------------------------------------------------------------------

#: Layout of :func:`timeline`, in points: gap between a pole and its label,
#: smallest horizontal gap between two labels, shortest pole, vertical gap
#: between stacked labels.
_TL_GAP, _TL_PAD_X, _TL_POLE, _TL_PAD_Y = 3.0, 8.0, 14.0, 5.0


def timeline(
    events: Sequence[tuple[float, str]],
    *,
    ax: Axes | None = None,
    title: str | None = None,
    wrap: int = 22,
    fontsize: float | str = 9,
) -> Axes:
    """A horizontal timeline of dated events.

    Each event is a dot on the axis and a label hanging from a thin pole like a
    flag, to the right of the pole.  Labels alternate above and below the axis.
    Where labels on the same side would overlap (years close together, such as
    1969, 1970 and 1974), the earlier one is raised above the later one, so
    that no label overlaps another and no pole crosses a label.

    Parameters
    ----------
    events : sequence of (year, text)
        For example ``[(1958, "Rosenblatt's perceptron"), (1986, "backprop")]``.
        They are sorted by year; labels alternate above and below the axis.
    ax : Axes, optional
    title : str, optional
    wrap : int
        Wrap each label to lines of about this many characters.
    fontsize : float or str
        Font size of the labels (points, or a name such as ``"small"``).
        Pass it here rather than changing the texts afterwards: the layout is
        computed for this size.

    Returns
    -------
    Axes
        One dot per event (a single scatter), one pole per event (a single
        line collection) and one text per event in ``ax.texts``.
    """
    import textwrap

    if len(events) == 0:
        raise ValueError("events is empty")
    try:
        evs = sorted((float(y), str(t)) for y, t in events)
    except (TypeError, ValueError) as err:
        raise ValueError("events must be a sequence of (year, text) pairs") from err
    years = np.array([y for y, _ in evs])
    side = np.where(np.arange(len(evs)) % 2 == 0, 1.0, -1.0)  # above, below, ...
    ax = _get_ax(ax, FIGSIZE_WIDE)
    fig = ax.figure.figure  # the root figure (ax may be in a subfigure)
    span = max(years.max() - years.min(), 1.0)
    x0 = years.min() - 0.04 * span
    ax.axhline(0.0, color=_GREY, linewidth=1.5, zorder=1)
    ax.scatter(
        years, np.zeros_like(years), s=60, color=COLORS["blue"], edgecolors="white", zorder=3
    )
    ax.axis("off")
    if title:
        ax.set_title(title)
    if fig.get_layout_engine() is not None:
        fig.get_layout_engine().execute(fig)  # settle the axes' size before measuring

    # Measure the labels (in points) at their final font size.
    texts = [
        ax.text(
            year,
            0.0,
            f"{year:g}\n" + textwrap.fill(text, wrap),
            ha="left",
            va="bottom" if up > 0 else "top",
            fontsize=fontsize,
        )
        for (year, text), up in zip(evs, side)
    ]
    pt = fig.dpi / 72.0
    boxes = [t.get_window_extent() for t in texts]
    w = np.array([b.width for b in boxes]) / pt
    h = np.array([b.height for b in boxes]) / pt
    W, H = ax.bbox.width / pt, ax.bbox.height / pt

    # x-limits: wide enough that the last labels end inside the axes.
    need = (_TL_GAP + w + _TL_PAD_X) / W  # a label's width, as a fraction of W
    fits = need < 0.9
    S = max([years.max() + 0.04 * span - x0, *((years[fits] - x0) / (1.0 - need[fits]))])
    ax.set_xlim(x0, x0 + S)
    X = (years - x0) * W / S  # the poles, in points from the left

    # Stack the labels of each side, latest first: a label goes above every
    # later label on its side that it would overlap, so a pole (left of its
    # own label) never crosses an earlier label either.
    bottom = np.zeros(len(evs))  # label's near edge, points from the axis
    for i in reversed(range(len(evs))):
        later = [
            j
            for j in range(i + 1, len(evs))
            if side[j] == side[i] and X[j] < X[i] + _TL_GAP + w[i] + _TL_PAD_X
        ]
        bottom[i] = max([_TL_POLE] + [bottom[j] + h[j] + _TL_PAD_Y for j in later])
    far = bottom + h  # label's far edge
    room = H - far[side > 0].max() - far[side < 0].max(initial=0.0)
    bottom += min(max(room, 0.0) / 4, 2 * _TL_POLE)  # longer poles where there is room
    far = bottom + h
    up_pt, down_pt = far[side > 0].max(), far[side < 0].max(initial=0.0)
    for t, up, b in zip(texts, side, bottom):
        t.set_transform(offset_copy(ax.transData, fig=fig, x=_TL_GAP, y=up * b, units="points"))
    poles = [[(0.0, 0.0), (0.0, up * (b + hh))] for up, b, hh in zip(side, bottom, h)]
    ax.add_collection(
        LineCollection(
            poles,
            colors=_LIGHT,
            linewidths=1.0,
            zorder=0,
            offsets=np.column_stack([years, np.zeros_like(years)]),
            offset_transform=ax.transData,
            transform=Affine2D().scale(1 / 72.0) + fig.dpi_scale_trans,
        ),
        autolim=False,
    )

    # y-limits: put the axis line where the labels above and below both fit.
    content = up_pt + down_pt + 2 * _TL_PAD_Y
    frac = (down_pt + _TL_PAD_Y + max(H - content, 0.0) / 2) / max(H, content)
    ax.set_ylim(-frac, 1.0 - frac)
    return ax
