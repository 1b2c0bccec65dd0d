"""The multilayer perceptron: Linear, activation, ..., Linear (logits)."""
from __future__ import annotations

import numbers

import numpy as np

from .layers import INITS, Linear, ReLU, Sequential, Sigmoid, Tanh, _check_dtype

ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
AUTO_INIT = {"relu": "he", "tanh": "glorot", "sigmoid": "glorot"}


class MLP(Sequential):
    """A fully connected network ``Linear -> act -> ... -> Linear``.

    Parameters
    ----------
    sizes : list of int
        Widths ``[n_in, hidden_1, ..., n_out]``, at least two.  X: (n, sizes[0])
        -> logits: (n, sizes[-1]).  The last layer is linear: losses take logits.
    activation : {"relu", "tanh", "sigmoid"}
        Hidden activation.
    rng : np.random.Generator
        Draws the weights; required (pass ``np.random.default_rng(seed)``).
    dtype : np.float64 or np.float32
        Dtype of every parameter, output and gradient.  Input of another dtype
        is cast once by the first Linear layer.
    init : {"auto", "he", "glorot", "xavier", "normal"}
        Weight initialisation; "auto" is "he" for relu, "glorot" otherwise.
        Biases start at zero.
    scale : float
        Standard deviation for ``init="normal"``.
    """

    def __init__(self, sizes, activation: str = "relu", rng: np.random.Generator | None = None,
                 dtype=np.float64, init: str = "auto", scale: float = 0.01):
        sizes = list(sizes) if isinstance(sizes, (list, tuple, np.ndarray)) else sizes
        if not isinstance(sizes, list) or len(sizes) < 2:
            raise ValueError(f"sizes must be a list of at least two widths [n_in, ..., n_out], "
                             f"got {sizes!r}")
        for s in sizes:
            if not isinstance(s, numbers.Integral) or isinstance(s, bool) or s <= 0:
                raise ValueError(f"every width in sizes must be a positive integer, got {s!r} "
                                 f"in {sizes!r}")
        if not isinstance(activation, str) or activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        if not isinstance(init, str) or (init != "auto" and init not in INITS):
            raise ValueError(f"init must be one of {('auto',) + INITS}, got {init!r}")
        dtype = _check_dtype(dtype)
        if rng is None:
            raise ValueError("MLP needs rng=np.random.default_rng(seed) to draw its weights; "
                             "mlpkit never seeds a global generator")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a np.random.Generator, got {type(rng).__name__}; "
                            "pass rng=np.random.default_rng(seed)")
        self.sizes = [int(s) for s in sizes]
        self.activation = activation
        self.dtype = dtype
        how = AUTO_INIT[activation] if init == "auto" else init
        layers = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            layers += [Linear(n_in, n_out, rng=rng, dtype=dtype, init=how, scale=scale),
                       ACTIVATIONS[activation]()]
        super().__init__(*layers[:-1])               # no activation after the last Linear

    @property
    def n_params(self) -> int:
        """Total number of trainable scalars."""
        return sum(p.data.size for p in self.parameters())

    def count_parameters(self) -> int:
        return self.n_params

    def __repr__(self) -> str:
        arch = " -> ".join(repr(layer) if isinstance(layer, Linear) else type(layer).__name__
                           for layer in self.layers)
        return (f"MLP({self.sizes}, activation={self.activation!r}, dtype={self.dtype.name})"
                f"  # {arch}; {self.n_params} parameters")
