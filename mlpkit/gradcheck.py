"""Check backward passes against float64 central differences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .layers import Layer
from .losses import Loss
from .validation import check_positive_int


class GradcheckError(RuntimeError):
    """An analytic gradient disagrees with the numerical one."""


def _require_float64(what: str, a: np.ndarray) -> None:
    if a.dtype.kind != "f":
        raise TypeError(f"gradcheck needs a float64 array for {what}, got dtype {a.dtype}")
    if a.dtype != np.float64:
        raise TypeError(
            f"gradcheck needs float64, but {what} is {a.dtype}: central differences "
            "in float32 carry errors near 1e-3 and cannot check a gradient; "
            "build the model with dtype=np.float64"
        )


def numerical_gradient(
    f: Callable[[], float], x: np.ndarray, eps: float = 1e-6, *, at=None
) -> np.ndarray:
    """Central differences ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``.

    ``f`` takes no argument and reads ``x``, which is changed in place one entry
    at a time and restored.  ``x``: float64 array of any shape -> array of the
    same shape.  Costs ``2 * x.size`` calls of ``f``; with ``at`` (flat indices
    into ``x``) only those entries are computed, the rest of the result is 0.
    """
    _require_float64("x", x)
    grad = np.zeros_like(x)
    where = np.ndindex(x.shape) if at is None else (np.unravel_index(k, x.shape) for k in at)
    for i in where:
        old = x[i]
        x[i] = old + eps
        f_plus = f()
        x[i] = old - eps
        f_minus = f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """``max |a - b| / max(max(|a| + |b|), tiny)``: one scalar for whole arrays.

    Scaling by the largest magnitude (rather than entry by entry) keeps tiny
    entries, whose differences are pure rounding, from dominating.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.max(np.abs(a) + np.abs(b), initial=0.0)
    return float(np.max(np.abs(a - b), initial=0.0) / max(scale, np.finfo(np.float64).tiny))


@dataclass
class GradcheckResult:
    """Relative error of every checked tensor (see :func:`relative_error`)."""

    errors: dict = field(default_factory=dict)
    tol: float = 1e-7

    @property
    def max_error(self) -> float:
        return max(self.errors.values(), default=0.0)

    @property
    def passed(self) -> bool:
        return self.max_error < self.tol

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return (
            f"GradcheckResult(passed={self.passed}, max_rel_error={self.max_error:.2e}, "
            f"tensors={len(self.errors)}, tol={self.tol:.0e})"
        )

    def __str__(self) -> str:
        rows = [f"  {name:<24} {err:.2e}" for name, err in self.errors.items()]
        return "\n".join([repr(self)] + rows)


def _named_parameters(module: Layer, prefix: str = ""):
    if hasattr(module, "layers"):
        for i, layer in enumerate(module.layers):
            yield from _named_parameters(layer, f"{prefix}layers[{i}] ")
    else:
        for p in module.parameters():
            yield f"{prefix}{module!r}.{p.name}", p


def _compare(name, analytic, numeric, tol, result, raise_on_failure, at=None) -> None:
    # at: the flat indices that were checked (None: all of them)
    a, n = analytic.reshape(-1), numeric.reshape(-1)
    if at is not None:
        a, n = a[at], n[at]
    err = relative_error(a, n)
    result.errors[name] = err
    if err >= tol and raise_on_failure:
        k = int(np.argmax(np.abs(a - n)))
        i = np.unravel_index(k if at is None else at[k], np.shape(analytic))
        raise GradcheckError(
            f"gradient of {name} is wrong: relative error {err:.2e} >= {tol:.0e}; "
            f"worst at index {tuple(int(j) for j in i)}: "
            f"analytic {analytic[i]:.10g} vs numeric {numeric[i]:.10g}"
        )


