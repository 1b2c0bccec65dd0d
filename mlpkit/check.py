"""Self-checks for the book's exercises.

Each ``check_*`` function runs *your* implementation on a fixed set of hidden
cases and compares it with a reference written in plain numpy.  The cases mix
random inputs (drawn from a fixed seed, so every run is the same) with edge
cases that trip up first attempts: very large logits such as ``±1000`` and
``±1e4``, ``z = 0`` exactly, tiny results that must keep their relative
accuracy, and a batch of a single example.

* When everything matches, the checker prints **one** message that starts
  with ``✓`` (wrapped onto an indented second line when it is long) and
  returns ``None``.
* Otherwise it raises :class:`CheckFailed`.  The message names the case, shows
  the input, the expected and the returned values (rounded), and gives a hint
  about the most common cause of that particular mistake.

Your function runs under ``np.errstate(over="raise", divide="raise",
invalid="raise")``.  An overflow such as ``np.exp(1000.0)`` therefore counts as
a mistake even when the final answer happens to come out right: in a real
training run it prints warnings or turns into ``nan``.  (Underflow to 0 is
fine.)  Your function receives copies of the inputs, and changing one of them
in place is reported as a mistake.

Examples
--------
>>> import numpy as np
>>> from mlpkit import check
>>> def sigmoid(z):
...     e = np.exp(-np.abs(z))
...     return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
>>> check.check_sigmoid(sigmoid)   # doctest: +ELLIPSIS
✓ check_sigmoid: your sigmoid matches the reference on 9 cases, including
  z = 0, ...

A success message is a single ``print`` of at most two lines of at most 79
characters, so that it does not scroll sideways in the book.
"""
from __future__ import annotations

import copy
import itertools
import re
import textwrap
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "CheckFailed",
    "check_sigmoid",
    "check_sigmoid_derivative",
    "check_softmax",
    "check_log_softmax",
    "check_logsumexp",
    "check_bce_gradient",
    "check_softmax_ce_gradient",
    "check_mse_gradient",
    "check_gd_step",
    "check_momentum_step",
    "check_adam_step",
    "check_weight_decay_gradient",
    "check_mlp_forward",
    "check_linear_backward",
    "check_relu_backward",
    "check_xor_weights",
    "check_xor",
    "check_parameter_count",
]

_SEED = 1986          # the year of Rumelhart, Hinton & Williams's backprop paper
RTOL, ATOL = 1e-6, 1e-9


class CheckFailed(AssertionError):
    """Raised when a learner's function disagrees with the reference.

    It subclasses :class:`AssertionError` because a failed check *is* a failed
    assertion about your code: test runners and notebooks display it as one.
    The message says which case failed, shows input, expected and returned
    values, and ends with a ``Hint:`` line.
    """


# ---------------------------------------------------------------------------
# Reference implementations (plain numpy, numerically stable)
# ---------------------------------------------------------------------------

def _sigmoid(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def _logsumexp(Z: np.ndarray) -> np.ndarray:
    m = Z.max(axis=1, keepdims=True)
    with np.errstate(under="ignore"):
        return (m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True)))[:, 0]


def _softmax(Z: np.ndarray, axis: int = 1) -> np.ndarray:
    with np.errstate(under="ignore"):
        E = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


def _onehot(y: np.ndarray, K: int) -> np.ndarray:
    out = np.zeros((len(y), K))
    out[np.arange(len(y)), y] = 1.0
    return out


# ---------------------------------------------------------------------------
# Machinery shared by the checkers
# ---------------------------------------------------------------------------

_GENERIC_FP_HINT = (
    "an intermediate result overflowed or became nan; print the intermediate "
    "arrays for this input to find the step that blows up."
)


def _fmt(value: Any) -> str:
    """Short, rounded text for a number or an array."""
    a = np.asarray(value)
    if a.dtype == object:
        return repr(value)
    if a.ndim == 0:
        x = a.item()
        return f"{x:.6g}" if isinstance(x, float) else repr(x)
    with np.printoptions(precision=4, threshold=30, edgeitems=3,
                         linewidth=80, suppress=False):
        return np.array2string(a, separator=", ")


def _field(label: str, value: Any) -> str:
    text = _fmt(value).replace("\n", "\n" + " " * 14)
    return f"  {label:<11} {text}"


def _fail(check: str, problem: str, *, case: str | None = None,
          inputs: dict[str, Any] | None = None, expected: Any = None,
          got: Any = None, hint: str | None = None) -> None:
    lines = [f"{check}: {problem}"]
    if case:
        lines.append(f"  case:       {case}")
    for name, value in (inputs or {}).items():
        lines.append(_field(f"{name} =", value))
    if expected is not None:
        lines.append(_field("expected", expected))
    if got is not None:
        lines.append(_field("got", got))
    if hint:
        lines.append(f"Hint: {hint}")
    raise CheckFailed("\n".join(lines))


def _exception_hint(err: Exception) -> str:
    msg = str(err)
    if "broadcast" in msg:
        return ("two arrays have shapes that do not line up; print the .shape of "
                "each intermediate array.  A reduction such as .sum(axis=1) drops "
                "an axis: add keepdims=True to broadcast the result back.")
    if "matmul" in msg or "aligned" in msg:
        return ("a matrix product has mismatched inner dimensions; check which "
                "operand needs a transpose (.T).  Rows are examples.")
    return "read the traceback above this message to find the failing line."


def _call(check: str, fn: Callable, args: dict[str, Any], *, case: str,
          fp_hint: str | Callable[[str], str] = _GENERIC_FP_HINT,
          exc_hint: Callable[[Exception], str] = _exception_hint,
          inplace_hint: str | None = None) -> Any:
    """Call ``fn`` on copies of ``args`` with floating-point errors raised."""
    copies = {k: copy.deepcopy(v) for k, v in args.items()}
    try:
        with np.errstate(over="raise", divide="raise", invalid="raise",
                         under="ignore"), warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            out = fn(*copies.values())
    except CheckFailed:
        raise
    except (FloatingPointError, RuntimeWarning) as err:
        _fail(check, f"numpy reported a floating-point error: {err}.",
              case=case, inputs=args,
              hint=fp_hint(str(err)) if callable(fp_hint) else fp_hint)
    except Exception as err:                      # noqa: BLE001 - learner code
        _fail(check, f"your function raised {type(err).__name__}: {err}",
              case=case, inputs=args, hint=exc_hint(err))
    for name, original in args.items():
        if isinstance(original, np.ndarray) and not np.array_equal(
                copies[name], original, equal_nan=True):
            _fail(check, f"your function changed its input {name} in place.",
                  case=case, inputs={f"{name} before": original,
                                     f"{name} after": copies[name]},
                  hint=inplace_hint or (
                      "work on new arrays (e.g. `z = z - m` instead of "
                      "`z -= m`); the caller still needs the original."))
    if out is None:
        _fail(check, "your function returned None.", case=case, inputs=args,
              hint="did you forget the `return` statement?")
    return out


def _unpack(check: str, out: Any, names: Sequence[str], *, case: str,
            inputs: dict[str, Any]) -> tuple:
    """Require a tuple/list of ``len(names)`` results."""
    if not isinstance(out, (tuple, list)) or len(out) != len(names):
        what = (f"a {type(out).__name__} of length {len(out)}"
                if isinstance(out, (tuple, list)) else f"a {type(out).__name__}")
        _fail(check, f"expected {len(names)} results ({', '.join(names)}), "
                     f"got {what}.", case=case, inputs=inputs,
              hint=f"end your function with `return {', '.join(names)}`.")
    return tuple(out)


def _array(check: str, value: Any, what: str, shape: tuple, *, case: str,
           inputs: dict[str, Any], shape_hint: str | None = None) -> np.ndarray:
    """Validate type, shape, dtype and finiteness of one returned array."""
    if value is None:
        _fail(check, f"{what} is None.", case=case, inputs=inputs,
              hint="did you forget to compute or return it?")
    a = np.asarray(value)
    if a.dtype == object:
        _fail(check, f"{what} is not a numeric array (got {type(value).__name__}).",
              case=case, inputs=inputs, hint="return a numpy array of floats.")
    if a.shape != tuple(shape):
        _fail(check, f"{what} should have shape {tuple(shape)}, got {a.shape}.",
              case=case, inputs=inputs, got=a,
              hint=shape_hint or "print the .shape of each intermediate array.")
    if a.dtype.kind != "f":
        _fail(check, f"{what} should hold floats, got dtype {a.dtype}.",
              case=case, inputs=inputs, got=a,
              hint="a boolean or integer array is not a float array; multiply "
                   "by a float array or use .astype(float).")
    if not np.all(np.isfinite(a)):
        _fail(check, f"{what} contains nan or inf.", case=case, inputs=inputs,
              got=a, hint="an intermediate overflowed or divided 0 by 0; the "
                          "usual cure is to subtract a maximum before np.exp.")
    return a


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def _compare(check: str, what: str, got: np.ndarray, expected: np.ndarray, *,
             case: str, inputs: dict[str, Any], hint: str | None = None) -> None:
    """Raise with the worst element when ``got`` and ``expected`` differ."""
    if _close(got, expected):
        return
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float)
    err = np.abs(got - expected) / (ATOL + RTOL * np.abs(expected))
    idx = np.unravel_index(np.argmax(err), err.shape)
    where = f" at index {tuple(int(i) for i in idx)}" if got.ndim else ""
    _fail(check, f"{what} is wrong{where}: expected {expected[idx]:.6g}, "
                 f"got {got[idx]:.6g}.", case=case, inputs=inputs,
          expected=expected, got=got, hint=hint)


