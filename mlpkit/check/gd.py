"""Checkers for gradient-descent updates: the plain step and heavy-ball momentum."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace as Case

import numpy as np

from ._harness import SEED, Check, Mistake, close

__all__ = ["check_gd_step", "check_momentum_step"]

_GD_INPLACE_HINT = (
    "`theta -= lr * grad` writes into the caller's array.  Return a new "
    "array instead: `return theta - lr * grad`."
)

_GD_MISTAKES: tuple[Mistake, ...] = (
    (
        lambda c: c.lr > 0 and close(c.got, c.theta + c.lr * c.grad),
        "you moved *uphill*: gradient descent subtracts the gradient, theta - lr * grad.",
    ),
    (
        lambda c: c.lr != 1 and close(c.got, c.theta - c.grad),
        "multiply the gradient by the learning rate lr.",
    ),
    (
        lambda c: close(c.got, -c.lr * c.grad) or close(c.got, c.lr * c.grad),
        "you returned the step; return theta minus the step.",
    ),
)


def check_gd_step(fn: Callable) -> None:
    """Check one step of gradient descent.

    Parameters
    ----------
    fn : callable
        ``fn(theta, grad, lr)`` with parameters ``theta`` and gradient ``grad``
        of the same shape (usually (p,)) and a learning rate ``lr > 0``;
        returns the **new** array ``theta - lr * grad``.  It must leave
        ``theta`` unchanged (return a new array; don't update in place), so
        that the caller can compare old and new parameters.
    """
    h = Check("check_gd_step")
    rng = np.random.default_rng(SEED + 5)
    cases = [
        ("3 parameters, lr = 0.1", rng.normal(size=3), rng.normal(size=3), 0.1),
        ("one parameter, lr = 0.5", np.array([2.0]), np.array([4.0]), 0.5),
        ("lr = 0", rng.normal(size=4), rng.normal(size=4), 0.0),
        ("10 parameters, lr = 0.01", rng.normal(size=10), rng.normal(0, 10, 10), 0.01),
        ("a (2, 3) weight matrix", rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), 0.2),
    ]
    for case, theta, grad, lr in cases:
        h.start(case, theta=theta, grad=grad, lr=lr)
        out = h.call(fn, inplace_hint=_GD_INPLACE_HINT, new_array=True)
        got = h.array(out, "new theta", theta.shape, shape_hint="the new theta has theta's shape.")
        h.compare(
            "new theta",
            got,
            theta - lr * grad,
            mistakes=_GD_MISTAKES,
            c=Case(got=got, theta=theta, grad=grad, lr=lr),
        )
    h.success(
        f"your update matches theta - lr * grad on {len(cases)} cases and leaves theta untouched."
    )


_MOMENTUM_INPLACE_HINT = (
    "`v *= mu`, `v += grad` or `theta -= lr * v` write into the caller's "
    "arrays (mk.SGD updates its own buffers in place on purpose, but this "
    "function must not).  Return new arrays: `v_new = mu * v + grad` and "
    "`theta_new = theta - lr * v_new`."
)

_VELOCITY_MISTAKES: tuple[Mistake, ...] = (
    (
        lambda c: c.mu > 0 and close(c.v_new, c.mu * c.v + (1 - c.mu) * c.grad),
        "that is the dampened (EMA) form v = mu v + (1 - mu) g; "
        "PyTorch and mlpkit use v = mu v + g, without the factor "
        "(1 - mu) on the gradient.",
    ),
    (
        lambda c: close(c.v_new, c.mu * c.v - c.lr * c.grad),
        "that is the convention v = mu v - lr g, theta + v (as in "
        "cs231n); PyTorch and mlpkit keep lr out of the velocity: "
        "v = mu v + g, then theta - lr v.  The two agree only "
        "while lr never changes.",
    ),
    (
        lambda c: close(c.v_new, c.mu * c.v + c.lr * c.grad),
        "keep lr out of the velocity: v_new = mu * v + grad; lr "
        "multiplies v_new in the parameter update.",
    ),
    (
        lambda c: close(c.v_new, c.mu * c.v - c.grad),
        "check the sign: the velocity adds up gradients, v_new = "
        "mu * v + grad; the minus sign belongs to the parameter "
        "update, theta - lr * v_new.",
    ),
    (
        lambda c: c.mu != 1 and np.any(c.v != 0) and close(c.v_new, c.v + c.grad),
        "multiply the old velocity by mu: v_new = mu * v + grad.",
    ),
    (
        lambda c: c.mu > 0 and np.any(c.v != 0) and close(c.v_new, c.grad),
        "you dropped the old velocity: v_new = mu * v + grad remembers the past gradients.",
    ),
    (
        lambda c: close(c.v_new, c.v + c.mu * c.grad),
        "mu multiplies the old velocity, not the gradient: v_new = mu * v + grad.",
    ),
)

_MOMENTUM_THETA_MISTAKES: tuple[Mistake, ...] = (
    (
        lambda c: not close(c.v, c.v_ref) and close(c.theta_new, c.theta - c.lr * c.v),
        "you moved theta with the old velocity v.  Update the "
        "velocity first, then step with the new one: "
        "theta_new = theta - lr * v_new.",
    ),
    (
        lambda c: close(c.theta_new, c.theta + c.lr * c.v_ref),
        "you moved *uphill*: subtract the step, theta_new = theta - lr * v_new.",
    ),
    (
        lambda c: close(c.theta_new, c.theta - c.lr * c.grad),
        "you stepped along the gradient alone; momentum steps "
        "along the new velocity: theta_new = theta - lr * v_new.",
    ),
    (
        lambda c: c.lr != 1 and close(c.theta_new, c.theta - c.v_ref),
        "multiply the velocity by the learning rate: theta - lr * v_new.",
    ),
    (
        lambda c: close(c.theta_new, -c.lr * c.v_ref),
        "you returned the step; return theta minus the step.",
    ),
)


def _momentum_cases() -> list[tuple]:
    rng = np.random.default_rng(SEED + 8)
    # lr differs from 1 - mu in every case, so the dampened form and the form
    # with lr inside the velocity give different numbers and distinct hints
    return [
        (
            "first step: v = 0, lr = 0.05, mu = 0.9",
            rng.normal(size=3),
            np.zeros(3),
            rng.normal(size=3),
            0.05,
            0.9,
        ),
        (
            "v != 0, lr = 0.2, mu = 0.9",
            rng.normal(size=4),
            rng.normal(size=4),
            rng.normal(size=4),
            0.2,
            0.9,
        ),
        (
            "mu = 0 (plain gradient descent; v plays no part), lr = 0.1",
            rng.normal(size=3),
            rng.normal(size=3),
            rng.normal(size=3),
            0.1,
            0.0,
        ),
        (
            "one parameter, lr = 0.1, mu = 0.5 (v_new = 4.5, theta_new = 1.55)",
            np.array([2.0]),
            np.array([1.0]),
            np.array([4.0]),
            0.1,
            0.5,
        ),
        (
            "a (2, 3) weight matrix, lr = 0.02, mu = 0.99",
            rng.normal(size=(2, 3)),
            rng.normal(size=(2, 3)),
            rng.normal(0.0, 10.0, size=(2, 3)),
            0.02,
            0.99,
        ),
    ]


def check_momentum_step(fn: Callable) -> None:
    """Check one step of gradient descent with (heavy-ball) momentum.

    The rule is PyTorch's ``SGD(momentum=mu)`` (no dampening, no Nesterov),
    the one :class:`mlpkit.SGD` uses::

        v_new     = mu * v + grad
        theta_new = theta - lr * v_new

    The velocity ``v`` starts at zero, so the first step is a plain gradient
    step; with ``mu = 0`` every step is one.

    Parameters
    ----------
    fn : callable
        ``fn(theta, v, grad, lr, mu)`` with parameters ``theta``, velocity
        ``v`` and gradient ``grad`` of the same shape (usually (p,)), a
        learning rate ``lr > 0`` and a momentum ``0 <= mu < 1``; returns the
        pair ``(theta_new, v_new)`` as **new** arrays.  It must not change
        ``theta`` or ``v`` in place.

    Raises
    ------
    CheckFailed
        If a case differs from the reference or an input was changed in place.
    """
    h = Check("check_momentum_step")
    cases = _momentum_cases()
    for case, theta, v, grad, lr, mu in cases:
        h.start(case, theta=theta, v=v, grad=grad, lr=lr, mu=mu)
        out = h.unpack(h.call(fn, inplace_hint=_MOMENTUM_INPLACE_HINT), ("theta_new", "v_new"))
        v_ref = mu * v + grad
        theta_ref = theta - lr * v_ref
        if (
            np.shape(out[0]) == np.shape(out[1]) == theta.shape
            and not close(v_ref, theta_ref)
            and close(out[0], v_ref)
            and close(out[1], theta_ref)
        ):
            h.fail(
                "your two results are in the wrong order.",
                hint="return theta_new first, then v_new: `return theta_new, v_new`.",
            )
        shape_hint = "theta, v and grad all have the same shape."
        theta_new = h.array(out[0], "theta_new", theta.shape, shape_hint=shape_hint)
        v_new = h.array(out[1], "v_new", v.shape, shape_hint=shape_hint)
        c = Case(
            theta=theta, v=v, grad=grad, lr=lr, mu=mu, v_ref=v_ref, v_new=v_new, theta_new=theta_new
        )
        h.compare("v_new", v_new, v_ref, mistakes=_VELOCITY_MISTAKES, c=c)
        h.compare("theta_new", theta_new, theta_ref, mistakes=_MOMENTUM_THETA_MISTAKES, c=c)
    h.success(
        f"your update matches v = mu * v + grad, theta - lr * v on "
        f"{len(cases)} cases, including v = 0 and mu = 0, and "
        "leaves its inputs untouched."
    )
