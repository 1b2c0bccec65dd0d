"""Minibatch training: ``fit``, plus ``predict`` and ``accuracy``."""

from __future__ import annotations

import math

import numpy as np

from .layers import Layer
from .losses import Loss
from .optim import Optimizer, clip_grad_norm
from .validation import check_positive_int, check_real, check_rng


def _check_x(name: str, X) -> np.ndarray:
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D of shape (n, features), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} has no rows (shape {X.shape}); pass at least one example")
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {X.dtype}")
    if X.dtype.kind == "f" and not np.all(np.isfinite(X)):
        raise ValueError(
            f"{name} contains {np.sum(~np.isfinite(X))} NaN or infinite values; "
            "clean or impute the data before training"
        )
    return X


def _prepare(model, loss_fn, X, y, name: str):
    """Validate (X, y) once; return X in the model's dtype and y checked by the loss."""
    X = _check_x(f"X{name}", X)
    y = np.asarray(y)
    if y.shape[:1] != X.shape[:1]:
        raise ValueError(
            f"X{name} and y{name} must have the same number of rows, "
            f"got {X.shape[0]} and {y.shape[0] if y.ndim else 'a scalar'}"
        )
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError(f"y{name} contains NaN or infinite values")
    out = _eval_forward(model, X[:1])  # checks the feature count, gives the width
    X = X.astype(out.dtype, copy=False)  # cast once here, never per batch
    y = loss_fn.validate((X.shape[0],) + out.shape[1:], y)
    if getattr(loss_fn, "targets", "labels") == "values":
        y = y.astype(out.dtype, copy=False)  # real targets in the model's dtype
    return X, y


def fit(
    model: Layer,
    loss_fn: Loss,
    optimizer: Optimizer,
    X,
    y,
    *,
    epochs: int = 10,
    batch_size: int = 32,
    rng: np.random.Generator | None = None,
    X_val=None,
    y_val=None,
    verbose: int = 0,
    shuffle: bool = True,
    scheduler=None,
    clip_norm: float | None = None,
    early_stopping: int | None = None,
    restore_best: bool = False,
) -> dict:
    """Train ``model`` by minibatch gradient descent; return the history.

    Parameters
    ----------
    model : Layer
        For example an :class:`MLP`; X: (n, n_in) -> outputs (n, K).  Trained
        in training mode; validation runs in evaluation mode (see
        :class:`Dropout`).  The model's mode is restored when ``fit`` returns.
    loss_fn : Loss
        Takes the outputs (logits) and ``y``.  Its ``targets`` attribute says
        whether ``y`` holds class ``"labels"`` (accuracy is recorded) or real
        ``"values"`` (``y`` is cast to the model's dtype).
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
    shuffle : bool
        Visit the examples in a new random order every epoch (else in order).
    scheduler : LRScheduler, optional
        E.g. ``mk.StepLR(optimizer, 10)``, built on ``optimizer``; its
        ``step()`` runs once after every epoch.
    clip_norm : float, optional
        Clip the gradients' joint L2 norm to this value before every step
        (:func:`clip_grad_norm`).
    early_stopping : int, optional
        Patience: stop when the validation loss has not improved on its best
        for this many epochs.  Needs ``X_val``/``y_val``.
    restore_best : bool
        At the end, put back the weights of the epoch with the lowest
        validation loss (the optimiser's state is not rewound).  Needs
        ``X_val``/``y_val``.

    Returns
    -------
    dict
        ``"epoch"``, ``"loss"`` (mean training loss over each epoch's examples,
        at the weights each batch saw), ``"lr"`` (the learning rate of the
        first parameter group during each epoch) and, for label losses,
        ``"train_accuracy"`` (measured the same running way); with validation
        data also ``"val_loss"`` and, for label losses, ``"val_accuracy"``;
        and ``"best_epoch"``: the epoch with the lowest validation loss
        (``None`` without validation data).  Lists hold one entry per epoch
        run (fewer than ``epochs`` after an early stop).

    The input gradient of the first layer is never computed.  A loss that stops
    being finite raises ``FloatingPointError``.
    """
    epochs, batch_size, verbose, clip_norm, early_stopping = _check_fit_args(
        model,
        loss_fn,
        optimizer,
        epochs,
        batch_size,
        verbose,
        shuffle,
        rng,
        scheduler,
        clip_norm,
        early_stopping,
        restore_best,
    )
    X, y = _prepare(model, loss_fn, X, y, "")
    has_val = X_val is not None or y_val is not None
    if has_val:
        if X_val is None or y_val is None:
            raise ValueError("pass both X_val and y_val, or neither")
        X_val, y_val = _prepare(model, loss_fn, X_val, y_val, "_val")
    elif early_stopping is not None or restore_best:
        raise ValueError(
            f"{'early_stopping' if early_stopping is not None else 'restore_best'} "
            "watches the validation loss; pass X_val and y_val"
        )
    classify = getattr(loss_fn, "targets", "labels") == "labels"
    history = {"epoch": [], "loss": [], "lr": []}
    if classify:
        history["train_accuracy"] = []
    if has_val:
        history["val_loss"] = []
        if classify:
            history["val_accuracy"] = []
    best_loss, best_epoch, best_state = math.inf, None, None
    group0 = optimizer.param_groups[0]
    was_training = model.training
    model.train()
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            for epoch in range(1, epochs + 1):
                history["lr"].append(group0["lr"])
                order = rng.permutation(X.shape[0]) if shuffle else np.arange(X.shape[0])
                total, correct = _train_epoch(
                    model, loss_fn, optimizer, X, y, order, batch_size, classify, clip_norm, epoch
                )
                history["epoch"].append(epoch)
                history["loss"].append(total / X.shape[0])
                if classify:
                    history["train_accuracy"].append(correct / X.shape[0])
                if has_val:
                    val_loss = _validate(model, loss_fn, X_val, y_val, classify, history)
                    if val_loss < best_loss:
                        best_loss, best_epoch = val_loss, epoch
                        if restore_best:
                            best_state = model.state_dict()
                if verbose and epoch % verbose == 0:
                    print(_progress(history, epochs))
                if scheduler is not None:
                    scheduler.step()
                if (
                    early_stopping is not None
                    and best_epoch is not None
                    and epoch - best_epoch >= early_stopping
                ):
                    break
    finally:
        model.train(was_training)
    if best_state is not None:
        model.load_state_dict(best_state)
    history["best_epoch"] = best_epoch
    return history