#: Longest line of a success message, so that it does not scroll in the book.
_WIDTH = 79
_NOBREAK = "\x00"


def _success(check: str, text: str) -> None:
    """Print ``✓ check: text`` in one call, wrapped to lines of ``_WIDTH``.

    Continuation lines are indented by two spaces.  Formulas such as
    ``z = 0`` or ``H @ W2 + b2`` and short parentheses such as ``(2, 3)`` are
    never split.
    """
    def glue(match: re.Match) -> str:
        return match.group(0).replace(" ", _NOBREAK)

    line = re.sub(r"\S+( [=@*/+-] \S+)+|\([^()]{1,12}\)|\[[^][]{1,14}\]", glue,
                  f"✓ {check}: {text}")
    wrapped = textwrap.fill(line, width=_WIDTH, subsequent_indent="  ",
                            break_long_words=False, break_on_hyphens=False)
    print(wrapped.replace(_NOBREAK, " "))


# ---------------------------------------------------------------------------
# Elementwise and row-wise functions
# ---------------------------------------------------------------------------

_SIGMOID_FP_HINT = (
    "for large negative z, np.exp(-z) overflows (exp(710) is already inf).  "
    "Use the two-branch form: 1 / (1 + exp(-z)) where z >= 0 and "
    "exp(z) / (1 + exp(z)) where z < 0.  np.where evaluates *both* branches on "
    "every element, so compute e = np.exp(-np.abs(z)) once and use "
    "np.where(z >= 0, 1 / (1 + e), e / (1 + e))."
)


def _sigmoid_cases() -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(_SEED)
    return [
        ("z = 0", np.array([0.0])),
        ("z = ±1000", np.array([-1000.0, 1000.0])),
        ("z = ±1e4 and the edges of exp's range",
         np.array([-1e4, -745.0, -710.0, 0.0, 710.0, 745.0, 1e4])),
        ("a grid from -8 to 8", np.linspace(-8.0, 8.0, 9)),
        ("a (3, 4) matrix", rng.normal(0.0, 3.0, size=(3, 4))),
        ("one value", rng.normal(size=1)),
        ("50 values of spread 20", rng.normal(0.0, 20.0, size=50)),
        ("a (2, 3) matrix with large entries", rng.normal(0.0, 400.0, size=(2, 3))),
    ]


#: Very negative z: sigmoid(z) is tiny there and must keep its relative accuracy.
_SIGMOID_TAIL = np.array([-30.0, -50.0, -100.0, -700.0])
_SIGMOID_TAIL_RTOL = 1e-9


def _sigmoid_tail_hint(got: np.ndarray) -> str:
    if got.dtype.itemsize < 8:
        return (f"your result has dtype {got.dtype}, which keeps far fewer "
                "significant digits than float64 (float32: about 7) and "
                "underflows to 0 much sooner; compute in float64.")
    return ("near 0 the sigmoid must be accurate *relative* to its tiny value, "
            "not just to within 1e-16.  Forms such as 0.5 * (1 + tanh(z / 2)), "
            "1 - sigmoid(-z) or 1 - 1 / (1 + exp(z)) subtract two numbers close "
            "to 1 when z is very negative, and this cancellation near 0 wipes "
            "out the leading digits (at z = -30 the tanh form is off by 2e-4 "
            "relative; at z = -50 it returns 0).  For z < 0 use exp(z) / (1 + "
            "exp(z)), which never subtracts: e = np.exp(-np.abs(z)) and "
            "np.where(z >= 0, 1 / (1 + e), e / (1 + e)).")


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
    name = "check_sigmoid"
    cases = _sigmoid_cases()
    for case, z in cases:
        inputs = {"z": z}
        out = _call(name, fn, inputs, case=case, fp_hint=_SIGMOID_FP_HINT)
        got = _array(name, out, "sigmoid(z)", z.shape, case=case, inputs=inputs,
                     shape_hint="sigmoid acts elementwise: the output has the "
                                "shape of z.")
        expected = _sigmoid(z)
        hint = None
        if _close(got, 1 - expected):
            hint = ("you computed sigmoid(-z).  sigma(z) = 1 / (1 + exp(-z)), "
                    "with a minus sign inside the exponential.")
        elif np.any((got < 0) | (got > 1)):
            hint = "a sigmoid's values lie between 0 and 1."
        _compare(name, "sigmoid(z)", got, expected, case=case, inputs=inputs,
                 hint=hint)

    case, z = "very negative z, where sigmoid(z) is tiny", _SIGMOID_TAIL.copy()
    inputs = {"z": z}
    out = _call(name, fn, inputs, case=case, fp_hint=_SIGMOID_FP_HINT)
    got = _array(name, out, "sigmoid(z)", z.shape, case=case, inputs=inputs)
    expected = _sigmoid(z)
    _compare(name, "sigmoid(z)", got, expected, case=case, inputs=inputs)
    rel = np.abs(got.astype(np.float64) - expected) / expected
    if not np.all(rel <= _SIGMOID_TAIL_RTOL):
        i = int(np.argmax(rel))
        yours = "0 (all digits lost)" if got[i] == 0 else f"{got[i]:.10g}"
        _fail(name, f"sigmoid(z) is not accurate to {_SIGMOID_TAIL_RTOL:.0e} "
                    f"relative for very negative z: at z = {z[i]:g} the "
                    f"reference is {expected[i]:.10g}, yours is {yours}, a "
                    f"relative error of {rel[i]:.1e}.", case=case,
              inputs=inputs, hint=_sigmoid_tail_hint(got))
    _success(name, f"your sigmoid matches the reference on {len(cases) + 1} "
                   "cases, including z = 0, z = ±1000 and z = ±1e4, and is "
                   "accurate to 1e-9 relative at z = -700.")


def check_sigmoid_derivative(fn: Callable[[np.ndarray], np.ndarray]) -> None:
    """Check the derivative of the sigmoid, ``sigma(z) * (1 - sigma(z))``.

    Parameters
    ----------
    fn : callable
        ``fn(z)`` takes a float array of any shape and returns
        ``d sigma / dz`` elementwise, an array of the same shape.
    """
    name = "check_sigmoid_derivative"
    cases = _sigmoid_cases()
    for case, z in cases:
        inputs = {"z": z}
        out = _call(name, fn, inputs, case=case, fp_hint=_SIGMOID_FP_HINT)
        got = _array(name, out, "sigmoid'(z)", z.shape, case=case, inputs=inputs)
        s = _sigmoid(z)
        hint = None
        if _close(got, s):
            hint = "you returned sigma(z) itself; the derivative is sigma(z) * (1 - sigma(z))."
        elif _close(got, 1 - s):
            hint = "you returned 1 - sigma(z); multiply by sigma(z) as well."
        _compare(name, "sigmoid'(z)", got, s * (1 - s), case=case,
                 inputs=inputs, hint=hint)
    _success(name, f"your sigmoid derivative matches the reference on "
                   f"{len(cases)} cases, including z = 0 (value 0.25) and z = ±1000.")


_ROWWISE_FP_HINT = (
    "exp of a large logit overflows (exp(710) is already inf).  Adding the same "
    "number to every logit of a row does not change the result, so subtract each "
    "row's maximum first: Z - Z.max(axis=1, keepdims=True).  The maximum of the "
    "whole array is not enough: a row far below it then underflows to 0 / 0."
)


def _rowwise_cases() -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(_SEED + 1)
    return [
        ("a (4, 3) batch", rng.normal(size=(4, 3))),
        ("one example, shape (1, 5)", rng.normal(size=(1, 5))),
        ("logits near ±1000",
         np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]])),
        ("logits of ±1e4 and a row of equal logits",
         np.array([[1e4, 0.0, -1e4], [0.0, 0.0, 0.0]])),
        ("two classes", rng.normal(0.0, 5.0, size=(6, 2))),
        ("ten classes, spread 10", rng.normal(0.0, 10.0, size=(3, 10))),
    ]


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
    name = "check_softmax"
    cases = _rowwise_cases()
    for case, Z in cases:
        inputs = {"Z": Z}
        out = _call(name, fn, inputs, case=case, fp_hint=_ROWWISE_FP_HINT)
        shape_hint = ("softmax returns one probability per logit, shape (n, K).")
        got = _array(name, out, "softmax(Z)", Z.shape, case=case, inputs=inputs,
                     shape_hint=shape_hint)
        expected = _softmax(Z)
        hint = None
        rows, cols = got.sum(axis=1), got.sum(axis=0)
        if _close(got, _softmax(Z, axis=0)) or (
                np.allclose(cols, 1) and not np.allclose(rows, 1)):
            hint = ("your *columns* sum to 1, but each *row* is one example: "
                    "take the max and the sum over axis=1 (with keepdims=True).")
        elif not np.allclose(rows, 1):
            hint = (f"each row of the output should sum to 1; yours sum to "
                    f"{_fmt(rows)}.  Divide by the row sums, "
                    "E.sum(axis=1, keepdims=True).")
        _compare(name, "softmax(Z)", got, expected, case=case, inputs=inputs,
                 hint=hint)
    _success(name, f"your softmax matches the reference on {len(cases)} cases, "
                   "including logits of ±1000 and ±1e4 and a batch of one.")


