"""The one table of activation functions.

Every part of mlpkit that needs to know about activations reads it from here:
the :class:`~mlpkit.MLP` builder and ``save``/``load`` (the layer class), the
scalar autograd engine (the name of the :class:`~mlpkit.Value` method),
``mk.plot.activations`` (the numpy function, its derivative and a label) and
``mk.check`` (the reference forward pass).

``ACTIVATIONS[name]`` is an :class:`Activation`.  Functions that are only
drawn, never trained (``"step"``, ``"softplus"``, ...), have ``layer=None``;
use :func:`get` with ``need="layer"`` or ``need="value_method"`` to ask for a
name that a network can actually use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .functional import sigmoid
from .layers import Identity, Layer, ReLU, Sigmoid, Tanh

__all__ = ["Activation", "ACTIVATIONS", "get", "names"]


class Activation(NamedTuple):
    """One row of the activation table."""

    name: str
    """Key in :data:`ACTIVATIONS` (``"relu"``)."""
    label: str
    """Display name for plots (``"ReLU"``)."""
    fn: Callable[[np.ndarray], np.ndarray]
    """Elementwise numpy function ``f(z)``."""
    derivative: Callable[[np.ndarray], np.ndarray]
    """Elementwise derivative ``f'(z)`` with respect to the input ``z``."""
    layer: type[Layer] | None
    """Layer class in :mod:`mlpkit.layers`, or None if there is none."""
    value_method: str | None
    """Name of the :class:`~mlpkit.Value` method, or None if there is none."""
    init: str | None
    """Weight initialisation that ``init="auto"`` picks for a layer before it."""
    formula: str
    """The numpy expression, as a hint in ``mk.check`` messages."""


def _relu(z):
    return np.maximum(z, 0.0)


def _d_sigmoid(z):
    s = sigmoid(z)
    return s * (1 - s)


def _gelu_inner(z):
    return 0.7978845608 * (z + 0.044715 * z**3)


def _gelu(z):
    return 0.5 * z * (1 + np.tanh(_gelu_inner(z)))


def _d_gelu(z):
    t = np.tanh(_gelu_inner(z))
    return 0.5 * (1 + t) + 0.5 * z * (1 - t**2) * 0.7978845608 * (1 + 3 * 0.044715 * z**2)


def _elu(z):
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))


def _d_elu(z):
    return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0)))


_A = Activation
ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        _A(
            "relu",
            "ReLU",
            _relu,
            lambda z: (z > 0).astype(float),
            ReLU,
            "relu",
            "he",
            "np.maximum(Z, 0)",
        ),
        _A(
            "tanh",
            "tanh",
            np.tanh,
            lambda z: 1 - np.tanh(z) ** 2,
            Tanh,
            "tanh",
            "glorot",
            "np.tanh(Z)",
        ),
        _A(
            "sigmoid",
            "sigmoid",
            sigmoid,
            _d_sigmoid,
            Sigmoid,
            "sigmoid",
            "glorot",
            "the stable sigmoid",
        ),
        _A("identity", "identity", lambda z: z, np.ones_like, Identity, None, "glorot", "Z"),
        _A(
            "leaky_relu",
            "leaky ReLU (0.1)",
            lambda z: np.where(z > 0, z, 0.1 * z),
            lambda z: np.where(z > 0, 1.0, 0.1),
            None,
            None,
            None,
            "np.where(Z > 0, Z, 0.1 * Z)",
        ),
        _A(
            "step",
            "step",
            lambda z: (z > 0).astype(float),
            np.zeros_like,
            None,
            None,
            None,
            "(Z > 0).astype(float)",
        ),
        _A(
            "softplus",
            "softplus",
            lambda z: np.logaddexp(0.0, z),
            sigmoid,
            None,
            None,
            None,
            "np.logaddexp(0, Z)",
        ),
        _A("elu", "ELU", _elu, _d_elu, None, None, None, "np.where(Z > 0, Z, np.expm1(Z))"),
        _A(
            "gelu",
            "GELU (tanh approx.)",
            _gelu,
            _d_gelu,
            None,
            None,
            None,
            "0.5 * Z * (1 + np.tanh(0.79788 * (Z + 0.044715 * Z**3)))",
        ),
    )
}
del _A


def names(need: str | None = None) -> list[str]:
    """Sorted names in the table; with ``need="layer"`` or ``"value_method"`` only
    those that have one."""
    if need is None:
        return sorted(ACTIVATIONS)
    if need not in ("layer", "value_method"):
        raise ValueError(f"need must be None, 'layer' or 'value_method', got {need!r}")
    return sorted(k for k, a in ACTIVATIONS.items() if getattr(a, need) is not None)


def get(name: str, *, need: str | None = None, arg: str = "activation") -> Activation:
    """The table row for ``name``.

    ``TypeError`` if ``name`` is not a string; ``ValueError`` naming the valid
    choices if it is unknown, or if ``need`` (``"layer"`` or ``"value_method"``)
    asks for something this activation does not have.  ``arg`` is the argument
    name used in the message.
    """
    valid = names(need)
    if not isinstance(name, str):
        raise TypeError(
            f"{arg} must be a string, one of {valid}, got {type(name).__name__} {name!r}"
        )
    if name not in valid:
        raise ValueError(f"{arg} must be one of {valid}, got {name!r}")
    return ACTIVATIONS[name]
