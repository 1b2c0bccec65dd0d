"""Checkers for Adam and for the L2 weight-decay gradient."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from types import SimpleNamespace as Case

import numpy as np

from ._harness import GENERIC_FP_HINT, SEED, Check, Mistake, close, exception_hint

__all__ = ["check_adam_step", "check_weight_decay_gradient"]


def _adam_ref(theta, grad, m, s, t, lr, beta1, beta2, eps) -> tuple:
    """One Adam step, PyTorch's rule (the one :class:`mlpkit.Adam` applies)."""
    m_new = beta1 * m + (1 - beta1) * grad
    s_new = beta2 * s + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**t)
    s_hat = s_new / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(s_hat) + eps), m_new, s_new


def _adam_moments(
    rng: np.random.Generator, shape: tuple, steps: int, beta1: float = 0.9, beta2: float = 0.999
) -> tuple:
    """The moments ``(m, s)`` after ``steps`` Adam steps on random gradients."""
    m, s = np.zeros(shape), np.zeros(shape)
    for t in range(1, steps + 1):
        _, m, s = _adam_ref(
            np.zeros(shape), rng.normal(size=shape), m, s, t, 1e-3, beta1, beta2, 1e-8
        )
    return m, s


def _later_step(rng, shape, steps, t, lr, beta1=0.9, beta2=0.999, grad_scale=1.0) -> tuple:
    """Arguments for step ``t`` after ``steps`` earlier steps on random gradients."""
    theta, grad = rng.normal(size=shape), rng.normal(0.0, grad_scale, size=shape)
    return (theta, grad, *_adam_moments(rng, shape, steps, beta1, beta2), t, lr, beta1, beta2, 1e-8)


def _adam_cases() -> list[tuple[str, tuple]]:
    """(case, args); six args use fn's defaults for beta1, beta2 and eps."""
    rng = np.random.default_rng(SEED + 10)
    first = (
        rng.normal(size=5),
        np.array([0.3, -2.0, 5e-3, -1e-4, 0.0]),
        np.zeros(5),
        np.zeros(5),
        1,
        0.01,
    )
    return [
        (
            "first step (t = 1) from m = s = 0 with the default betas and eps; "
            "the step is about lr * sign(grad)",
            first,
        ),
        ("a later step, t = 7, with nonzero m and s", _later_step(rng, (4,), 6, 7, 0.05)),
        ("a (2, 3) weight matrix, t = 3", _later_step(rng, (2, 3), 2, 3, 0.1, grad_scale=3.0)),
        ("beta1 = 0.8, beta2 = 0.99, t = 2", _later_step(rng, (3,), 1, 2, 0.1, 0.8, 0.99)),
        (
            "one parameter, t = 2, after a first step with grad = 1",
            (
                np.array([1.0]),
                np.array([2.0]),
                np.array([0.1]),
                np.array([0.001]),
                2,
                0.1,
                0.9,
                0.999,
                1e-8,
            ),
        ),
    ]


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
        return (
            "s is an average of *squared* gradients and is never "
            "negative: s_new = beta2 * s + (1 - beta2) * grad**2.  Did you "
            "forget to square grad?"
        )
    if "invalid" in message:
        return (
            "0 / 0: where the gradient is 0, m_hat and s_hat are 0 on the "
            "first step and the step must be 0.  Add eps after the square "
            "root: m_hat / (np.sqrt(s_hat) + eps)."
        )
    return GENERIC_FP_HINT


def _adam_exception_hint(err: Exception) -> str:
    if isinstance(err, ZeroDivisionError):
        return _ADAM_T_HINT
    if isinstance(err, TypeError) and "argument" in str(err):
        return (
            "the checker calls fn(theta, grad, m, s, t, lr) for the "
            "default betas and eps, and fn(theta, grad, m, s, t, lr, beta1, "
            "beta2, eps) otherwise.  Define def adam_step(theta, grad, m, s, "
            "t, lr, beta1=0.9, beta2=0.999, eps=1e-8)."
        )
    return exception_hint(err)


_RAW_MOMENTS_HINT = (
    "return the raw moments m_new and s_new, not the "
    "bias-corrected m_hat and s_hat: the correction is applied "
    "afresh at every step, with that step's t."
)

_M_MISTAKES: tuple[Mistake, ...] = (
    (lambda c: close(c.m_new, c.m_ref / c.bc1), _RAW_MOMENTS_HINT),
    (
        lambda c: close(c.m_new, c.beta1 * c.m + c.grad),
        "m is an average: m_new = beta1 * m + (1 - beta1) * grad, "
        "with the factor (1 - beta1) on the gradient.",
    ),
    (
        lambda c: close(c.m_new, c.beta1 * c.m + (1 - c.beta1) * c.grad**2),
        "m averages the gradients themselves; the squares grad**2 belong in s.",
    ),
    (
        lambda c: c.beta1 != 0.9 and close(c.m_new, 0.9 * c.m + 0.1 * c.grad),
        "use the beta1 that was passed in, not a fixed 0.9: "
        "m_new = beta1 * m + (1 - beta1) * grad.",
    ),
)