def check_log_softmax(fn: Callable[[np.ndarray], np.ndarray]) -> None:
    """Check a row-wise log-softmax.

    Parameters
    ----------
    fn : callable
        ``fn(Z)`` takes logits of shape (n, K) and returns
        ``log(softmax(Z))`` of shape (n, K), computed stably as
        ``Z - logsumexp(Z)`` so that it stays finite (e.g. ``-2e4``) where the
        probability itself underflows to 0.
    """
    name = "check_log_softmax"
    cases = _rowwise_cases()

    def fp_hint(message: str) -> str:
        if "divide by zero" in message:
            return ("don't take np.log of a softmax: a very unlikely class has a "
                    "probability that underflows to 0, and log(0) = -inf.  "
                    "Compute Z - logsumexp(Z) instead, subtracting each row's "
                    "max inside logsumexp.")
        return _ROWWISE_FP_HINT

    for case, Z in cases:
        inputs = {"Z": Z}
        out = _call(name, fn, inputs, case=case, fp_hint=fp_hint)
        got = _array(name, out, "log_softmax(Z)", Z.shape, case=case,
                     inputs=inputs, shape_hint="one log-probability per logit: (n, K).")
        expected = Z - _logsumexp(Z)[:, None]
        hint = None
        if _close(got, Z - _logsumexp(Z.T)[None, :]):
            hint = "normalise over each row (axis=1), not over each column."
        elif np.any(got > 1e-12):
            hint = "log-probabilities are never positive."
        _compare(name, "log_softmax(Z)", got, expected, case=case,
                 inputs=inputs, hint=hint)
    _success(name, f"your log-softmax matches the reference on {len(cases)} "
                   "cases, including logits of ±1e4, where p underflows to 0 "
                   "but log p = -2e4.")


def check_logsumexp(fn: Callable[[np.ndarray], np.ndarray]) -> None:
    """Check a row-wise log-sum-exp.

    Parameters
    ----------
    fn : callable
        ``fn(Z)`` takes an array of shape (n, K) and returns
        ``log(sum_k exp(Z[i, k]))`` for each row, an array of shape (n,).
    """
    name = "check_logsumexp"
    cases = _rowwise_cases()
    for case, Z in cases:
        inputs = {"Z": Z}
        out = _call(name, fn, inputs, case=case, fp_hint=_ROWWISE_FP_HINT)
        n = Z.shape[0]
        shape_hint = (f"one value per row: shape ({n},).  With keepdims=True "
                      f"you get ({n}, 1); drop it or index [:, 0].")
        got = _array(name, out, "logsumexp(Z)", (n,), case=case, inputs=inputs,
                     shape_hint=shape_hint)
        expected = _logsumexp(Z)
        hint = None
        m = Z.max(axis=1)
        if _close(got, expected - m):
            hint = "you subtracted the row max m but did not add it back: m + log(sum(exp(Z - m)))."
        _compare(name, "logsumexp(Z)", got, expected, case=case,
                 inputs=inputs, hint=hint)
    _success(name, f"your logsumexp matches the reference on {len(cases)} "
                   "cases, including rows of ±1000 and ±1e4.")


# ---------------------------------------------------------------------------
# Gradients of losses
# ---------------------------------------------------------------------------

def check_bce_gradient(fn: Callable) -> None:
    """Check the gradient of the mean binary cross-entropy of logistic regression.

    The loss is ``L = -(1/n) sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)]``
    with ``p = sigmoid(X @ w + b)``.  Its gradient is

    ``dw = X.T @ (p - y) / n`` and ``db = mean(p - y)``.

    Parameters
    ----------
    fn : callable
        ``fn(X, y, w, b)`` with ``X`` of shape (n, d), labels ``y`` of shape
        (n,) holding 0.0 and 1.0, weights ``w`` of shape (d,) and a float
        ``b``; returns the pair ``(dw, db)``, ``dw`` of shape (d,) and ``db`` a
        single number.
    """
    name = "check_bce_gradient"
    rng = np.random.default_rng(_SEED + 2)

    def case_(n: int, d: int, scale: float = 1.0) -> tuple:
        X = rng.normal(size=(n, d))
        y = rng.integers(0, 2, size=n).astype(float)
        w = rng.normal(0.0, scale, size=d)
        return X, y, w, float(rng.normal())

    X3 = np.array([[1.0, -2.0], [-1.5, 0.5], [2.0, 1.0]])
    cases = [
        ("6 examples, 3 features", case_(6, 3)),
        ("one example", case_(1, 3)),
        ("w = 0, b = 0 (every p = 0.5)",
         (rng.normal(size=(4, 2)), np.array([0.0, 1.0, 1.0, 0.0]), np.zeros(2), 0.0)),
        ("logits near ±1000", (X3, np.array([0.0, 1.0, 1.0]),
                               np.array([400.0, -300.0]), 0.0)),
        ("8 examples, 4 features, large weights", case_(8, 4, scale=50.0)),
        ("5 examples, 1 feature", case_(5, 1)),
    ]
    fp_hint = ("your sigmoid overflows for large |z|.  Use the stable two-branch "
               "sigmoid from the earlier exercise (see check_sigmoid).")
    for case, (X, y, w, b) in cases:
        n, d = X.shape
        inputs = {"X": X, "y": y, "w": w, "b": b}
        out = _call(name, fn, inputs, case=case, fp_hint=fp_hint)
        dw, db = _unpack(name, out, ("dw", "db"), case=case, inputs=inputs)
        dw_hint = (f"dw has one entry per feature, shape ({d},): "
                   "X.T @ (p - y) / n."
                   + ("  Flatten it with .ravel()." if np.size(dw) == d else ""))
        dw = _array(name, dw, "dw", (d,), case=case, inputs=inputs,
                    shape_hint=dw_hint)
        db_hint = ("db is a single number, the mean of p - y over the examples."
                   + ("  Use float(...) to turn a 1-element array into a number."
                      if np.size(db) == 1 else ""))
        db = _array(name, db, "db", (), case=case, inputs=inputs,
                    shape_hint=db_hint)
        r = _sigmoid(X @ w + b) - y
        dw_ref, db_ref = X.T @ r / n, r.mean()
        r0 = _sigmoid(X @ w) - y
        hint = None
        if n > 1 and _close(dw, n * dw_ref) and not _close(dw, dw_ref):
            hint = ("your dw is exactly n times too large: the loss is the "
                    "*mean* over examples, so divide by n.")
        elif n > 1 and _close(db, n * db_ref) and not _close(db, db_ref):
            hint = "your db is exactly n times too large: db = mean(p - y), not the sum."
        elif _close(dw, -dw_ref) and _close(db, -db_ref):
            hint = ("the sign is flipped: the gradient is X.T @ (p - y) / n; "
                    "you have y - p.")
        elif b != 0 and _close(dw, X.T @ r0 / n):
            hint = "include the bias in the logits: p = sigmoid(X @ w + b)."
        _compare(name, "dw", dw, dw_ref, case=case, inputs=inputs, hint=hint)
        _compare(name, "db", db, db_ref, case=case, inputs=inputs, hint=hint)
    _success(name, f"your gradient matches the reference on {len(cases)} cases, "
                   "including a batch of one and logits near ±1000.")


def check_softmax_ce_gradient(fn: Callable) -> None:
    """Check the gradient of the mean softmax cross-entropy w.r.t. the logits.

    With ``P = softmax(Z)`` and ``Y`` the one-hot labels, the mean loss
    ``L = -(1/n) sum_i log P[i, y_i]`` has gradient ``dZ = (P - Y) / n``.

    Parameters
    ----------
    fn : callable
        ``fn(Z, y)`` with logits ``Z`` of shape (n, K) and integer labels
        ``y`` of shape (n,) in ``0 .. K-1``; returns ``dZ`` of shape (n, K).
    """
    name = "check_softmax_ce_gradient"
    rng = np.random.default_rng(_SEED + 3)
    cases = [
        ("5 examples, 3 classes", rng.normal(size=(5, 3)), rng.integers(0, 3, 5)),
        ("one example, 4 classes", rng.normal(size=(1, 4)), np.array([2])),
        ("logits near ±1000",
         np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]]),
         np.array([1, 2])),
        ("logits of ±1e4", np.array([[1e4, 0.0], [0.0, -1e4], [3.0, 3.0]]),
         np.array([1, 0, 1])),
        ("4 examples, 10 classes", rng.normal(0.0, 4.0, size=(4, 10)),
         np.array([0, 9, 3, 3])),
    ]
    for case, Z, y in cases:
        n, K = Z.shape
        inputs = {"Z": Z, "y": y}
        out = _call(name, fn, inputs, case=case, fp_hint=_ROWWISE_FP_HINT)
        got = _array(name, out, "dZ", (n, K), case=case, inputs=inputs,
                     shape_hint="dZ has the shape of the logits, (n, K).")
        P, Y = _softmax(Z), _onehot(y, K)
        expected = (P - Y) / n
        hint = None
        if n > 1 and _close(got, P - Y):
            hint = ("your gradient is exactly n times too large: the loss is "
                    "the *mean* over examples, so divide by n.")
        elif _close(got, (Y - P) / n):
            hint = "the sign is flipped: dZ = (P - Y) / n, not (Y - P) / n."
        elif _close(got, P / n) or _close(got, P):
            hint = ("subtract the one-hot labels: dZ = (P - Y) / n, where "
                    "Y[i, y[i]] = 1.")
        _compare(name, "dZ", got, expected, case=case, inputs=inputs, hint=hint)
    _success(name, f"your gradient matches the reference on {len(cases)} cases, "
                   "including a batch of one and logits of ±1000 and ±1e4.")


