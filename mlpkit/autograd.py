"""A scalar autograd engine: ``Value``, and a tiny neural network built from it.

Every arithmetic operation on a :class:`Value` returns a new ``Value`` that
remembers its inputs (``_prev``), the operation (``op``) and a closure
``_backward(g)`` that applies the chain rule for that one operation: given
``g = dL/d(out)`` it adds ``d(out)/d(input) * g`` to each input's ``.grad``.
The closure sits right next to the forward computation, so each local
derivative can be read off in one line.  :meth:`Value.backward` visits the
graph in reverse topological order and calls every closure once.

The design follows Andrej Karpathy's micrograd, with two changes: the
topological order is computed with an explicit stack, not by recursion, so a
graph tens of thousands of operations deep backpropagates without hitting
Python's recursion limit; and the closure receives ``g`` as an argument
instead of reading ``out.grad``, so a node and its closure do not refer to
each other and a graph is freed as soon as it is no longer used.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from . import activations
from .mlp import check_sizes
from .validation import check_positive_int, check_rng


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, inputs first and ``root`` last.

    Iterative depth-first search: a node is appended only after all of its
    children, so the list is a valid order for the forward pass and its
    reverse is a valid order for the backward pass.
    """
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))  # revisit after the children
            stack.extend((c, False) for c in node._prev if c not in seen)
    return order


def _to_float(x) -> float:
    if isinstance(x, np.ndarray) and x.ndim == 0:
        x = x.item()
    if isinstance(x, Value) or not isinstance(x, numbers.Real):
        shape = f" of shape {x.shape}" if isinstance(x, np.ndarray) else ""
        raise TypeError(
            "Value expects a real scalar (int, float or numpy scalar), "
            f"got {type(x).__name__}{shape}: {x!r:.60}"
        )
    return float(x)


def _as_value(x) -> Value:
    return x if isinstance(x, Value) else Value(x)


