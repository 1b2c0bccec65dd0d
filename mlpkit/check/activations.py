"""Checkers for elementwise and row-wise functions: sigmoid, its derivative, softmax."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace as Case

import numpy as np

from ._harness import SEED, Check, Mistake, close, diagnose, fmt, ref_sigmoid, ref_softmax

__all__ = ["check_sigmoid", "check_sigmoid_derivative", "check_softmax"]

SIGMOID_FP_HINT = (
    "for large negative z, np.exp(-z) overflows (exp(710) is already inf).  "
    "Use the two-branch form: 1 / (1 + exp(-z)) where z >= 0 and "
    "exp(z) / (1 + exp(z)) where z < 0.  np.where evaluates *both* branches on "
    "every element, so compute e = np.exp(-np.abs(z)) once and use "
    "np.where(z >= 0, 1 / (1 + e), e / (1 + e))."
)

ROWWISE_FP_HINT = (
    "exp of a large logit overflows (exp(710) is already inf).  Adding the same "
    "number to every logit of a row does not change the result, so subtract each "
    "row's maximum first: Z - Z.max(axis=1, keepdims=True).  The maximum of the "
    "whole array is not enough: a row far below it then underflows to 0 / 0."
)


def _sigmoid_cases() -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(SEED)
    return [
        ("z = 0", np.array([0.0])),
        ("z = ±1000", np.array([-1000.0, 1000.0])),
        (
            "z = ±1e4 and the edges of exp's range",
            np.array([-1e4, -745.0, -710.0, 0.0, 710.0, 745.0, 1e4]),
        ),
        ("a grid from -8 to 8", np.linspace(-8.0, 8.0, 9)),
        ("a (3, 4) matrix", rng.normal(0.0, 3.0, size=(3, 4))),
        ("one value", rng.normal(size=1)),
        ("50 values of spread 20", rng.normal(0.0, 20.0, size=50)),
        ("a (2, 3) matrix with large entries", rng.normal(0.0, 400.0, size=(2, 3))),
    ]


#: Very negative z: sigmoid(z) is tiny there and must keep its relative accuracy.
_SIGMOID_TAIL = np.array([-30.0, -50.0, -100.0, -700.0])
_SIGMOID_TAIL_RTOL = 1e-9

_SIGMOID_MISTAKES: tuple[Mistake, ...] = (
    (
        lambda c: close(c.got, 1 - c.expected),
        "you computed sigmoid(-z).  sigma(z) = 1 / (1 + exp(-z)), "
        "with a minus sign inside the exponential.",
    ),
    (lambda c: np.any((c.got < 0) | (c.got > 1)), "a sigmoid's values lie between 0 and 1."),
)

_SIGMOID_TAIL_MISTAKES: tuple[Mistake, ...] = (
    (
        lambda c: c.got.dtype.itemsize < 8,
        lambda c: (
            f"your result has dtype {c.got.dtype}, which keeps far fewer "
            "significant digits than float64 (float32: about 7) and "
            "underflows to 0 much sooner; compute in float64."
        ),
    ),
    (
        lambda c: True,
        "near 0 the sigmoid must be accurate *relative* to its tiny value, "
        "not just to within 1e-16.  Forms such as 0.5 * (1 + tanh(z / 2)), "
        "1 - sigmoid(-z) or 1 - 1 / (1 + exp(z)) subtract two numbers close "
        "to 1 when z is very negative, and this cancellation near 0 wipes "
        "out the leading digits (at z = -30 the tanh form is off by 2e-4 "
        "relative; at z = -50 it returns 0).  For z < 0 use exp(z) / (1 + "
        "exp(z)), which never subtracts: e = np.exp(-np.abs(z)) and "
        "np.where(z >= 0, 1 / (1 + e), e / (1 + e)).",
    ),
)


def _sigmoid_tail(h: Check, fn: Callable) -> None:
    """Relative accuracy 1e-9 where sigmoid(z) is tiny (z = -30 ... -700)."""
    z = _SIGMOID_TAIL.copy()
    h.start("very negative z, where sigmoid(z) is tiny", z=z)
    got = h.array(h.call(fn, fp_hint=SIGMOID_FP_HINT), "sigmoid(z)", z.shape)
    expected = ref_sigmoid(z)
    h.compare("sigmoid(z)", got, expected)
    rel = np.abs(got.astype(np.float64) - expected) / expected
    if not np.all(rel <= _SIGMOID_TAIL_RTOL):
        i = int(np.argmax(rel))
        yours = "0 (all digits lost)" if got[i] == 0 else f"{got[i]:.10g}"
        h.fail(
            f"sigmoid(z) is not accurate to {_SIGMOID_TAIL_RTOL:.0e} relative for very "
            f"negative z: at z = {z[i]:g} the reference is {expected[i]:.10g}, yours is "
            f"{yours}, a relative error of {rel[i]:.1e}.",
            hint=diagnose(_SIGMOID_TAIL_MISTAKES, Case(got=got)),
        )


def check_sigmoid(fn: Callable[[np.ndarray], np.ndarray]) -> None:
    """Check an implementation of the logistic sigmoid.

    Besides matching the reference to the usual tolerance, the sigmoid must
    keep its *relative* accuracy (1e-9) for very negative ``z`` such as -30,
    -50 and -700, where its value (about 1e-13, 2e-22, 1e-304) is far below
    the rounding error of numbers near 1.  The two-branch form and
    :func:`mlpkit.sigmoid` pass; ``0.5 * (1 + tanh(z / 2))`` does not.

    Parameters
    ----------
    fn : callable
        ``fn(z)`` takes a float array ``z`` of any shape and returns
        ``1 / (1 + exp(-z))`` elementwise, an array of the same shape.  It must
        not overflow for ``z = ±1000``.

    Raises
    ------
    CheckFailed
        If any case differs from the reference, overflows, or has the wrong
        shape or dtype.
    """
    h = Check("check_sigmoid")
    cases = _sigmoid_cases()
    for case, z in cases:
        h.start(case, z=z)
        got = h.array(
            h.call(fn, fp_hint=SIGMOID_FP_HINT),
            "sigmoid(z)",
            z.shape,
            shape_hint="sigmoid acts elementwise: the output has the shape of z.",
        )
        expected = ref_sigmoid(z)
        h.compare(
            "sigmoid(z)",
            got,
            expected,
            mistakes=_SIGMOID_MISTAKES,
            c=Case(got=got, expected=expected),
        )
    _sigmoid_tail(h, fn)
    h.success(
        f"your sigmoid matches the reference on {len(cases) + 1} "
        "cases, including z = 0, z = ±1000 and z = ±1e4, and is "
        "accurate to 1e-9 relative at z = -700."
    )


_SIGMOID_DERIVATIVE_MISTAKES: tuple[Mistake, ...] = (
    (
        lambda c: close(c.got, c.s),
        "you returned sigma(z) itself; the derivative is sigma(z) * (1 - sigma(z)).",
    ),
    (lambda c: close(c.got, 1 - c.s), "you returned 1 - sigma(z); multiply by sigma(z) as well."),
)


def check_sigmoid_derivative(fn: Callable[[np.ndarray], np.ndarray]) -> None:
    """Check the derivative of the sigmoid, ``sigma(z) * (1 - sigma(z))``.

    Parameters
    ----------
    fn : callable
        ``fn(z)`` takes a float array of any shape and returns
        ``d sigma / dz`` elementwise, an array of the same shape.
    """
    h = Check("check_sigmoid_derivative")
    cases = _sigmoid_cases()
    for case, z in cases:
        h.start(case, z=z)
        got = h.array(h.call(fn, fp_hint=SIGMOID_FP_HINT), "sigmoid'(z)", z.shape)
        s = ref_sigmoid(z)
        h.compare(
            "sigmoid'(z)",
            got,
            s * (1 - s),
            mistakes=_SIGMOID_DERIVATIVE_MISTAKES,
            c=Case(got=got, s=s),
        )
    h.success(
        f"your sigmoid derivative matches the reference on {len(cases)} cases, "
        "including z = 0 (value 0.25) and z = ±1000."
    )


def rowwise_cases() -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(SEED + 1)
    return [
        ("a (4, 3) batch", rng.normal(size=(4, 3))),
        ("one example, shape (1, 5)", rng.normal(size=(1, 5))),
        ("logits near ±1000", np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]])),
        ("logits of ±1e4 and a row of equal logits", np.array([[1e4, 0.0, -1e4], [0.0, 0.0, 0.0]])),
        ("two classes", rng.normal(0.0, 5.0, size=(6, 2))),
        ("ten classes, spread 10", rng.normal(0.0, 10.0, size=(3, 10))),
    ]


_SOFTMAX_MISTAKES: tuple[Mistake, ...] = (
    (
        lambda c: (
            close(c.got, ref_softmax(c.Z, axis=0))
            or (np.allclose(c.got.sum(axis=0), 1) and not np.allclose(c.got.sum(axis=1), 1))
        ),
        "your *columns* sum to 1, but each *row* is one example: "
        "take the max and the sum over axis=1 (with keepdims=True).",
    ),
    (
        lambda c: not np.allclose(c.got.sum(axis=1), 1),
        lambda c: (
            f"each row of the output should sum to 1; yours sum to "
            f"{fmt(c.got.sum(axis=1))}.  Divide by the row sums, "
            "E.sum(axis=1, keepdims=True)."
        ),
    ),
)


def check_softmax(fn: Callable[[np.ndarray], np.ndarray]) -> None:
    """Check a row-wise softmax.

    Parameters
    ----------
    fn : callable
        ``fn(Z)`` takes logits ``Z`` of shape (n, K), one row per example, and
        returns probabilities of shape (n, K) whose rows sum to 1:
        ``P[i, k] = exp(Z[i, k]) / sum_j exp(Z[i, j])``.  It must not overflow
        for logits of ``±1e4``.
    """
    h = Check("check_softmax")
    cases = rowwise_cases()
    for case, Z in cases:
        h.start(case, Z=Z)
        got = h.array(
            h.call(fn, fp_hint=ROWWISE_FP_HINT),
            "softmax(Z)",
            Z.shape,
            shape_hint="softmax returns one probability per logit, shape (n, K).",
        )
        h.compare(
            "softmax(Z)", got, ref_softmax(Z), mistakes=_SOFTMAX_MISTAKES, c=Case(got=got, Z=Z)
        )
    h.success(
        f"your softmax matches the reference on {len(cases)} cases, "
        "including logits of ±1000 and ±1e4 and a batch of one."
    )