def check_mse_gradient(fn: Callable) -> None:
    """Check the gradient of the mean squared error w.r.t. the predictions.

    The loss averages over every element: for predictions and targets of shape
    (n, k), ``L = mean((Yhat - Y) ** 2) = (1/(n k)) sum (Yhat - Y)**2``, so
    ``dYhat = 2 (Yhat - Y) / (n k)``.  (This is also PyTorch's ``MSELoss``.)

    Parameters
    ----------
    fn : callable
        ``fn(Yhat, Y)`` with two arrays of the same shape (n, k); returns
        ``dYhat`` of that shape.
    """
    name = "check_mse_gradient"
    rng = np.random.default_rng(_SEED + 4)
    cases = [
        ("5 examples, 1 output", rng.normal(size=(5, 1)), rng.normal(size=(5, 1))),
        ("one example, 3 outputs", rng.normal(size=(1, 3)), rng.normal(size=(1, 3))),
        ("4 examples, 2 outputs", rng.normal(size=(4, 2)), rng.normal(size=(4, 2))),
        ("perfect predictions", np.ones((3, 2)), np.ones((3, 2))),
    ]
    for case, Yhat, Y in cases:
        inputs = {"Yhat": Yhat, "Y": Y}
        out = _call(name, fn, inputs, case=case)
        got = _array(name, out, "dYhat", Yhat.shape, case=case, inputs=inputs,
                     shape_hint="the gradient has the shape of the predictions.")
        N = Yhat.size
        expected = 2 * (Yhat - Y) / N
        hint = None
        if _close(got, expected / 2):
            hint = "the derivative of (yhat - y)**2 is 2 (yhat - y): keep the factor 2."
        elif _close(got, -expected):
            hint = "the sign is flipped: the gradient is 2 (Yhat - Y) / N, not 2 (Y - Yhat) / N."
        elif _close(got, 2 * (Yhat - Y)) or _close(got, (Yhat - Y)):
            hint = f"divide by the number of elements averaged, N = Yhat.size = {N}."
        elif _close(got, 2 * (Yhat - Y) / Yhat.shape[0]):
            hint = ("the mean runs over all n * k elements, so divide by "
                    f"Yhat.size = {N}, not by n = {Yhat.shape[0]}.")
        _compare(name, "dYhat", got, expected, case=case, inputs=inputs,
                 hint=hint)
    _success(name, f"your gradient matches the reference on {len(cases)} cases, "
                   "including a batch of one and several outputs.")


# ---------------------------------------------------------------------------
# Gradient descent and backward passes
# ---------------------------------------------------------------------------

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
    name = "check_gd_step"
    rng = np.random.default_rng(_SEED + 5)
    cases = [
        ("3 parameters, lr = 0.1", rng.normal(size=3), rng.normal(size=3), 0.1),
        ("one parameter, lr = 0.5", np.array([2.0]), np.array([4.0]), 0.5),
        ("lr = 0", rng.normal(size=4), rng.normal(size=4), 0.0),
        ("10 parameters, lr = 0.01", rng.normal(size=10), rng.normal(0, 10, 10), 0.01),
        ("a (2, 3) weight matrix", rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), 0.2),
    ]
    for case, theta, grad, lr in cases:
        inputs = {"theta": theta, "grad": grad, "lr": lr}
        copies = [theta.copy(), grad.copy()]
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                out = fn(copies[0], copies[1], lr)
        except Exception as err:                  # noqa: BLE001 - learner code
            _fail(name, f"your function raised {type(err).__name__}: {err}",
                  case=case, inputs=inputs, hint=_exception_hint(err))
        if not np.array_equal(copies[0], theta):
            _fail(name, "your function changed theta in place.", case=case,
                  inputs=inputs, hint="`theta -= lr * grad` writes into the "
                  "caller's array.  Return a new array instead: "
                  "`return theta - lr * grad`.")
        if out is None:
            _fail(name, "your function returned None.", case=case, inputs=inputs,
                  hint="did you forget `return theta - lr * grad`?")
        if out is copies[0]:
            _fail(name, "your function returned the very array it was given.",
                  case=case, inputs=inputs,
                  hint="return a new array: `return theta - lr * grad`.")
        got = _array(name, out, "new theta", theta.shape, case=case,
                     inputs=inputs, shape_hint="the new theta has theta's shape.")
        expected = theta - lr * grad
        hint = None
        if lr > 0 and _close(got, theta + lr * grad):
            hint = ("you moved *uphill*: gradient descent subtracts the gradient, "
                    "theta - lr * grad.")
        elif lr != 1 and _close(got, theta - grad):
            hint = "multiply the gradient by the learning rate lr."
        elif _close(got, -lr * grad) or _close(got, lr * grad):
            hint = "you returned the step; return theta minus the step."
        _compare(name, "new theta", got, expected, case=case, inputs=inputs,
                 hint=hint)
    _success(name, f"your update matches theta - lr * grad on {len(cases)} cases "
                   "and leaves theta untouched.")


