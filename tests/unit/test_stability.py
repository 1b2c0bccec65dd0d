"""Logits up to |z| = 1e4: every value and gradient finite, with no overflow,
divide-by-zero or invalid-value event.  Underflow is allowed: exp(-1e4) = 0 is
the correct float result, and numpy ignores underflow by default."""

import warnings

import numpy as np
import pytest

import mlpkit as mk

DTYPES = [np.float32, np.float64]
BIG = [-1e4, -100.0, -1.0, 0.0, 1.0, 100.0, 1e4]


@pytest.fixture(autouse=True)
def strict():
    """Overflow, divide and invalid events raise; every warning is an error."""
    with np.errstate(all="raise", under="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize("dtype", DTYPES)
def test_functions_finite_at_extremes(dtype):
    z = np.array(BIG, dtype=dtype)
    s = mk.sigmoid(z)
    assert s.dtype == dtype and np.all(np.isfinite(s))
    assert s[0] == 0 and s[-1] == 1 and s[3] == 0.5
    ls = mk.log_sigmoid(z)
    assert np.all(np.isfinite(ls)) and ls[0] == pytest.approx(-1e4)
    rows = np.stack([z, -z, z[::-1] * 0.5])
    for f in (mk.softmax, mk.log_softmax, mk.logsumexp):
        out = f(rows)
        assert out.dtype == dtype and np.all(np.isfinite(out))
    assert mk.logsumexp(rows)[0] == pytest.approx(1e4)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layer", [mk.Sigmoid, mk.Tanh, mk.ReLU, mk.Identity])
def test_activations_and_gradients_finite(dtype, layer):
    z = np.array([BIG], dtype=dtype)
    act = layer()
    out = act(z)
    g = act.backward(np.ones_like(z))
    assert out.dtype == g.dtype == dtype
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(g))


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_of_a_huge_gap_is_the_gap(dtype):
    z = np.array([[1e4, -1e4 + 1e4, 0.0], [-1e4, 1e4, 0.0]], dtype=dtype)
    loss = mk.SoftmaxCrossEntropy()
    assert loss(z, np.array([0, 0])) == pytest.approx(1e4, rel=1e-6)  # row 2: gap 2e4, row 1: 0
    z2 = np.array([[0.0, 1e4]], dtype=dtype)
    assert loss(z2, np.array([0])) == pytest.approx(1e4, rel=1e-6)
    g = loss.backward()
    assert g.dtype == dtype and np.all(np.isfinite(g))
    np.testing.assert_allclose(g, [[-1.0, 1.0]])


@pytest.mark.parametrize("dtype", DTYPES)
def test_bce_at_extremes(dtype):
    z = np.array(BIG, dtype=dtype)
    y = np.array([1, 0, 1, 0, 1, 0, 0])
    loss = mk.BCEWithLogits()
    value = loss(z, y)
    assert np.isfinite(value)
    # per example: 1e4, ~0, log(1 + e), log 2, log(1 + 1/e), 100, 1e4
    expected = (1e4 + 0 + 1.3132616875182228 + np.log(2) + 0.3132616875182228 + 100 + 1e4) / 7
    assert value == pytest.approx(expected, rel=1e-6)
    g = loss.backward()
    assert g.dtype == dtype and np.all(np.isfinite(g))
    assert loss(np.array([[1e4]], dtype), np.array([1])) == 0.0
    assert loss(np.array([[-1e4]], dtype), np.array([1])) == pytest.approx(1e4)


@pytest.mark.parametrize("dtype", DTYPES)
def test_model_with_huge_logits_backprops_finite(dtype):
    rng = np.random.default_rng(0)
    model = mk.MLP([3, 4, 2], activation="sigmoid", rng=rng, dtype=dtype)
    model.layers[-1].W.data[...] = np.array([[1e3, -1e3]] * 4, dtype=dtype)
    X = np.abs(rng.standard_normal((5, 3))).astype(dtype) + 1
    loss = mk.SoftmaxCrossEntropy()
    assert np.isfinite(loss(model(X), np.array([1, 1, 1, 1, 1])))
    model.backward(loss.backward())
    assert all(np.all(np.isfinite(p.grad)) for p in model.parameters())
