"""Minibatch training: ``fit``, plus ``predict`` and ``accuracy``."""
from __future__ import annotations

import math
import numbers

import numpy as np

from .layers import Layer
from .losses import BCEWithLogits, Loss, MSELoss, SoftmaxCrossEntropy
from .optim import Optimizer


def _check_X(name: str, X) -> np.ndarray:
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D of shape (n, features), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} has no rows (shape {X.shape}); pass at least one example")
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {X.dtype}")
    if X.dtype.kind == "f" and not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains {np.sum(~np.isfinite(X))} NaN or infinite values; "
                         "clean or impute the data before training")
    return X


def _prepare(model, loss_fn, X, y, name: str):
    """Validate (X, y) once; return X in the model's dtype and y checked by the loss."""
    X = _check_X(f"X{name}", X)
    y = np.asarray(y)
    if y.shape[:1] != X.shape[:1]:
        raise ValueError(f"X{name} and y{name} must have the same number of rows, "
                         f"got {X.shape[0]} and {y.shape[0] if y.ndim else 'a scalar'}")
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError(f"y{name} contains NaN or infinite values")
    out = model.forward(X[:1])                       # checks the feature count, gives the width
    X = X.astype(out.dtype, copy=False)              # cast once here, never per batch
    y = loss_fn.validate((X.shape[0],) + out.shape[1:], y)
    if isinstance(loss_fn, (BCEWithLogits, MSELoss)):
        y = y.astype(out.dtype, copy=False)      # float targets in the model's dtype
    return X, y


def fit(model: Layer, loss_fn: Loss, optimizer: Optimizer, X, y, *, epochs: int = 10,
        batch_size: int = 32, rng: np.random.Generator | None = None, X_val=None, y_val=None,
        verbose: int = 0, shuffle: bool = True) -> dict:
    """Train ``model`` by minibatch gradient descent; return the history.

    Parameters
    ----------
    model : Layer
        For example an :class:`MLP`; X: (n, n_in) -> outputs (n, K).
    loss_fn : Loss
        Takes the outputs (logits) and ``y``.
    optimizer : Optimizer
        Built on ``model.parameters()``; ``step()`` runs after every batch.
    X : array of shape (n, n_in)
        Finite training inputs, cast once to the model's dtype.
    y : array of shape (n,) (or (n, k) for MSELoss)
        Targets in the form ``loss_fn`` expects (integer labels for
        SoftmaxCrossEntropy, 0/1 for BCEWithLogits).
    epochs, batch_size : int
        Passes over the data; examples per batch (the last batch may be smaller).
    rng : np.random.Generator
        Shuffles the examples: one permutation per epoch.  Required if ``shuffle``.
    X_val, y_val : arrays, optional
        Validation data, scored after every epoch.
    verbose : int
        Print one progress line every ``verbose`` epochs (0: silent).

    Returns
    -------
    dict
        ``"epoch"``, ``"loss"`` (mean training loss over each epoch's examples,
        at the weights each batch saw) and, for classification losses,
        ``"train_accuracy"`` (measured the same running way); with validation
        data also ``"val_loss"`` and, for classification, ``"val_accuracy"``.

    The input gradient of the first layer is never computed.  A loss that stops
    being finite raises ``FloatingPointError``.
    """
    if not isinstance(model, Layer):
        raise TypeError(f"fit expects a model such as mk.MLP(...), got {type(model).__name__}")
    if not isinstance(loss_fn, Loss):
        raise TypeError("fit expects a loss object such as mk.SoftmaxCrossEntropy() (note the "
                        f"parentheses), got {loss_fn!r}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError("fit expects an optimiser such as mk.SGD(model.parameters(), lr=0.1), "
                        f"got {type(optimizer).__name__}")
    for name, v in (("epochs", epochs), ("batch_size", batch_size)):
        if not isinstance(v, numbers.Integral) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
    if not isinstance(verbose, numbers.Integral) or verbose < 0:
        raise ValueError(f"verbose must be an integer >= 0 (print every k epochs), got {verbose!r}")
    if shuffle and not isinstance(rng, np.random.Generator):
        raise ValueError(f"fit needs rng=np.random.default_rng(seed) to shuffle, got {rng!r}")
    X, y = _prepare(model, loss_fn, X, y, "")
    has_val = X_val is not None or y_val is not None
    if has_val:
        if X_val is None or y_val is None:
            raise ValueError("pass both X_val and y_val, or neither")
        X_val, y_val = _prepare(model, loss_fn, X_val, y_val, "_val")
    classify = isinstance(loss_fn, (SoftmaxCrossEntropy, BCEWithLogits))
    history = {"epoch": [], "loss": []}
    if classify:
        history["train_accuracy"] = []
    if has_val:
        history["val_loss"] = []
        if classify:
            history["val_accuracy"] = []

    n = X.shape[0]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n) if shuffle else np.arange(n)
            total, correct = 0.0, 0
            for b, start in enumerate(range(0, n, batch_size), start=1):
                idx = order[start:start + batch_size]
                Xb, yb = X[idx], y[idx]                  # one gather per batch
                out = model.forward(Xb)
                loss = loss_fn.forward(out, yb)
                if not math.isfinite(loss):
                    raise FloatingPointError(
                        f"loss became {loss} at epoch {epoch} (batch {b}); try a smaller "
                        f"learning rate (lr={getattr(optimizer, 'lr', '?')}) or check the data")
                total += loss * len(idx)
                if classify:
                    correct += _n_correct(out, yb)
                model.backward(loss_fn.backward(), need_input_grad=False)
                optimizer.step()
            history["epoch"].append(epoch)
            history["loss"].append(total / n)
            if classify:
                history["train_accuracy"].append(correct / n)
            if has_val:
                out = model.forward(X_val)
                history["val_loss"].append(loss_fn.forward(out, y_val))
                if classify:
                    history["val_accuracy"].append(_n_correct(out, y_val) / len(y_val))
            if not all(np.isfinite(p.data).all() for p in model.parameters()):
                raise FloatingPointError(
                    f"parameters became NaN or infinite at epoch {epoch}; try a smaller "
                    f"learning rate (lr={getattr(optimizer, 'lr', '?')})")
            if verbose and epoch % verbose == 0:
                print(_progress(history, epochs))
    return history


