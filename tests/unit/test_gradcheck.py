"""The gradient checker, including a negative control."""

import numpy as np
import pytest

import mlpkit as mk


class TransposedLinear(mk.Linear):
    """A deliberately wrong backward: W.grad uses dY^T X instead of X^T dY."""

    def backward(self, dY, need_input_grad=True):
        dX = super().backward(dY, need_input_grad)
        self.W.grad = (dY.T @ self._X).T[::-1]  # wrong (rows reversed)
        return dX


class MissingBiasLinear(mk.Linear):
    """Forgets the bias gradient."""

    def backward(self, dY, need_input_grad=True):
        dX = super().backward(dY, need_input_grad)
        self.b.grad[...] = 0
        return dX


def test_numerical_gradient_of_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    g = mk.numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(g, 3 * before**2, rtol=1e-8)
    np.testing.assert_array_equal(x, before)  # restored


def test_relative_error_formula():
    a, b = np.array([1.0, -2.0]), np.array([1.0, -2.5])
    assert mk.relative_error(a, b) == pytest.approx(0.5 / 4.5)
    assert mk.relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_plain_function_form():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(5)
    res = mk.gradcheck(lambda v: float(np.sum(np.tanh(v))), x, grad=1 - np.tanh(x) ** 2)
    assert res.passed and "passed=True" in repr(res)
    with pytest.raises(mk.GradcheckError, match="worst at index"):
        mk.gradcheck(lambda v: float(np.sum(np.tanh(v))), x, grad=np.tanh(x))


@pytest.mark.parametrize("cls, param", [(TransposedLinear, "W"), (MissingBiasLinear, "b")])
def test_negative_control_wrong_backward_fails(cls, param):
    rng = np.random.default_rng(1)
    layer = cls(4, 4, rng=rng)
    X = rng.standard_normal((5, 4))
    with pytest.raises(mk.GradcheckError) as info:
        mk.gradcheck(layer, X, rng=rng)
    msg = str(info.value)
    assert f"Linear(4, 4).{param}" in msg and "analytic" in msg and "numeric" in msg
    assert "relative error" in msg
    res = mk.gradcheck(layer, X, rng=rng, raise_on_failure=False)
    assert not res.passed and res.errors[f"Linear(4, 4).{param}"] > 1e-3


def test_negative_control_inside_a_model_names_the_layer():
    rng = np.random.default_rng(2)
    model = mk.Sequential(mk.Linear(3, 4, rng=rng), mk.Tanh(), TransposedLinear(4, 4, rng=rng))
    with pytest.raises(mk.GradcheckError, match=r"layers\[2\] Linear\(4, 4\)\.W"):
        mk.gradcheck(
            model,
            rng.standard_normal((5, 3)),
            loss=mk.SoftmaxCrossEntropy(),
            y=np.array([0, 1, 2, 3, 0]),
        )


def test_float32_is_refused():
    rng = np.random.default_rng(3)
    with pytest.raises(TypeError, match="float64"):
        mk.gradcheck(mk.MLP([2, 2], rng=rng, dtype=np.float32), np.ones((1, 2)), rng=rng)
    with pytest.raises(TypeError, match="float32"):
        mk.gradcheck(mk.Sigmoid(), np.ones((1, 2), np.float32), rng=rng)
    with pytest.raises(TypeError, match="float64"):
        mk.numerical_gradient(lambda: 0.0, np.ones(2, np.float32))


def test_does_not_modify_inputs_and_needs_rng_for_upstream():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((3, 2))
    before = X.copy()
    mk.gradcheck(mk.Tanh(), X, rng=rng)
    np.testing.assert_array_equal(X, before)
    with pytest.raises(ValueError, match="rng=np.random.default_rng"):
        mk.gradcheck(mk.Tanh(), X)


# ---- regression tests from the final review ------------------------------------------
def test_function_form_checks_the_shape_of_grad():
    with pytest.raises(ValueError, match=r"grad= must have the shape of x, \(3,\), got \(2,\)"):
        mk.gradcheck(lambda x: float(np.sum(x**2)), np.ones(3), grad=np.ones(2))


