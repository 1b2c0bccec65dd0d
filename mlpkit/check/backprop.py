"""Checker for the backward pass of a linear layer."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace as Case

import numpy as np

from ._harness import SEED, Check, Mistake, close

__all__ = ["check_linear_backward"]

_DX_MISTAKES: tuple[Mistake, ...] = (
    (lambda c: c.d_in == c.d_out and close(c.dX, c.dY @ c.W), "dX = dY @ W.T: transpose W."),
)

_DW_MISTAKES: tuple[Mistake, ...] = (
    (
        lambda c: c.d_in == c.d_out and close(c.dW, c.dY.T @ c.X),
        "dW = X.T @ dY; you have its transpose.",
    ),
    (
        lambda c: c.n > 1 and close(c.dW, c.X.T @ c.dY / c.n),
        "don't divide by n here: dY already contains the loss's 1/n, so dW = X.T @ dY.",
    ),
)

_DB_MISTAKES: tuple[Mistake, ...] = (
    (
        lambda c: c.n > 1 and close(c.db, c.dY.mean(axis=0)),
        "sum, don't average: dY already contains the loss's 1/n, so db = dY.sum(axis=0).",
    ),
    (
        lambda c: c.n == c.d_out and close(c.db, c.dY.sum(axis=1)),
        "db was summed over the wrong axis: use dY.sum(axis=0).",
    ),
)


def _db_shape_hint(db, n: int, d_out: int) -> str:
    shape = np.shape(db)
    if shape == (n,) and n != d_out:
        return "db was summed over the wrong axis: sum over the examples, dY.sum(axis=0)."
    if shape == ():
        return "db has one entry per output unit: sum over axis=0 only."
    if shape == (1, d_out):
        return "db should be 1-D, shape (d_out,): drop keepdims=True."
    return f"db has the shape of b, ({d_out},): dY.sum(axis=0)."


def check_linear_backward(fn: Callable) -> None:
    """Check the backward pass of a linear layer ``Y = X @ W + b``.

    Given the upstream gradient ``dY = dL/dY``, the layer's gradients are
    ``dX = dY @ W.T``, ``dW = X.T @ dY`` and ``db = dY.sum(axis=0)``.
    (``dY`` already contains the loss's ``1/n``, so ``db`` *sums* over the
    examples.)

    Parameters
    ----------
    fn : callable
        ``fn(X, W, b, dY)`` with ``X`` of shape (n, d_in), ``W`` of shape
        (d_in, d_out), ``b`` of shape (d_out,) and ``dY`` of shape (n, d_out);
        returns ``(dX, dW, db)`` with the shapes of ``X``, ``W`` and ``b``.
    """
    h = Check("check_linear_backward")
    rng = np.random.default_rng(SEED + 6)
    shapes = [
        ("4 examples, 3 -> 2", 4, 3, 2),
        ("one example, 3 -> 2", 1, 3, 2),
        ("5 examples, 2 -> 4", 5, 2, 4),
        ("3 examples, 3 -> 3", 3, 3, 3),
        ("6 examples, 5 -> 1", 6, 5, 1),
    ]
    for case, n, d_in, d_out in shapes:
        X, W = rng.normal(size=(n, d_in)), rng.normal(size=(d_in, d_out))
        b, dY = rng.normal(size=d_out), rng.normal(size=(n, d_out))
        h.start(case, X=X, W=W, b=b, dY=dY)
        dX, dW, db = h.unpack(h.call(fn), ("dX", "dW", "db"))
        dX = h.array(
            dX, "dX", X.shape, shape_hint=f"dX has the shape of X, ({n}, {d_in}): dY @ W.T."
        )
        dW = h.array(
            dW,
            "dW",
            W.shape,
            shape_hint=f"dW has the shape of W, ({d_in}, {d_out}): X.T @ dY."
            + ("  You have its transpose (dY.T @ X)." if np.shape(dW) == (d_out, d_in) else ""),
        )
        db = h.array(db, "db", b.shape, shape_hint=_db_shape_hint(db, n, d_out))
        c = Case(X=X, W=W, dY=dY, n=n, d_in=d_in, d_out=d_out, dX=dX, dW=dW, db=db)
        h.compare("dX", dX, dY @ W.T, mistakes=_DX_MISTAKES, c=c)
        h.compare("dW", dW, X.T @ dY, mistakes=_DW_MISTAKES, c=c)
        h.compare("db", db, dY.sum(axis=0), mistakes=_DB_MISTAKES, c=c)
    h.success(
        f"your dX, dW and db match the reference on {len(shapes)} "
        "cases, including a batch of one and a square W."
    )