def _progress(history: dict, epochs: int) -> str:
    line = f"epoch {history['epoch'][-1]:>{len(str(epochs))}}/{epochs}  loss {history['loss'][-1]:.4f}"
    for key in ("train_accuracy", "val_loss", "val_accuracy"):
        if key in history:
            line += f"  {key} {history[key][-1]:.4f}"
    return line


def _labels(out: np.ndarray) -> np.ndarray:
    if out.ndim == 2 and out.shape[1] > 1:
        return out.argmax(axis=1)
    return (out.reshape(-1) > 0).astype(np.int64)


def _n_correct(out: np.ndarray, y: np.ndarray) -> int:
    return int(np.count_nonzero(_labels(out) == y))


def predict(model: Layer, X) -> np.ndarray:
    """Class labels (n,) for X: (n, n_in): argmax of (n, K) logits, or ``logit > 0``
    when the model has a single output."""
    return _labels(model.forward(_check_X("X", X)))


def accuracy(logits_or_labels, y) -> float:
    """Fraction of correct predictions.

    ``logits_or_labels``: logits (n, K) (argmax is taken), binary logits (n, 1)
    or float (n,) (``> 0`` is class 1), or integer predicted labels (n,).
    ``y``: integer labels (n,).
    """
    a, y = np.asarray(logits_or_labels), np.asarray(y).reshape(-1)
    pred = a.reshape(-1) if a.ndim == 1 and a.dtype.kind in "biu" else _labels(a)
    if pred.shape != y.shape:
        raise ValueError(f"accuracy expected {pred.shape[0]} labels to match the predictions, "
                         f"got {y.shape[0]}")
    return float(np.mean(pred == y)) if y.size else float("nan")
