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


def topological_order(root: "Value") -> list["Value"]:
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
            stack.append((node, True))          # revisit after the children
            stack.extend((c, False) for c in node._prev if c not in seen)
    return order


def _to_float(x) -> float:
    if isinstance(x, np.ndarray) and x.ndim == 0:
        x = x.item()
    if isinstance(x, Value) or not isinstance(x, numbers.Real):
        shape = f" of shape {x.shape}" if isinstance(x, np.ndarray) else ""
        raise TypeError("Value expects a real scalar (int, float or numpy scalar), "
                        f"got {type(x).__name__}{shape}: {x!r:.60}")
    return float(x)


def _as_value(x) -> "Value":
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
        ``dL/d(self)`` for the output ``L`` on which :meth:`backward` was last
        called.  When a value is used more than once (``a * a``, ``a + a``, or
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
    __array_ufunc__ = None      # make numpy defer to Value's reflected operators

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
        return f"Value(data={self.data:.4f}, grad={self.grad:.4f})"

    # ---- binary operations: forward, then the local chain rule ----------
    def __add__(self, other) -> Value:
        other = _as_value(other)
        out = Value(self.data + other.data, (self, other), "+")
        def _backward(g):                       # d(a+b)/da = 1, d(a+b)/db = 1
            self.grad += g
            other.grad += g
        out._backward = _backward
        return out

    def __sub__(self, other) -> Value:
        other = _as_value(other)
        out = Value(self.data - other.data, (self, other), "-")
        def _backward(g):                       # d(a-b)/da = 1, d(a-b)/db = -1
            self.grad += g
            other.grad -= g
        out._backward = _backward
        return out

    def __mul__(self, other) -> Value:
        other = _as_value(other)
        out = Value(self.data * other.data, (self, other), "*")
        def _backward(g):                       # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * g
            other.grad += self.data * g
        out._backward = _backward
        return out

    def __truediv__(self, other) -> Value:
        other = _as_value(other)
        out = Value(self.data / other.data, (self, other), "/")
        def _backward(g):                       # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
            self.grad += g / other.data
            other.grad -= self.data / other.data**2 * g
        out._backward = _backward
        return out

    def __pow__(self, k: int | float) -> Value:
        if isinstance(k, Value) or not isinstance(k, numbers.Real):
            raise TypeError("Value ** k needs a constant int or float exponent k, got "
                            f"{type(k).__name__}; for a variable exponent use (k * x.log()).exp()")
        if self.data < 0 and not float(k).is_integer():
            raise ValueError(f"negative base {self.data} with non-integer exponent {k}")
        out = Value(self.data ** k, (self,), f"**{k:g}")
        def _backward(g):                       # d(x^k)/dx = k x^(k-1)
            self.grad += k * self.data ** (k - 1) * g
        out._backward = _backward
        return out

    def __neg__(self) -> Value:
        out = Value(-self.data, (self,), "neg")
        def _backward(g):
            self.grad -= g
        out._backward = _backward
        return out

    # reflected forms: 2 + v, 2 * v, 1 - v, 1 / v
    def __radd__(self, other) -> Value: return _as_value(other) + self
    def __rmul__(self, other) -> Value: return _as_value(other) * self
    def __rsub__(self, other) -> Value: return _as_value(other) - self
    def __rtruediv__(self, other) -> Value: return _as_value(other) / self

    # ---- functions of one variable ---------------------------------------
    def _unary(self, y: float, dy_dx: float, op: str) -> Value:
        out = Value(y, (self,), op)
        def _backward(g):                       # chain rule: dL/dx = dy/dx * dL/dy
            self.grad += dy_dx * g
        out._backward = _backward
        return out

    def exp(self) -> Value:
        try:
            e = math.exp(self.data)
        except OverflowError:                   # above log(largest float) = 709.78...
            raise OverflowError(f"exp({self.data}) is too large for a float (exp overflows above "
                                "709.78); subtract the largest logit first, as cross_entropy does"
                                ) from None
        return self._unary(e, e, "exp")         # (e^x)' = e^x

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"log needs a positive value, got {self.data}")
        return self._unary(math.log(self.data), 1.0 / self.data, "log")

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return self._unary(t, 1.0 - t * t, "tanh")

    def relu(self) -> Value:
        x = self.data                           # derivative at 0 taken as 0
        return self._unary(max(x, 0.0), 1.0 if x > 0 else 0.0, "relu")

    def sigmoid(self) -> Value:
        x = self.data                           # two branches: exp never overflows
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return self._unary(s, s * (1.0 - s), "sigmoid")

    # ---- backward pass ----------------------------------------------------
    def backward(self) -> None:
        """Fill ``.grad`` of every node in the graph with ``d(self)/d(node)``.

        Every node's gradient is first reset to zero, then the chain rule runs
        from ``self`` (whose gradient is 1) back to the leaves.  Calling
        ``backward()`` twice therefore gives the same gradients, not twice
        them.  (PyTorch instead accumulates across calls; here one call means
        one derivative.)  Nodes outside this graph are not touched.
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward(node.grad)

    def zero_grad(self) -> None:
        """Set ``.grad`` to zero on this node and every node it depends on."""
        for node in topological_order(self):
            node.grad = 0.0


def cross_entropy(logits: list, label: int) -> Value:
    """Softmax cross-entropy ``-log softmax(logits)[label]`` built from Values.

    Stable: the largest logit (a constant) is subtracted before ``exp``; this
    changes neither the loss nor its gradient.
    """
    if isinstance(label, bool) or not isinstance(label, numbers.Integral) \
            or not 0 <= label < len(logits):
        raise ValueError(f"label must be an int in [0, {len(logits)}), got {label!r}")
    logits = [_as_value(z) for z in logits]
    m = Value(max(z.data for z in logits), label="max")
    shifted = [z - m for z in logits]
    total = shifted[0].exp()
    for s in shifted[1:]:
        total = total + s.exp()
    return total.log() - shifted[int(label)]


_ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")


class Neuron:
    """One unit: ``activation(sum_i w_i x_i + b)``, with Value parameters.

    Weights are drawn from ``N(0, 1/n_in)`` with the given ``rng``; the bias
    starts at zero.
    """

    def __init__(self, n_in: int, activation: str = "tanh", *, rng: np.random.Generator | None = None):
        if isinstance(n_in, bool) or not isinstance(n_in, numbers.Integral) or n_in < 1:
            raise ValueError(f"Neuron needs n_in, the number of inputs, as an int >= 1, got {n_in!r}")
        if not isinstance(activation, str) or activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {_ACTIVATIONS}, got {activation!r}")
        if not isinstance(rng, np.random.Generator):
            raise ValueError("Neuron needs rng=np.random.default_rng(seed), got "
                             f"{type(rng).__name__}")
        self.activation = activation
        self.w = [Value(x) for x in rng.normal(0.0, 1.0 / math.sqrt(n_in), size=n_in)]
        self.b = Value(0.0)

    def __call__(self, x: list) -> Value:
        if not hasattr(x, "__len__") or len(x) != len(self.w):
            got = f"{len(x)} inputs" if hasattr(x, "__len__") else f"{type(x).__name__} {x!r:.40}"
            raise ValueError(f"Neuron(n_in={len(self.w)}) expected a list of {len(self.w)} "
                             f"inputs, got {got}")
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return z if self.activation == "linear" else getattr(z, self.activation)()

    def parameters(self) -> list[Value]:
        return self.w + [self.b]


class ValueMLP:
    """A multilayer perceptron of :class:`Neuron` objects; last layer linear.

    ``sizes = [n_in, h1, ..., n_out]``.  Laid out like :class:`mlpkit.MLP`:
    neuron ``j`` of layer ``l`` holds column ``j`` of ``W_l`` (n_in, n_out).
    Calling the model on a list of ``n_in`` numbers returns a list of
    ``n_out`` Values.
    """

    def __init__(self, sizes: list[int], activation: str = "relu", *, rng: np.random.Generator | None = None):
        if not isinstance(sizes, (list, tuple)) or len(sizes) < 2 or any(
                isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 1 for s in sizes):
            raise ValueError(f"sizes must be a list of >= 2 positive ints, got {sizes!r}")
        self.layers = [[Neuron(n_in, activation if l < len(sizes) - 2 else "linear", rng=rng)
                        for _ in range(n_out)]
                       for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))]

    @classmethod
    def from_arrays(cls, weights: list, biases: list, activation: str = "relu") -> ValueMLP:
        """Build from arrays ``W_l`` (n_in, n_out) and ``b_l`` (n_out,), e.g. an ``mk.MLP``'s."""
        if len(weights) != len(biases) or not weights:
            raise ValueError(f"need as many weights as biases (>= 1), got {len(weights)} and {len(biases)}")
        for l, W in enumerate(weights, start=1):
            if np.ndim(W) != 2:
                raise ValueError(f"layer {l}: expected W of shape (n_in, n_out), got {np.shape(W)}")
        sizes = [np.shape(weights[0])[0]] + [np.shape(W)[1] for W in weights]
        model = cls(sizes, activation, rng=np.random.default_rng(0))
        for l, (W, b, layer) in enumerate(zip(weights, biases, model.layers), start=1):
            W, b = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
            if W.shape != (len(layer[0].w), len(layer)) or b.shape != (len(layer),):
                raise ValueError(f"layer {l}: expected W {(len(layer[0].w), len(layer))} and b "
                                 f"{(len(layer),)}, got {W.shape} and {b.shape}")
            for j, neuron in enumerate(layer):
                neuron.w = [Value(W[i, j], label=f"W{l}[{i},{j}]") for i in range(W.shape[0])]
                neuron.b = Value(b[j], label=f"b{l}[{j}]")
        return model

    def __call__(self, x: list) -> list[Value]:
        for layer in self.layers:
            x = [neuron(x) for neuron in layer]
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for n in layer for p in n.parameters()]

    def zero_grad(self) -> None:
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
