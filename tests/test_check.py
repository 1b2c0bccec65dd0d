"""Tests for mlpkit.check: each checker accepts a correct implementation
(printing exactly one line) and rejects typical mistakes with a useful hint."""
import numpy as np
import pytest

from mlpkit import check
from mlpkit.check import CheckFailed


# --- correct implementations ------------------------------------------------

def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def logsumexp(Z):
    m = Z.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True)))[:, 0]


def assert_one_line(capsys, name):
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith(f"✓ {name}:")


def test_check_failed_is_an_assertion_error():
    assert issubclass(CheckFailed, AssertionError)


# --- sigmoid --------------------------------------------------------------

def test_sigmoid_correct(capsys):
    check.check_sigmoid(sigmoid)
    assert_one_line(capsys, "check_sigmoid")


def test_sigmoid_naive_overflows():
    with pytest.raises(CheckFailed, match="two-branch form") as info:
        check.check_sigmoid(lambda z: 1 / (1 + np.exp(-z)))
    assert "overflow" in str(info.value) and "-1000" in str(info.value)


def test_sigmoid_wrong_sign_and_none():
    with pytest.raises(CheckFailed, match=r"you computed sigmoid\(-z\)"):
        check.check_sigmoid(lambda z: 1 - sigmoid(z))
    with pytest.raises(CheckFailed, match="forget the `return`"):
        check.check_sigmoid(lambda z: None)


def test_sigmoid_exception_and_in_place(capsys):
    def raises(z):
        raise KeyError("oops")

    with pytest.raises(CheckFailed, match="raised KeyError"):
        check.check_sigmoid(raises)

    def in_place(z):
        z[...] = sigmoid(z)
        return z

    with pytest.raises(CheckFailed, match="changed its input z in place"):
        check.check_sigmoid(in_place)
    assert capsys.readouterr().out == ""


def test_sigmoid_derivative(capsys):
    check.check_sigmoid_derivative(lambda z: sigmoid(z) * (1 - sigmoid(z)))
    assert_one_line(capsys, "check_sigmoid_derivative")
    with pytest.raises(CheckFailed, match="returned sigma"):
        check.check_sigmoid_derivative(sigmoid)


# --- softmax family -------------------------------------------------------

def test_softmax_correct(capsys):
    check.check_softmax(softmax)
    assert_one_line(capsys, "check_softmax")


def test_softmax_without_max_overflows():
    with pytest.raises(CheckFailed, match="subtract each row's maximum"):
        check.check_softmax(lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True))


def test_softmax_global_max_fails():
    def global_max(Z):
        E = np.exp(Z - Z.max())
        return E / E.sum(axis=1, keepdims=True)

    with pytest.raises(CheckFailed, match="whole array is not enough"):
        check.check_softmax(global_max)


def test_softmax_wrong_axis():
    with pytest.raises(CheckFailed, match=r"your \*columns\* sum to 1"):
        check.check_softmax(lambda Z: softmax(Z.T).T)


def test_softmax_missing_keepdims():
    def no_keepdims(Z):
        return np.exp(Z - Z.max(axis=1)) / 1.0

    with pytest.raises(CheckFailed, match="keepdims=True"):
        check.check_softmax(no_keepdims)


def test_log_softmax(capsys):
    check.check_log_softmax(lambda Z: Z - logsumexp(Z)[:, None])
    assert_one_line(capsys, "check_log_softmax")
    with pytest.raises(CheckFailed, match="don't take np.log of a softmax"):
        check.check_log_softmax(lambda Z: np.log(softmax(Z)))


def test_logsumexp(capsys):
    check.check_logsumexp(logsumexp)
    assert_one_line(capsys, "check_logsumexp")
    with pytest.raises(CheckFailed, match="did not add it back"):
        check.check_logsumexp(
            lambda Z: np.log(np.exp(Z - Z.max(axis=1, keepdims=True)).sum(axis=1)))
    with pytest.raises(CheckFailed, match=r"drop it or index \[:, 0\]"):
        check.check_logsumexp(lambda Z: logsumexp(Z)[:, None])


# --- loss gradients -------------------------------------------------------

def bce_gradient(X, y, w, b):
    r = sigmoid(X @ w + b) - y
    return X.T @ r / len(y), float(r.mean())


def test_bce_gradient_correct(capsys):
    check.check_bce_gradient(bce_gradient)
    assert_one_line(capsys, "check_bce_gradient")


def test_bce_gradient_forgot_mean():
    def summed(X, y, w, b):
        r = sigmoid(X @ w + b) - y
        return X.T @ r, r.sum()

    with pytest.raises(CheckFailed, match="n times too large"):
        check.check_bce_gradient(summed)


def test_bce_gradient_sign_flipped():
    def flipped(X, y, w, b):
        dw, db = bce_gradient(X, y, w, b)
        return -dw, -db

    with pytest.raises(CheckFailed, match="sign is flipped"):
        check.check_bce_gradient(flipped)


def test_bce_gradient_transposed_and_single_value():
    def wrong_axis(X, y, w, b):                  # averages over features
        r = sigmoid(X @ w + b) - y
        return (X * r[:, None]).mean(axis=1), r.mean()

    with pytest.raises(CheckFailed, match="dw should have shape"):
        check.check_bce_gradient(wrong_axis)
    with pytest.raises(CheckFailed, match=r"expected 2 results \(dw, db\)"):
        check.check_bce_gradient(lambda X, y, w, b: bce_gradient(X, y, w, b)[0])


def test_bce_gradient_naive_sigmoid_overflows():
    def naive(X, y, w, b):
        r = 1 / (1 + np.exp(-(X @ w + b))) - y
        return X.T @ r / len(y), r.mean()

    with pytest.raises(CheckFailed, match="stable two-branch"):
        check.check_bce_gradient(naive)


