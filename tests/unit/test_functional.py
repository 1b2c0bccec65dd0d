"""Stable functions: values, and hypothesis property tests (shapes, invariants)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import mlpkit as mk

FAST = settings(max_examples=40, deadline=None)
finite = st.floats(-50, 50, allow_nan=False, width=64)


def matrices(max_rows=64, max_cols=8):
    shape = st.tuples(st.integers(1, max_rows), st.integers(1, max_cols))
    return shape.flatmap(lambda s: arrays(np.float64, s, elements=finite))


@FAST
@given(matrices())
def test_softmax_rows_sum_to_one_and_shift_invariant(a):
    p = mk.softmax(a)
    assert p.shape == a.shape
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    shift = np.linspace(-30, 30, a.shape[0])[:, None]
    np.testing.assert_allclose(mk.softmax(a + shift), p, atol=1e-12)


@FAST
@given(matrices())
def test_log_softmax_is_log_of_softmax_and_logsumexp_matches(a):
    np.testing.assert_allclose(mk.log_softmax(a), np.log(mk.softmax(a)), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        mk.logsumexp(a), np.log(np.exp(a).sum(axis=1)), rtol=1e-12, atol=1e-14
    )
    assert mk.logsumexp(a, keepdims=True).shape == (a.shape[0], 1)
    assert mk.logsumexp(a, axis=0).shape == (a.shape[1],)


@FAST
@given(arrays(np.float64, st.integers(1, 64), elements=st.floats(-1e4, 1e4, width=64)))
def test_sigmoid_symmetry_and_log_sigmoid(z):
    np.testing.assert_allclose(mk.sigmoid(-z), 1 - mk.sigmoid(z), atol=1e-15)
    s = mk.sigmoid(z)
    assert np.all((s >= 0) & (s <= 1))
    safe = np.abs(z) < 30
    np.testing.assert_allclose(mk.log_sigmoid(z)[safe], np.log(s[safe]), rtol=1e-10, atol=1e-15)


@FAST
@given(st.integers(1, 64), st.integers(1, 6), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_mlp_shapes_for_any_batch(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    model = mk.MLP([n_in, 5, n_out], rng=rng)
    X = rng.standard_normal((n, n_in))
    out = model(X)
    assert out.shape == (n, n_out)
    assert model.backward(np.ones_like(out)).shape == (n, n_in)
    assert [p.grad.shape for p in model.parameters()] == [p.data.shape for p in model.parameters()]


@FAST
@given(st.integers(1, 64), st.integers(2, 6), st.integers(0, 2**32 - 1))
def test_cross_entropy_gradient_rows_sum_to_zero(n, K, seed):
    rng = np.random.default_rng(seed)
    loss = mk.SoftmaxCrossEntropy()
    loss(rng.standard_normal((n, K)), rng.integers(0, K, n))
    g = loss.backward()
    assert g.shape == (n, K)
    np.testing.assert_allclose(g.sum(axis=1), 0.0, atol=1e-15)


def test_known_values():
    assert mk.sigmoid(0.0) == 0.5
    np.testing.assert_allclose(mk.softmax(np.array([[0.0, np.log(3.0)]])), [[0.25, 0.75]])
    assert mk.logsumexp(np.array([0.0, 0.0])) == pytest.approx(np.log(2))
    assert mk.sigmoid(np.array([1, 2])).dtype == np.float64  # ints promote
    assert mk.sigmoid(np.ones(2, np.float32)).dtype == np.float32
    assert mk.log_softmax(np.ones((1, 2), np.float32)).dtype == np.float32