class Value:
    """A scalar that records how it was computed, so it can be differentiated.

    Parameters
    ----------
    data : int, float, numpy scalar or 0-d array
        The number.  Stored as a Python float in ``.data``.
    label : str, optional
        A name shown by :func:`mlpkit.draw_graph`.

    Attributes
    ----------
    data : float
        The value computed in the forward pass.
    grad : float
        ``dL/d(self)`` summed over every :meth:`backward` call since the
        gradients were last zeroed (they *accumulate*, as in micrograd and
        PyTorch).  When a value is used more than once (``a * a``, ``a + a``, or
        fan-out to several neurons), contributions are *added* with ``+=``: by
        the multivariable chain rule, the derivative of ``L`` with respect to
        ``a`` is the sum over every path from ``a`` to ``L``.  Overwriting
        instead would keep only the last path.
    op : str
        The operation that produced this value (``"+"``, ``"tanh"``, ...), or
        ``""`` for a leaf.

    Notes
    -----
    The graph is a record of one forward pass.  Changing a leaf's ``.data``
    afterwards does **not** recompute the values that depend on it; build a
    fresh expression instead.
    """

    __slots__ = ("data", "grad", "label", "_prev", "_op", "_backward")
    __array_ufunc__ = None  # make numpy defer to Value's reflected operators

    def __init__(self, data, _children: tuple = (), _op: str = "", label: str = ""):
        self.data = data if type(data) is float else _to_float(data)
        self.grad = 0.0
        self.label = label
        self._prev = tuple(_children)
        self._op = _op
        self._backward = lambda g: None

    @property
    def op(self) -> str:
        return self._op

    def __repr__(self) -> str:
        return f"Value(data={self.data!r}, grad={self.grad!r})"

    # ---- binary operations: forward, then the local chain rule ----------
    def __add__(self, other) -> Value:
        other = _as_value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward(g):  # d(a+b)/da = 1, d(a+b)/db = 1
            self.grad += g
            other.grad += g

        out._backward = _backward
        return out

    def __sub__(self, other) -> Value:
        other = _as_value(other)
        out = Value(self.data - other.data, (self, other), "-")

        def _backward(g):  # d(a-b)/da = 1, d(a-b)/db = -1
            self.grad += g
            other.grad -= g

        out._backward = _backward
        return out

    def __mul__(self, other) -> Value:
        other = _as_value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward(g):  # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * g
            other.grad += self.data * g

        out._backward = _backward
        return out

    def __truediv__(self, other) -> Value:
        other = _as_value(other)
        if other.data == 0:
            raise ZeroDivisionError(
                f"division by zero: {self.data!r} / {other!r}; the quotient "
                "and its derivative -a/b^2 are undefined at b = 0"
            )
        out = Value(self.data / other.data, (self, other), "/")

        def _backward(g):  # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
            self.grad += g / other.data
            other.grad -= self.data / other.data**2 * g

        out._backward = _backward
        return out

    def __pow__(self, k: int | float) -> Value:
        if isinstance(k, Value) or not isinstance(k, numbers.Real):
            raise TypeError(
                "Value ** k needs a constant int or float exponent k, got "
                f"{type(k).__name__}; for a variable exponent use (k * x.log()).exp()"
            )
        x = self.data
        if x < 0 and not float(k).is_integer():
            raise ValueError(f"negative base {x} with non-integer exponent {k}")
        if not math.isfinite(k):
            raise ValueError(f"Value ** k needs a finite exponent, got {k}")
        if x == 0 and k < 0:
            raise ZeroDivisionError(
                f"Value({x!r}) ** {k}: zero cannot be raised to a negative power"
            )
        if k == 0:
            d = 0.0  # x^0 = 1 is constant, also at x = 0
        elif x == 0 and k < 1:
            d = math.inf  # k x^(k-1) grows without bound near 0
        else:
            d = k * x ** (k - 1)  # d(x^k)/dx = k x^(k-1)
        out = Value(x**k, (self,), f"**{k:g}")

        def _backward(g):
            self.grad += d * g

        out._backward = _backward
        return out

    def __rpow__(self, base) -> Value:
        """``c ** v`` for a constant ``c > 0``: d(c^x)/dx = log(c) c^x."""
        if isinstance(base, bool) or not isinstance(base, numbers.Real):
            return NotImplemented
        c = float(base)
        if not (c > 0 and math.isfinite(c)):
            raise ValueError(
                f"c ** Value needs a finite base c > 0 (its derivative is log(c) c^x), got {base!r}"
            )
        try:
            y = c**self.data
        except OverflowError:
            raise OverflowError(f"{c!r} ** {self.data!r} is too large for a float") from None
        return self._unary(y, math.log(c) * y, f"{c:g}**")

    def __neg__(self) -> Value:
        out = Value(-self.data, (self,), "neg")

        def _backward(g):
            self.grad -= g

        out._backward = _backward
        return out

    # reflected forms: 2 + v, 2 * v, 1 - v, 1 / v
    def __radd__(self, other) -> Value:
        return _as_value(other) + self

    def __rmul__(self, other) -> Value:
        return _as_value(other) * self

    def __rsub__(self, other) -> Value:
        return _as_value(other) - self

    def __rtruediv__(self, other) -> Value:
        return _as_value(other) / self

    # ---- functions of one variable ---------------------------------------
    def _unary(self, y: float, dy_dx: float, op: str) -> Value:
        out = Value(y, (self,), op)

        def _backward(g):  # chain rule: dL/dx = dy/dx * dL/dy
            self.grad += dy_dx * g

        out._backward = _backward
        return out

    def exp(self) -> Value:
        try:
            e = math.exp(self.data)
        except OverflowError:  # above log(largest float) = 709.78...
            raise OverflowError(
                f"exp({self.data}) is too large for a float (exp overflows above "
                "709.78); subtract the largest logit first, as cross_entropy does"
            ) from None
        return self._unary(e, e, "exp")  # (e^x)' = e^x

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"log needs a positive value, got {self.data}")
        return self._unary(math.log(self.data), 1.0 / self.data, "log")

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return self._unary(t, 1.0 - t * t, "tanh")

    def relu(self) -> Value:
        x = self.data  # derivative at 0 taken as 0
        return self._unary(max(x, 0.0), 1.0 if x > 0 else 0.0, "relu")

    def sigmoid(self) -> Value:
        x = self.data  # two branches: exp never overflows
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return self._unary(s, s * (1.0 - s), "sigmoid")

    # ---- backward pass ----------------------------------------------------
    def backward(self) -> None:
        """Add ``d(self)/d(node)`` to ``.grad`` of every node in the graph.

        Gradients *accumulate*, as in micrograd and PyTorch: a second call (or
        a call on another output that shares leaves) adds to what is there.
        Call :meth:`zero_grad` (or ``ValueMLP.zero_grad()``, or set
        ``p.grad = 0.0``) before a fresh derivative.  The derivative of this
        call is computed on its own (seed ``d(self)/d(self) = 1``, chain rule
        back to the leaves) and then added, so a second call on the same
        graph adds exactly the same amounts again.  Nodes outside this graph
        are not touched.
        """
        order = topological_order(self)
        before = [node.grad for node in order]
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward(node.grad)
        for node, old in zip(order, before):
            node.grad += old

    def zero_grad(self) -> None:
        """Set ``.grad`` to zero on this node and every node it depends on."""
        for node in topological_order(self):
            node.grad = 0.0


