"""Metrics on predictions, numpy only.

:func:`confusion_counts` is the table that ``mk.plot.confusion_matrix`` draws.
(``mk.accuracy`` lives in :mod:`mlpkit.train`, next to ``fit``.)
"""

from __future__ import annotations

import numpy as np

from .validation import check_positive_int

__all__ = ["confusion_counts"]


def confusion_counts(
    y_true: np.ndarray, y_pred: np.ndarray, num_classes: int | None = None
) -> np.ndarray:
    """Count (true, predicted) pairs.

    Parameters
    ----------
    y_true, y_pred : ndarray of int, shape (n,)
        Class labels in ``0 .. num_classes - 1``.
    num_classes : int, optional
        Default: one more than the largest label seen.

    Returns
    -------
    ndarray of int, shape (K, K)
        ``C[i, j]`` is the number of examples of true class ``i`` predicted as
        ``j``: rows are true classes, columns predictions; ``C.trace()`` counts
        the correct ones.
    """
    y_true = np.asarray(y_true).reshape(-1)
    y_pred = np.asarray(y_pred).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same length, got "
            f"{y_true.shape[0]} and {y_pred.shape[0]}"
        )
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold integer class labels, got dtype {y.dtype}")
        if y.size and (not np.all(y == np.round(y)) or y.min() < 0):
            raise ValueError(f"{name} must hold integer labels >= 0")
    y_true, y_pred = y_true.astype(int), y_pred.astype(int)
    seen = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    K = seen if num_classes is None else check_positive_int("num_classes", num_classes)
    if K < seen:
        raise ValueError(f"num_classes={K} but a label {seen - 1} occurs")
    return np.bincount(K * y_true + y_pred, minlength=K * K).reshape(K, K)
