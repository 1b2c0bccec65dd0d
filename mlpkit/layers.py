"""Vectorised layers: each ``backward`` sits next to its ``forward``.

Rows are examples: a batch ``X`` has shape ``(n, features)``.  A layer caches
only what its backward pass needs, and ``backward(dY)`` turns the gradient of
the loss with respect to the layer's output, ``dY``, into the gradient with
respect to its input, ``dX``, filling ``p.grad`` for each of its parameters.

Gradients are *assigned*, not accumulated: ``W.grad`` holds the gradient of the
last backward pass.  That is exact here because every parameter is used once
per forward pass (no weight sharing); ``zero_grad`` exists for symmetry with
the optimisers and with PyTorch.
"""
from __future__ import annotations

import numbers

import numpy as np

from .functional import sigmoid

INITS = ("he", "glorot", "xavier", "normal")


def _check_width(name: str, n) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"{name} must be a positive integer, got {n!r}")
    return int(n)


def _check_dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in (np.float32, np.float64):
        got = dt if dt is not None else repr(dtype)
        raise ValueError(f"dtype must be np.float32 or np.float64, got {got}")
    return dt


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
    """

    def forward(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dY: np.ndarray, need_input_grad: bool = True):
        raise NotImplementedError

    _cache_attrs: tuple[str, ...] = ()     # names of the arrays kept for backward

    def parameters(self) -> list[Parameter]:
        return []

    def cached(self) -> dict[str, np.ndarray]:
        """The arrays this layer keeps from ``forward`` for ``backward``, by name.

        Empty before the first forward pass.  ``sum(a.nbytes for a in
        layer.cached().values())`` is the memory the layer holds for a batch.
        """
        return {name.lstrip("_"): getattr(self, name) for name in self._cache_attrs
                if getattr(self, name, None) is not None}

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad[...] = 0

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return self.forward(X)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _not_run(self):
        return RuntimeError(f"{self!r}.backward was called before forward; "
                            "call forward(X) first so the layer can cache what it needs")


def init_weights(n_in: int, n_out: int, init: str, rng: np.random.Generator,
                 scale: float = 0.01) -> np.ndarray:
    """Draw a float64 weight matrix of shape (n_in, n_out).

    ``"he"``: normal, std ``sqrt(2 / n_in)`` (for ReLU).  ``"glorot"`` or
    ``"xavier"``: uniform on ``±sqrt(6 / (n_in + n_out))`` (for tanh, sigmoid).
    ``"normal"``: normal with std ``scale``.
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"pass rng=np.random.default_rng(seed) to draw the weights, got {rng!r}")
    if init == "he":
        return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
    if init in ("glorot", "xavier"):
        a = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-a, a, size=(n_in, n_out))
    if init == "normal":
        if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not 0 <= scale < np.inf:
            raise ValueError(f"scale (the standard deviation) must be a finite number >= 0, "
                             f"got {scale!r}")
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

    def __init__(self, n_in: int, n_out: int, rng: np.random.Generator | None = None,
                 dtype=np.float64, init: str = "glorot", scale: float = 0.01):
        n_in, n_out = _check_width("n_in", n_in), _check_width("n_out", n_out)
        dtype = _check_dtype(dtype)
        W = init_weights(n_in, n_out, init, rng, scale).astype(dtype)
        self.W = Parameter(W, "W")
        self.b = Parameter(np.zeros(n_out, dtype=dtype), "b")
        self.n_in, self.n_out = n_in, n_out
        self._X = None

    def forward(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_in:
            raise ValueError(f"Linear(n_in={self.n_in}) expected X of shape (n, {self.n_in}), "
                             f"got {X.shape}")
        if X.dtype.kind not in "biuf":
            raise TypeError(f"Linear expected numeric X, got dtype {X.dtype}")
        if X.dtype != self.W.data.dtype:
            X = X.astype(self.W.data.dtype)
        self._X = X                                   # cache only what backward needs
        return X @ self.W.data + self.b.data          # (n, n_out)

    def backward(self, dY: np.ndarray, need_input_grad: bool = True):
        if self._X is None:
            raise self._not_run()
        dY = np.asarray(dY)
        if dY.shape != (self._X.shape[0], self.n_out):
            raise ValueError(f"{self!r}.backward expected dY of shape ({self._X.shape[0]}, "
                             f"{self.n_out}) to match its output, got {dY.shape}")
        if dY.dtype != self.W.data.dtype:
            dY = dY.astype(self.W.data.dtype)
        np.matmul(self._X.T, dY, out=self.W.grad)    # dW = X^T dY   (n_in, n_out)
        np.sum(dY, axis=0, out=self.b.grad)          # db = sum over the batch  (n_out,)
        return dY @ self.W.data.T if need_input_grad else None   # dX (n, n_in)

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
        return dY * self._mask                       # dX = dY where X > 0, else 0


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
        return dY * (1 - self._Y * self._Y)          # tanh' = 1 - tanh^2


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
        return dY * self._Y * (1 - self._Y)          # sigma' = sigma (1 - sigma)


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


class Sequential(Layer):
    """Layers applied in order: ``forward`` left to right, ``backward`` right to left.

    ``backward(dY, need_input_grad=False)`` stops at the first layer that has
    parameters and asks it not to compute ``dX``: nothing needs the gradient
    with respect to the training data.
    """

    def __init__(self, *layers: Layer):
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"Sequential expects Layer objects, got {type(layer).__name__} "
                                f"at position {i}")
        self.layers = list(layers)

    def forward(self, X: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, dY: np.ndarray, need_input_grad: bool = True):
        first = 0
        if not need_input_grad:      # skip layers below the first one with parameters
            first = next((i for i, l in enumerate(self.layers) if l.parameters()), 0)
        for i in range(len(self.layers) - 1, first - 1, -1):
            dY = self.layers[i].backward(dY, need_input_grad=need_input_grad or i > first)
        return dY

    def parameters(self) -> list[Parameter]:
        return [p for layer in self.layers for p in layer.parameters()]

    def cached(self) -> dict[str, np.ndarray]:
        """Every layer's cached arrays, keyed ``"<index>.<name>"`` (e.g. ``"0.X"``)."""
        return {f"{i}.{name}": a for i, layer in enumerate(self.layers)
                for name, a in layer.cached().items()}

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, i: int) -> Layer:
        return self.layers[i]

    def __repr__(self) -> str:
        inner = ",\n".join(f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"{type(self).__name__}(\n{inner}\n)"