def _check_fit_args(
    model,
    loss_fn,
    optimizer,
    epochs,
    batch_size,
    verbose,
    shuffle,
    rng,
    scheduler,
    clip_norm,
    early_stopping,
    restore_best,
) -> tuple:
    """Validate fit's arguments (not the data); return the normalised numbers."""
    if not isinstance(model, Layer):
        raise TypeError(f"fit expects a model such as mk.MLP(...), got {type(model).__name__}")
    if not isinstance(loss_fn, Loss):
        raise TypeError(
            "fit expects a loss object such as mk.SoftmaxCrossEntropy() (note the "
            f"parentheses), got {loss_fn!r}"
        )
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            "fit expects an optimiser such as mk.SGD(model.parameters(), lr=0.1), "
            f"got {type(optimizer).__name__}"
        )
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    verbose = check_positive_int("verbose (print every k epochs; 0 is silent)", verbose, minimum=0)
    if shuffle:
        check_rng("rng (fit shuffles the examples with it)", rng)
    if scheduler is not None:
        if not callable(getattr(scheduler, "step", None)):
            raise TypeError(
                f"scheduler must be a learning-rate scheduler such as "
                f"mk.StepLR(optimizer, step_size=10), got {type(scheduler).__name__}"
            )
        if getattr(scheduler, "optimizer", optimizer) is not optimizer:
            raise ValueError(
                "the scheduler was built on another optimiser; build it on the one you pass to fit"
            )
    if clip_norm is not None:
        clip_norm = check_real("clip_norm", clip_norm, low=0.0, low_open=True)
    if early_stopping is not None:
        early_stopping = check_positive_int(
            "early_stopping (the patience in epochs)", early_stopping
        )
    if not isinstance(restore_best, (bool, np.bool_)):
        raise TypeError(f"restore_best must be True or False, got {restore_best!r}")
    return epochs, batch_size, verbose, clip_norm, early_stopping


