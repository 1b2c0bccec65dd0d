"""Tests for the scalar autograd engine ``mlpkit.autograd``.

Hand-derived gradients are written next to each check, as the chapter shows
them; random expressions are checked against central differences.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mlpkit as mk
from mlpkit.autograd import Neuron, Value, ValueMLP, cross_entropy, topological_order


def approx(x, rel=1e-12, abs=1e-12):
    return pytest.approx(x, rel=rel, abs=abs)


# ---- construction and validation ---------------------------------------------
class TestConstruction:
    def test_accepts_python_and_numpy_scalars(self):
        for x in (2, 2.0, np.float32(2.0), np.float64(2.0), np.int64(2), np.array(2.0)):
            v = Value(x)
            assert type(v.data) is float and v.data == 2.0 and v.grad == 0.0

    @pytest.mark.parametrize("bad", ["1.0", None, [1.0], np.ones(3), np.ones((2, 2))])
    def test_rejects_non_scalars(self, bad):
        with pytest.raises(TypeError, match="real scalar"):
            Value(bad)

    def test_array_shape_named_in_message(self):
        with pytest.raises(TypeError, match=r"shape \(3,\)"):
            Value(np.ones(3))

    def test_repr_and_op_and_label(self):
        a = Value(2.0, label="a")
        v = (a * 0.5).tanh() * 1.0
        assert repr(Value(0.70710678)) == "Value(data=0.70710678, grad=0.0)"  # full float
        assert repr(Value(0.1 + 0.2)) == "Value(data=0.30000000000000004, grad=0.0)"
        assert a.label == "a" and a.op == ""
        assert v.op == "*" and v._prev[0].op == "tanh"

    def test_numbers_are_wrapped(self):
        v = Value(3.0) + 1
        assert v.data == 4.0 and all(isinstance(c, Value) for c in v._prev)


# ---- hand-derived gradients -----------------------------------------------------
class TestHandDerived:
    def test_add_mul(self):
        # f = x*y + x, x=2, y=-3: f = -4; df/dx = y + 1 = -2; df/dy = x = 2
        x, y = Value(2.0), Value(-3.0)
        f = x * y + x
        f.backward()
        assert f.data == -4.0 and x.grad == -2.0 and y.grad == 2.0 and f.grad == 1.0

    def test_mul_plus_exp(self):
        # f = x*y + exp(x): df/dx = y + exp(x), df/dy = x
        x, y = Value(0.5), Value(1.5)
        f = x * y + x.exp()
        f.backward()
        assert f.data == approx(0.75 + math.exp(0.5))
        assert x.grad == approx(1.5 + math.exp(0.5)) and y.grad == approx(0.5)

    def test_sub_and_neg(self):
        # f = x - y - (-x) = 2x - y: df/dx = 2, df/dy = -1
        x, y = Value(1.0), Value(4.0)
        f = x - y - (-x)
        f.backward()
        assert f.data == -2.0 and x.grad == 2.0 and y.grad == -1.0

    def test_division(self):
        # f = x / y: df/dx = 1/y = 0.25, df/dy = -x/y^2 = -3/16
        x, y = Value(3.0), Value(4.0)
        f = x / y
        f.backward()
        assert f.data == 0.75 and x.grad == approx(0.25) and y.grad == approx(-3 / 16)

    def test_division_by_zero_raises(self):
        with pytest.raises(ZeroDivisionError):
            Value(1.0) / 0.0

    def test_power(self):
        # f = x**3 + x**-1 + x**0.5 at x=4: df/dx = 3x^2 - x^-2 + 0.5 x^-0.5 = 48 - 1/16 + 1/4
        x = Value(4.0)
        f = x**3 + x**-1 + x**0.5
        f.backward()
        assert f.data == approx(64 + 0.25 + 2)
        assert x.grad == approx(48 - 1 / 16 + 0.25)

    def test_power_rejects_value_exponent(self):
        with pytest.raises(TypeError, match="constant int or float exponent"):
            Value(2.0) ** Value(3.0)
        with pytest.raises(TypeError):
            Value(2.0) ** "3"

    def test_rpow_constant_base(self):
        # d(c^x)/dx = log(c) c^x
        x = Value(3.0)
        f = 2**x
        f.backward()
        assert f.data == 8.0 and x.grad == approx(math.log(2) * 8.0, rel=1e-15)
        y = Value(-0.5)
        g = np.float64(0.25) ** y  # numpy scalars defer to Value too
        g.backward()
        assert g.data == 2.0 and y.grad == approx(math.log(0.25) * 2.0)
        for base in (0.0, -2.0, float("inf")):
            with pytest.raises(ValueError, match=r"c \*\* Value needs a finite base c > 0"):
                base ** Value(1.0)
        with pytest.raises(TypeError):
            "2" ** Value(1.0)

    def test_power_zero_has_zero_gradient_everywhere(self):
        for x0 in (0.0, 2.0, -3.0):
            x = Value(x0)
            f = x**0
            f.backward()
            assert f.data == 1.0 and x.grad == 0.0

    def test_zero_to_a_negative_power_and_division_by_zero_are_clear(self):
        with pytest.raises(ZeroDivisionError, match="zero cannot be raised to a negative power"):
            Value(0.0) ** -1
        with pytest.raises(ZeroDivisionError, match=r"division by zero: 1\.0 / Value\(data=0\.0"):
            1 / Value(0.0)
        with pytest.raises(ZeroDivisionError, match="division by zero"):
            Value(2.0) / 0

    def test_power_negative_base_fractional_exponent(self):
        with pytest.raises(ValueError, match="non-integer exponent"):
            Value(-8.0) ** (1 / 3)
        v = Value(-2.0) ** 3  # integer exponents are fine
        v.backward()
        assert v.data == -8.0 and v._prev[0].grad == 12.0

    def test_reflected_ops(self):
        # f = 2*x + (1 - x) + 1/x + (3 + x) at x=2: df/dx = 2 - 1 - 1/x^2 + 1 = 1.75
        x = Value(2.0)
        f = 2 * x + (1 - x) + 1 / x + (3 + x)
        f.backward()
        assert f.data == approx(4 - 1 + 0.5 + 5) and x.grad == approx(1.75)

    def test_numpy_scalar_on_the_left(self):
        x = Value(3.0)
        f = np.float64(2.0) * x
        assert isinstance(f, Value) and f.data == 6.0
        f.backward()
        assert x.grad == 2.0

    def test_exp_log(self):
        # f = log(x) * exp(x): df/dx = exp(x)/x + log(x) exp(x)
        x = Value(2.0)
        f = x.log() * x.exp()
        f.backward()
        assert x.grad == approx(math.exp(2) / 2 + math.log(2) * math.exp(2))

    @pytest.mark.parametrize("bad", [0.0, -1.5])
    def test_log_of_non_positive_raises(self, bad):
        with pytest.raises(ValueError, match=str(bad)):
            Value(bad).log()

    def test_tanh(self):
        # micrograd's neuron: o = tanh(x1 w1 + x2 w2 + b); n = 0.8814, do/dn = 1 - o^2 = 0.5
        x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
        b = Value(6.8813735870195432)
        o = (x1 * w1 + x2 * w2 + b).tanh()
        o.backward()
        assert o.data == approx(math.sqrt(0.5), rel=1e-9)
        # do/dx1 = 0.5 * w1 = -1.5; do/dw1 = 0.5 * x1 = 1.0;
        # do/dx2 = 0.5 * w2 = 0.5; do/dw2 = 0.5 * x2 = 0
        assert x1.grad == approx(-1.5, rel=1e-9) and w1.grad == approx(1.0, rel=1e-9)
        assert x2.grad == approx(0.5, rel=1e-9) and w2.grad == 0.0

    def test_relu(self):
        for x, y, g in [(2.0, 2.0, 1.0), (-1.0, 0.0, 0.0), (0.0, 0.0, 0.0)]:
            v = Value(x)
            r = v.relu()
            r.backward()
            assert (r.data, v.grad) == (y, g)

    def test_sigmoid_and_its_stability(self):
        # sigma'(x) = sigma(x) (1 - sigma(x)); sigma(0) = 0.5, sigma'(0) = 0.25
        v = Value(0.0)
        s = v.sigmoid()
        s.backward()
        assert s.data == 0.5 and v.grad == 0.25
        for x in (-1000.0, -745.0, 745.0, 1000.0):  # naive 1/(1+exp(-x)) overflows at -1000
            v = Value(x)
            s = v.sigmoid()
            s.backward()
            assert 0.0 <= s.data <= 1.0 and 0.0 <= v.grad < 1e-300
        assert Value(-30.0).sigmoid().data == approx(1 / (1 + math.exp(30)), rel=1e-14)


# ---- fan-out: gradients accumulate over every path --------------------------------
class TestFanOut:
    def test_a_times_a(self):
        # f = a*a: both operands are a, so df/da = a + a = 2a
        a = Value(3.0)
        f = a * a
        f.backward()
        assert a.grad == 6.0

    def test_a_plus_a(self):
        a = Value(3.0)
        f = a + a  # df/da = 1 + 1
        f.backward()
        assert a.grad == 2.0

    def test_shared_subexpression(self):
        # d = a*b; f = d + d*c: df/dd = 1 + c; df/da = (1 + c) b; df/db = (1 + c) a; df/dc = d
        a, b, c = Value(2.0), Value(-3.0), Value(10.0)
        d = a * b
        f = d + d * c
        f.backward()
        assert d.grad == 11.0 and a.grad == -33.0 and b.grad == 22.0 and c.grad == -6.0

    def test_one_input_many_consumers(self):
        # f = tanh(x) + x**2 + 3x: df/dx = 1 - tanh(x)^2 + 2x + 3
        x = Value(0.3)
        f = x.tanh() + x**2 + 3 * x
        f.backward()
        assert x.grad == approx(1 - math.tanh(0.3) ** 2 + 0.6 + 3)


# ---- backward semantics ---------------------------------------------------------
class TestBackwardSemantics:
    def test_backward_twice_accumulates(self):
        # as in micrograd and PyTorch: a second backward adds the same amounts again
        x, y = Value(2.0), Value(5.0)
        f = x * y + x
        f.backward()
        assert (x.grad, y.grad, f.grad) == (6.0, 2.0, 1.0)
        f.backward()
        assert (x.grad, y.grad, f.grad) == (12.0, 4.0, 2.0)
        f.zero_grad()
        f.backward()
        assert (x.grad, y.grad, f.grad) == (6.0, 2.0, 1.0)

    def test_backward_accumulates_over_separate_graphs(self):
        # the example: w*x for x = 1, 2, 3 gives w.grad = 1 + 2 + 3
        w = Value(2.0)
        for x in (1.0, 2.0, 3.0):
            (w * x).backward()
        assert w.grad == 6.0

    def test_zero_grad_clears_the_graph(self):
        x = Value(2.0)
        f = (x * x).exp()
        f.backward()
        f.zero_grad()
        assert all(n.grad == 0.0 for n in topological_order(f))

    def test_changing_a_leaf_does_not_recompute_forward(self):
        x = Value(2.0)
        f = x * x
        x.data = 5.0
        assert f.data == 4.0  # the graph recorded the old forward pass
        f.backward()
        assert x.grad == 10.0  # local derivative uses the new x.data ...
        g = x * x  # ... so build a fresh graph instead:
        x.grad = 0.0  # (gradients accumulate: zero them first)
        g.backward()
        assert g.data == 25.0 and x.grad == 10.0

    def test_backward_on_a_leaf(self):
        x = Value(4.0)
        x.backward()
        assert x.grad == 1.0

    def test_topological_order_children_first(self):
        a, b = Value(1.0), Value(2.0)
        c = a * b
        d = c + a
        order = topological_order(d)
        assert order[-1] is d and len(order) == 4
        where = {id(n): i for i, n in enumerate(order)}
        for n in order:
            assert all(where[id(ch)] < where[id(n)] for ch in n._prev)

    def test_deep_graph_no_recursion_error(self):
        # a recursive topological sort would raise RecursionError here; this
        # runs in about a second (no wall-clock assertion: see STYLE.md)
        x = Value(1.0)
        y = x
        for _ in range(50_000):  # 100,000 operations deep
            y = y * 1.0 + 0.0
        y = y * 3.0
        y.backward()
        assert x.grad == 3.0 and y.data == 3.0
        assert len(topological_order(y)) == 200_003


# ---- central differences on random expressions -----------------------------------
def _expr(x, y, z, which):
    exprs = [
        lambda: (x * y + z).tanh() * x - y / (z * z + 1),
        lambda: ((x - y) ** 2 + 1).log() + (y * z).sigmoid() * 3,
        lambda: (x.exp() + y.exp() + z.exp()).log() - x,
        lambda: (x * 2 + y).relu() * (1 - z) + 1 / (1 + x * x),
        lambda: (x * y * z).tanh() ** 3 + (-x).sigmoid() / (2 + y.tanh()),
    ]
    return exprs[which]()


def _central_diff(which, vals, i, h=1e-6):
    up, down = list(vals), list(vals)
    up[i] += h
    down[i] -= h
    return (_expr(*map(Value, up), which).data - _expr(*map(Value, down), which).data) / (2 * h)


finite = st.floats(-2.0, 2.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(x=finite, y=finite, z=finite, which=st.integers(0, 4))
def test_random_expressions_match_central_differences(x, y, z, which):
    vs = [Value(x), Value(y), Value(z)]
    f = _expr(*vs, which)
    f.backward()
    for i, v in enumerate(vs):
        if which == 3 and abs(2 * x + y) < 1e-4:
            continue  # relu kink: finite differences are unreliable
        assert v.grad == pytest.approx(_central_diff(which, [x, y, z], i), rel=1e-5, abs=1e-6)


# ---- cross-entropy, Neuron, ValueMLP --------------------------------------------------
class TestCrossEntropy:
    def test_value_and_gradient(self):
        # L = logsumexp(z) - z_y; dL/dz = softmax(z) - onehot(y)
        z = [Value(1.0), Value(2.0), Value(-0.5)]
        L = cross_entropy(z, 1)
        L.backward()
        p = np.exp([1.0, 2.0, -0.5]) / np.exp([1.0, 2.0, -0.5]).sum()
        assert L.data == approx(-math.log(p[1]))
        assert [v.grad for v in z] == approx(list(p - np.array([0, 1, 0])))

    def test_stable_for_huge_logits(self):
        z = [Value(1000.0), Value(0.0)]
        L = cross_entropy(z, 1)
        L.backward()
        assert L.data == approx(1000.0) and z[1].grad == approx(-1.0)

    @pytest.mark.parametrize("label", [-1, 3, 1.5])
    def test_bad_label(self, label):
        with pytest.raises(ValueError, match="label"):
            cross_entropy([Value(0.0)] * 3, label)


class TestNeuronAndMLP:
    def test_neuron_activations(self):
        rng = np.random.default_rng(0)
        for act, f in [
            ("tanh", math.tanh),
            ("relu", lambda s: max(s, 0.0)),
            ("sigmoid", lambda s: 1 / (1 + math.exp(-s))),
            ("identity", lambda s: s),
        ]:
            n = Neuron(3, act, rng=rng)
            x = [0.5, -1.0, 2.0]
            s = sum(w.data * xi for w, xi in zip(n.w, x)) + n.b.data
            assert n(x).data == approx(f(s)) and len(n.parameters()) == 4

    def test_validation(self):
        with pytest.raises(TypeError, match="rng"):
            Neuron(2)
        with pytest.raises(ValueError, match="activation"):
            Neuron(2, "softplus", rng=np.random.default_rng(0))
        with pytest.raises(ValueError, match="sizes"):
            ValueMLP([3], rng=np.random.default_rng(0))
        with pytest.raises(ValueError, match="inputs"):
            Neuron(2, rng=np.random.default_rng(0))([1.0])
        with pytest.raises(ValueError, match="layer 1"):
            ValueMLP.from_arrays([np.zeros((2, 3))], [np.zeros(2)])

    def test_mlp_shapes_and_last_layer_linear(self):
        m = ValueMLP([2, 4, 3], activation="tanh", rng=np.random.default_rng(1))
        assert len(m([1.0, -1.0])) == 3 and len(m.parameters()) == 2 * 4 + 4 + 4 * 3 + 3
        assert [n.activation for n in m.layers[0]] == ["tanh"] * 4
        assert [n.activation for n in m.layers[1]] == ["identity"] * 3
        Ws, bs = m.arrays()
        assert [W.shape for W in Ws] == [(2, 4), (4, 3)] and [b.shape for b in bs] == [(4,), (3,)]

    def test_from_arrays_round_trip_and_forward(self):
        rng = np.random.default_rng(2)
        Ws = [rng.normal(size=(2, 3)), rng.normal(size=(3, 2))]
        bs = [rng.normal(size=3), rng.normal(size=2)]
        m = ValueMLP.from_arrays(Ws, bs, activation="relu")
        got_W, got_b = m.arrays()
        for a, b in zip(got_W + got_b, Ws + bs):
            np.testing.assert_array_equal(a, b)
        x = np.array([0.3, -1.2])
        expected = np.maximum(x @ Ws[0] + bs[0], 0) @ Ws[1] + bs[1]
        np.testing.assert_allclose([v.data for v in m(list(x))], expected, rtol=1e-14)
        assert m.layers[0][2].w[1].label == "W1[1,2]"

    def test_zero_grad(self):
        m = ValueMLP([2, 2, 1], rng=np.random.default_rng(0))
        out = m([1.0, 2.0])
        assert isinstance(out, Value)  # one output: a Value, not a list
        out.backward()
        assert any(p.grad != 0.0 for p in m.parameters())
        m.zero_grad()
        assert all(p.grad == 0.0 for p in m.parameters())


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_value_mlp_matches_vectorised_mlp(activation):
    """Backprop by scalar autograd and by the vectorised mk.MLP agree to 1e-10."""
    rng = np.random.default_rng(0)
    model = mk.MLP([2, 3, 2], activation=activation, rng=rng)
    X = rng.normal(size=(4, 2))
    y = np.array([0, 1, 1, 0])
    loss_fn = mk.SoftmaxCrossEntropy()
    L = loss_fn(model(X), y)
    model.backward(loss_fn.backward())
    params = model.parameters()
    Ws, bs = [p.data for p in params[0::2]], [p.data for p in params[1::2]]

    vm = ValueMLP.from_arrays(Ws, bs, activation=activation)
    losses = [cross_entropy(vm(list(x)), int(t)) for x, t in zip(X, y)]
    Lv = sum(losses) / len(losses)  # mean over the batch, as mk.SoftmaxCrossEntropy
    Lv.backward()
    assert Lv.data == pytest.approx(L, abs=1e-12)
    dWs, dbs = vm.grads_as_arrays()
    for p, g in zip(params, [t for pair in zip(dWs, dbs) for t in pair]):
        assert g.shape == p.grad.shape
        np.testing.assert_allclose(g, p.grad, rtol=0, atol=1e-10)


# ---- regression tests from the final review ------------------------------------------
@pytest.mark.parametrize(
    "sizes, error, message",
    [
        ("abc", TypeError, "sizes must be a list of at least two widths"),
        (3, TypeError, "sizes must be a list of at least two widths"),
        ([3], ValueError, "sizes must be a list of at least two widths"),
        ([2, None], TypeError, "every width in sizes"),
        ([2, 1.5], TypeError, "every width in sizes"),
        ([2, True], TypeError, "every width in sizes"),
        ([2, 0], ValueError, "every width in sizes .* must be an int >= 1, got 0"),
    ],
)
def test_value_mlp_bad_sizes_get_a_clear_error(sizes, error, message):
    with pytest.raises(error, match=message):
        ValueMLP(sizes, rng=np.random.default_rng(0))
    if not isinstance(sizes, str):
        with pytest.raises(error, match=message):  # the same rule as mk.MLP
            mk.MLP(sizes, rng=np.random.default_rng(0))


@pytest.mark.parametrize("n_in, error", [(0, ValueError), (-2, ValueError), (1.5, TypeError)])
def test_neuron_bad_n_in(n_in, error):
    with pytest.raises(
        error, match=r"n_in \(the number of inputs of a Neuron\) must be an int >= 1"
    ):
        Neuron(n_in, rng=np.random.default_rng(0))


def test_reprs():
    rng = np.random.default_rng(0)
    assert repr(Neuron(3, "relu", rng=rng)) == "Neuron(n_in=3, activation='relu')"
    assert (
        repr(ValueMLP([2, 3, 1], "tanh", rng=rng))
        == "ValueMLP([2, 3, 1], activation='tanh')  # 13 parameters"
    )
    two = ValueMLP([2, 3, 2], rng=rng)([1.0, 2.0])
    assert isinstance(two, list) and len(two) == 2


def test_neuron_called_on_a_scalar():
    with pytest.raises(ValueError, match=r"Neuron\(n_in=2\) expected a list of 2 inputs, got int"):
        Neuron(2, rng=np.random.default_rng(0))(5)


def test_from_arrays_needs_2d_weights():
    with pytest.raises(
        ValueError, match=r"layer 1: expected W of shape \(n_in, n_out\), got \(3,\)"
    ):
        ValueMLP.from_arrays([np.ones(3)], [np.ones(3)])


@pytest.mark.parametrize("label", ["a", 1.5, 1.0, True, -1, 2])
def test_cross_entropy_label_must_be_an_int_in_range(label):
    with pytest.raises(ValueError, match=r"label must be an int in \[0, 2\)"):
        cross_entropy([Value(1.0), Value(2.0)], label)
    assert cross_entropy([Value(1.0), Value(2.0)], np.int64(1)).data > 0  # numpy ints are fine


def test_pow_of_negative_base_with_non_finite_exponent():
    with pytest.raises(ValueError, match="non-integer exponent inf"):
        Value(-2.0) ** float("inf")


def test_exp_overflow_says_what_to_do():
    with pytest.raises(OverflowError, match=r"exp\(1000\.0\) is too large .* subtract the largest"):
        Value(1000.0).exp()
