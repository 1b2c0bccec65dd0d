"""Losses: values, mean conventions, gradients, shapes."""

import numpy as np
import pytest

import mlpkit as mk


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def test_cross_entropy_value_and_fused_gradient(rng):
    z = rng.standard_normal((5, 4))
    y = np.array([0, 3, 1, 1, 2])
    loss = mk.SoftmaxCrossEntropy()
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert loss(z, y) == pytest.approx(-np.mean(np.log(p[np.arange(5), y])), rel=1e-14)
    onehot = np.eye(4)[y]
    np.testing.assert_allclose(loss.backward(), (p - onehot) / 5, atol=1e-16)
    assert isinstance(loss(z, y), float)


def test_bce_value_gradient_and_shapes(rng):
    z = rng.standard_normal((6, 1))
    y = np.array([0, 1, 1, 0, 1, 0])
    loss = mk.BCEWithLogits()
    p = 1 / (1 + np.exp(-z[:, 0]))
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert loss(z, y) == pytest.approx(expected, rel=1e-13)
    g = loss.backward()
    assert g.shape == (6, 1)
    np.testing.assert_allclose(g[:, 0], (p - y) / 6, atol=1e-16)
    assert loss(z[:, 0], y.astype(bool)) == pytest.approx(expected, rel=1e-13)
    assert loss.backward().shape == (6,)
    assert loss(z, y.astype(float)) == pytest.approx(expected, rel=1e-13)


def test_mse_mean_over_all_elements(rng):
    pred, target = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    loss = mk.MSELoss()
    assert loss(pred, target) == pytest.approx(np.sum((pred - target) ** 2) / 12)
    np.testing.assert_allclose(loss.backward(), 2 * (pred - target) / 12)
    assert loss(pred[:, 0], target[:, 0]) == pytest.approx(
        np.mean((pred[:, 0] - target[:, 0]) ** 2)
    )


@pytest.mark.parametrize("name", ["ce", "bce1", "bce", "mse", "mse2"])
def test_losses_pass_gradcheck(name, rng):
    n = 7
    cases = {
        "ce": (mk.SoftmaxCrossEntropy(), rng.standard_normal((n, 4)), rng.integers(0, 4, n)),
        "bce1": (mk.BCEWithLogits(), rng.standard_normal((n, 1)), rng.integers(0, 2, n)),
        "bce": (mk.BCEWithLogits(), 3 * rng.standard_normal(n), rng.integers(0, 2, n)),
        "mse": (mk.MSELoss(), rng.standard_normal(n), rng.standard_normal(n)),
        "mse2": (mk.MSELoss(), rng.standard_normal((n, 3)), rng.standard_normal((n, 3))),
    }
    loss, z, y = cases[name]
    assert mk.gradcheck(loss, z, y=y).max_error < 1e-7


@pytest.mark.parametrize(
    "loss, y",
    [(mk.BCEWithLogits(), [0, 1, 1]), (mk.MSELoss(), None), (mk.SoftmaxCrossEntropy(), [0, 1, 1])],
)
def test_losses_stay_float32(loss, y):
    z = np.array([[0.5, -1.0], [2.0, 0.1], [-3.0, 4.0]], dtype=np.float32)
    if isinstance(loss, mk.BCEWithLogits):
        z = z[:, :1]
    target = np.zeros_like(z) if y is None else np.array(y)
    loss(z, target)
    assert loss.backward().dtype == np.float32


def test_model_with_bce_and_mse_pass_gradcheck(rng):
    X = rng.standard_normal((6, 3))
    model = mk.MLP([3, 5, 1], activation="tanh", rng=rng)
    assert mk.gradcheck(model, X, loss=mk.BCEWithLogits(), y=rng.integers(0, 2, 6)).passed
    model2 = mk.MLP([3, 5, 2], activation="sigmoid", rng=rng)
    assert mk.gradcheck(model2, X, loss=mk.MSELoss(), y=rng.standard_normal((6, 2))).passed


def test_every_loss_declares_its_targets():
    assert mk.SoftmaxCrossEntropy.targets == "labels"
    assert mk.BCEWithLogits.targets == "labels"
    assert mk.MSELoss.targets == "values"
    assert "targets" in mk.Loss.__doc__ and mk.Loss.targets == "labels"

    class Huber(mk.Loss):
        targets = "values"

    assert Huber().targets == "values"