_MOMENTUM_INPLACE_HINT = (
    "`v *= mu`, `v += grad` or `theta -= lr * v` write into the caller's "
    "arrays (mk.SGD updates its own buffers in place on purpose, but this "
    "function must not).  Return new arrays: `v_new = mu * v + grad` and "
    "`theta_new = theta - lr * v_new`."
)


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
    name = "check_momentum_step"
    rng = np.random.default_rng(_SEED + 8)
    # lr differs from 1 - mu in every case, so the dampened form and the form
    # with lr inside the velocity give different numbers and distinct hints
    cases = [
        ("first step: v = 0, lr = 0.05, mu = 0.9",
         rng.normal(size=3), np.zeros(3), rng.normal(size=3), 0.05, 0.9),
        ("v != 0, lr = 0.2, mu = 0.9",
         rng.normal(size=4), rng.normal(size=4), rng.normal(size=4), 0.2, 0.9),
        ("mu = 0 (plain gradient descent; v plays no part), lr = 0.1",
         rng.normal(size=3), rng.normal(size=3), rng.normal(size=3), 0.1, 0.0),
        ("one parameter, lr = 0.1, mu = 0.5 (v_new = 4.5, theta_new = 1.55)",
         np.array([2.0]), np.array([1.0]), np.array([4.0]), 0.1, 0.5),
        ("a (2, 3) weight matrix, lr = 0.02, mu = 0.99",
         rng.normal(size=(2, 3)), rng.normal(size=(2, 3)),
         rng.normal(0.0, 10.0, size=(2, 3)), 0.02, 0.99),
    ]
    for case, theta, v, grad, lr, mu in cases:
        inputs = {"theta": theta, "v": v, "grad": grad, "lr": lr, "mu": mu}
        out = _call(name, fn, inputs, case=case,
                    inplace_hint=_MOMENTUM_INPLACE_HINT)
        out = _unpack(name, out, ("theta_new", "v_new"), case=case,
                      inputs=inputs)
        v_ref = mu * v + grad
        theta_ref = theta - lr * v_ref
        if (np.shape(out[0]) == np.shape(out[1]) == theta.shape
                and not _close(v_ref, theta_ref)
                and _close(out[0], v_ref) and _close(out[1], theta_ref)):
            _fail(name, "your two results are in the wrong order.", case=case,
                  inputs=inputs, hint="return theta_new first, then v_new: "
                                      "`return theta_new, v_new`.")
        shape_hint = "theta, v and grad all have the same shape."
        theta_new = _array(name, out[0], "theta_new", theta.shape, case=case,
                           inputs=inputs, shape_hint=shape_hint)
        v_new = _array(name, out[1], "v_new", v.shape, case=case,
                       inputs=inputs, shape_hint=shape_hint)

        hint = None
        if mu > 0 and _close(v_new, mu * v + (1 - mu) * grad):
            hint = ("that is the dampened (EMA) form v = mu v + (1 - mu) g; "
                    "PyTorch and mlpkit use v = mu v + g, without the factor "
                    "(1 - mu) on the gradient.")
        elif _close(v_new, mu * v - lr * grad):
            hint = ("that is the convention v = mu v - lr g, theta + v (as in "
                    "cs231n); PyTorch and mlpkit keep lr out of the velocity: "
                    "v = mu v + g, then theta - lr v.  The two agree only "
                    "while lr never changes.")
        elif _close(v_new, mu * v + lr * grad):
            hint = ("keep lr out of the velocity: v_new = mu * v + grad; lr "
                    "multiplies v_new in the parameter update.")
        elif _close(v_new, mu * v - grad):
            hint = ("check the sign: the velocity adds up gradients, v_new = "
                    "mu * v + grad; the minus sign belongs to the parameter "
                    "update, theta - lr * v_new.")
        elif mu != 1 and np.any(v != 0) and _close(v_new, v + grad):
            hint = "multiply the old velocity by mu: v_new = mu * v + grad."
        elif mu > 0 and np.any(v != 0) and _close(v_new, grad):
            hint = ("you dropped the old velocity: v_new = mu * v + grad "
                    "remembers the past gradients.")
        elif _close(v_new, v + mu * grad):
            hint = "mu multiplies the old velocity, not the gradient: v_new = mu * v + grad."
        _compare(name, "v_new", v_new, v_ref, case=case, inputs=inputs,
                 hint=hint)

        hint = None
        if not _close(v, v_ref) and _close(theta_new, theta - lr * v):
            hint = ("you moved theta with the old velocity v.  Update the "
                    "velocity first, then step with the new one: "
                    "theta_new = theta - lr * v_new.")
        elif _close(theta_new, theta + lr * v_ref):
            hint = ("you moved *uphill*: subtract the step, "
                    "theta_new = theta - lr * v_new.")
        elif _close(theta_new, theta - lr * grad):
            hint = ("you stepped along the gradient alone; momentum steps "
                    "along the new velocity: theta_new = theta - lr * v_new.")
        elif lr != 1 and _close(theta_new, theta - v_ref):
            hint = "multiply the velocity by the learning rate: theta - lr * v_new."
        elif _close(theta_new, -lr * v_ref):
            hint = "you returned the step; return theta minus the step."
        _compare(name, "theta_new", theta_new, theta_ref, case=case,
                 inputs=inputs, hint=hint)
    _success(name, f"your update matches v = mu * v + grad, theta - lr * v on "
                   f"{len(cases)} cases, including v = 0 and mu = 0, and "
                   "leaves its inputs untouched.")


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
    name = "check_linear_backward"
    rng = np.random.default_rng(_SEED + 6)
    shapes = [("4 examples, 3 -> 2", 4, 3, 2), ("one example, 3 -> 2", 1, 3, 2),
              ("5 examples, 2 -> 4", 5, 2, 4), ("3 examples, 3 -> 3", 3, 3, 3),
              ("6 examples, 5 -> 1", 6, 5, 1)]
    for case, n, d_in, d_out in shapes:
        X = rng.normal(size=(n, d_in))
        W = rng.normal(size=(d_in, d_out))
        b = rng.normal(size=d_out)
        dY = rng.normal(size=(n, d_out))
        inputs = {"X": X, "W": W, "b": b, "dY": dY}
        out = _call(name, fn, inputs, case=case)
        dX, dW, db = _unpack(name, out, ("dX", "dW", "db"), case=case,
                             inputs=inputs)
        dX = _array(name, dX, "dX", X.shape, case=case, inputs=inputs,
                    shape_hint=f"dX has the shape of X, ({n}, {d_in}): dY @ W.T.")
        dW_hint = f"dW has the shape of W, ({d_in}, {d_out}): X.T @ dY."
        if np.shape(dW) == (d_out, d_in):
            dW_hint += "  You have its transpose (dY.T @ X)."
        dW = _array(name, dW, "dW", W.shape, case=case, inputs=inputs,
                    shape_hint=dW_hint)
        db_shape = np.shape(db)
        if db_shape == (n,) and n != d_out:
            db_hint = ("db was summed over the wrong axis: sum over the examples, "
                       "dY.sum(axis=0).")
        elif db_shape == ():
            db_hint = "db has one entry per output unit: sum over axis=0 only."
        elif db_shape == (1, d_out):
            db_hint = "db should be 1-D, shape (d_out,): drop keepdims=True."
        else:
            db_hint = f"db has the shape of b, ({d_out},): dY.sum(axis=0)."
        db = _array(name, db, "db", b.shape, case=case, inputs=inputs,
                    shape_hint=db_hint)
        hint = None
        if d_in == d_out and _close(dX, dY @ W):
            hint = "dX = dY @ W.T: transpose W."
        _compare(name, "dX", dX, dY @ W.T, case=case, inputs=inputs, hint=hint)
        hint = None
        if d_in == d_out and _close(dW, dY.T @ X):
            hint = "dW = X.T @ dY; you have its transpose."
        elif n > 1 and _close(dW, X.T @ dY / n):
            hint = ("don't divide by n here: dY already contains the loss's "
                    "1/n, so dW = X.T @ dY.")
        _compare(name, "dW", dW, X.T @ dY, case=case, inputs=inputs, hint=hint)
        hint = None
        if n > 1 and _close(db, dY.mean(axis=0)):
            hint = ("sum, don't average: dY already contains the loss's 1/n, "
                    "so db = dY.sum(axis=0).")
        elif n == d_out and _close(db, dY.sum(axis=1)):
            hint = "db was summed over the wrong axis: use dY.sum(axis=0)."
        _compare(name, "db", db, dY.sum(axis=0), case=case, inputs=inputs,
                 hint=hint)
    _success(name, f"your dX, dW and db match the reference on {len(shapes)} "
                   "cases, including a batch of one and a square W.")


def check_relu_backward(fn: Callable) -> None:
    """Check the backward pass of ReLU, ``dZ = dY * (Z > 0)``.

    At ``z = 0`` ReLU has no derivative; like ``mlpkit`` and PyTorch, the
    reference uses 0 there.

    Parameters
    ----------
    fn : callable
        ``fn(Z, dY)`` with the pre-activations ``Z`` and upstream gradient
        ``dY`` of the same shape (n, k); returns ``dZ`` of that shape.
    """
    name = "check_relu_backward"
    rng = np.random.default_rng(_SEED + 7)
    cases = [
        ("a (2, 3) batch with z = 0 exactly",
         np.array([[-2.0, 0.0, 3.0], [0.5, -0.1, 0.0]]), rng.normal(size=(2, 3))),
        ("one example", rng.normal(size=(1, 4)), rng.normal(size=(1, 4))),
        ("a (5, 3) batch", rng.normal(size=(5, 3)), rng.normal(size=(5, 3))),
        ("large values", rng.normal(0, 1e3, size=(3, 2)), rng.normal(0, 1e3, size=(3, 2))),
    ]
    for case, Z, dY in cases:
        inputs = {"Z": Z, "dY": dY}
        out = _call(name, fn, inputs, case=case)
        got = _array(name, out, "dZ", Z.shape, case=case, inputs=inputs,
                     shape_hint="dZ has the shape of Z.")
        expected = dY * (Z > 0)
        hint = None
        if _close(got, dY * (Z >= 0)):
            hint = ("at z = 0 exactly, use derivative 0 (mask Z > 0, not "
                    "Z >= 0), the convention of mlpkit and PyTorch.")
        elif _close(got, (Z > 0).astype(float)):
            hint = ("multiply by the upstream gradient (chain rule): "
                    "dZ = dY * (Z > 0).")
        elif _close(got, dY * np.maximum(Z, 0)):
            hint = ("the local derivative of relu is the step 1[z > 0], not "
                    "relu(z) itself: dZ = dY * (Z > 0).")
        elif _close(got, dY):
            hint = "zero the gradient where z <= 0: dZ = dY * (Z > 0)."
        _compare(name, "dZ", got, expected, case=case, inputs=inputs, hint=hint)
    _success(name, f"your ReLU backward matches the reference on {len(cases)} "
                   "cases, including z = 0 exactly and a batch of one.")


# ---------------------------------------------------------------------------
# Adam and weight decay
# ---------------------------------------------------------------------------

def _adam_ref(theta: np.ndarray, grad: np.ndarray, m: np.ndarray, s: np.ndarray,
              t: int, lr: float, beta1: float, beta2: float,
              eps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One Adam step, PyTorch's rule (the one :class:`mlpkit.Adam` applies)."""
    m_new = beta1 * m + (1 - beta1) * grad
    s_new = beta2 * s + (1 - beta2) * grad ** 2
    m_hat = m_new / (1 - beta1 ** t)
    s_hat = s_new / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(s_hat) + eps), m_new, s_new


def _adam_moments(rng: np.random.Generator, shape: tuple, steps: int,
                  beta1: float = 0.9, beta2: float = 0.999) -> tuple:
    """The moments ``(m, s)`` after ``steps`` Adam steps on random gradients."""
    m, s = np.zeros(shape), np.zeros(shape)
    for t in range(1, steps + 1):
        _, m, s = _adam_ref(np.zeros(shape), rng.normal(size=shape), m, s, t,
                            1e-3, beta1, beta2, 1e-8)
    return m, s


_ADAM_T_HINT = (
    "t is the number of the step being taken, counted from 1: t = 1 on the "
    "first step, so 1 - beta1**t = 0.1 there, never 0.  With t - 1 (or a "
    "counter that starts at 0) the first bias correction divides by "
    "1 - beta1**0 = 0."
)

_ADAM_INPLACE_HINT = (
    "`m *= beta1`, `s += ...` or `theta -= ...` write into the caller's "
    "arrays (mk.Adam updates its own buffers in place on purpose, but this "
    "function must not).  Return new arrays: `m_new = beta1 * m + (1 - beta1) "
    "* grad`, `s_new = beta2 * s + (1 - beta2) * grad**2`, and "
    "`theta_new = theta - lr * m_hat / (np.sqrt(s_hat) + eps)`."
)


