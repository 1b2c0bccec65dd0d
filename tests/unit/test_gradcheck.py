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