def test_non_numeric_input_is_named_as_such():
    with pytest.raises(TypeError, match="needs a float64 array for X, got dtype <U"):
        mk.gradcheck(mk.ReLU(), np.array(["a", "b"]), rng=np.random.default_rng(0))


def test_random_forward_pass_is_refused_with_a_hint():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 3))
    model = mk.Sequential(mk.Linear(3, 5, rng=rng), mk.Dropout(0.5, rng), mk.Linear(5, 2, rng=rng))
    with pytest.raises(mk.GradcheckError, match=r"different outputs for the same input.*eval"):
        mk.gradcheck(model, X, rng=rng)
    with pytest.raises(mk.GradcheckError, match="Dropout layer in training mode"):
        mk.gradcheck(model, X, loss=mk.SoftmaxCrossEntropy(), y=np.array([0, 1, 1, 0]))
    mk.gradcheck(model.eval(), X, rng=rng)  # evaluation mode: Dropout is the identity


# ------------------------------------------------------- entries=: a sample of each tensor
class CountingMLP(mk.MLP):
    """An MLP that counts its forward passes."""

    calls = 0

    def forward(self, X):
        CountingMLP.calls += 1
        return super().forward(X)


def test_numerical_gradient_at_computes_only_the_given_entries():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    full = mk.numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    at = np.array([1, 7, 11])
    part = mk.numerical_gradient(lambda: float(np.sum(np.sin(x))), x, at=at)
    np.testing.assert_array_equal(part.reshape(-1)[at], full.reshape(-1)[at])
    assert np.count_nonzero(part) == 3


def test_entries_checks_that_many_entries_per_tensor():
    rng = np.random.default_rng(1)
    model = CountingMLP([6, 5, 3], rng=rng)
    X, y = rng.standard_normal((4, 6)), np.array([0, 1, 2, 1])
    CountingMLP.calls = 0
    full = mk.gradcheck(model, X, loss=mk.SoftmaxCrossEntropy(), y=y)
    n_full = CountingMLP.calls
    CountingMLP.calls = 0
    part = mk.gradcheck(
        model, X, loss=mk.SoftmaxCrossEntropy(), y=y, entries=4, rng=np.random.default_rng(2)
    )
    # tensors: W1 (30), b1 (5), W2 (15), b2 (3: fewer than 4, all), X (24)
    assert n_full == 2 + 2 * (30 + 5 + 15 + 3 + 24)
    assert CountingMLP.calls == 2 + 2 * (4 + 4 + 4 + 3 + 4)
    assert part.passed and full.passed and set(part.errors) == set(full.errors)


@pytest.mark.parametrize("broken", [TransposedLinear, MissingBiasLinear])
def test_entries_still_catches_a_broken_backward(broken):
    rng = np.random.default_rng(3)
    layer = broken(20, 16, rng=rng)
    X = rng.standard_normal((5, 20))
    result = mk.gradcheck(layer, X, rng=np.random.default_rng(4), entries=8, raise_on_failure=False)
    assert not result.passed


def test_entries_failure_names_an_index_of_the_whole_tensor():
    x = np.random.default_rng(5).standard_normal((4, 5))
    wrong = 2 * x + 1e-3 * np.arange(20).reshape(4, 5)  # error grows with the flat index
    picked = np.sort(np.random.default_rng(6).choice(20, size=5, replace=False))
    worst = np.unravel_index(picked.max(), (4, 5))
    with pytest.raises(mk.GradcheckError, match=rf"worst at index \({worst[0]}, {worst[1]}\)"):
        mk.gradcheck(
            lambda v: float(np.sum(v**2)), x, grad=wrong, entries=5, rng=np.random.default_rng(6)
        )


def test_entries_needs_a_generator_and_a_positive_int():
    layer = mk.Linear(3, 2, rng=np.random.default_rng(0))
    X = np.ones((2, 3))
    with pytest.raises(ValueError, match="entries= draws the entries"):
        mk.gradcheck(layer, X, loss=mk.MSELoss(), y=np.ones((2, 2)), entries=3)
    for bad, err in [(0, ValueError), (2.0, TypeError), (True, TypeError)]:
        with pytest.raises(err, match="entries must be an int"):
            mk.gradcheck(layer, X, rng=np.random.default_rng(0), entries=bad)