def _adam_fp_hint(message: str) -> str:
    if "divide by zero" in message:
        return _ADAM_T_HINT
    if "sqrt" in message:
        return ("s is an average of *squared* gradients and is never "
                "negative: s_new = beta2 * s + (1 - beta2) * grad**2.  Did you "
                "forget to square grad?")
    if "invalid" in message:
        return ("0 / 0: where the gradient is 0, m_hat and s_hat are 0 on the "
                "first step and the step must be 0.  Add eps after the square "
                "root: m_hat / (np.sqrt(s_hat) + eps).")
    return _GENERIC_FP_HINT


def _adam_exception_hint(err: Exception) -> str:
    if isinstance(err, ZeroDivisionError):
        return _ADAM_T_HINT
    if isinstance(err, TypeError) and "argument" in str(err):
        return ("the checker calls fn(theta, grad, m, s, t, lr) for the "
                "default betas and eps, and fn(theta, grad, m, s, t, lr, beta1, "
                "beta2, eps) otherwise.  Define def adam_step(theta, grad, m, s, "
                "t, lr, beta1=0.9, beta2=0.999, eps=1e-8).")
    return _exception_hint(err)


def check_adam_step(fn: Callable) -> None:
    """Check one step of Adam, with bias correction, as PyTorch computes it.

    The rule is PyTorch's ``Adam`` (without weight decay), the one
    :class:`mlpkit.Adam` uses, with ``g = grad``::

        m_new     = beta1 * m + (1 - beta1) * g
        s_new     = beta2 * s + (1 - beta2) * g**2
        m_hat     = m_new / (1 - beta1**t)
        s_hat     = s_new / (1 - beta2**t)
        theta_new = theta - lr * m_hat / (sqrt(s_hat) + eps)

    ``t`` is the number of the step being taken, counted from 1: ``t = 1`` on
    the first step.  The moments start at ``m = s = 0``, so on the first step
    ``m_hat = g`` and ``s_hat = g**2`` and each parameter moves by about
    ``lr`` against the sign of its gradient.  ``eps`` is added *after* the
    square root.

    Parameters
    ----------
    fn : callable
        ``fn(theta, grad, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8)``
        with parameters ``theta``, gradient ``grad`` and moments ``m``, ``s``
        of the same shape (usually (p,)), the step number ``t >= 1`` (an int)
        and a learning rate ``lr > 0``; returns ``(theta_new, m_new, s_new)``
        as **new** arrays.  It must not change its inputs in place.  One case
        relies on the defaults of ``beta1``, ``beta2`` and ``eps``.

    Raises
    ------
    CheckFailed
        If a case differs from the reference or an input was changed in place.
    """
    name = "check_adam_step"
    rng = np.random.default_rng(_SEED + 10)
    # (case, args): six args use fn's defaults for beta1, beta2 and eps
    cases: list[tuple[str, tuple]] = [
        ("first step (t = 1) from m = s = 0 with the default betas and eps; "
         "the step is about lr * sign(grad)",
         (rng.normal(size=5), np.array([0.3, -2.0, 5e-3, -1e-4, 0.0]),
          np.zeros(5), np.zeros(5), 1, 0.01)),
        ("a later step, t = 7, with nonzero m and s",
         (rng.normal(size=4), rng.normal(size=4),
          *_adam_moments(rng, (4,), 6), 7, 0.05, 0.9, 0.999, 1e-8)),
        ("a (2, 3) weight matrix, t = 3",
         (rng.normal(size=(2, 3)), rng.normal(0.0, 3.0, size=(2, 3)),
          *_adam_moments(rng, (2, 3), 2), 3, 0.1, 0.9, 0.999, 1e-8)),
        ("beta1 = 0.8, beta2 = 0.99, t = 2",
         (rng.normal(size=3), rng.normal(size=3),
          *_adam_moments(rng, (3,), 1, 0.8, 0.99), 2, 0.1, 0.8, 0.99, 1e-8)),
        ("one parameter, t = 2, after a first step with grad = 1",
         (np.array([1.0]), np.array([2.0]), np.array([0.1]), np.array([0.001]),
          2, 0.1, 0.9, 0.999, 1e-8)),
    ]
    names = ("theta", "grad", "m", "s", "t", "lr", "beta1", "beta2", "eps")
    order = ("theta_new", "m_new", "s_new")
    for case, args in cases:
        inputs = dict(zip(names, args))
        theta, grad, m, s, t, lr = args[:6]
        beta1, beta2, eps = args[6:] if len(args) == 9 else (0.9, 0.999, 1e-8)
        out = _call(name, fn, inputs, case=case, fp_hint=_adam_fp_hint,
                    exc_hint=_adam_exception_hint,
                    inplace_hint=_ADAM_INPLACE_HINT)
        out = _unpack(name, out, order, case=case, inputs=inputs)
        refs = _adam_ref(theta, grad, m, s, t, lr, beta1, beta2, eps)
        theta_ref, m_ref, s_ref = refs
        if all(np.shape(o) == theta.shape for o in out) and not all(
                _close(o, r) for o, r in zip(out, refs)):
            for perm in itertools.permutations(range(3)):
                if all(_close(out[k], refs[perm[k]]) for k in range(3)):
                    _fail(name, "your three results are in the wrong order.",
                          case=case, inputs=inputs,
                          hint=f"you returned ({', '.join(order[k] for k in perm)}"
                               "); return them as `return theta_new, m_new, "
                               "s_new`.")
        shape_hint = "theta, grad, m and s all have the same shape."
        theta_new, m_new, s_new = (
            _array(name, o, what, theta.shape, case=case, inputs=inputs,
                   shape_hint=shape_hint) for o, what in zip(out, order))

        bc1, bc2 = 1 - beta1 ** t, 1 - beta2 ** t
        raw_hint = ("return the raw moments m_new and s_new, not the "
                    "bias-corrected m_hat and s_hat: the correction is applied "
                    "afresh at every step, with that step's t.")
        hint = None
        if _close(m_new, m_ref / bc1):
            hint = raw_hint
        elif _close(m_new, beta1 * m + grad):
            hint = ("m is an average: m_new = beta1 * m + (1 - beta1) * grad, "
                    "with the factor (1 - beta1) on the gradient.")
        elif _close(m_new, beta1 * m + (1 - beta1) * grad ** 2):
            hint = ("m averages the gradients themselves; the squares grad**2 "
                    "belong in s.")
        elif beta1 != 0.9 and _close(m_new, 0.9 * m + 0.1 * grad):
            hint = ("use the beta1 that was passed in, not a fixed 0.9: "
                    "m_new = beta1 * m + (1 - beta1) * grad.")
        _compare(name, "m_new", m_new, m_ref, case=case, inputs=inputs, hint=hint)

        hint = None
        if _close(s_new, s_ref / bc2):
            hint = raw_hint
        elif _close(s_new, beta2 * s + (1 - beta2) * grad):
            hint = ("square the gradient: s_new = beta2 * s + (1 - beta2) * "
                    "grad**2 averages the squared gradients.")
        elif _close(s_new, beta2 * s + grad ** 2):
            hint = ("s is an average: s_new = beta2 * s + (1 - beta2) * "
                    "grad**2, with the factor (1 - beta2).")
        elif beta2 != 0.999 and _close(s_new, 0.999 * s + 0.001 * grad ** 2):
            hint = ("use the beta2 that was passed in, not a fixed 0.999: "
                    "s_new = beta2 * s + (1 - beta2) * grad**2.")
        _compare(name, "s_new", s_new, s_ref, case=case, inputs=inputs, hint=hint)

        def step(m_hat, s_hat, *, inside=False, e=eps, sign=-1.0, rate=lr):
            with np.errstate(all="ignore"):
                den = np.sqrt(s_hat + e) if inside else np.sqrt(s_hat) + e
                return theta + sign * rate * m_hat / den

        m_hat, s_hat = m_ref / bc1, s_ref / bc2
        with np.errstate(all="ignore"):
            bc_prev = (1 - beta1 ** (t - 1), 1 - beta2 ** (t - 1))
        bc_next = (1 - beta1 ** (t + 1), 1 - beta2 ** (t + 1))
        hint = None
        if _close(theta_new, step(m_ref, s_ref)):
            hint = ("correct the bias of the moments.  m and s start at 0, so "
                    "on the first step m_hat should equal g (and s_hat g**2): "
                    "m_hat = m_new / (1 - beta1**t) and "
                    "s_hat = s_new / (1 - beta2**t).")
        elif (_close(theta_new, step(m_hat, s_ref))
              or _close(theta_new, step(m_ref, s_hat))):
            hint = ("correct *both* moments: m_hat = m_new / (1 - beta1**t) "
                    "and s_hat = s_new / (1 - beta2**t).")
        elif _close(theta_new, step(m_hat, s_hat, inside=True)):
            hint = ("eps goes outside the square root: m_hat / "
                    "(np.sqrt(s_hat) + eps), as in PyTorch and mk.Adam.  Inside "
                    "it, eps changes the step wherever the gradients are "
                    "tiny.")
        elif t > 1 and _close(theta_new, step(m_ref / bc_prev[0],
                                              s_ref / bc_prev[1])):
            hint = ("use beta1**t and beta2**t, not the powers t - 1.  " + _ADAM_T_HINT)
        elif _close(theta_new, step(m_ref / bc_next[0], s_ref / bc_next[1])):
            hint = ("t is already the number of this step; don't add 1 to it "
                    "before the bias correction.")
        elif (_close(theta_new, step(m / bc1, s_hat))
              or _close(theta_new, step(m / bc1, s / bc2))):
            hint = ("you stepped with the old moments.  Update m and s first, "
                    "then step with the new ones: m_hat = m_new / (1 - beta1**t).")
        elif _close(theta_new, step(m_hat, s_hat, sign=1.0)):
            hint = ("you moved *uphill*: subtract the step, theta_new = theta - "
                    "lr * m_hat / (np.sqrt(s_hat) + eps).")
        elif _close(theta_new, step(m_hat, s_hat, e=0.0)):
            hint = ("add eps after the square root: m_hat / (np.sqrt(s_hat) + "
                    "eps).")
        elif lr != 1 and _close(theta_new, step(m_hat, s_hat, rate=1.0)):
            hint = "multiply the step by the learning rate lr."
        _compare(name, "theta_new", theta_new, theta_ref, case=case,
                 inputs=inputs, hint=hint)
    _success(name, f"your update matches PyTorch's Adam on {len(cases)} cases, "
                   "including the first step (t = 1), where the step is about "
                   "lr * sign(grad).")