def cross_entropy(logits: list, label: int) -> Value:
    """Softmax cross-entropy ``-log softmax(logits)[label]`` built from Values.

    Stable: the largest logit (a constant) is subtracted before ``exp``; this
    changes neither the loss nor its gradient.
    """
    if (
        isinstance(label, bool)
        or not isinstance(label, numbers.Integral)
        or not 0 <= label < len(logits)
    ):
        raise ValueError(f"label must be an int in [0, {len(logits)}), got {label!r}")
    logits = [_as_value(z) for z in logits]
    m = Value(max(z.data for z in logits), label="max")
    shifted = [z - m for z in logits]
    total = shifted[0].exp()
    for s in shifted[1:]:
        total = total + s.exp()
    return total.log() - shifted[int(label)]


def _check_activation(activation) -> str:
    """A name from :mod:`mlpkit.activations` that Value can compute, or "identity"."""
    if activation == "identity":
        return activation
    valid = activations.names("value_method") + ["identity"]
    if not isinstance(activation, str):
        raise TypeError(
            f"activation must be one of {valid}, got {type(activation).__name__} {activation!r}"
        )
    if activation not in valid:
        raise ValueError(f"activation must be one of {valid}, got {activation!r}")
    return activation


class Neuron:
    """One unit: ``activation(sum_i w_i x_i + b)``, with Value parameters.

    Parameters
    ----------
    n_in : int
        Number of inputs.
    activation : str
        ``"tanh"``, ``"relu"``, ``"sigmoid"`` (the :class:`Value` methods in
        :mod:`mlpkit.activations`) or ``"identity"`` (no activation).
    rng : np.random.Generator
        Draws the weights from ``N(0, 1/n_in)``; the bias starts at zero.
    """

    def __init__(
        self, n_in: int, activation: str = "tanh", *, rng: np.random.Generator | None = None
    ):
        n_in = check_positive_int("n_in (the number of inputs of a Neuron)", n_in)
        self.activation = _check_activation(activation)
        check_rng("rng (Neuron draws its weights with it)", rng)
        self._method = (
            activations.get(activation).value_method if activation != "identity" else None
        )
        self.w = [Value(x) for x in rng.normal(0.0, 1.0 / math.sqrt(n_in), size=n_in)]
        self.b = Value(0.0)

    def __call__(self, x: list) -> Value:
        if not hasattr(x, "__len__") or len(x) != len(self.w):
            got = f"{len(x)} inputs" if hasattr(x, "__len__") else f"{type(x).__name__} {x!r:.40}"
            raise ValueError(
                f"Neuron(n_in={len(self.w)}) expected a list of {len(self.w)} inputs, got {got}"
            )
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return z if self._method is None else getattr(z, self._method)()

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"Neuron(n_in={len(self.w)}, activation={self.activation!r})"