def _train_epoch(
    model, loss_fn, optimizer, X, y, order, batch_size, classify, clip_norm, epoch
) -> tuple[float, int]:
    """One pass over ``X[order]`` in minibatches; return (summed loss, number correct)."""
    params = model.parameters() if clip_norm is not None else None
    total, correct = 0.0, 0
    for b, start in enumerate(range(0, X.shape[0], batch_size), start=1):
        idx = order[start : start + batch_size]
        Xb, yb = X[idx], y[idx]  # one gather per batch
        out = model.forward(Xb)
        loss = loss_fn.forward(out, yb)
        if not math.isfinite(loss):
            raise FloatingPointError(
                f"loss became {loss} at epoch {epoch} (batch {b}); try a smaller learning "
                f"rate (lr={optimizer.param_groups[0]['lr']}) or check the data"
            )
        total += loss * len(idx)
        if classify:
            correct += _n_correct(out, yb)
        model.backward(loss_fn.backward(), need_input_grad=False)
        if params is not None:
            clip_grad_norm(params, clip_norm)
        optimizer.step()
    if not all(np.isfinite(p.data).all() for p in model.parameters()):
        raise FloatingPointError(
            f"parameters became NaN or infinite at epoch {epoch}; try a smaller learning rate "
            f"(lr={optimizer.param_groups[0]['lr']})"
        )
    return total, correct


def _validate(model, loss_fn, X_val, y_val, classify, history) -> float:
    """Score the validation data in evaluation mode; append to ``history``; return the loss."""
    model.eval()
    out = model.forward(X_val)
    model.train()
    val_loss = loss_fn.forward(out, y_val)
    history["val_loss"].append(val_loss)
    if classify:
        history["val_accuracy"].append(_n_correct(out, y_val) / len(y_val))
    return val_loss


def _progress(history: dict, epochs: int) -> str:
    line = (
        f"epoch {history['epoch'][-1]:>{len(str(epochs))}}/{epochs}  loss {history['loss'][-1]:.4f}"
    )
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


def _eval_forward(model: Layer, X) -> np.ndarray:
    """``model.forward(X)`` in evaluation mode; the model's mode is restored."""
    if not isinstance(model, Layer):
        raise TypeError(f"expected a model such as mk.MLP(...), got {type(model).__name__}")
    X = _check_x("X", X)  # (no rng draw in evaluation mode)
    was_training = model.training
    model.eval()
    try:
        return model.forward(X)
    finally:
        model.train(was_training)


def predict(model: Layer, X) -> np.ndarray:
    """Class labels (n,) for X: (n, n_in): argmax of (n, K) logits, or ``logit > 0``
    when the model has a single output.  Runs in evaluation mode (no dropout) and
    restores the model's mode."""
    return _labels(_eval_forward(model, X))


def accuracy(*args) -> float:
    """Fraction of correct predictions: ``accuracy(outputs, y)`` or ``accuracy(model, X, y)``.

    ``outputs`` is one of

    - logits of shape (n, K), K >= 2: the prediction is the argmax of each row;
    - binary logits of shape (n, 1): the prediction is ``logit > 0``;
    - predicted labels: an *integer* (or bool) array of shape (n,).

    A float array of shape (n,) is refused: it could be labels or binary
    logits.  Pass ``labels.astype(int)``, or logits reshaped to (n, 1).

    ``accuracy(model, X, y)`` scores ``model`` on ``X`` in evaluation mode (as
    :func:`predict`).  ``y``: integer labels of shape (n,).
    """
    if len(args) == 3:
        model, X, y = args
        pred = predict(model, X)
    elif len(args) == 2:
        a, y = np.asarray(args[0]), args[1]
        if a.ndim == 1 and a.dtype.kind in "biu":
            pred = a
        elif a.ndim == 2 and a.dtype.kind in "biuf" and a.shape[1] >= 1:
            pred = _labels(a)
        elif a.ndim == 1 and a.dtype.kind == "f":
            raise ValueError(
                f"accuracy got a float array of shape {a.shape}, which could be predicted labels "
                "or binary logits; pass integer labels (pred.astype(int)) or logits of shape "
                "(n, K) or (n, 1) (z.reshape(-1, 1) for binary logits)"
            )
        else:
            raise ValueError(
                f"accuracy expected logits (n, K) or (n, 1), or integer labels "
                f"(n,), got an array of shape {a.shape} and dtype {a.dtype}"
            )
    else:
        raise TypeError(f"accuracy takes (outputs, y) or (model, X, y), got {len(args)} arguments")
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or y.shape != pred.shape:
        raise ValueError(
            f"accuracy expected labels y of shape {pred.shape} to match the "
            f"predictions, got {y.shape}"
        )
    return float(np.mean(pred == y)) if y.size else float("nan")