_WEIGHT_DECAY_INPLACE_HINT = (
    "`grad += lam * theta` (or `theta *= lam`) writes into the caller's "
    "arrays (mk.SGD adds the decay in a scratch array for this reason).  "
    "Return a new array: `return grad + lam * theta`."
)


def check_weight_decay_gradient(fn: Callable) -> None:
    """Check the gradient of a loss with an L2 penalty (weight decay).

    The penalised loss ``L(theta) + (lam / 2) * ||theta||**2`` has gradient
    ``grad + lam * theta``, where ``grad`` is the gradient of ``L``.  This is
    what ``weight_decay=lam`` adds to the gradient in :class:`mlpkit.SGD`
    (and in PyTorch's ``SGD``).

    Parameters
    ----------
    fn : callable
        ``fn(grad, theta, lam)`` with the gradient ``grad`` of the loss and the
        parameters ``theta``, of the same shape (usually (p,)), and the decay
        ``lam >= 0``; returns ``grad + lam * theta`` as a **new** array.  It
        must not change ``grad`` in place.

    Raises
    ------
    CheckFailed
        If a case differs from the reference or an input was changed in place.
    """
    name = "check_weight_decay_gradient"
    rng = np.random.default_rng(_SEED + 11)
    cases = [
        ("3 parameters, lam = 0.1", rng.normal(size=3), rng.normal(size=3), 0.1),
        ("one parameter by hand: grad = 0.5, theta = 2, lam = 0.1 (result 0.7)",
         np.array([0.5]), np.array([2.0]), 0.1),
        ("lam = 0 (no decay: the gradient is unchanged)",
         rng.normal(size=4), rng.normal(size=4), 0.0),
        ("a (2, 3) weight matrix, lam = 0.01",
         rng.normal(size=(2, 3)), rng.normal(0.0, 5.0, size=(2, 3)), 0.01),
        ("a zero gradient, lam = 0.5 (only the decay is left)",
         np.zeros(4), rng.normal(size=4), 0.5),
    ]
    for case, grad, theta, lam in cases:
        inputs = {"grad": grad, "theta": theta, "lam": lam}
        out = _call(name, fn, inputs, case=case,
                    inplace_hint=_WEIGHT_DECAY_INPLACE_HINT)
        got = _array(name, out, "the gradient", theta.shape, case=case,
                     inputs=inputs, shape_hint="the gradient has the shape of "
                                               "theta and grad.")
        expected = grad + lam * theta
        hint = None
        if _close(got, grad + lam / 2 * theta):
            hint = ("the derivative of (lam/2) theta^2 is lam theta: the 2 of "
                    "the square cancels the 1/2, so the gradient is "
                    "grad + lam * theta.")
        elif _close(got, grad - lam * theta):
            hint = ("check the sign: the penalty grows with theta, so its "
                    "gradient +lam * theta is *added*: grad + lam * theta.  The "
                    "minus sign belongs to the step, theta - lr * gradient.")
        elif _close(got, lam * theta):
            hint = ("you returned only the penalty's gradient; add the loss's "
                    "gradient: grad + lam * theta.")
        elif _close(got, grad + 2 * lam * theta):
            hint = ("the penalty is (lam/2) ||theta||^2, whose gradient is "
                    "lam * theta, not 2 * lam * theta.")
        elif _close(got, grad + lam * grad):
            hint = ("the decay is proportional to the parameters, not to the "
                    "gradient: grad + lam * theta.")
        elif _close(got, grad + lam * np.sign(theta)):
            hint = ("lam * sign(theta) is the gradient of the L1 penalty "
                    "lam * |theta|; weight decay is L2: grad + lam * theta.")
        _compare(name, "the gradient", got, expected, case=case, inputs=inputs,
                 hint=hint)
    _success(name, f"your gradient matches grad + lam * theta on {len(cases)} "
                   "cases, including lam = 0 and a zero gradient, and leaves "
                   "grad untouched.")


# ---------------------------------------------------------------------------
# The forward pass of an MLP
# ---------------------------------------------------------------------------

_ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], str]] = {
    "relu": (lambda Z: np.maximum(Z, 0.0), "np.maximum(Z, 0)"),
    "tanh": (np.tanh, "np.tanh(Z)"),
    "sigmoid": (_sigmoid, "the stable sigmoid"),
}


def _mlp_exception_hint(err: Exception) -> str:
    msg = str(err)
    if "matmul" in msg or "aligned" in msg:
        return ("a matrix product has mismatched inner dimensions.  In the row "
                "convention X is (n, d), W1 is (d, H) and W2 is (H, K), so the "
                "layers are X @ W1 and H @ W2 (not W1 @ X, and no .T).")
    if "broadcast" in msg:
        return ("a bias does not line up with its layer.  b1 has shape (H,) and "
                "is added to every row of X @ W1, shape (n, H): write "
                "X @ W1 + b1, without turning b1 into a column (H, 1).  The "
                "same holds for b2 and H @ W2.")
    return _exception_hint(err)


def check_mlp_forward(fn: Callable, activation: str = "relu") -> None:
    """Check the forward pass of a one-hidden-layer MLP, in the row convention.

    With one example per row of ``X``::

        H      = act(X @ W1 + b1)      # (n, H), act = relu by default
        logits = H @ W2 + b2           # (n, K)

    The network returns *logits*: the softmax belongs to the loss
    (:class:`mlpkit.SoftmaxCrossEntropy` takes logits).

    Parameters
    ----------
    fn : callable
        ``fn(X, W1, b1, W2, b2)`` with ``X`` of shape (n, d), ``W1`` of shape
        (d, H), ``b1`` of shape (H,), ``W2`` of shape (H, K) and ``b2`` of
        shape (K,); returns the logits, shape (n, K).
    activation : {"relu", "tanh", "sigmoid"}
        The hidden activation ``act``.

    Raises
    ------
    CheckFailed
        If a case differs from the reference or has the wrong shape.
    ValueError
        If ``activation`` is not one of the three names.
    """
    name = "check_mlp_forward"
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, "
                         f"got {activation!r}")
    act, act_code = _ACTIVATIONS[activation]
    rng = np.random.default_rng(_SEED + 9)
    shapes = [  # (case, n, d, H, K)
        ("4 examples, 3 inputs, 5 hidden units, 2 classes", 4, 3, 5, 2),
        ("one example, 3 inputs, 5 hidden units, 4 classes", 1, 3, 5, 4),
        ("6 examples, 2 inputs, 8 hidden units, 3 classes", 6, 2, 8, 3),
        ("5 examples, 4 inputs, 4 hidden units (a square W1), 3 classes",
         5, 4, 4, 3),
        ("3 examples, 3 inputs, 3 hidden units, 3 classes (all square)",
         3, 3, 3, 3),
    ]
    for case, n, d, H, K in shapes:
        X = rng.normal(size=(n, d))
        W1, b1 = rng.normal(size=(d, H)), rng.normal(size=H)
        W2, b2 = rng.normal(size=(H, K)), rng.normal(size=K)
        inputs = {"X": X, "W1": W1, "b1": b1, "W2": W2, "b2": b2}
        out = _call(name, fn, inputs, case=case, exc_hint=_mlp_exception_hint)
        shape = np.shape(out)
        if n == 1 and shape == (H, K):
            shape_hint = ("b1 was added as a column: (1, H) + (H, 1) broadcasts "
                          "to (H, H).  Add b1 as it is, X @ W1 + b1.")
        elif shape == (n, H) and H != K:
            shape_hint = ("you returned the hidden layer; the logits are "
                          "H @ W2 + b2.")
        elif shape == (K, n) and n != K:
            shape_hint = ("your logits are transposed: rows are examples, so "
                          "the logits have shape (n, K).")
        elif shape == (n,) and K > 1:
            shape_hint = ("return all K logits of each example, not one number "
                          "(such as the predicted class) per example.")
        else:
            shape_hint = (f"the logits have one row per example and one column "
                          f"per class: ({n}, {K}).")
        got = _array(name, out, "logits", (n, K), case=case, inputs=inputs,
                     shape_hint=shape_hint)

        def net(f=act, W1=W1, b1=b1, W2=W2, b2=b2, out_f=None):
            logits = f(X @ W1 + b1) @ W2 + b2
            return logits if out_f is None else out_f(logits)

        expected = net()
        other = [a for a in _ACTIVATIONS
                 if a != activation and _close(got, net(f=_ACTIVATIONS[a][0]))]
        hint = None
        if _close(got, net(f=lambda Z: Z)):
            hint = (f"apply the activation to the hidden layer: H = "
                    f"{activation}(X @ W1 + b1).  Without it the two layers "
                    "collapse into a single linear map.")
        elif _close(got, net(out_f=_softmax)) or _close(got, net(out_f=_sigmoid)):
            hint = ("the MLP returns logits; the loss applies softmax.  Drop "
                    "the softmax (or sigmoid) after the last layer.")
        elif _close(got, net(out_f=act)):
            hint = ("no activation after the output layer: logits = "
                    "H @ W2 + b2.")
        elif other:
            hint = (f"your hidden layer uses {other[0]}, but this check is for "
                    f"activation={activation!r}, {act_code}.  To check a "
                    f"{other[0]} network, call check_mlp_forward(fn, "
                    f"activation={other[0]!r}).")
        elif d == H and _close(got, net(W1=W1.T)):
            hint = "W1 is (d, H), inputs by hidden units: use X @ W1, not X @ W1.T."
        elif H == K and _close(got, net(W2=W2.T)):
            hint = "W2 is (H, K), hidden units by classes: use H @ W2, not H @ W2.T."
        elif n == H and _close(got, net(b1=b1[:, None])):
            hint = ("b1 was broadcast over the wrong axis (b1[i] went to "
                    "example i); add it to every row, X @ W1 + b1, so that "
                    "hidden unit j gets b1[j].")
        elif n == K and _close(got, net(b2=b2[:, None])):
            hint = ("b2 was broadcast over the wrong axis (b2[i] went to "
                    "example i); add it to every row, H @ W2 + b2, so that "
                    "class k gets b2[k].")
        elif _close(got, net(b1=0.0)) or _close(got, net(b2=0.0)):
            hint = "add both biases: X @ W1 + b1 and H @ W2 + b2."
        _compare(name, "logits", got, expected, case=case, inputs=inputs,
                 hint=hint)
    _success(name, f"your {activation} MLP matches the reference logits on "
                   f"{len(shapes)} cases, including a batch of one and square "
                   "weight matrices.")


