"""Checkers for gradients of losses: binary and softmax cross-entropy."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace as Case

import numpy as np

from ._harness import SEED, Check, Mistake, close, ref_onehot, ref_sigmoid, ref_softmax
from .activations import ROWWISE_FP_HINT

__all__ = ["check_bce_gradient", "check_softmax_ce_gradient"]


def _bce_cases() -> list[tuple[str, tuple]]:
    rng = np.random.default_rng(SEED + 2)

    def case_(n: int, d: int, scale: float = 1.0) -> tuple:
        X = rng.normal(size=(n, d))
        y = rng.integers(0, 2, size=n).astype(float)
        w = rng.normal(0.0, scale, size=d)
        return X, y, w, float(rng.normal())

    X3 = np.array([[1.0, -2.0], [-1.5, 0.5], [2.0, 1.0]])
    return [
        ("6 examples, 3 features", case_(6, 3)),
        ("one example", case_(1, 3)),
        (
            "w = 0, b = 0 (every p = 0.5)",
            (rng.normal(size=(4, 2)), np.array([0.0, 1.0, 1.0, 0.0]), np.zeros(2), 0.0),
        ),
        ("logits near ±1000", (X3, np.array([0.0, 1.0, 1.0]), np.array([400.0, -300.0]), 0.0)),
        ("8 examples, 4 features, large weights", case_(8, 4, scale=50.0)),
        ("5 examples, 1 feature", case_(5, 1)),
    ]


_BCE_FP_HINT = (
    "your sigmoid overflows for large |z|.  Use the stable two-branch "
    "sigmoid from the earlier exercise (see check_sigmoid)."
)

_BCE_MISTAKES: tuple[Mistake, ...] = (
    (
        lambda c: c.n > 1 and close(c.dw, c.n * c.dw_ref) and not close(c.dw, c.dw_ref),
        "your dw is exactly n times too large: the loss is the "
        "*mean* over examples, so divide by n.",
    ),
    (
        lambda c: c.n > 1 and close(c.db, c.n * c.db_ref) and not close(c.db, c.db_ref),
        "your db is exactly n times too large: db = mean(p - y), not the sum.",
    ),
    (
        lambda c: close(c.dw, -c.dw_ref) and close(c.db, -c.db_ref),
        "the sign is flipped: the gradient is X.T @ (p - y) / n; you have y - p.",
    ),
    (
        lambda c: c.b != 0 and close(c.dw, c.X.T @ (ref_sigmoid(c.X @ c.w) - c.y) / c.n),
        "include the bias in the logits: p = sigmoid(X @ w + b).",
    ),
)


def check_bce_gradient(fn: Callable) -> None:
    """Check the gradient of the mean binary cross-entropy of logistic regression.

    The loss is ``L = -(1/n) sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)]``
    with ``p = sigmoid(X @ w + b)``.  Its gradient is

    ``dw = X.T @ (p - y) / n`` and ``db = mean(p - y)``.

    Parameters
    ----------
    fn : callable
        ``fn(X, y, w, b)`` with ``X`` of shape (n, d), labels ``y`` of shape
        (n,) holding 0.0 and 1.0, weights ``w`` of shape (d,) and a float
        ``b``; returns the pair ``(dw, db)``, ``dw`` of shape (d,) and ``db`` a
        single number.
    """
    h = Check("check_bce_gradient")
    cases = _bce_cases()
    for case, (X, y, w, b) in cases:
        n, d = X.shape
        h.start(case, X=X, y=y, w=w, b=b)
        dw, db = h.unpack(h.call(fn, fp_hint=_BCE_FP_HINT), ("dw", "db"))
        dw = h.array(
            dw,
            "dw",
            (d,),
            shape_hint=f"dw has one entry per feature, shape ({d},): X.T @ (p - y) / n."
            + ("  Flatten it with .ravel()." if np.size(dw) == d else ""),
        )
        db = h.array(
            db,
            "db",
            (),
            shape_hint="db is a single number, the mean of p - y over the examples."
            + (
                "  Use float(...) to turn a 1-element array into a number."
                if np.size(db) == 1
                else ""
            ),
        )
        r = ref_sigmoid(X @ w + b) - y
        c = Case(X=X, y=y, w=w, b=b, n=n, dw=dw, db=db, dw_ref=X.T @ r / n, db_ref=r.mean())
        h.compare("dw", dw, c.dw_ref, mistakes=_BCE_MISTAKES, c=c)
        h.compare("db", db, c.db_ref, mistakes=_BCE_MISTAKES, c=c)
    h.success(
        f"your gradient matches the reference on {len(cases)} cases, "
        "including a batch of one and logits near ±1000."
    )


def _softmax_ce_cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(SEED + 3)
    return [
        ("5 examples, 3 classes", rng.normal(size=(5, 3)), rng.integers(0, 3, 5)),
        ("one example, 4 classes", rng.normal(size=(1, 4)), np.array([2])),
        (
            "logits near ±1000",
            np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]]),
            np.array([1, 2]),
        ),
        ("logits of ±1e4", np.array([[1e4, 0.0], [0.0, -1e4], [3.0, 3.0]]), np.array([1, 0, 1])),
        ("4 examples, 10 classes", rng.normal(0.0, 4.0, size=(4, 10)), np.array([0, 9, 3, 3])),
    ]


_SOFTMAX_CE_MISTAKES: tuple[Mistake, ...] = (
    (
        lambda c: c.n > 1 and close(c.got, c.P - c.Y),
        "your gradient is exactly n times too large: the loss is "
        "the *mean* over examples, so divide by n.",
    ),
    (
        lambda c: close(c.got, (c.Y - c.P) / c.n),
        "the sign is flipped: dZ = (P - Y) / n, not (Y - P) / n.",
    ),
    (
        lambda c: close(c.got, c.P / c.n) or close(c.got, c.P),
        "subtract the one-hot labels: dZ = (P - Y) / n, where Y[i, y[i]] = 1.",
    ),
)


def check_softmax_ce_gradient(fn: Callable) -> None:
    """Check the gradient of the mean softmax cross-entropy w.r.t. the logits.

    With ``P = softmax(Z)`` and ``Y`` the one-hot labels, the mean loss
    ``L = -(1/n) sum_i log P[i, y_i]`` has gradient ``dZ = (P - Y) / n``.

    Parameters
    ----------
    fn : callable
        ``fn(Z, y)`` with logits ``Z`` of shape (n, K) and integer labels
        ``y`` of shape (n,) in ``0 .. K-1``; returns ``dZ`` of shape (n, K).
    """
    h = Check("check_softmax_ce_gradient")
    cases = _softmax_ce_cases()
    for case, Z, y in cases:
        n, K = Z.shape
        h.start(case, Z=Z, y=y)
        got = h.array(
            h.call(fn, fp_hint=ROWWISE_FP_HINT),
            "dZ",
            (n, K),
            shape_hint="dZ has the shape of the logits, (n, K).",
        )
        c = Case(got=got, n=n, P=ref_softmax(Z), Y=ref_onehot(y, K))
        h.compare("dZ", got, (c.P - c.Y) / n, mistakes=_SOFTMAX_CE_MISTAKES, c=c)
    h.success(
        f"your gradient matches the reference on {len(cases)} cases, "
        "including a batch of one and logits of ±1000 and ±1e4."
    )
