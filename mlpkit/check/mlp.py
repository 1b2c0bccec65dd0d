"""Checkers for small networks by hand: XOR weights, an XOR function, parameter counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import SimpleNamespace as Case

import numpy as np

from ._harness import Check, Mistake, diagnose, fmt, ref_sigmoid

__all__ = ["check_xor_weights", "check_xor", "check_parameter_count"]

_XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_XOR_Y = np.array([0, 1, 1, 0])


def _xor_arrays(h: Check, W1, b1, W2, b2) -> tuple[np.ndarray, ...]:
    """The four arrays as floats, with the shapes of a 2-H-1 network."""
    arrays = {}
    for label, value in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)):
        a = np.asarray(value, dtype=float) if value is not None else None
        if a is None or a.dtype == object:
            h.fail(
                f"{label} is missing or not numeric.",
                hint="fill in all four arrays W1, b1, W2, b2.",
            )
        arrays[label] = a
    W1, b1, W2, b2 = (arrays[k] for k in ("W1", "b1", "W2", "b2"))
    if W1.ndim != 2 or W1.shape[0] != 2:
        h.fail(
            f"W1 should have shape (2, H), got {W1.shape}.",
            hint="W is (n_in, n_out): 2 inputs, one column per hidden unit.",
        )
    H = W1.shape[1]
    if b1.shape != (H,):
        h.fail(f"b1 should have shape ({H},), one bias per hidden unit; got {b1.shape}.")
    if W2.shape not in ((H,), (H, 1)):
        h.fail(
            f"W2 should have shape ({H}, 1); got {W2.shape}.",
            hint="W is (n_in, n_out): one row per hidden unit, one output.",
        )
    if b2.size != 1:
        h.fail(f"b2 should be a single number; got shape {b2.shape}.")
    return W1, b1, W2.reshape(H), b2


def _xor_table(Hh: np.ndarray, o: np.ndarray, pred: np.ndarray) -> str:
    return "\n".join(
        f"    x = ({x[0]:.0f}, {x[1]:.0f}):  hidden {fmt(hh)},  o = {oo:+.3f}"
        f"  -> predicts {p}, want {t}{'' if p == t else '   <-- wrong'}"
        for x, hh, oo, p, t in zip(_XOR_X, Hh, o, pred, _XOR_Y)
    )


def check_xor_weights(W1, b1, W2, b2, activation: str = "sigmoid") -> None:
    """Check hand-picked weights of a 2-H-1 network that should compute XOR.

    The network is ``H = act(X @ W1 + b1)``, ``o = H @ W2 + b2`` and it
    predicts 1 when ``o > 0``, i.e. when ``sigmoid(o) > 0.5``.  The check runs
    it on the four inputs (0,0), (0,1), (1,0), (1,1) and wants 0, 1, 1, 0.

    Parameters
    ----------
    W1 : array_like, shape (2, H)
        Input-to-hidden weights (``H = 2`` in the chapter's exercise).
    b1 : array_like, shape (H,)
    W2 : array_like, shape (H, 1) or (H,)
        Hidden-to-output weights.
    b2 : float or array_like of shape (1,)
    activation : {"sigmoid", "step"}
        Hidden activation: the logistic sigmoid, or the step function
        ``1[z > 0]`` of the perceptron.
    """
    h = Check("check_xor_weights")
    if activation not in ("sigmoid", "step"):
        raise ValueError(f"activation must be 'sigmoid' or 'step', got {activation!r}")
    W1, b1, W2, b2 = _xor_arrays(h, W1, b1, W2, b2)
    Zh = _XOR_X @ W1 + b1
    Hh = ref_sigmoid(Zh) if activation == "sigmoid" else (Zh > 0).astype(float)
    o = Hh @ W2 + b2.item()
    pred = (o > 0).astype(int)
    table = _xor_table(Hh, o, pred)
    if activation == "step" and np.any(Zh == 0):
        i = int(np.argwhere(Zh == 0)[0, 0])
        h.fail(
            f"a hidden unit sits exactly on its threshold (z = 0) for input "
            f"{tuple(_XOR_X[i].astype(int))}.\n{table}",
            hint="move that unit's bias by 0.5 so no input lands exactly on the boundary.",
        )
    if np.any(o == 0):
        h.fail(
            f"the output sits exactly on the threshold (o = 0) for some input.\n{table}",
            hint="shift b2 a little so every input is clearly on one side.",
        )
    if not np.array_equal(pred, _XOR_Y):
        hint = (
            "think of XOR as (x1 OR x2) AND NOT (x1 AND x2): let one hidden "
            "unit compute OR, the other AND, and let the output fire for "
            "OR but not AND."
        )
        if activation == "sigmoid":
            hint += (
                "  With sigmoid units, use large weights (e.g. 20) so each unit is close to 0 or 1."
            )
        h.fail(
            f"your network gets {int((pred != _XOR_Y).sum())} of the 4 inputs wrong.\n{table}",
            hint=hint,
        )
    if activation == "sigmoid":
        detail = "sigmoid of the output: " + ", ".join(f"{v:.2f}" for v in ref_sigmoid(o))
    else:
        detail = "output o: " + ", ".join(f"{v:+.2f}" for v in o)
    h.success(f"your {activation} network computes XOR on all 4 inputs ({detail}).")


def check_xor(fn: Callable[[np.ndarray], np.ndarray]) -> None:
    """Check that a function computes XOR of two binary inputs.

    Parameters
    ----------
    fn : callable
        ``fn(X)`` with ``X`` of shape (4, 2) holding the rows (0,0), (0,1),
        (1,0), (1,1); returns 4 numbers (shape (4,) or (4, 1)): labels 0/1 or
        probabilities, which are thresholded at 0.5.
    """
    h = Check("check_xor")
    h.start("the four binary inputs", X=_XOR_X)
    a = np.asarray(h.call(fn))
    h.case = None  # the failures below show X, not the case
    if a.dtype == object or a.size != 4:
        h.fail(
            f"expected 4 outputs, one per row of X; got shape {a.shape}.",
            got=a,
            hint="return an array of shape (4,) or (4, 1).",
        )
    a = a.reshape(4).astype(float)
    if np.any(a == 0.5):
        h.fail(
            "an output is exactly 0.5, on the threshold.",
            got=a,
            hint="make each output clearly above or below 0.5.",
        )
    pred = (a > 0.5).astype(int)
    if not np.array_equal(pred, _XOR_Y):
        h.fail(
            f"{int((pred != _XOR_Y).sum())} of the 4 outputs are wrong.",
            expected=_XOR_Y,
            got=a,
            hint="XOR is 1 when exactly one input is 1.",
        )
    h.success("your function computes XOR on all 4 inputs.")


def _pairs(sizes) -> list[tuple[int, int]]:
    return list(zip(sizes[:-1], sizes[1:]))


_COUNT_MISTAKES: tuple[Mistake, ...] = (
    (
        lambda c: c.got == sum(a * b for a, b in _pairs(c.sizes)),
        "you counted the weights only: each layer also has n_out biases.",
    ),
    (
        lambda c: c.got == c.expected + c.sizes[0],
        "the input layer has no biases: count biases for the layers after it.",
    ),
    (
        lambda c: c.got == sum(a * b + a for a, b in _pairs(c.sizes)),
        "a layer has one bias per *output* unit (n_out), not per input.",
    ),
    (
        lambda c: c.got == sum((a + 1) * (b + 1) for a, b in _pairs(c.sizes)),
        "only the inputs get the extra bias '1': (n_in + 1) * n_out per layer.",
    ),
    (lambda c: True, "for each consecutive pair (n_in, n_out) add n_in * n_out + n_out."),
)


def _whole_number(out) -> bool:
    if isinstance(out, (bool, np.bool_)):
        return False
    if isinstance(out, (int, np.integer)):
        return True
    return isinstance(out, (float, np.floating)) and float(out).is_integer()


def check_parameter_count(fn: Callable[[Sequence[int]], int]) -> None:
    """Check a function counting the parameters of a fully connected MLP.

    A layer from ``n_in`` to ``n_out`` units has ``n_in * n_out`` weights and
    ``n_out`` biases; the input layer has no parameters of its own.

    Parameters
    ----------
    fn : callable
        ``fn(sizes)`` with layer widths ``sizes`` such as ``[784, 100, 10]``
        (a list of ints, input first); returns the total number of parameters
        as an int (``79510`` here).
    """
    h = Check("check_parameter_count")
    cases = [[2, 2, 1], [3, 1], [784, 100, 10], [1, 1, 1, 1], [64, 32, 32, 10], [2, 16, 16, 16, 3]]
    for sizes in cases:
        h.start(f"sizes = {sizes}", sizes=sizes)
        out = h.call(fn)
        if not _whole_number(out):
            h.fail(
                f"expected a whole number, got {out!r}.",
                inputs={},
                hint="return an int, e.g. int(total).",
            )
        c = Case(sizes=sizes, got=int(out), expected=sum(a * b + b for a, b in _pairs(sizes)))
        if c.got != c.expected:
            h.fail(
                f"expected {c.expected} parameters, got {c.got}.",
                inputs={},
                hint=diagnose(_COUNT_MISTAKES, c),
            )
    h.success(
        f"your count matches on {len(cases)} networks, including "
        "[784, 100, 10] with 79510 parameters."
    )
