"""The harness every checker runs through.

A checker creates one :class:`Check` per run, and for each hidden case calls
``start`` (name the case and its inputs), ``call`` (run the learner's function
on copies, with floating-point errors raised and warnings turned into
errors), ``unpack``/``array`` (validate what came back), ``compare`` (against
the reference, with a hint from the checker's table of known mistakes), and
finally ``success`` (one printed line).  Every failure raises
:class:`CheckFailed` with the same layout: problem, case, inputs, expected,
got, ``Hint:``.

A *mistake table* is a sequence of ``(test, hint)`` pairs.  ``test(c)`` gets a
namespace ``c`` holding the case's inputs, the reference and the returned
values and says whether the result is what that mistake would produce;
``hint`` is a string, or a function of ``c`` returning one.  The first match
wins, so specific mistakes come before general ones.
"""

from __future__ import annotations

import copy
import re
import textwrap
import warnings
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any, Union

import numpy as np

from ..functional import sigmoid as _stable_sigmoid
from ..functional import softmax as _stable_softmax

__all__ = [
    "CheckFailed",
    "Check",
    "Mistake",
    "diagnose",
    "close",
    "fmt",
    "success",
    "SEED",
    "RTOL",
    "ATOL",
    "ref_sigmoid",
    "ref_softmax",
    "ref_logsumexp",
    "ref_onehot",
]

SEED = 1986  # the year of Rumelhart, Hinton & Williams's backprop paper
RTOL, ATOL = 1e-6, 1e-9

Hint = Union[str, Callable[[SimpleNamespace], str]]  # noqa: UP007 (a runtime alias on 3.10)
#: One known mistake: a test on the case namespace and the hint to show.
Mistake = tuple[Callable[[SimpleNamespace], bool], Hint]


class CheckFailed(AssertionError):
    """Raised when a learner's function disagrees with the reference.

    It subclasses :class:`AssertionError` because a failed check *is* a failed
    assertion about your code: test runners and notebooks display it as one.
    The message says which case failed, shows input, expected and returned
    values, and ends with a ``Hint:`` line.
    """


# ---------------------------------------------------------------------------
# Reference implementations (float64, from mlpkit.functional)
# ---------------------------------------------------------------------------


def ref_sigmoid(z) -> np.ndarray:
    return _stable_sigmoid(np.asarray(z, dtype=np.float64))


def ref_softmax(Z: np.ndarray, axis: int = 1) -> np.ndarray:
    return _stable_softmax(np.asarray(Z, dtype=np.float64), axis=axis)


def ref_logsumexp(Z: np.ndarray) -> np.ndarray:
    m = Z.max(axis=1, keepdims=True)
    with np.errstate(under="ignore"):
        return (m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True)))[:, 0]


def ref_onehot(y: np.ndarray, K: int) -> np.ndarray:
    out = np.zeros((len(y), K))
    out[np.arange(len(y)), y] = 1.0
    return out


# ---------------------------------------------------------------------------
# Formatting, comparison, the success line
# ---------------------------------------------------------------------------

GENERIC_FP_HINT = (
    "an intermediate result overflowed or became nan; print the intermediate "
    "arrays for this input to find the step that blows up."
)


def fmt(value: Any) -> str:
    """Short, rounded text for a number or an array."""
    a = np.asarray(value)
    if a.dtype == object:
        return repr(value)
    if a.ndim == 0:
        x = a.item()
        return f"{x:.6g}" if isinstance(x, float) else repr(x)
    with np.printoptions(precision=4, threshold=30, edgeitems=3, linewidth=80, suppress=False):
        return np.array2string(a, separator=", ")


def _field(label: str, value: Any) -> str:
    text = fmt(value).replace("\n", "\n" + " " * 14)
    return f"  {label:<11} {text}"


