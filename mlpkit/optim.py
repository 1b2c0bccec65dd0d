"""Optimisers: they hold the Parameters, read ``p.grad`` in ``step()`` and update
``p.data`` in place, with the same update rules (and numbers) as PyTorch."""
from __future__ import annotations

import math
import numbers

import numpy as np

from .layers import Parameter


def _check(name: str, value, low: float, high: float = math.inf, *, low_open: bool = False):
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value > low if low_open else value >= low) and value < high
    if not ok:
        lo = "(" if low_open else "["
        raise ValueError(f"{name} must be a finite number in {lo}{low}, {high}), got {value!r}")
    return float(value)


class Optimizer:
    """Base class.  ``params``: list of :class:`Parameter`; ``lr`` > 0."""

    def __init__(self, params, lr: float):
        try:
            self.params = list(params)
        except TypeError:
            self.params = []
        if not self.params or not all(isinstance(p, Parameter) for p in self.params):
            raise TypeError(f"{type(self).__name__} expects a non-empty list of Parameters, "
                            f"e.g. model.parameters(), got {type(params).__name__}")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError(f"{type(self).__name__} got the same Parameter more than once; "
                             "it would be updated twice per step")
        self.lr = _check("lr (the learning rate)", lr, 0.0, low_open=True)
        self._tmp = [np.empty_like(p.data) for p in self.params]   # scratch, no per-step allocation

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad[...] = 0

    def step(self) -> None:
        raise NotImplementedError

    def _grad(self, p: Parameter, out: np.ndarray) -> np.ndarray:
        """``g + weight_decay * p`` (L2 added to the gradient, as PyTorch does)."""
        if self.weight_decay == 0:
            return p.grad
        g = np.multiply(p.data, self.weight_decay, out=out)
        g += p.grad
        return g


class SGD(Optimizer):
    """Stochastic gradient descent with optional heavy-ball momentum.

    With ``g = p.grad (+ weight_decay * p)``: ``v = momentum * v + g`` and
    ``p -= lr * v`` (PyTorch ``SGD`` with ``dampening=0, nesterov=False``).  ``v``
    starts at zero, so the first step has ``v = g`` exactly as in PyTorch.
    """

    def __init__(self, params, lr: float, momentum: float = 0.0, weight_decay: float = 0.0):
        super().__init__(params, lr)
        self.momentum = _check("momentum", momentum, 0.0, 1.0)
        self.weight_decay = _check("weight_decay", weight_decay, 0.0)
        self._v = [np.zeros_like(p.data) for p in self.params] if self.momentum else None

    def step(self) -> None:
        for i, p in enumerate(self.params):
            g = self._grad(p, out=self._tmp[i])
            if self._v is not None:
                v = self._v[i]
                v *= self.momentum
                v += g                               # v = mu v + g
                g = v
            p.data -= np.multiply(g, self.lr, out=self._tmp[i])   # p -= lr v


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction, PyTorch's defaults and order.

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g^2``, then
    ``p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)``, i.e.
    ``lr * m_hat / (sqrt(v_hat) + eps)``, eps added after the square root.
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (_check("betas[0]", betas[0], 0.0, 1.0), _check("betas[1]", betas[1], 0.0, 1.0))
        self.eps = _check("eps", eps, 0.0)
        self.weight_decay = _check("weight_decay", weight_decay, 0.0)
        self.t = 0
        self._m = [np.zeros_like(p.data) for p in self.params]
        self._v = [np.zeros_like(p.data) for p in self.params]
        self._g = [np.empty_like(p.data) for p in self.params] if self.weight_decay else None

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        step_size = self.lr / (1 - b1 ** self.t)
        sqrt_bc2 = math.sqrt(1 - b2 ** self.t)
        for i, p in enumerate(self.params):
            g = self._grad(p, out=self._g[i] if self._g else None)
            m, v, tmp = self._m[i], self._v[i], self._tmp[i]
            m *= b1
            m += np.multiply(g, 1 - b1, out=tmp)          # m = b1 m + (1 - b1) g
            v *= b2
            v += np.multiply(np.multiply(g, g, out=tmp), 1 - b2, out=tmp)  # v = b2 v + (1 - b2) g^2
            np.sqrt(v, out=tmp)
            tmp /= sqrt_bc2
            tmp += self.eps                               # denominator sqrt(v_hat) + eps
            np.divide(m, tmp, out=tmp)
            tmp *= step_size
            p.data -= tmp
