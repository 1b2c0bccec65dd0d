"""Tests for mlpkit.check: each checker accepts a correct implementation
(printing exactly one success message, in one call) and rejects typical
mistakes with a useful hint."""
import builtins

import numpy as np
import pytest

import mlpkit as mk

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


_PRINTS: list = []


@pytest.fixture(autouse=True)
def count_prints(monkeypatch):
    """Record every print() call made by mlpkit.check."""
    _PRINTS.clear()

    def counting_print(*args, **kwargs):
        _PRINTS.append(args)
        builtins.print(*args, **kwargs)

    monkeypatch.setattr(check, "print", counting_print, raising=False)


def assert_one_line(capsys, name):
    """Exactly one success message, printed by one call, that fits the book:
    at most two lines of at most 79 characters, the second one indented."""
    out = capsys.readouterr().out
    assert len(_PRINTS) == 1, f"{len(_PRINTS)} print calls"
    _PRINTS.clear()
    assert out.startswith(f"✓ {name}:") and out.count("✓") == 1
    lines = out.splitlines()
    assert 1 <= len(lines) <= 2
    assert all(len(line) <= 79 for line in lines), [len(line) for line in lines]
    assert all(line.startswith("  ") and not line.startswith("   ")
               for line in lines[1:])


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


def sigmoid_tanh(z):                 # chapter 02's exercise: exact in theory
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


def sigmoid_via_softmax(z):          # chapter 02's exercise: stable
    z = np.asarray(z, dtype=np.float64)
    Z2 = np.stack([np.zeros_like(z), z], axis=-1)
    E = np.exp(Z2 - Z2.max(axis=-1, keepdims=True))
    return (E / E.sum(axis=-1, keepdims=True))[..., 1]


@pytest.mark.parametrize("fn", [mk.sigmoid, sigmoid_via_softmax],
                         ids=["mk.sigmoid", "via_softmax"])
def test_sigmoid_stable_forms_pass(capsys, fn):
    check.check_sigmoid(fn)
    out = capsys.readouterr().out
    assert "9 cases" in out and "1e-9 relative at z = -700" in out
    _PRINTS.clear()


def test_sigmoid_tanh_form_fails_relative_accuracy():
    # 0.5 * (1 + tanh(z / 2)) is off by 2e-4 (relative) at z = -30 and
    # returns 0 at z = -50; its absolute error passes the other cases
    with pytest.raises(CheckFailed, match="cancellation near 0") as info:
        check.check_sigmoid(sigmoid_tanh)
    msg = str(info.value)
    assert "very negative z" in msg and "not accurate to 1e-09 relative" in msg
    assert "yours is 0 (all digits lost)" in msg


def test_sigmoid_one_minus_form_and_float32_fail():
    def one_minus(z):                                 # 1 - sigma(-z) for z < 0
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), 1 - 1 / (1 + e))

    with pytest.raises(CheckFailed, match="cancellation near 0"):
        check.check_sigmoid(one_minus)
    with pytest.raises(CheckFailed, match="dtype float32"):
        check.check_sigmoid(lambda z: sigmoid(z).astype(np.float32))


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


# --- momentum -----------------------------------------------------------------

def momentum_step(theta, v, grad, lr, mu):
    v_new = mu * v + grad
    return theta - lr * v_new, v_new


def test_momentum_step_correct(capsys):
    check.check_momentum_step(momentum_step)
    assert_one_line(capsys, "check_momentum_step")


def test_momentum_step_matches_mk_sgd(capsys):
    """The checker's rule is the one mk.SGD applies (PyTorch's heavy ball)."""
    def via_sgd(theta, v, grad, lr, mu):
        p = mk.Parameter(theta.copy())
        opt = mk.SGD([p], lr=lr, momentum=mu)
        if mu:
            opt._v[0][...] = v                   # start from the given velocity
        p.grad[...] = grad
        opt.step()
        return p.data, (opt._v[0].copy() if mu else grad.copy())

    check.check_momentum_step(via_sgd)
    assert_one_line(capsys, "check_momentum_step")