class ValueMLP:
    """A multilayer perceptron of :class:`Neuron` objects; last layer linear.

    ``sizes = [n_in, h1, ..., n_out]``.  Laid out like :class:`mlpkit.MLP`:
    neuron ``j`` of layer ``l`` holds column ``j`` of ``W_l`` (n_in, n_out).
    Calling the model on a list of ``n_in`` numbers returns a list of
    ``n_out`` Values, or a single :class:`Value` when ``n_out == 1``.
    Gradients accumulate across ``backward()`` calls: call :meth:`zero_grad`
    before each new one.
    """

    def __init__(
        self, sizes: list[int], activation: str = "relu", *, rng: np.random.Generator | None = None
    ):
        self.sizes = check_sizes(sizes)
        self.activation = _check_activation(activation)
        self.layers = [
            [
                Neuron(n_in, activation if l < len(sizes) - 2 else "identity", rng=rng)
                for _ in range(n_out)
            ]
            for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))
        ]

    def __repr__(self) -> str:
        return (
            f"ValueMLP({self.sizes}, activation={self.activation!r})  "
            f"# {len(self.parameters())} parameters"
        )

    @classmethod
    def from_arrays(cls, weights: list, biases: list, activation: str = "relu") -> ValueMLP:
        """Build from arrays ``W_l`` (n_in, n_out) and ``b_l`` (n_out,), e.g. an ``mk.MLP``'s."""
        if len(weights) != len(biases) or not weights:
            raise ValueError(
                f"need as many weights as biases (>= 1), got {len(weights)} and {len(biases)}"
            )
        for l, W in enumerate(weights, start=1):
            if np.ndim(W) != 2:
                raise ValueError(f"layer {l}: expected W of shape (n_in, n_out), got {np.shape(W)}")
        sizes = [np.shape(weights[0])[0]] + [np.shape(W)[1] for W in weights]
        model = cls(sizes, activation, rng=np.random.default_rng(0))
        for l, (W, b, layer) in enumerate(zip(weights, biases, model.layers), start=1):
            W, b = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
            if W.shape != (len(layer[0].w), len(layer)) or b.shape != (len(layer),):
                raise ValueError(
                    f"layer {l}: expected W {(len(layer[0].w), len(layer))} and b "
                    f"{(len(layer),)}, got {W.shape} and {b.shape}"
                )
            for j, neuron in enumerate(layer):
                neuron.w = [Value(W[i, j], label=f"W{l}[{i},{j}]") for i in range(W.shape[0])]
                neuron.b = Value(b[j], label=f"b{l}[{j}]")
        return model

    def __call__(self, x: list) -> Value | list[Value]:
        for layer in self.layers:
            x = [neuron(x) for neuron in layer]
        return x[0] if len(x) == 1 else x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for n in layer for p in n.parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0 (gradients accumulate otherwise)."""
        for p in self.parameters():
            p.grad = 0.0

    def _as_arrays(self, attr: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
        Ws = [np.array([[getattr(w, attr) for w in n.w] for n in layer]).T for layer in self.layers]
        bs = [np.array([getattr(n.b, attr) for n in layer]) for layer in self.layers]
        return Ws, bs

    def arrays(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Parameter values as ``([W1, W2, ...], [b1, b2, ...])``, W_l (n_in, n_out)."""
        return self._as_arrays("data")

    def grads_as_arrays(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Gradients as ``([dW1, ...], [db1, ...])``, shaped like the parameters."""
        return self._as_arrays("grad")
