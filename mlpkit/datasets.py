"""Small data sets for the book: 2-D toy problems and the 8x8 digits.

Every generator takes an explicit ``rng: np.random.Generator``; nothing here
seeds a global random state.  The 2-D generators return ``X`` of shape
``(n, 2)`` (float64) and ``y`` of shape ``(n,)`` (int64), with the ``n``
points split over the classes as evenly as possible and the rows shuffled.
``noise`` is always the standard deviation of Gaussian noise added to each
coordinate, so ``noise=0`` gives the exact underlying shape.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import numbers
from pathlib import Path

import numpy as np

from .validation import check_positive_int, check_real, check_rng

__all__ = [
    "make_blobs",
    "make_moons",
    "make_circles",
    "make_spirals",
    "make_xor",
    "train_test_split",
    "one_hot",
    "standardize",
    "load_digits",
]


# ---- argument checks (one rule: TypeError for a wrong type, ValueError for a wrong value)
def _check_rng(rng, name: str) -> np.random.Generator:
    return check_rng(f"{name}: rng", rng)


def _check_n(n, name: str, minimum: int = 1, arg: str = "n") -> int:
    return check_positive_int(f"{name}: {arg}", n, minimum=minimum)


def _check_noise(noise, name: str) -> float:
    return check_real(f"{name}: noise", noise, low=0.0)


def _class_sizes(n: int, k: int) -> np.ndarray:
    """Split ``n`` into ``k`` counts that differ by at most one."""
    return np.array([n // k + (i < n % k) for i in range(k)])


def _finish(X: np.ndarray, y: np.ndarray, noise: float, rng: np.random.Generator):
    """Add Gaussian noise, shuffle the rows, fix the dtypes."""
    X = X + noise * rng.standard_normal(X.shape)
    perm = rng.permutation(len(y))
    return X[perm].astype(np.float64), y[perm].astype(np.int64)


# ---- 2-D toy problems ---------------------------------------------------------
def make_blobs(
    n: int,
    centers: int | np.ndarray = 3,
    noise: float = 0.5,
    *,
    rng: np.random.Generator | None = None,
):
    """Gaussian blobs, one class per centre.

    Parameters
    ----------
    n : int
        Number of points.
    centers : int or array of shape (k, 2)
        An int ``k`` places ``k`` centres evenly on a circle of radius 2.
    noise : float
        Standard deviation of each blob.
    rng : np.random.Generator

    Returns
    -------
    X : (n, 2) float64
    y : (n,) int64, labels ``0 .. k-1``
    """
    rng, n, noise = (
        _check_rng(rng, "make_blobs"),
        _check_n(n, "make_blobs"),
        _check_noise(noise, "make_blobs"),
    )
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        centers = _check_n(centers, "make_blobs", arg="centers")
        angle = 2 * np.pi * np.arange(centers) / centers
        centers = 2.0 * np.column_stack([np.cos(angle), np.sin(angle)])
    try:
        centers = np.asarray(centers, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"make_blobs: centers must be an int or an array of shape (k, 2), got {centers!r:.60}"
        ) from None
    if centers.ndim != 2 or centers.shape[1] != 2 or len(centers) < 1:
        raise ValueError(
            "make_blobs: centers must be an int or an array of shape (k, 2), "
            f"got shape {centers.shape}"
        )
    y = np.repeat(np.arange(len(centers)), _class_sizes(n, len(centers)))
    return _finish(centers[y], y, noise, rng)


def make_moons(n: int, noise: float = 0.1, *, rng: np.random.Generator | None = None):
    """Two interleaving half circles of radius 1 (class 0 on top, class 1 below).

    Returns ``X (n, 2)`` float64 and ``y (n,)`` int64 in ``{0, 1}``.
    """
    rng, n, noise = (
        _check_rng(rng, "make_moons"),
        _check_n(n, "make_moons"),
        _check_noise(noise, "make_moons"),
    )
    n0, n1 = _class_sizes(n, 2)
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    X = np.vstack(
        [
            np.column_stack([np.cos(t0), np.sin(t0)]),
            np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)]),
        ]
    )
    return _finish(X, np.repeat([0, 1], [n0, n1]), noise, rng)


def make_circles(
    n: int, noise: float = 0.05, factor: float = 0.5, *, rng: np.random.Generator | None = None
):
    """Two concentric circles: class 0 of radius 1, class 1 of radius ``factor``.

    Returns ``X (n, 2)`` float64 and ``y (n,)`` int64 in ``{0, 1}``.
    """
    rng, n, noise = (
        _check_rng(rng, "make_circles"),
        _check_n(n, "make_circles"),
        _check_noise(noise, "make_circles"),
    )
    factor = check_real(
        "make_circles: factor", factor, low=0.0, high=1.0, low_open=True, high_open=True
    )
    sizes = _class_sizes(n, 2)
    X = np.vstack(
        [
            r * np.column_stack([np.cos(t), np.sin(t)])
            for r, m in zip((1.0, float(factor)), sizes)
            for t in [np.linspace(0, 2 * np.pi, m, endpoint=False)]
        ]
    )
    return _finish(X, np.repeat([0, 1], sizes), noise, rng)


def make_spirals(
    n: int, k: int = 3, noise: float = 0.05, *, rng: np.random.Generator | None = None
):
    """``k`` interleaved spiral arms from the origin out to radius 1, one class each.

    Arm ``j`` is ``r (cos theta, sin theta)`` with ``r`` in ``[0, 1]`` and
    ``theta = 2 pi j / k + 4 r`` (each arm turns through 4 radians).

    Returns ``X (n, 2)`` float64 and ``y (n,)`` int64 in ``0 .. k-1``.
    """
    rng, n, noise = (
        _check_rng(rng, "make_spirals"),
        _check_n(n, "make_spirals"),
        _check_noise(noise, "make_spirals"),
    )
    k = _check_n(k, "make_spirals", arg="k")
    arms = []
    for j, m in enumerate(_class_sizes(n, k)):
        r = np.linspace(0.0, 1.0, m)
        theta = 2 * np.pi * j / k + 4.0 * r
        arms.append(r[:, None] * np.column_stack([np.cos(theta), np.sin(theta)]))
    return _finish(np.vstack(arms), np.repeat(np.arange(k), _class_sizes(n, k)), noise, rng)


def make_xor(n: int, noise: float = 0.3, *, rng: np.random.Generator | None = None):
    """XOR: four blobs at ``(+-1, +-1)``; the label is 1 where the signs differ.

    Class 0 sits at (1, 1) and (-1, -1), class 1 at (1, -1) and (-1, 1), so no
    straight line separates the classes.  Returns ``X (n, 2)`` float64 and
    ``y (n,)`` int64 in ``{0, 1}``.
    """
    rng, n, noise = (
        _check_rng(rng, "make_xor"),
        _check_n(n, "make_xor"),
        _check_noise(noise, "make_xor"),
    )
    corners = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=np.float64)
    per_corner = np.concatenate([_class_sizes(m, 2) for m in _class_sizes(n, 2)])
    idx = np.repeat(np.arange(4), per_corner)
    return _finish(corners[idx], (idx >= 2).astype(np.int64), noise, rng)


# ---- splitting and encoding -----------------------------------------------------
def train_test_split(
    X: np.ndarray,
    y: np.ndarray,
    test_size: float | int = 0.25,
    *,
    rng: np.random.Generator | None = None,
    stratify: bool = False,
):
    """Shuffle and split into a training and a test set.

    Parameters
    ----------
    X : (n, ...) array
    y : (n,) array
    test_size : float in (0, 1) or int in [1, n-1]
        Fraction (rounded) or number of rows that go to the test set.
    rng : np.random.Generator
    stratify : bool
        If True, split each class separately so both parts keep the class
        proportions of ``y`` (up to rounding).

    Returns
    -------
    X_train, X_test, y_train, y_test
    """
    rng = _check_rng(rng, "train_test_split")
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(
            f"train_test_split: X and y must be arrays with one row per example, "
            f"got shapes {X.shape} and {y.shape}"
        )
    if stratify and y.ndim != 1:
        raise ValueError(
            f"train_test_split: stratify needs class labels y of shape (n,), got {y.shape}"
        )
    if len(X) != len(y):
        raise ValueError(
            f"train_test_split: X and y need the same number of rows, got {len(X)} and {len(y)}"
        )
    n = len(y)
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        frac, n_test = test_size / max(n, 1), int(test_size)
    else:
        frac = check_real(
            "train_test_split: test_size (a fraction, or an int count)",
            test_size,
            low=0.0,
            high=1.0,
            low_open=True,
            high_open=True,
        )
        n_test = round(frac * n)
    if not 1 <= n_test <= n - 1:
        raise ValueError(
            f"test_size={test_size!r} leaves {n_test} of {n} rows for the test set; "
            "both parts need at least one row"
        )
    if stratify:
        test_parts = []
        for c in np.unique(y):
            idx = rng.permutation(np.flatnonzero(y == c))
            test_parts.append(idx[: round(frac * len(idx))])
        test = np.concatenate(test_parts)
        if not 1 <= len(test) <= n - 1:
            raise ValueError(
                f"test_size={test_size!r} with stratify=True puts {len(test)} of {n} "
                "rows in the test set (rounded class by class); both parts need at "
                "least one row"
            )
    else:
        test = rng.permutation(n)[:n_test]
    mask = np.zeros(n, dtype=bool)
    mask[test] = True
    train, test = rng.permutation(np.flatnonzero(~mask)), rng.permutation(np.flatnonzero(mask))
    return X[train], X[test], y[train], y[test]


def one_hot(y: np.ndarray, num_classes: int | None = None, dtype=np.float64) -> np.ndarray:
    """Labels ``y (n,)`` in ``0 .. C-1`` -> one-hot matrix ``(n, C)``.

    ``num_classes`` defaults to ``y.max() + 1``.  Pass ``dtype=np.float32`` to
    match a float32 model (a float64 one-hot would upcast its gradients).
    """
    y = np.asarray(y)
    if y.size and not np.issubdtype(y.dtype, np.integer):
        raise TypeError(
            f"one_hot expects integer labels, got dtype {y.dtype}; convert "
            "integer-valued labels with y.astype(int)"
        )
    if y.ndim != 1:
        raise ValueError(f"one_hot expects a 1-D array of labels, got shape {y.shape}")
    if num_classes is not None:
        num_classes = check_positive_int("one_hot: num_classes", num_classes)
    C = int(y.max()) + 1 if num_classes is None and y.size else int(num_classes or 0)
    if y.size and (y.min() < 0 or y.max() >= C):
        raise ValueError(
            f"one_hot: labels must lie in [0, {C}), got min {y.min()} and max {y.max()}"
        )
    out = np.zeros((len(y), C), dtype=dtype)
    out[np.arange(len(y)), y] = 1
    return out


def standardize(X: np.ndarray, mean: np.ndarray | None = None, std: np.ndarray | None = None):
    """Scale each column to mean 0 and standard deviation 1.

    Compute ``mean`` and ``std`` on the training set only, then reuse them:
    ``Xtr, mu, sd = standardize(X_train)``; ``Xte, _, _ = standardize(X_test, mu, sd)``.
    A column with zero spread (a pixel that is always 0) gets ``std = 1``, so
    it is centred and never divided by zero.

    Returns
    -------
    Xs : like X, float64
    mean, std : (n_features,)
    """
    X = np.asarray(X, dtype=np.float64)
    if (mean is None) != (std is None):
        raise ValueError("standardize: pass both mean and std, or neither")
    if mean is None:
        mean, std = X.mean(axis=0), X.std(axis=0)
        std = np.where(std > 0, std, 1.0)
    else:
        mean, std = np.asarray(mean, dtype=np.float64), np.asarray(std, dtype=np.float64)
        if mean.shape != X.shape[1:] or std.shape != X.shape[1:]:
            raise ValueError(
                f"standardize: mean and std must have shape {X.shape[1:]} to match X "
                f"of shape {X.shape}, got {mean.shape} and {std.shape}"
            )
        if not np.all(std > 0):
            raise ValueError(
                "standardize: every std must be > 0; use the std returned by "
                "standardize(X_train), which replaces zero spread by 1"
            )
    return (X - mean) / std, mean, std


# ---- the 8x8 handwritten digits ------------------------------------------------------
_DIGITS_PATH = Path(__file__).parent / "data" / "digits.csv.gz"
DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def load_digits(return_images: bool = False):
    """The 1,797 handwritten digits of the UCI "Optical Recognition of
    Handwritten Digits" test set (Alpaydin & Kaynak, 1998; CC BY 4.0).

    Each image is 8x8; each pixel counts the "on" pixels in a 4x4 block of a
    32x32 bitmap, so it lies in ``0 .. 16``.  The file ships with mlpkit (see
    ``mlpkit/data/README.md``), is checked against its SHA-256 and is parsed
    with numpy; no network access, no pickles.

    Returns
    -------
    X : (1797, 64) float64, or images (1797, 8, 8) float64 if ``return_images``
    y : (1797,) int64, labels ``0 .. 9``
    """
    key = str(_DIGITS_PATH)
    if key not in _cache:
        if not _DIGITS_PATH.is_file():
            raise FileNotFoundError(
                f"digits data file not found at {_DIGITS_PATH}; reinstall mlpkit"
            )
        raw = _DIGITS_PATH.read_bytes()
        got = hashlib.sha256(raw).hexdigest()
        if got != DIGITS_SHA256:
            raise ValueError(
                f"{_DIGITS_PATH.name} checksum mismatch: expected {DIGITS_SHA256}, "
                f"got {got}; reinstall mlpkit or restore the file"
            )
        table = np.loadtxt(io.StringIO(gzip.decompress(raw).decode("ascii")), delimiter=",")
        _cache[key] = table[:, :-1].astype(np.float64), table[:, -1].astype(np.int64)
    X, y = _cache[key]
    return (X.reshape(-1, 8, 8).copy() if return_images else X.copy()), y.copy()