def test_momentum_step_hand_worked():
    # theta = 2, v = 1, grad = 4, lr = 0.1, mu = 0.5:
    # v_new = 0.5 * 1 + 4 = 4.5, theta_new = 2 - 0.1 * 4.5 = 1.55
    theta_new, v_new = momentum_step(np.array([2.0]), np.array([1.0]),
                                     np.array([4.0]), 0.1, 0.5)
    assert v_new[0] == pytest.approx(4.5) and theta_new[0] == pytest.approx(1.55)


@pytest.mark.parametrize("wrong, hint", [
    (lambda th, v, g, lr, mu: (th - lr * v, mu * v + g), "with the old velocity"),
    (lambda th, v, g, lr, mu: (th + lr * (mu * v + g), mu * v + g), "uphill"),
    (lambda th, v, g, lr, mu: (th - lr * (mu * v - g), mu * v - g), "check the sign"),
    (lambda th, v, g, lr, mu: (th - lr * (mu * v + (1 - mu) * g), mu * v + (1 - mu) * g),
     r"dampened \(EMA\) form .* PyTorch and mlpkit use v = mu v \+ g"),
    (lambda th, v, g, lr, mu: (th + mu * v - lr * g, mu * v - lr * g),
     "keep lr out of the velocity"),
    (lambda th, v, g, lr, mu: (th - lr * (v + g), v + g), "multiply the old velocity by mu"),
    (lambda th, v, g, lr, mu: (th - lr * g, mu * v + g), "stepped along the gradient alone"),
    (lambda th, v, g, lr, mu: momentum_step(th, v, g, lr, mu)[::-1], "wrong order"),
    (lambda th, v, g, lr, mu: momentum_step(th, v, g, lr, mu)[0],
     r"expected 2 results \(theta_new, v_new\)"),
], ids=["old_v", "uphill", "sign_in_v", "dampened", "lr_in_v", "no_mu",
        "no_velocity", "swapped", "one_result"])
def test_momentum_step_mistakes(wrong, hint):
    with pytest.raises(CheckFailed, match=hint):
        check.check_momentum_step(wrong)


def test_momentum_step_in_place(capsys):
    def in_place(theta, v, grad, lr, mu):             # mk.SGD's own style
        v *= mu
        v += grad
        theta -= lr * v
        return theta, v

    with pytest.raises(CheckFailed, match="changed its input theta in place") as info:
        check.check_momentum_step(in_place)
    assert "`v_new = mu * v + grad`" in str(info.value)

    def v_in_place(theta, v, grad, lr, mu):
        v *= mu
        v += grad
        return theta - lr * v, v

    with pytest.raises(CheckFailed, match="changed its input v in place"):
        check.check_momentum_step(v_in_place)
    assert capsys.readouterr().out == ""


# --- MLP forward pass ---------------------------------------------------------

def relu(Z):
    return np.maximum(Z, 0)


def mlp_forward(X, W1, b1, W2, b2):
    H = relu(X @ W1 + b1)
    return H @ W2 + b2


def test_mlp_forward_correct(capsys):
    check.check_mlp_forward(mlp_forward)
    assert_one_line(capsys, "check_mlp_forward")
    check.check_mlp_forward(lambda X, W1, b1, W2, b2: np.tanh(X @ W1 + b1) @ W2 + b2,
                            activation="tanh")
    assert_one_line(capsys, "check_mlp_forward")
    check.check_mlp_forward(lambda X, W1, b1, W2, b2: sigmoid(X @ W1 + b1) @ W2 + b2,
                            activation="sigmoid")
    assert_one_line(capsys, "check_mlp_forward")


