"""Argument checks shared by every public function of mlpkit.

One rule everywhere: a wrong *type* raises ``TypeError``, a wrong *value*
raises ``ValueError``, and the message names the argument, says what was
expected and shows what arrived.  ``bool`` is not accepted as a number, and an
integer seed is not accepted as a random generator.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["check_positive_int", "check_real", "check_rng", "check_dtype"]


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_positive_int(name: str, value, *, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` if it is an integer ``>= minimum`` (default 1).

    ``TypeError`` for a non-integer (``True``, ``2.0`` and ``"3"`` are refused),
    ``ValueError`` for an integer below ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an int >= {minimum}, got {type(value).__name__} {_shown(value)}"
        )
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value}")
    return int(value)


def _interval(low: float, high: float, low_open: bool, high_open: bool) -> str:
    if low == -math.inf and high == math.inf:
        return "a finite real number"
    if high == math.inf:
        return f"a real number {'>' if low_open else '>='} {low:g}"
    if low == -math.inf:
        return f"a real number {'<' if high_open else '<='} {high:g}"
    return (
        f"a real number in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    )


def check_real(
    name: str,
    value,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number within the bounds.

    The interval is ``[low, high]``; ``low_open``/``high_open`` exclude an end.
    ``TypeError`` for a non-number (``bool`` and strings are refused; numpy
    scalars are accepted), ``ValueError`` for NaN, infinity or a value outside
    the interval.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be {_interval(low, high, low_open, high_open)}, "
            f"got {type(value).__name__} {_shown(value)}"
        )
    x = float(value)
    below = x < low or (low_open and x == low)
    above = x > high or (high_open and x == high)
    if not math.isfinite(x) or below or above:
        raise ValueError(f"{name} must be {_interval(low, high, low_open, high_open)}, got {x!r}")
    return x


def check_rng(name: str, rng) -> np.random.Generator:
    """Return ``rng`` if it is a ``np.random.Generator``, else raise ``TypeError``.

    An integer seed, ``None`` or a legacy ``RandomState`` is refused with a
    message that shows the call to write instead.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        hint = f"pass np.random.default_rng({int(rng)}) instead of the seed {int(rng)}"
    elif rng is None:
        hint = "pass np.random.default_rng(seed), e.g. np.random.default_rng(0)"
    else:
        hint = "pass np.random.default_rng(seed)"
    raise TypeError(
        f"{name} must be a np.random.Generator, got {type(rng).__name__} {_shown(rng)}; {hint}"
    )


_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def check_dtype(dtype, name: str = "dtype") -> np.dtype:
    """Return ``np.dtype(dtype)`` if it is float32 or float64.

    ``TypeError`` if ``dtype`` is not a dtype at all, ``ValueError`` for any
    other dtype (integers, float16, complex, ...).
    """
    if dtype is None:
        raise TypeError(f"{name} must be np.float32 or np.float64, got None")
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"{name} must be np.float32 or np.float64, got {_shown(dtype)}") from err
    if dt not in _DTYPES:
        raise ValueError(f"{name} must be np.float32 or np.float64, got {_shown(dtype)} ({dt})")
    return dt