_S_MISTAKES: tuple[Mistake, ...] = (
    (lambda c: close(c.s_new, c.s_ref / c.bc2), _RAW_MOMENTS_HINT),
    (
        lambda c: close(c.s_new, c.beta2 * c.s + (1 - c.beta2) * c.grad),
        "square the gradient: s_new = beta2 * s + (1 - beta2) * "
        "grad**2 averages the squared gradients.",
    ),
    (
        lambda c: close(c.s_new, c.beta2 * c.s + c.grad**2),
        "s is an average: s_new = beta2 * s + (1 - beta2) * grad**2, with the factor (1 - beta2).",
    ),
    (
        lambda c: c.beta2 != 0.999 and close(c.s_new, 0.999 * c.s + 0.001 * c.grad**2),
        "use the beta2 that was passed in, not a fixed 0.999: "
        "s_new = beta2 * s + (1 - beta2) * grad**2.",
    ),
)


def _with_power(c, k: int) -> tuple:
    """Moments bias-corrected with powers ``t + k`` instead of ``t``."""
    return (c.m_ref / (1 - c.beta1 ** (c.t + k)), c.s_ref / (1 - c.beta2 ** (c.t + k)))


_THETA_MISTAKES: tuple[Mistake, ...] = (
    (
        lambda c: close(c.theta_new, c.step(c.m_ref, c.s_ref)),
        "correct the bias of the moments.  m and s start at 0, so "
        "on the first step m_hat should equal g (and s_hat g**2): "
        "m_hat = m_new / (1 - beta1**t) and s_hat = s_new / (1 - beta2**t).",
    ),
    (
        lambda c: (
            close(c.theta_new, c.step(c.m_hat, c.s_ref))
            or close(c.theta_new, c.step(c.m_ref, c.s_hat))
        ),
        "correct *both* moments: m_hat = m_new / (1 - beta1**t) "
        "and s_hat = s_new / (1 - beta2**t).",
    ),
    (
        lambda c: close(c.theta_new, c.step(c.m_hat, c.s_hat, inside=True)),
        "eps goes outside the square root: m_hat / "
        "(np.sqrt(s_hat) + eps), as in PyTorch and mk.Adam.  Inside "
        "it, eps changes the step wherever the gradients are tiny.",
    ),
    (
        lambda c: c.t > 1 and close(c.theta_new, c.step(*_with_power(c, -1))),
        "use beta1**t and beta2**t, not the powers t - 1.  " + _ADAM_T_HINT,
    ),
    (
        lambda c: close(c.theta_new, c.step(*_with_power(c, 1))),
        "t is already the number of this step; don't add 1 to it before the bias correction.",
    ),
    (
        lambda c: (
            close(c.theta_new, c.step(c.m / c.bc1, c.s_hat))
            or close(c.theta_new, c.step(c.m / c.bc1, c.s / c.bc2))
        ),
        "you stepped with the old moments.  Update m and s first, "
        "then step with the new ones: m_hat = m_new / (1 - beta1**t).",
    ),
    (
        lambda c: close(c.theta_new, c.step(c.m_hat, c.s_hat, sign=1.0)),
        "you moved *uphill*: subtract the step, theta_new = theta - "
        "lr * m_hat / (np.sqrt(s_hat) + eps).",
    ),
    (
        lambda c: close(c.theta_new, c.step(c.m_hat, c.s_hat, e=0.0)),
        "add eps after the square root: m_hat / (np.sqrt(s_hat) + eps).",
    ),
    (
        lambda c: c.lr != 1 and close(c.theta_new, c.step(c.m_hat, c.s_hat, rate=1.0)),
        "multiply the step by the learning rate lr.",
    ),
)

_ADAM_NAMES = ("theta", "grad", "m", "s", "t", "lr", "beta1", "beta2", "eps")
_ADAM_ORDER = ("theta_new", "m_new", "s_new")


def _adam_context(args: tuple, out: tuple) -> Case:
    """Everything the mistake tables look at, for one case."""
    theta, grad, m, s, t, lr = args[:6]
    beta1, beta2, eps = args[6:] if len(args) == 9 else (0.9, 0.999, 1e-8)
    theta_ref, m_ref, s_ref = _adam_ref(theta, grad, m, s, t, lr, beta1, beta2, eps)
    bc1, bc2 = 1 - beta1**t, 1 - beta2**t

    def step(m_hat, s_hat, *, inside=False, e=eps, sign=-1.0, rate=lr):
        den = np.sqrt(s_hat + e) if inside else np.sqrt(s_hat) + e
        return theta + sign * rate * m_hat / den

    return Case(
        theta=theta,
        grad=grad,
        m=m,
        s=s,
        t=t,
        lr=lr,
        beta1=beta1,
        beta2=beta2,
        eps=eps,
        theta_ref=theta_ref,
        m_ref=m_ref,
        s_ref=s_ref,
        bc1=bc1,
        bc2=bc2,
        m_hat=m_ref / bc1,
        s_hat=s_ref / bc2,
        step=step,
        out=out,
    )


