"""Losses that take logits and return the *mean* loss over the batch.

``loss(logits, y)`` checks its inputs and returns a Python float;
``loss.backward()`` (no argument) returns ``dL/dlogits`` of that mean, so every
gradient carries a factor ``1/n``.  ``forward`` is the same computation without
the checks, for training loops that validated their data once up front.
"""

from __future__ import annotations

import numpy as np

from .functional import sigmoid


class Loss:
    """Base class: ``__call__`` = ``validate`` then ``forward``; ``backward()``.

    Every subclass declares the class attribute ``targets``, what its ``y`` is:

    - ``"labels"``: class labels (integers ``0..K-1``, or 0/1 for a binary
      loss).  ``fit`` reports accuracy and ``accuracy`` applies.
    - ``"values"``: real-valued targets of the predictions' shape (regression).
      ``fit`` casts ``y`` to the model's float dtype and reports no accuracy.

    A user-written loss sets ``targets`` the same way; ``fit`` reads it instead
    of testing the loss's class.
    """

    targets: str = "labels"

    def __call__(self, logits: np.ndarray, y: np.ndarray) -> float:
        logits = np.asarray(logits)
        if logits.dtype.kind != "f":
            raise TypeError(
                f"{type(self).__name__} expected floating-point logits, got dtype {logits.dtype}"
            )
        if logits.shape[:1] == (0,):
            raise ValueError(
                f"{type(self).__name__} needs at least one example, "
                f"got an input of shape {logits.shape}"
            )
        if not np.all(np.isfinite(logits)):
            raise ValueError(
                f"{type(self).__name__} got {np.sum(~np.isfinite(logits))} NaN or "
                "infinite logits; the forward pass has diverged or the input holds NaN"
            )
        return self.forward(logits, self.validate(logits.shape, y))

    def validate(self, shape: tuple, y) -> np.ndarray:
        """Check targets ``y`` against logits of shape ``shape``; return ``y`` as an array."""
        raise NotImplementedError

    def forward(self, logits: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError

    def backward(self) -> np.ndarray:
        raise NotImplementedError

    _cache_attrs: tuple[str, ...] = ()  # arrays kept for backward (labels are referenced)

    def cached(self) -> dict[str, np.ndarray]:
        """The arrays this loss keeps from its forward pass for ``backward``, by name."""
        return {
            name.lstrip("_"): getattr(self, name)
            for name in self._cache_attrs
            if getattr(self, name, None) is not None
        }

    def _not_run(self):
        return RuntimeError(
            f"{type(self).__name__}.backward was called before the loss was "
            "computed; call loss(logits, y) first"
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _check_labels(name: str, y, n: int) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(
            f"{name} expected labels y of shape ({n},) to match {n} rows of logits, got {y.shape}"
        )
    return y


class SoftmaxCrossEntropy(Loss):
    """Mean cross-entropy of softmax(logits) against integer class labels.

    ``L = (1/n) sum_i [logsumexp(z_i) - z_i[y_i]]`` for logits z: (n, K) and
    labels y: (n,) in ``0..K-1``.  ``backward()`` returns the fused gradient of
    the *mean*, ``(softmax(z) - onehot(y)) / n``: (n, K).  Caches the softmax
    probabilities: ``K * itemsize`` bytes per example.
    """

    targets = "labels"
    _cache_attrs = ("_P",)

    def validate(self, shape: tuple, y) -> np.ndarray:
        if len(shape) != 2 or shape[1] < 1:
            raise ValueError(f"SoftmaxCrossEntropy expected logits of shape (n, K), got {shape}")
        y = _check_labels("SoftmaxCrossEntropy", y, shape[0])
        if y.dtype.kind not in "iu":
            raise TypeError(
                f"SoftmaxCrossEntropy expected integer class labels, got dtype "
                f"{y.dtype}; convert integer-valued labels with y.astype(int)"
            )
        if y.size and (y.min() < 0 or y.max() >= shape[1]):
            bad = y[(y < 0) | (y >= shape[1])][0]
            raise ValueError(
                f"SoftmaxCrossEntropy expected labels in 0..{shape[1] - 1} for "
                f"{shape[1]} logit columns, got label {bad}"
            )
        return y

    def forward(self, logits: np.ndarray, y: np.ndarray) -> float:
        n = logits.shape[0]
        rows = np.arange(n)
        z = logits - logits.max(axis=1, keepdims=True)  # shift: the largest exp is exp(0)
        z_y = z[rows, y]
        with np.errstate(under="ignore"):
            np.exp(z, out=z)  # z now holds exp(shifted logits)
        s = z.sum(axis=1, keepdims=True)
        z /= s  # softmax probabilities (n, K)
        self._P, self._y = z, y
        return float(np.mean(np.log(s[:, 0]) - z_y))  # mean of logsumexp - z_y

    def backward(self) -> np.ndarray:
        if getattr(self, "_P", None) is None:
            raise self._not_run()
        n = self._P.shape[0]
        dZ = self._P / n  # (p - onehot(y)) / n, no one-hot built
        dZ[np.arange(n), self._y] -= 1 / n
        return dZ


class BCEWithLogits(Loss):
    """Mean binary cross-entropy of sigmoid(logits) against labels 0/1.

    Logits z: (n, 1) or (n,); labels y: (n,) of 0s and 1s (int, bool or float).
    ``L = (1/n) sum_i [max(z_i, 0) - z_i y_i + log1p(exp(-|z_i|))]``, which
    never overflows.  ``backward()`` returns ``(sigmoid(z) - y) / n`` in the
    shape of the logits.  Caches z and y: ``2 * itemsize`` bytes per example.
    """

    targets = "labels"
    _cache_attrs = ("_z",)

    def validate(self, shape: tuple, y) -> np.ndarray:
        if not (len(shape) == 1 or (len(shape) == 2 and shape[1] == 1)):
            raise ValueError(f"BCEWithLogits expected logits of shape (n, 1) or (n,), got {shape}")
        y = _check_labels("BCEWithLogits", y, shape[0])
        if y.dtype.kind not in "biuf":
            raise TypeError(f"BCEWithLogits expected numeric labels 0 or 1, got dtype {y.dtype}")
        if not np.all((y == 0) | (y == 1)):
            raise ValueError(
                f"BCEWithLogits expected labels 0 or 1, got {y[~((y == 0) | (y == 1))][:1]}"
            )
        return y

    def forward(self, logits: np.ndarray, y: np.ndarray) -> float:
        z = logits.reshape(-1)
        y = y.astype(z.dtype, copy=False)
        with np.errstate(under="ignore"):
            losses = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
        self._z, self._y, self._shape = z, y, logits.shape
        return float(np.mean(losses))

    def backward(self) -> np.ndarray:
        if getattr(self, "_z", None) is None:
            raise self._not_run()
        return ((sigmoid(self._z) - self._y) / self._z.shape[0]).reshape(self._shape)


class MSELoss(Loss):
    """Mean squared error over *all* elements.

    Predictions and targets of the same shape, (n,) or (n, k):
    ``L = (1/(n k)) sum_ij (pred_ij - y_ij)^2``, and ``backward()`` returns
    ``2 (pred - y) / (n k)`` in the shape of the predictions (PyTorch's
    ``reduction="mean"``).  Caches the difference: ``k * itemsize`` bytes per example.
    """

    targets = "values"
    _cache_attrs = ("_diff",)

    def validate(self, shape: tuple, y) -> np.ndarray:
        y = np.asarray(y)
        if y.shape != tuple(shape):
            raise ValueError(
                f"MSELoss expected targets of the predictions' shape {tuple(shape)}, got {y.shape}"
            )
        if y.dtype.kind not in "biuf":
            raise TypeError(f"MSELoss expected numeric targets, got dtype {y.dtype}")
        return y

    def forward(self, pred: np.ndarray, y: np.ndarray) -> float:
        self._diff = pred - y.astype(pred.dtype, copy=False)
        return float(np.mean(self._diff * self._diff))

    def backward(self) -> np.ndarray:
        if getattr(self, "_diff", None) is None:
            raise self._not_run()
        return self._diff * (2 / self._diff.size)
