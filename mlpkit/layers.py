"""Vectorised layers: each ``backward`` sits next to its ``forward``.

Rows are examples: a batch ``X`` has shape ``(n, features)``.  A layer caches
only what its backward pass needs, and ``backward(dY)`` turns the gradient of
the loss with respect to the layer's output, ``dY``, into the gradient with
respect to its input, ``dX``, filling ``p.grad`` for each of its parameters.

Gradients are *assigned*, not accumulated: ``W.grad`` holds the gradient of the
last backward pass.  That is exact here because every parameter is used once
per forward pass (no weight sharing); ``zero_grad`` exists for symmetry with
the optimisers and with PyTorch.

Every layer has a ``training`` flag, set by ``train()`` and ``eval()`` as in
PyTorch; only :class:`Dropout` behaves differently in the two modes.
``state_dict()`` / ``load_state_dict()`` copy the parameters out and back in.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .functional import sigmoid
from .validation import check_dtype, check_positive_int, check_real, check_rng

INITS = ("he", "glorot", "xavier", "normal")


class Parameter:
    """A trainable array ``data`` and its gradient ``grad`` (same shape and dtype)."""

    def __init__(self, data: np.ndarray, name: str = ""):
        self.data = data
        self.grad = np.zeros_like(data)
        self.name = name

    @property
    def shape(self) -> tuple:
        return self.data.shape

    def __repr__(self) -> str:
        return f"Parameter({self.name!r}, shape={self.data.shape}, dtype={self.data.dtype})"


class Layer:
    """Base class: ``forward(X)``, ``backward(dY)``, ``parameters()``.

    ``backward(dY, need_input_grad=True)`` returns ``dX``; a layer with
    parameters may skip computing ``dX`` (and return ``None``) when
    ``need_input_grad`` is False, as :func:`mlpkit.fit` asks of the first layer.

    ``training`` is True after ``train()`` (the default) and False after
    ``eval()``; containers pass the call on to their layers.
    """

    training: bool = True

    def train(self, mode: bool = True) -> Layer:
        """Put the layer in training mode (``mode=False``: evaluation mode); return it."""
        if not isinstance(mode, (bool, np.bool_)):
            raise TypeError(f"train(mode) expects True or False, got {mode!r}")
        self.training = bool(mode)
        return self

    def eval(self) -> Layer:
        """Evaluation mode (``train(False)``): Dropout passes its input through."""
        return self.train(False)

    def _named_parameters(self) -> list[tuple[str, Parameter]]:
        params = self.parameters()
        names = [p.name for p in params]
        if all(names) and len(set(names)) == len(names):
            return list(zip(names, params))
        return [(f"param_{i}", p) for i, p in enumerate(params)]

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of the parameters, by name: ``{"W": array, "b": array}`` for a Linear,
        ``{"0.W": ..., "0.b": ..., "2.W": ...}`` for a Sequential (layer index, then name).

        Numpy arrays only, so ``np.savez(path, **model.state_dict())`` stores
        it and ``model.load_state_dict(np.load(path))`` reads it back.
        """
        return {name: p.data.copy() for name, p in self._named_parameters()}

    def load_state_dict(self, state_dict) -> None:
        """Copy arrays from ``state_dict`` (as returned by :meth:`state_dict`) into the
        parameters, in place.

        The keys must match exactly and every array must have its parameter's
        shape and dtype; everything is checked before anything is written, so
        a bad dict leaves the model unchanged (``ValueError`` / ``TypeError``).
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict expects a dict of arrays (from state_dict()), "
                f"got {type(state_dict).__name__}"
            )
        named = self._named_parameters()
        expected, got = [n for n, _ in named], list(state_dict.keys())
        if set(got) != set(expected):
            missing = [k for k in expected if k not in state_dict]
            extra = [k for k in got if k not in set(expected)]
            raise ValueError(
                f"load_state_dict: keys do not match this {type(self).__name__}; "
                f"missing {missing}, unexpected {extra}"
            )
        arrays = {}
        for name, p in named:
            a = state_dict[name]
            if not isinstance(a, np.ndarray):
                raise TypeError(
                    f"load_state_dict: {name!r} must be a numpy array, got {type(a).__name__}"
                )
            if a.shape != p.data.shape or a.dtype != p.data.dtype:
                raise ValueError(
                    f"load_state_dict: {name!r} should be {p.data.dtype} of shape "
                    f"{p.data.shape}, got {a.dtype} of shape {a.shape}"
                )
            arrays[name] = a
        for name, p in named:
            p.data[...] = arrays[name]

    def forward(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dY: np.ndarray, need_input_grad: bool = True):
        raise NotImplementedError

    _cache_attrs: tuple[str, ...] = ()  # names of the arrays kept for backward

    def parameters(self) -> list[Parameter]:
        return []

    def cached(self) -> dict[str, np.ndarray]:
        """The arrays this layer keeps from ``forward`` for ``backward``, by name.

        Empty before the first forward pass.  ``sum(a.nbytes for a in
        layer.cached().values())`` is the memory the layer holds for a batch.
        """
        return {
            name.lstrip("_"): getattr(self, name)
            for name in self._cache_attrs
            if getattr(self, name, None) is not None
        }

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad[...] = 0

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return self.forward(X)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _not_run(self):
        return RuntimeError(
            f"{self!r}.backward was called before forward; "
            "call forward(X) first so the layer can cache what it needs"
        )


def init_weights(
    n_in: int, n_out: int, init: str, rng: np.random.Generator, scale: float = 0.01
) -> np.ndarray:
    """Draw a float64 weight matrix of shape (n_in, n_out).

    ``"he"``: normal, std ``sqrt(2 / n_in)`` (for ReLU).  ``"glorot"`` or
    ``"xavier"``: uniform on ``±sqrt(6 / (n_in + n_out))``, derived for
    tanh (symmetric, slope 1 at 0); also the default here for sigmoid, which it does not fit
    as well (chapter 5).
    ``"normal"``: normal with std ``scale``.
    """
    check_rng("rng", rng)
    if not isinstance(init, str):
        raise TypeError(f"init must be one of {INITS}, got {type(init).__name__} {init!r}")
    if init == "he":
        return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
    if init in ("glorot", "xavier"):
        a = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-a, a, size=(n_in, n_out))
    if init == "normal":
        check_real("scale (the standard deviation)", scale, low=0.0)
        return rng.normal(0.0, scale, size=(n_in, n_out))
    raise ValueError(f"init must be one of {INITS}, got {init!r}")


class Linear(Layer):
    """Affine map ``Y = X @ W + b``.  X: (n, n_in) -> Y: (n, n_out).

    ``W`` has shape (n_in, n_out), drawn with ``rng`` (see :func:`init_weights`,
    drawn in float64 then rounded to ``dtype``); ``b`` has shape (n_out,), zeros.
    ``X`` of another dtype is cast to ``dtype`` (one copy), so a float32 layer
    computes in float32.  Caches ``X``: ``n_in * itemsize`` bytes per example.
    """

    _cache_attrs = ("_X",)

    def __init__(
        self,
        n_in: int,
        n_out: int,
        rng: np.random.Generator | None = None,
        dtype=np.float64,
        init: str = "glorot",
        scale: float = 0.01,
    ):
        n_in, n_out = check_positive_int("n_in", n_in), check_positive_int("n_out", n_out)
        dtype = check_dtype(dtype)
        W = init_weights(n_in, n_out, init, rng, scale).astype(dtype)
        self.W = Parameter(W, "W")
        self.b = Parameter(np.zeros(n_out, dtype=dtype), "b")
        self.n_in, self.n_out = n_in, n_out
        self._X = None

    def forward(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_in:
            raise ValueError(
                f"Linear(n_in={self.n_in}) expected X of shape (n, {self.n_in}), got {X.shape}"
            )
        if X.dtype.kind not in "biuf":
            raise TypeError(f"Linear expected numeric X, got dtype {X.dtype}")
        if X.dtype != self.W.data.dtype:
            X = X.astype(self.W.data.dtype)
        self._X = X  # cache only what backward needs
        Y = X @ self.W.data  # (n, n_out)
        Y += self.b.data  # in place: no second (n, n_out) array
        return Y

    def backward(self, dY: np.ndarray, need_input_grad: bool = True):
        if self._X is None:
            raise self._not_run()
        dY = np.asarray(dY)
        if dY.shape != (self._X.shape[0], self.n_out):
            raise ValueError(
                f"{self!r}.backward expected dY of shape ({self._X.shape[0]}, "
                f"{self.n_out}) to match its output, got {dY.shape}"
            )
        if dY.dtype != self.W.data.dtype:
            dY = dY.astype(self.W.data.dtype)
        np.matmul(self._X.T, dY, out=self.W.grad)  # dW = X^T dY   (n_in, n_out)
        np.sum(dY, axis=0, out=self.b.grad)  # db = sum over the batch  (n_out,)
        return dY @ self.W.data.T if need_input_grad else None  # dX (n, n_in)

    def parameters(self) -> list[Parameter]:
        return [self.W, self.b]

    def __repr__(self) -> str:
        return f"Linear({self.n_in}, {self.n_out})"


class ReLU(Layer):
    """``max(X, 0)``, any shape.  Caches a boolean mask: 1 byte per feature per example."""

    _cache_attrs = ("_mask",)

    def __init__(self):
        self._mask = None

    def forward(self, X: np.ndarray) -> np.ndarray:
        self._mask = X > 0
        return np.maximum(X, 0)

    def backward(self, dY: np.ndarray, need_input_grad: bool = True) -> np.ndarray:
        if self._mask is None:
            raise self._not_run()
        return dY * self._mask  # dX = dY where X > 0, else 0


class Tanh(Layer):
    """``tanh(X)``, any shape.  Caches its output: ``itemsize`` bytes per feature per example."""

    _cache_attrs = ("_Y",)

    def __init__(self):
        self._Y = None

    def forward(self, X: np.ndarray) -> np.ndarray:
        self._Y = np.tanh(X)
        return self._Y

    def backward(self, dY: np.ndarray, need_input_grad: bool = True) -> np.ndarray:
        if self._Y is None:
            raise self._not_run()
        return dY * (1 - self._Y * self._Y)  # tanh' = 1 - tanh^2


class Sigmoid(Layer):
    """Stable logistic ``sigmoid(X)``, any shape.  Caches its output (``itemsize`` bytes
    per feature per example)."""

    _cache_attrs = ("_Y",)

    def __init__(self):
        self._Y = None

    def forward(self, X: np.ndarray) -> np.ndarray:
        self._Y = sigmoid(X)
        return self._Y

    def backward(self, dY: np.ndarray, need_input_grad: bool = True) -> np.ndarray:
        if self._Y is None:
            raise self._not_run()
        return dY * self._Y * (1 - self._Y)  # sigma' = sigma (1 - sigma)


class Identity(Layer):
    """``Y = X``, any shape.  Caches nothing (0 bytes per example)."""

    def __init__(self):
        self._ran = False

    def forward(self, X: np.ndarray) -> np.ndarray:
        self._ran = True
        return X

    def backward(self, dY: np.ndarray, need_input_grad: bool = True) -> np.ndarray:
        if not self._ran:
            raise self._not_run()
        return dY


class Dropout(Layer):
    """Inverted dropout: in training mode, zero each entry with probability ``p``
    and scale the survivors by ``1 / (1 - p)``; in evaluation mode, the identity.

    The scaling keeps the expected output equal to the input, so nothing
    changes at test time (``torch.nn.Dropout``).  ``backward`` multiplies by
    the same mask (``dX = dY * mask / (1 - p)``).  Any shape.  Caches the
    scaled mask in training mode (``itemsize`` bytes per feature per example).

    Parameters
    ----------
    p : float
        Drop probability in [0, 1).
    rng : np.random.Generator
        Draws the masks (one fresh mask per forward call in training mode).
    """

    _cache_attrs = ("_mask",)

    def __init__(self, p: float, rng: np.random.Generator):
        self.p = check_real("p (the drop probability)", p, low=0.0, high=1.0, high_open=True)
        self.rng = check_rng("rng", rng)
        self._mask = None
        self._ran = False

    def forward(self, X: np.ndarray) -> np.ndarray:
        self._ran = True
        if not self.training or self.p == 0:
            self._mask = None
            return X
        X = np.asarray(X)
        dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
        keep = self.rng.random(X.shape, dtype=dtype) >= self.p  # kept with prob 1 - p
        self._mask = keep * dtype.type(1 / (1 - self.p))  # 0 or 1/(1-p)
        return X * self._mask

    def backward(self, dY: np.ndarray, need_input_grad: bool = True) -> np.ndarray:
        if not self._ran:
            raise self._not_run()
        if self._mask is None:  # evaluation mode, or p == 0
            return dY
        if np.shape(dY) != self._mask.shape:
            raise ValueError(
                f"{self!r}.backward expected dY of shape {self._mask.shape} to "
                f"match its output, got {np.shape(dY)}"
            )
        return dY * self._mask  # same mask as the forward pass

    def __repr__(self) -> str:
        return f"Dropout(p={self.p!r})"


class Sequential(Layer):
    """Layers applied in order: ``forward`` left to right, ``backward`` right to left.

    ``backward(dY, need_input_grad=False)`` stops at the first layer that has
    parameters and asks it not to compute ``dX``: nothing needs the gradient
    with respect to the training data.
    """

    def __init__(self, *layers: Layer):
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"Sequential expects Layer objects, got {type(layer).__name__} at position {i}"
                )
        self.layers = list(layers)

    def forward(self, X: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, dY: np.ndarray, need_input_grad: bool = True):
        first = 0
        if not need_input_grad:  # skip layers below the first one with parameters
            first = next((i for i, l in enumerate(self.layers) if l.parameters()), 0)
        for i in range(len(self.layers) - 1, first - 1, -1):
            dY = self.layers[i].backward(dY, need_input_grad=need_input_grad or i > first)
        return dY

    def parameters(self) -> list[Parameter]:
        return [p for layer in self.layers for p in layer.parameters()]

    def train(self, mode: bool = True) -> Sequential:
        """Set ``training`` on this container and on every layer in it; return it."""
        super().train(mode)
        for layer in self.layers:
            layer.train(mode)
        return self

    def _named_parameters(self) -> list[tuple[str, Parameter]]:
        return [
            (f"{i}.{name}", p)
            for i, layer in enumerate(self.layers)
            for name, p in layer._named_parameters()
        ]

    def cached(self) -> dict[str, np.ndarray]:
        """Every layer's cached arrays, keyed ``"<index>.<name>"`` (e.g. ``"0.X"``)."""
        return {
            f"{i}.{name}": a
            for i, layer in enumerate(self.layers)
            for name, a in layer.cached().items()
        }

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, i: int) -> Layer:
        return self.layers[i]

    def __repr__(self) -> str:
        inner = ",\n".join(f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"{type(self).__name__}(\n{inner}\n)"