def _adam_order(h: Check, c: Case) -> None:
    """Fail if the three results are the right arrays in the wrong order."""
    out, refs = c.out, (c.theta_ref, c.m_ref, c.s_ref)
    if not all(np.shape(o) == c.theta.shape for o in out) or all(
        close(o, r) for o, r in zip(out, refs)
    ):
        return
    for perm in itertools.permutations(range(3)):
        if all(close(out[k], refs[perm[k]]) for k in range(3)):
            h.fail(
                "your three results are in the wrong order.",
                hint=f"you returned ({', '.join(_ADAM_ORDER[k] for k in perm)}); "
                "return them as `return theta_new, m_new, s_new`.",
            )


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
    h = Check("check_adam_step")
    cases = _adam_cases()
    for case, args in cases:
        h.start(case, **dict(zip(_ADAM_NAMES, args)))
        out = h.unpack(
            h.call(
                fn,
                fp_hint=_adam_fp_hint,
                exc_hint=_adam_exception_hint,
                inplace_hint=_ADAM_INPLACE_HINT,
            ),
            _ADAM_ORDER,
        )
        c = _adam_context(args, out)
        _adam_order(h, c)
        c.theta_new, c.m_new, c.s_new = (
            h.array(
                o, what, c.theta.shape, shape_hint="theta, grad, m and s all have the same shape."
            )
            for o, what in zip(out, _ADAM_ORDER)
        )
        h.compare("m_new", c.m_new, c.m_ref, mistakes=_M_MISTAKES, c=c)
        h.compare("s_new", c.s_new, c.s_ref, mistakes=_S_MISTAKES, c=c)
        h.compare("theta_new", c.theta_new, c.theta_ref, mistakes=_THETA_MISTAKES, c=c)
    h.success(
        f"your update matches PyTorch's Adam on {len(cases)} cases, "
        "including the first step (t = 1), where the step is about "
        "lr * sign(grad)."
    )


_WEIGHT_DECAY_INPLACE_HINT = (
    "`grad += lam * theta` (or `theta *= lam`) writes into the caller's "
    "arrays (mk.SGD adds the decay in a scratch array for this reason).  "
    "Return a new array: `return grad + lam * theta`."
)

_WEIGHT_DECAY_MISTAKES: tuple[Mistake, ...] = (
    (
        lambda c: close(c.got, c.grad + c.lam / 2 * c.theta),
        "the derivative of (lam/2) theta^2 is lam theta: the 2 of "
        "the square cancels the 1/2, so the gradient is grad + lam * theta.",
    ),
    (
        lambda c: close(c.got, c.grad - c.lam * c.theta),
        "check the sign: the penalty grows with theta, so its "
        "gradient +lam * theta is *added*: grad + lam * theta.  The "
        "minus sign belongs to the step, theta - lr * gradient.",
    ),
    (
        lambda c: close(c.got, c.lam * c.theta),
        "you returned only the penalty's gradient; add the loss's gradient: grad + lam * theta.",
    ),
    (
        lambda c: close(c.got, c.grad + 2 * c.lam * c.theta),
        "the penalty is (lam/2) ||theta||^2, whose gradient is lam * theta, not 2 * lam * theta.",
    ),
    (
        lambda c: close(c.got, c.grad + c.lam * c.grad),
        "the decay is proportional to the parameters, not to the gradient: grad + lam * theta.",
    ),
    (
        lambda c: close(c.got, c.grad + c.lam * np.sign(c.theta)),
        "lam * sign(theta) is the gradient of the L1 penalty "
        "lam * |theta|; weight decay is L2: grad + lam * theta.",
    ),
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
    h = Check("check_weight_decay_gradient")
    rng = np.random.default_rng(SEED + 11)
    cases = [
        ("3 parameters, lam = 0.1", rng.normal(size=3), rng.normal(size=3), 0.1),
        (
            "one parameter by hand: grad = 0.5, theta = 2, lam = 0.1 (result 0.7)",
            np.array([0.5]),
            np.array([2.0]),
            0.1,
        ),
        (
            "lam = 0 (no decay: the gradient is unchanged)",
            rng.normal(size=4),
            rng.normal(size=4),
            0.0,
        ),
        (
            "a (2, 3) weight matrix, lam = 0.01",
            rng.normal(size=(2, 3)),
            rng.normal(0.0, 5.0, size=(2, 3)),
            0.01,
        ),
        (
            "a zero gradient, lam = 0.5 (only the decay is left)",
            np.zeros(4),
            rng.normal(size=4),
            0.5,
        ),
    ]
    for case, grad, theta, lam in cases:
        h.start(case, grad=grad, theta=theta, lam=lam)
        got = h.array(
            h.call(fn, inplace_hint=_WEIGHT_DECAY_INPLACE_HINT),
            "the gradient",
            theta.shape,
            shape_hint="the gradient has the shape of theta and grad.",
        )
        h.compare(
            "the gradient",
            got,
            grad + lam * theta,
            mistakes=_WEIGHT_DECAY_MISTAKES,
            c=Case(got=got, grad=grad, theta=theta, lam=lam),
        )
    h.success(
        f"your gradient matches grad + lam * theta on {len(cases)} "
        "cases, including lam = 0 and a zero gradient, and leaves "
        "grad untouched."
    )