def test_mlp_forward_matches_mk_mlp(capsys):
    def via_mlp(X, W1, b1, W2, b2):
        net = mk.MLP([W1.shape[0], W1.shape[1], W2.shape[1]], activation="relu",
                     rng=np.random.default_rng(0))
        lin1, lin2 = net.layers[0], net.layers[2]
        lin1.W.data[...], lin1.b.data[...] = W1, b1
        lin2.W.data[...], lin2.b.data[...] = W2, b2
        return net(X)

    check.check_mlp_forward(via_mlp)
    assert_one_line(capsys, "check_mlp_forward")


@pytest.mark.parametrize("wrong, hint", [
    (lambda X, W1, b1, W2, b2: (X @ W1 + b1) @ W2 + b2,
     r"apply the activation to the hidden layer: H = relu\(X @ W1 \+ b1\)"),
    (lambda X, W1, b1, W2, b2: softmax(mlp_forward(X, W1, b1, W2, b2)),
     "the MLP returns logits; the loss applies softmax"),
    (lambda X, W1, b1, W2, b2: relu(mlp_forward(X, W1, b1, W2, b2)),
     "no activation after the output layer"),
    (lambda X, W1, b1, W2, b2: relu(X @ W1.T + b1) @ W2 + b2,
     r"mismatched inner dimensions.*no \.T"),
    (lambda X, W1, b1, W2, b2: relu(W1.T @ X + b1) @ W2 + b2, "mismatched inner"),
    (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1[:, None]) @ W2 + b2,
     r"without turning b1 into a column \(H, 1\)"),
    (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1) @ W2, "add both biases"),
    (lambda X, W1, b1, W2, b2: np.tanh(X @ W1 + b1) @ W2 + b2,
     r"uses tanh, but this check is for activation='relu'"),
    (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1), "you returned the hidden layer"),
    (lambda X, W1, b1, W2, b2: mlp_forward(X, W1, b1, W2, b2).T, "transposed"),
], ids=["no_relu", "softmax", "relu_on_output", "W1.T", "W1_first", "b1_column",
        "no_b2", "tanh", "hidden_only", "transposed"])
def test_mlp_forward_mistakes(wrong, hint):
    with pytest.raises(CheckFailed, match=hint):
        check.check_mlp_forward(wrong)


def test_mlp_forward_square_cases_catch_silent_mistakes():
    """Transposes and a bias on the wrong axis raise no error when the
    shapes are square; the square cases still name the mistake."""
    def only_when_square(wrong):
        def fn(X, W1, b1, W2, b2):
            n, (d, H), K = X.shape[0], W1.shape, W2.shape[1]
            return wrong(X, W1, b1, W2, b2) if n == d == H == K else \
                mlp_forward(X, W1, b1, W2, b2)
        return fn

    cases = [(lambda X, W1, b1, W2, b2: relu(X @ W1.T + b1) @ W2 + b2, "not X @ W1.T"),
             (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1) @ W2.T + b2, "not H @ W2.T"),
             (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1[:, None]) @ W2 + b2,
              r"b1 was broadcast over the wrong axis"),
             (lambda X, W1, b1, W2, b2: relu(X @ W1 + b1) @ W2 + b2[:, None],
              r"b2 was broadcast over the wrong axis")]
    for wrong, hint in cases:
        with pytest.raises(CheckFailed, match=hint) as info:
            check.check_mlp_forward(only_when_square(wrong))
        assert "all square" in str(info.value)


def test_mlp_forward_bad_activation_name():
    with pytest.raises(ValueError, match="activation must be one of"):
        check.check_mlp_forward(mlp_forward, activation="gelu")


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


def test_success_message_wraps_without_splitting_formulas(capsys):
    # 14 + 60 characters, so a plain wrap would split "theta | - lr * grad"
    check._success("check_demo", "a " * 30 + "theta - lr * grad, (2, 3) and "
                                 "[784, 100, 10].")
    lines = capsys.readouterr().out.splitlines()
    assert len(_PRINTS) == 1 and len(lines) == 2
    assert all(len(line) <= 79 for line in lines)
    assert lines[1] == "  theta - lr * grad, (2, 3) and [784, 100, 10]."
    _PRINTS.clear()