def test_softmax_ce_gradient(capsys):
    def grad(Z, y):
        P = softmax(Z)
        P[np.arange(len(y)), y] -= 1
        return P / len(y)

    check.check_softmax_ce_gradient(grad)
    assert_one_line(capsys, "check_softmax_ce_gradient")
    with pytest.raises(CheckFailed, match="n times too large"):
        check.check_softmax_ce_gradient(lambda Z, y: grad(Z, y) * len(y))
    with pytest.raises(CheckFailed, match="subtract the one-hot labels"):
        check.check_softmax_ce_gradient(lambda Z, y: softmax(Z) / len(y))


def test_mse_gradient(capsys):
    check.check_mse_gradient(lambda Yhat, Y: 2 * (Yhat - Y) / Yhat.size)
    assert_one_line(capsys, "check_mse_gradient")
    with pytest.raises(CheckFailed, match="keep the factor 2"):
        check.check_mse_gradient(lambda Yhat, Y: (Yhat - Y) / Yhat.size)


# --- gradient descent and backward passes -----------------------------------

def test_gd_step(capsys):
    check.check_gd_step(lambda theta, grad, lr: theta - lr * grad)
    assert_one_line(capsys, "check_gd_step")


def test_gd_step_mistakes():
    with pytest.raises(CheckFailed, match="uphill"):
        check.check_gd_step(lambda theta, grad, lr: theta + lr * grad)

    def in_place(theta, grad, lr):
        theta -= lr * grad
        return theta

    with pytest.raises(CheckFailed, match="changed theta in place"):
        check.check_gd_step(in_place)
    with pytest.raises(CheckFailed, match="multiply the gradient by the learning rate"):
        check.check_gd_step(lambda theta, grad, lr: theta - grad)


def linear_backward(X, W, b, dY):
    return dY @ W.T, X.T @ dY, dY.sum(axis=0)


def test_linear_backward(capsys):
    check.check_linear_backward(linear_backward)
    assert_one_line(capsys, "check_linear_backward")


def test_linear_backward_mistakes():
    with pytest.raises(CheckFailed, match="summed over the wrong axis"):
        check.check_linear_backward(lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.sum(axis=1)))
    with pytest.raises(CheckFailed, match=r"You have its transpose \(dY.T @ X\)"):
        check.check_linear_backward(lambda X, W, b, dY: (dY @ W.T, dY.T @ X, dY.sum(axis=0)))
    with pytest.raises(CheckFailed, match="sum, don't average"):
        check.check_linear_backward(lambda X, W, b, dY: (dY @ W.T, X.T @ dY, dY.mean(axis=0)))
    with pytest.raises(CheckFailed, match="matrix product has mismatched"):
        check.check_linear_backward(lambda X, W, b, dY: (dY @ W, X.T @ dY, dY.sum(axis=0)))


def test_relu_backward(capsys):
    check.check_relu_backward(lambda Z, dY: dY * (Z > 0))
    assert_one_line(capsys, "check_relu_backward")
    with pytest.raises(CheckFailed, match="at z = 0 exactly"):
        check.check_relu_backward(lambda Z, dY: dY * (Z >= 0))
    with pytest.raises(CheckFailed, match="multiply by the upstream gradient"):
        check.check_relu_backward(lambda Z, dY: (Z > 0).astype(float))
    with pytest.raises(CheckFailed, match="should hold floats"):
        check.check_relu_backward(lambda Z, dY: Z > 0)


# --- networks by hand -------------------------------------------------------

def test_xor_weights(capsys):
    check.check_xor_weights([[20, 20], [20, 20]], [-10, -30], [[20], [-20]], -10)
    assert_one_line(capsys, "check_xor_weights")
    check.check_xor_weights(np.ones((2, 2)), [-0.5, -1.5], [1, -1], [-0.5],
                            activation="step")
    assert_one_line(capsys, "check_xor_weights")


def test_xor_weights_wrong():
    with pytest.raises(CheckFailed, match="gets 2 of the 4 inputs wrong") as info:
        check.check_xor_weights(np.ones((2, 2)), [-0.5, -1.5], [[1], [1]], -0.5)
    assert "x = (1, 1)" in str(info.value) and "<-- wrong" in str(info.value)
    with pytest.raises(CheckFailed, match="exactly on its threshold"):
        check.check_xor_weights(np.ones((2, 2)), [-1.0, -1.5], [1, -1], -0.5,
                                activation="step")
    with pytest.raises(CheckFailed, match=r"W1 should have shape \(2, H\)"):
        check.check_xor_weights(np.ones((3, 2)), [0, 0], [1, 1], 0)


def test_xor_callable(capsys):
    check.check_xor(lambda X: (X[:, 0] != X[:, 1]).astype(float))
    assert_one_line(capsys, "check_xor")
    with pytest.raises(CheckFailed, match="exactly one input is 1"):
        check.check_xor(lambda X: X[:, 0] * X[:, 1])


def test_parameter_count(capsys):
    check.check_parameter_count(
        lambda sizes: sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])))
    assert_one_line(capsys, "check_parameter_count")
    with pytest.raises(CheckFailed, match="weights only"):
        check.check_parameter_count(
            lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:])))
    with pytest.raises(CheckFailed, match="input layer has no biases"):
        check.check_parameter_count(
            lambda sizes: sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])) + sizes[0])


def test_checks_are_deterministic():
    msgs = []
    for _ in range(2):
        with pytest.raises(CheckFailed) as info:
            check.check_bce_gradient(lambda X, y, w, b: (X.T @ (y - sigmoid(X @ w + b)),
                                                         0.0))
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]


def test_all_public_checkers_exist():
    for name in check.__all__:
        assert hasattr(check, name)
