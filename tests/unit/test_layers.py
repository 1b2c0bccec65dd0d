"""Layers, Sequential and MLP: shapes, caches, gradients, dtypes."""

import numpy as np
import pytest

import mlpkit as mk


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


LAYERS = [
    lambda rng: mk.Linear(5, 3, rng=rng),
    lambda rng: mk.ReLU(),
    lambda rng: mk.Tanh(),
    lambda rng: mk.Sigmoid(),
    lambda rng: mk.Identity(),
    lambda rng: mk.Sequential(mk.Linear(5, 4, rng=rng), mk.Tanh(), mk.Linear(4, 2, rng=rng)),
]


@pytest.mark.parametrize(
    "make", LAYERS, ids=["Linear", "ReLU", "Tanh", "Sigmoid", "Identity", "Sequential"]
)
def test_every_layer_passes_gradcheck(make, rng):
    layer = make(rng)
    X = rng.standard_normal((6, 5))
    X[np.abs(X) < 1e-3] = 0.5  # stay away from ReLU's kink
    res = mk.gradcheck(layer, X, rng=rng)
    assert res.passed and res.max_error < 1e-7
    assert len(res.errors) == len(layer.parameters()) + 1  # every tensor and the input


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("loss", ["upstream", "ce"])
def test_mlp_gradcheck_every_parameter(activation, loss, rng):
    model = mk.MLP([4, 7, 5, 3], activation=activation, rng=rng)
    X = rng.standard_normal((8, 4))
    if loss == "ce":
        res = mk.gradcheck(model, X, loss=mk.SoftmaxCrossEntropy(), y=rng.integers(0, 3, 8))
    else:
        res = mk.gradcheck(model, X, rng=rng)
    assert res.max_error < 1e-7
    assert len(res.errors) == 7


def test_mlp_structure_and_init(rng):
    model = mk.MLP([4, 8, 8, 3], activation="relu", rng=rng)
    assert [type(l).__name__ for l in model.layers] == [
        "Linear",
        "ReLU",
        "Linear",
        "ReLU",
        "Linear",
    ]
    assert [p.data.shape for p in model.parameters()] == [(4, 8), (8,), (8, 8), (8,), (8, 3), (3,)]
    assert model.n_params == 4 * 8 + 8 + 8 * 8 + 8 + 8 * 3 + 3
    assert model.sizes == [4, 8, 8, 3] and model.activation == "relu"
    assert "Linear(4, 8)" in repr(model) and "139 parameters" in repr(model)
    assert all(np.all(l.b.data == 0) for l in model.layers[::2])
    assert model(np.ones((2, 4))).shape == (2, 3)


def test_init_scales_and_reproducible():
    big = mk.MLP([400, 300, 2], activation="relu", rng=np.random.default_rng(0))
    assert big.layers[0].W.data.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)  # He
    tanh = mk.MLP([400, 200, 2], activation="tanh", rng=np.random.default_rng(0))
    a = np.sqrt(6 / 600)  # Glorot
    assert np.abs(tanh.layers[0].W.data).max() <= a
    assert tanh.layers[0].W.data.std() == pytest.approx(a / np.sqrt(3), rel=0.02)
    small = mk.MLP([400, 2], rng=np.random.default_rng(0), init="normal", scale=0.01)
    assert small.layers[0].W.data.std() == pytest.approx(0.01, rel=0.05)
    again = mk.MLP([400, 300, 2], activation="relu", rng=np.random.default_rng(0))
    assert all(np.array_equal(p.data, q.data) for p, q in zip(big.parameters(), again.parameters()))


def test_forward_equals_call_and_caches(rng):
    lin = mk.Linear(3, 2, rng=rng)
    X = rng.standard_normal((4, 3))
    np.testing.assert_array_equal(lin(X), lin.forward(X))
    np.testing.assert_allclose(lin(X), X @ lin.W.data + lin.b.data)
    relu = mk.ReLU()
    relu(X)
    assert relu._mask.dtype == bool and relu._mask.shape == X.shape  # 1 byte per value


def test_gradients_are_assigned_not_accumulated(rng):
    lin = mk.Linear(3, 2, rng=rng)
    X, G = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    lin(X)
    lin.backward(G)
    lin.backward(G)
    np.testing.assert_allclose(lin.W.grad, X.T @ G)
    lin.zero_grad()
    assert not lin.W.grad.any() and not lin.b.grad.any()


def test_zero_gradient_is_fine(rng):
    model = mk.MLP([3, 4, 2], rng=rng)
    model(rng.standard_normal((5, 3)))
    dX = model.backward(np.zeros((5, 2)))
    assert not dX.any() and not any(p.grad.any() for p in model.parameters())


def test_sequential_can_skip_input_gradient(rng):
    model = mk.Sequential(mk.Linear(3, 4, rng=rng), mk.ReLU(), mk.Linear(4, 2, rng=rng))
    X = rng.standard_normal((5, 3))
    G = rng.standard_normal((5, 2))
    model(X)
    full = model.backward(G)
    grads = [p.grad.copy() for p in model.parameters()]
    assert model.backward(G, need_input_grad=False) is None
    assert all(np.array_equal(g, p.grad) for g, p in zip(grads, model.parameters()))
    assert full.shape == X.shape


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_float32_end_to_end(activation, rng):
    model = mk.MLP([4, 6, 3], activation=activation, rng=rng, dtype=np.float32)
    X = rng.standard_normal((5, 4)).astype(np.float32)
    out = model(X)
    assert out.dtype == np.float32
    loss_fn = mk.SoftmaxCrossEntropy()
    loss_fn(out, rng.integers(0, 3, 5))
    g = loss_fn.backward()
    assert g.dtype == np.float32
    dX = model.backward(g)
    assert dX.dtype == np.float32
    assert all(p.data.dtype == p.grad.dtype == np.float32 for p in model.parameters())


def test_float64_input_is_cast_once_to_float32_model(rng):
    model = mk.MLP([4, 6, 3], rng=rng, dtype=np.float32)
    X64 = rng.standard_normal((5, 4))
    out = model(X64)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, model(X64.astype(np.float32)))
    assert model.layers[0]._X.dtype == np.float32
    assert model(np.ones((2, 4), dtype=int)).dtype == np.float32


def test_float32_input_reaches_first_layer_without_a_copy(rng):
    model = mk.MLP([4, 3], rng=rng, dtype=np.float32)
    X = rng.standard_normal((5, 4)).astype(np.float32)
    model(X)
    assert model.layers[0]._X is X


def test_cached_reports_what_backward_keeps():
    rng = np.random.default_rng(3)
    model = mk.MLP([5, 4, 3], activation="relu", rng=rng)
    assert model.cached() == {}
    X = rng.normal(size=(7, 5))
    loss = mk.SoftmaxCrossEntropy()
    loss(model(X), rng.integers(0, 3, size=7))
    cached = model.cached()
    assert sorted(cached) == ["0.X", "1.mask", "2.X"]
    assert cached["0.X"] is model.layers[0]._X
    assert cached["1.mask"].dtype == bool and cached["1.mask"].shape == (7, 4)
    assert sum(a.nbytes for a in cached.values()) == 7 * (5 * 8 + 4 + 4 * 8)
    assert list(loss.cached()) == ["P"] and loss.cached()["P"].shape == (7, 3)
    assert mk.Tanh().cached() == {} and list(mk.Sigmoid().cached()) == []