# ---------------------------------------------------------------------------
# Small networks by hand
# ---------------------------------------------------------------------------

_XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_XOR_Y = np.array([0, 1, 1, 0])


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
    name = "check_xor_weights"
    if activation not in ("sigmoid", "step"):
        raise ValueError(f"activation must be 'sigmoid' or 'step', got {activation!r}")
    arrays = {}
    for label, value in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)):
        a = np.asarray(value, dtype=float) if value is not None else None
        if a is None or a.dtype == object:
            _fail(name, f"{label} is missing or not numeric.",
                  hint="fill in all four arrays W1, b1, W2, b2.")
        arrays[label] = a
    W1, b1, W2, b2 = (arrays[k] for k in ("W1", "b1", "W2", "b2"))
    if W1.ndim != 2 or W1.shape[0] != 2:
        _fail(name, f"W1 should have shape (2, H), got {W1.shape}.",
              hint="W is (n_in, n_out): 2 inputs, one column per hidden unit.")
    H = W1.shape[1]
    if b1.shape != (H,):
        _fail(name, f"b1 should have shape ({H},), one bias per hidden unit; "
                    f"got {b1.shape}.")
    if W2.shape not in ((H,), (H, 1)):
        _fail(name, f"W2 should have shape ({H}, 1); got {W2.shape}.",
              hint="W is (n_in, n_out): one row per hidden unit, one output.")
    if b2.size != 1:
        _fail(name, f"b2 should be a single number; got shape {b2.shape}.")
    Zh = _XOR_X @ W1 + b1
    Hh = _sigmoid(Zh) if activation == "sigmoid" else (Zh > 0).astype(float)
    o = Hh @ W2.reshape(H) + b2.item()
    pred = (o > 0).astype(int)
    table = "\n".join(
        f"    x = ({x[0]:.0f}, {x[1]:.0f}):  hidden {_fmt(h)},  o = {oo:+.3f}"
        f"  -> predicts {p}, want {t}{'' if p == t else '   <-- wrong'}"
        for x, h, oo, p, t in zip(_XOR_X, Hh, o, pred, _XOR_Y))
    if activation == "step" and np.any(Zh == 0):
        i = int(np.argwhere(Zh == 0)[0, 0])
        _fail(name, f"a hidden unit sits exactly on its threshold (z = 0) for "
                    f"input {tuple(_XOR_X[i].astype(int))}.\n{table}",
              hint="move that unit's bias by 0.5 so no input lands exactly on "
                   "the boundary.")
    if np.any(o == 0):
        _fail(name, f"the output sits exactly on the threshold (o = 0) for some "
                    f"input.\n{table}",
              hint="shift b2 a little so every input is clearly on one side.")
    if not np.array_equal(pred, _XOR_Y):
        hint = ("think of XOR as (x1 OR x2) AND NOT (x1 AND x2): let one hidden "
                "unit compute OR, the other AND, and let the output fire for "
                "OR but not AND.")
        if activation == "sigmoid":
            hint += ("  With sigmoid units, use large weights (e.g. 20) so each "
                     "unit is close to 0 or 1.")
        _fail(name, f"your network gets {int((pred != _XOR_Y).sum())} of the "
                    f"4 inputs wrong.\n{table}", hint=hint)
    if activation == "sigmoid":
        outs = ", ".join(f"{v:.2f}" for v in _sigmoid(o))
        detail = f"sigmoid of the output: {outs}"
    else:
        detail = "output o: " + ", ".join(f"{v:+.2f}" for v in o)
    _success(name, f"your {activation} network computes XOR on all 4 inputs "
                   f"({detail}).")


def check_xor(fn: Callable[[np.ndarray], np.ndarray]) -> None:
    """Check that a function computes XOR of two binary inputs.

    Parameters
    ----------
    fn : callable
        ``fn(X)`` with ``X`` of shape (4, 2) holding the rows (0,0), (0,1),
        (1,0), (1,1); returns 4 numbers (shape (4,) or (4, 1)): labels 0/1 or
        probabilities, which are thresholded at 0.5.
    """
    name = "check_xor"
    inputs = {"X": _XOR_X}
    out = _call(name, fn, inputs, case="the four binary inputs")
    a = np.asarray(out)
    if a.dtype == object or a.size != 4:
        _fail(name, f"expected 4 outputs, one per row of X; got shape {a.shape}.",
              inputs=inputs, got=a, hint="return an array of shape (4,) or (4, 1).")
    a = a.reshape(4).astype(float)
    if np.any(a == 0.5):
        _fail(name, "an output is exactly 0.5, on the threshold.",
              inputs=inputs, got=a, hint="make each output clearly above or below 0.5.")
    pred = (a > 0.5).astype(int)
    if not np.array_equal(pred, _XOR_Y):
        _fail(name, f"{int((pred != _XOR_Y).sum())} of the 4 outputs are wrong.",
              inputs=inputs, expected=_XOR_Y, got=a,
              hint="XOR is 1 when exactly one input is 1.")
    _success(name, "your function computes XOR on all 4 inputs.")


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
    name = "check_parameter_count"
    cases = [[2, 2, 1], [3, 1], [784, 100, 10], [1, 1, 1, 1],
             [64, 32, 32, 10], [2, 16, 16, 16, 3]]
    for sizes in cases:
        inputs = {"sizes": sizes}
        case = f"sizes = {sizes}"
        out = _call(name, fn, inputs, case=case)
        if isinstance(out, (bool, np.bool_)) or not isinstance(
                out, (int, np.integer, float, np.floating)) or (
                isinstance(out, (float, np.floating)) and not float(out).is_integer()):
            _fail(name, f"expected a whole number, got {out!r}.", case=case,
                  hint="return an int, e.g. int(total).")
        got = int(out)
        pairs = list(zip(sizes[:-1], sizes[1:]))
        expected = sum(a * b + b for a, b in pairs)
        weights = sum(a * b for a, b in pairs)
        if got == expected:
            continue
        if got == weights:
            hint = "you counted the weights only: each layer also has n_out biases."
        elif got == expected + sizes[0]:
            hint = "the input layer has no biases: count biases for the layers after it."
        elif got == sum(a * b + a for a, b in pairs):
            hint = "a layer has one bias per *output* unit (n_out), not per input."
        elif got == sum((a + 1) * (b + 1) for a, b in pairs):
            hint = "only the inputs get the extra bias '1': (n_in + 1) * n_out per layer."
        else:
            hint = "for each consecutive pair (n_in, n_out) add n_in * n_out + n_out."
        _fail(name, f"expected {expected} parameters, got {got}.", case=case,
              hint=hint)
    _success(name, f"your count matches on {len(cases)} networks, including "
                   "[784, 100, 10] with 79510 parameters.")