def gradcheck(
    target,
    X,
    *,
    y=None,
    loss: Loss | None = None,
    grad=None,
    rng: np.random.Generator | None = None,
    eps: float = 1e-6,
    tol: float = 1e-7,
    raise_on_failure: bool = True,
    entries: int | None = None,
) -> GradcheckResult:
    """Compare a backward pass with float64 central differences.

    Four forms:

    - ``gradcheck(layer_or_model, X, rng=rng)``: a random upstream gradient
      ``G`` (drawn from ``rng``, not all ones, which would hide transposes);
      checks ``d sum(G * forward(X)) / d theta`` for every parameter and for X.
    - ``gradcheck(model, X, loss=loss_fn, y=y)``: checks ``dL/dtheta`` and ``dL/dX``.
    - ``gradcheck(loss_fn, logits, y=y)``: checks ``dL/dlogits``.
    - ``gradcheck(f, x, grad=g)``: ``f(x)`` a scalar function of an array, ``g``
      its analytic gradient (same shape as ``x``).

    Parameters and inputs must be float64.  ``X`` is copied, never changed.
    Returns a :class:`GradcheckResult`; a relative error ``>= tol`` raises
    :class:`GradcheckError` naming the tensor, the worst index and both values
    (unless ``raise_on_failure=False``).

    Every entry costs two forward passes.  For a large model pass ``entries=k``
    and ``rng=``: each tensor with more than ``k`` entries is checked at ``k``
    of them, drawn without replacement (a bug in a backward pass, a transpose
    or a missing factor, shows up in almost every entry, so a sample finds it).
    """
    X = np.array(X, dtype=np.float64) if np.asarray(X).dtype.kind in "biu" else np.array(X)
    _require_float64("X", X)
    result = GradcheckResult(tol=tol)
    if entries is not None:
        entries = check_positive_int("entries", entries)
        if not isinstance(rng, np.random.Generator):
            raise ValueError(
                "gradcheck with entries= draws the entries to check; "
                "pass rng=np.random.default_rng(seed)"
            )

    def sample(x):
        # flat indices of the entries of x to check: all (None), or `entries` of them
        if entries is None or x.size <= entries:
            return None
        return np.sort(rng.choice(x.size, size=entries, replace=False))

    def check(name, analytic, f, x):
        at = sample(x)
        numeric = numerical_gradient(f, x, eps, at=at)
        _compare(name, analytic, numeric, tol, result, raise_on_failure, at)

    if isinstance(target, Loss):
        if y is None:
            raise ValueError(
                "gradcheck of a loss needs its targets: gradcheck(loss_fn, logits, y=y)"
            )
        target(X, y)
        check(f"{target!r} d/dlogits", target.backward(), lambda: target(X, y), X)
        return result
    if not isinstance(target, Layer):
        if not callable(target) or grad is None:
            raise TypeError(
                "gradcheck expects a Layer, a Loss, or a function f(x) with grad=; "
                f"got {type(target).__name__}" + (" without grad=" if grad is None else "")
            )
        grad = np.asarray(grad, dtype=np.float64)
        if grad.shape != X.shape:
            raise ValueError(
                f"gradcheck: grad= must have the shape of x, {X.shape}, got {grad.shape}"
            )
        check("f d/dx", grad, lambda: target(X), X)
        return result

    named = list(_named_parameters(target))
    for name, p in named:
        _require_float64(name, p.data)
    if loss is not None:
        if y is None:
            raise ValueError("gradcheck with loss= needs the targets y=")

        def f():
            return loss(target.forward(X), y)

        upstream = None  # set after the repeatability check below
    else:
        if not isinstance(rng, np.random.Generator):
            raise ValueError(
                "gradcheck of a layer draws a random upstream gradient; "
                "pass rng=np.random.default_rng(seed) (or loss= and y=)"
            )
        upstream = rng.standard_normal(target.forward(X).shape)

        def f():
            return float(np.sum(upstream * target.forward(X)))

    first = f()
    if f() != first:  # the last call's cache is the one backward uses
        raise GradcheckError(
            f"{target!r} gives different outputs for the same input, so central differences "
            "cannot check it; a Dropout layer in training mode draws a new mask every call: "
            "call .eval() first, or give Dropout a generator that repeats its mask"
        )
    if loss is not None:
        upstream = loss.backward()
    dX = target.backward(upstream)
    analytic = {name: p.grad.copy() for name, p in named}
    for name, p in named:
        check(name, analytic[name], f, p.data)
    check(f"{target!r} input X" if not named else "input X", dX, f, X)
    return result
