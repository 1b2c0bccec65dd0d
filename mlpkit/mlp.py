"""The multilayer perceptron: Linear, activation, (Dropout,) ..., Linear (logits)."""

from __future__ import annotations

import numpy as np

from . import activations
from .layers import INITS, Dropout, Linear, Sequential
from .validation import check_dtype, check_positive_int, check_real, check_rng


def check_sizes(sizes) -> list[int]:
    """``sizes`` as a list of at least two positive ints ``[n_in, ..., n_out]``.

    ``TypeError`` if it is not a list/tuple/1-D array of ints, ``ValueError``
    if it is too short or a width is below 1.
    """
    if isinstance(sizes, (tuple, np.ndarray)):
        sizes = list(sizes)
    if not isinstance(sizes, list):
        raise TypeError(
            f"sizes must be a list of at least two widths [n_in, ..., n_out], "
            f"got {type(sizes).__name__} {sizes!r:.60}"
        )
    if len(sizes) < 2:
        raise ValueError(
            f"sizes must be a list of at least two widths [n_in, ..., n_out], got {sizes!r}"
        )
    return [check_positive_int(f"every width in sizes (here {sizes!r:.50})", s) for s in sizes]


class MLP(Sequential):
    """A fully connected network ``Linear -> act [-> Dropout] -> ... -> Linear``.

    Parameters
    ----------
    sizes : list of int
        Widths ``[n_in, hidden_1, ..., n_out]``, at least two.  X: (n, sizes[0])
        -> logits: (n, sizes[-1]).  The last layer is linear: losses take logits.
    activation : str
        Hidden activation, a name in :mod:`mlpkit.activations` that has a layer
        (``"relu"``, ``"tanh"``, ``"sigmoid"``, ``"identity"``).
    rng : np.random.Generator
        Draws the weights (and, with ``dropout``, the dropout masks); required
        (pass ``np.random.default_rng(seed)``).
    dtype : np.float64 or np.float32
        Dtype of every parameter, output and gradient.  Input of another dtype
        is cast once by the first Linear layer.
    init : {"auto", "he", "glorot", "xavier", "normal"}
        Weight initialisation; "auto" is "he" for relu, "glorot" otherwise.
        Biases start at zero.
    scale : float
        Standard deviation for ``init="normal"``.
    dropout : float
        Drop probability in [0, 1) of a :class:`Dropout` layer inserted after
        every hidden activation; 0 (the default) inserts none.
    """

    def __init__(
        self,
        sizes,
        activation: str = "relu",
        rng: np.random.Generator | None = None,
        dtype=np.float64,
        init: str = "auto",
        scale: float = 0.01,
        dropout: float = 0.0,
    ):
        sizes = check_sizes(sizes)
        act = activations.get(activation, need="layer")
        if not isinstance(init, str):
            raise TypeError(
                f"init must be one of {('auto',) + INITS}, got {type(init).__name__} {init!r}"
            )
        if init != "auto" and init not in INITS:
            raise ValueError(f"init must be one of {('auto',) + INITS}, got {init!r}")
        dtype = check_dtype(dtype)
        check_rng("rng (MLP draws its weights with it; mlpkit never seeds a global generator)", rng)
        dropout = check_real(
            "dropout (the drop probability)", dropout, low=0.0, high=1.0, high_open=True
        )
        self.sizes = sizes
        self.activation = activation
        self.dtype = dtype
        self.dropout = dropout
        how = act.init if init == "auto" else init
        layers = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            if layers:  # after every hidden activation
                layers.append(act.layer())
                if dropout:
                    layers.append(Dropout(dropout, rng))
            layers.append(Linear(n_in, n_out, rng=rng, dtype=dtype, init=how, scale=scale))
        super().__init__(*layers)

    @property
    def n_params(self) -> int:
        """Total number of trainable scalars."""
        return sum(p.data.size for p in self.parameters())

    def __repr__(self) -> str:
        arch = " -> ".join(
            repr(layer) if isinstance(layer, (Linear, Dropout)) else type(layer).__name__
            for layer in self.layers
        )
        drop = f", dropout={self.dropout!r}" if self.dropout else ""
        return (
            f"MLP({self.sizes}, activation={self.activation!r}, dtype={self.dtype.name}"
            f"{drop})  # {arch}; {self.n_params} parameters"
        )