def close(a, b) -> bool:
    """Same shape and equal to the checkers' tolerance (rtol 1e-6, atol 1e-9)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def diagnose(mistakes: Sequence[Mistake], c: SimpleNamespace) -> str | None:
    """The hint of the first mistake in the table whose test matches ``c``."""
    with np.errstate(all="ignore"):
        for test, hint in mistakes:
            if test(c):
                return hint(c) if callable(hint) else hint
    return None


def exception_hint(err: Exception) -> str:
    """Hint for an exception raised by the learner's code."""
    msg = str(err)
    if "broadcast" in msg:
        return (
            "two arrays have shapes that do not line up; print the .shape of "
            "each intermediate array.  A reduction such as .sum(axis=1) drops "
            "an axis: add keepdims=True to broadcast the result back."
        )
    if "matmul" in msg or "aligned" in msg:
        return (
            "a matrix product has mismatched inner dimensions; check which "
            "operand needs a transpose (.T).  Rows are examples."
        )
    return "read the traceback above this message to find the failing line."


#: Longest line of a success message, so that it does not scroll in the book.
WIDTH = 79
_NOBREAK = "\x00"


def success(check: str, text: str) -> None:
    """Print ``✓ check: text`` in one call, wrapped to lines of ``WIDTH``.

    Continuation lines are indented by two spaces.  Formulas such as
    ``z = 0`` or ``H @ W2 + b2`` and short parentheses such as ``(2, 3)`` are
    never split.
    """

    def glue(match: re.Match) -> str:
        return match.group(0).replace(" ", _NOBREAK)

    line = re.sub(
        r"\S+( [=@*/+-] \S+)+|\([^()]{1,12}\)|\[[^][]{1,14}\]", glue, f"✓ {check}: {text}"
    )
    wrapped = textwrap.fill(
        line, width=WIDTH, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )
    print(wrapped.replace(_NOBREAK, " "))


# ---------------------------------------------------------------------------
# One run of one checker
# ---------------------------------------------------------------------------

_KEEP = object()


