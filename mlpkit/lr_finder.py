"""The learning-rate range test (Smith, 2017): train briefly while the learning
rate grows exponentially, and watch where the loss starts to fall and where it
blows up."""

from __future__ import annotations

import math

import numpy as np

from .layers import Dropout, Layer
from .losses import Loss
from .optim import Optimizer
from .train import _prepare
from .validation import check_positive_int, check_real, check_rng

__all__ = ["lr_range_test"]


def lr_range_test(
    model: Layer,
    loss_fn: Loss,
    optimizer: Optimizer,
    X,
    y,
    *,
    rng: np.random.Generator,
    lr_min: float = 1e-5,
    lr_max: float = 1.0,
    n_steps: int = 100,
    batch_size: int = 32,
    stop_factor: float = 4.0,
) -> dict:
    """Loss against learning rate over ``n_steps`` minibatch steps; the model is left unchanged.

    Step ``i`` (0-based) sets every parameter group's learning rate to
    ``lr_min * (lr_max / lr_min) ** (i / (n_steps - 1))``, trains on one
    minibatch (training mode, fresh shuffles from ``rng``, as :func:`fit`) and
    records that batch's loss.  The test stops early once the loss is not
    finite or exceeds ``stop_factor`` times the lowest loss so far.  A good
    learning rate usually lies somewhat below the one where the loss falls
    fastest (an order of magnitude below the minimum of the curve).

    Afterwards the parameters, their gradients, the optimiser's state and
    learning rates, the model's training mode and the state of its Dropout
    layers' generators are restored exactly, bit for bit: only ``rng`` has
    advanced (unless it is also a Dropout generator of the model: then it is
    rewound with them).

    Parameters
    ----------
    model, loss_fn, optimizer :
        As for :func:`fit`; ``optimizer`` is built on ``model.parameters()``.
    X : array of shape (n, n_in)
    y : array of shape (n,) (or (n, k))
    rng : np.random.Generator
        Shuffles the examples.
    lr_min, lr_max : float
        Learning rates of the first and the last step, ``0 < lr_min < lr_max``.
    n_steps : int
        >= 2 steps (minibatches; the data is reshuffled after each pass).
    batch_size : int
        Examples per step.
    stop_factor : float
        > 1: stop when the loss exceeds this multiple of the best loss.

    Returns
    -------
    dict
        ``"lr"`` and ``"loss"``: float arrays of shape (steps run,), the
        learning rate of each step and the loss of its batch (before the step).
    """
    if not isinstance(model, Layer):
        raise TypeError(
            f"lr_range_test expects a model such as mk.MLP(...), got {type(model).__name__}"
        )
    if not isinstance(loss_fn, Loss):
        raise TypeError(
            f"lr_range_test expects a loss object such as mk.SoftmaxCrossEntropy(), got {loss_fn!r}"
        )
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"lr_range_test expects an optimiser such as mk.SGD(model.parameters(), "
            f"lr=0.1), got {type(optimizer).__name__}"
        )
    check_rng("rng (lr_range_test shuffles the examples with it)", rng)
    lr_min = check_real("lr_min", lr_min, low=0.0, low_open=True)
    lr_max = check_real("lr_max", lr_max, low=0.0, low_open=True)
    if lr_max <= lr_min:
        raise ValueError(
            f"lr_max must be larger than lr_min, got lr_min={lr_min!r} and lr_max={lr_max!r}"
        )
    n_steps = check_positive_int("n_steps", n_steps, minimum=2)
    batch_size = check_positive_int("batch_size", batch_size)
    stop_factor = check_real("stop_factor", stop_factor, low=1.0, low_open=True)
    X, y = _prepare(model, loss_fn, X, y, "")

    params = model.parameters()
    saved_model = model.state_dict()
    saved_grads = [p.grad.copy() for p in params]
    saved_opt = optimizer.state_dict()
    saved_lrs = [g["lr"] for g in optimizer.param_groups]
    was_training = model.training
    generators = {id(g): g for g in _dropout_generators(model)}
    saved_rngs = {k: g.bit_generator.state for k, g in generators.items()}
    lrs = lr_min * (lr_max / lr_min) ** (np.arange(n_steps) / (n_steps - 1))
    losses: list[float] = []
    n, order, pos, best = X.shape[0], None, X.shape[0], math.inf
    model.train()
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            for lr in lrs:
                if pos >= n:
                    order, pos = rng.permutation(n), 0
                idx = order[pos : pos + batch_size]
                pos += batch_size
                for g in optimizer.param_groups:
                    g["lr"] = float(lr)
                loss = loss_fn.forward(model.forward(X[idx]), y[idx])
                losses.append(loss)
                if not math.isfinite(loss) or loss > stop_factor * best:
                    break
                best = min(best, loss)
                model.backward(loss_fn.backward(), need_input_grad=False)
                optimizer.step()
    finally:
        model.load_state_dict(saved_model)
        for p, g in zip(params, saved_grads):
            p.grad[...] = g
        optimizer.load_state_dict(saved_opt)
        for g, lr in zip(optimizer.param_groups, saved_lrs):
            g["lr"] = lr
        model.train(was_training)
        for k, g in generators.items():
            g.bit_generator.state = saved_rngs[k]
    return {"lr": lrs[: len(losses)].copy(), "loss": np.array(losses)}


def _dropout_generators(layer) -> list[np.random.Generator]:
    """The generators of every Dropout layer in ``layer`` (walking nested ``layers``)."""
    if isinstance(layer, Dropout):
        return [layer.rng]
    return [g for sub in getattr(layer, "layers", []) for g in _dropout_generators(sub)]
