"""Numerically stable elementwise and row-wise functions.

Each function keeps the floating dtype of its input (float32 stays float32;
integer input is promoted to float64) and never overflows: the largest number
passed to ``np.exp`` is 0.  Underflow of ``exp`` to 0 is the intended result and
is silenced locally.
"""

import numpy as np


def _float(z) -> np.ndarray:
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(np.float64)


def sigmoid(z) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-z))``, any shape -> same shape.

    Two branches share ``e = exp(-|z|)`` (never overflows):
    ``1 / (1 + e)`` for ``z >= 0`` and ``e / (1 + e)`` for ``z < 0``.
    """
    z = _float(z)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1, e) / (1 + e)


def log_sigmoid(z) -> np.ndarray:
    """``log(sigmoid(z)) = min(z, 0) - log1p(exp(-|z|))``, any shape -> same shape."""
    z = _float(z)
    with np.errstate(under="ignore"):
        return np.minimum(z, 0) - np.log1p(np.exp(-np.abs(z)))


def logsumexp(a, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    """``log(sum(exp(a), axis))`` with the maximum ``m`` subtracted first.

    ``logsumexp(a) = m + log(sum(exp(a - m)))``; e.g. ``a`` of shape (n, K) with
    ``axis=-1`` gives shape (n,), or (n, 1) with ``keepdims=True``.
    """
    a = _float(a)
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)  # rows of all -inf stay -inf
    with np.errstate(under="ignore", divide="ignore"):
        out = m + np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def softmax(a, axis: int = -1) -> np.ndarray:
    """``exp(a) / sum(exp(a), axis)``; shape (n, K) -> (n, K), rows sum to 1."""
    a = _float(a)
    with np.errstate(under="ignore"):
        e = np.exp(a - np.max(a, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(a, axis: int = -1) -> np.ndarray:
    """``a - logsumexp(a, axis)``; shape (n, K) -> (n, K), finite for finite ``a``."""
    a = _float(a)
    return a - logsumexp(a, axis=axis, keepdims=True)