class Check:
    """One run of the checker ``name``: the current case and its inputs."""

    def __init__(self, name: str):
        self.name = name
        self.case: str | None = None
        self.inputs: dict[str, Any] = {}

    def start(self, case: str | None, **inputs: Any) -> None:
        """Begin a case: ``inputs`` are the arguments, in the order ``fn`` takes them."""
        self.case, self.inputs = case, inputs

    def fail(
        self,
        problem: str,
        *,
        inputs: Any = _KEEP,
        expected: Any = None,
        got: Any = None,
        hint: str | None = None,
        case: Any = _KEEP,
    ) -> None:
        """Raise :class:`CheckFailed` with the standard layout."""
        case = self.case if case is _KEEP else case
        inputs = self.inputs if inputs is _KEEP else (inputs or {})
        lines = [f"{self.name}: {problem}"]
        if case:
            lines.append(f"  case:       {case}")
        for label, value in inputs.items():
            lines.append(_field(f"{label} =", value))
        if expected is not None:
            lines.append(_field("expected", expected))
        if got is not None:
            lines.append(_field("got", got))
        if hint:
            lines.append(f"Hint: {hint}")
        raise CheckFailed("\n".join(lines))

    def call(
        self,
        fn: Callable,
        *,
        fp_hint: str | Callable[[str], str] = GENERIC_FP_HINT,
        exc_hint: Callable[[Exception], str] = exception_hint,
        inplace_hint: str | None = None,
        new_array: bool = False,
    ) -> Any:
        """Call ``fn`` on copies of the inputs with floating-point errors raised.

        Fails if ``fn`` raises, changes an input in place, returns None, or
        (with ``new_array``) returns one of the arrays it was given.
        """
        copies = {k: copy.deepcopy(v) for k, v in self.inputs.items()}
        try:
            with (
                np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"),
                warnings.catch_warnings(),
            ):
                warnings.simplefilter("error", RuntimeWarning)
                out = fn(*copies.values())
        except CheckFailed:
            raise
        except (FloatingPointError, RuntimeWarning) as err:
            self.fail(
                f"numpy reported a floating-point error: {err}.",
                hint=fp_hint(str(err)) if callable(fp_hint) else fp_hint,
            )
        except Exception as err:  # noqa: BLE001 - learner code
            self.fail(f"your function raised {type(err).__name__}: {err}", hint=exc_hint(err))
        self._check_untouched(copies, inplace_hint)
        if out is None:
            self.fail("your function returned None.", hint="did you forget the `return` statement?")
        if new_array and any(out is v for v in copies.values() if isinstance(v, np.ndarray)):
            self.fail(
                "your function returned the very array it was given.",
                hint="return a new array computed from the inputs.",
            )
        return out

    def _check_untouched(self, copies: dict[str, Any], inplace_hint: str | None) -> None:
        for name, original in self.inputs.items():
            if isinstance(original, np.ndarray) and not np.array_equal(
                copies[name], original, equal_nan=True
            ):
                self.fail(
                    f"your function changed its input {name} in place.",
                    inputs={f"{name} before": original, f"{name} after": copies[name]},
                    hint=inplace_hint
                    or (
                        "work on new arrays (e.g. `z = z - m` instead of "
                        "`z -= m`); the caller still needs the original."
                    ),
                )

    def unpack(self, out: Any, names: Sequence[str]) -> tuple:
        """Require a tuple/list of ``len(names)`` results."""
        if not isinstance(out, (tuple, list)) or len(out) != len(names):
            what = (
                f"a {type(out).__name__} of length {len(out)}"
                if isinstance(out, (tuple, list))
                else f"a {type(out).__name__}"
            )
            self.fail(
                f"expected {len(names)} results ({', '.join(names)}), got {what}.",
                hint=f"end your function with `return {', '.join(names)}`.",
            )
        return tuple(out)

    def array(
        self, value: Any, what: str, shape: tuple, *, shape_hint: str | None = None
    ) -> np.ndarray:
        """Validate type, shape, dtype and finiteness of one returned array."""
        if value is None:
            self.fail(f"{what} is None.", hint="did you forget to compute or return it?")
        a = np.asarray(value)
        if a.dtype == object:
            self.fail(
                f"{what} is not a numeric array (got {type(value).__name__}).",
                hint="return a numpy array of floats.",
            )
        if a.shape != tuple(shape):
            self.fail(
                f"{what} should have shape {tuple(shape)}, got {a.shape}.",
                got=a,
                hint=shape_hint or "print the .shape of each intermediate array.",
            )
        if a.dtype.kind != "f":
            self.fail(
                f"{what} should hold floats, got dtype {a.dtype}.",
                got=a,
                hint="a boolean or integer array is not a float array; multiply "
                "by a float array or use .astype(float).",
            )
        if not np.all(np.isfinite(a)):
            self.fail(
                f"{what} contains nan or inf.",
                got=a,
                hint="an intermediate overflowed or divided 0 by 0; the "
                "usual cure is to subtract a maximum before np.exp.",
            )
        return a

    def compare(
        self,
        what: str,
        got: np.ndarray,
        expected: np.ndarray,
        *,
        mistakes: Sequence[Mistake] = (),
        c: SimpleNamespace | None = None,
        hint: str | None = None,
    ) -> None:
        """Fail with the worst element (and the first matching mistake's hint)
        when ``got`` and ``expected`` differ."""
        if close(got, expected):
            return
        if hint is None and mistakes:
            hint = diagnose(mistakes, c)
        got = np.asarray(got, dtype=float)
        expected = np.asarray(expected, dtype=float)
        err = np.abs(got - expected) / (ATOL + RTOL * np.abs(expected))
        idx = np.unravel_index(np.argmax(err), err.shape)
        where = f" at index {tuple(int(i) for i in idx)}" if got.ndim else ""
        self.fail(
            f"{what} is wrong{where}: expected {expected[idx]:.6g}, got {got[idx]:.6g}.",
            expected=expected,
            got=got,
            hint=hint,
        )

    def success(self, text: str) -> None:
        success(self.name, text)
