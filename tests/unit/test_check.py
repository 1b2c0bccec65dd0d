"""Tests for mlpkit.check: each checker accepts a correct implementation
(printing exactly one success message, in one call) and rejects typical
mistakes with a useful hint."""

import builtins

import numpy as np
import pytest

import mlpkit as mk
from mlpkit import check
from mlpkit.check import CheckFailed, _harness

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

    monkeypatch.setattr(_harness, "print", counting_print, raising=False)


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
    assert all(line.startswith("  ") and not line.startswith("   ") for line in lines[1:])


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


def sigmoid_tanh(z):  # chapter 02's exercise: exact in theory
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


def sigmoid_via_softmax(z):  # chapter 02's exercise: stable
    z = np.asarray(z, dtype=np.float64)
    Z2 = np.stack([np.zeros_like(z), z], axis=-1)
    E = np.exp(Z2 - Z2.max(axis=-1, keepdims=True))
    return (E / E.sum(axis=-1, keepdims=True))[..., 1]


@pytest.mark.parametrize("fn", [mk.sigmoid, sigmoid_via_softmax], ids=["mk.sigmoid", "via_softmax"])
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
    def one_minus(z):  # 1 - sigma(-z) for z < 0
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
    def wrong_axis(X, y, w, b):  # averages over features
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

    with pytest.raises(CheckFailed, match="changed its input theta in place"):
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
            opt.state[0] = {"momentum_buffer": v.copy()}  # start from the given velocity
        p.grad[...] = grad
        opt.step()
        return p.data, (opt.state[0]["momentum_buffer"].copy() if mu else grad.copy())

    check.check_momentum_step(via_sgd)
    assert_one_line(capsys, "check_momentum_step")


def test_momentum_step_hand_worked():
    # theta = 2, v = 1, grad = 4, lr = 0.1, mu = 0.5:
    # v_new = 0.5 * 1 + 4 = 4.5, theta_new = 2 - 0.1 * 4.5 = 1.55
    theta_new, v_new = momentum_step(np.array([2.0]), np.array([1.0]), np.array([4.0]), 0.1, 0.5)
    assert v_new[0] == pytest.approx(4.5) and theta_new[0] == pytest.approx(1.55)


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda th, v, g, lr, mu: (th - lr * v, mu * v + g), "with the old velocity"),
        (lambda th, v, g, lr, mu: (th + lr * (mu * v + g), mu * v + g), "uphill"),
        (lambda th, v, g, lr, mu: (th - lr * (mu * v - g), mu * v - g), "check the sign"),
        (
            lambda th, v, g, lr, mu: (th - lr * (mu * v + (1 - mu) * g), mu * v + (1 - mu) * g),
            r"dampened \(EMA\) form .* PyTorch and mlpkit use v = mu v \+ g",
        ),
        (
            lambda th, v, g, lr, mu: (th + mu * v - lr * g, mu * v - lr * g),
            "keep lr out of the velocity",
        ),
        (lambda th, v, g, lr, mu: (th - lr * (v + g), v + g), "multiply the old velocity by mu"),
        (lambda th, v, g, lr, mu: (th - lr * g, mu * v + g), "stepped along the gradient alone"),
        (lambda th, v, g, lr, mu: momentum_step(th, v, g, lr, mu)[::-1], "wrong order"),
        (
            lambda th, v, g, lr, mu: momentum_step(th, v, g, lr, mu)[0],
            r"expected 2 results \(theta_new, v_new\)",
        ),
    ],
    ids=[
        "old_v",
        "uphill",
        "sign_in_v",
        "dampened",
        "lr_in_v",
        "no_mu",
        "no_velocity",
        "swapped",
        "one_result",
    ],
)
def test_momentum_step_mistakes(wrong, hint):
    with pytest.raises(CheckFailed, match=hint):
        check.check_momentum_step(wrong)


def test_momentum_step_in_place(capsys):
    def in_place(theta, v, grad, lr, mu):  # mk.SGD's own style
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


# --- Adam ---------------------------------------------------------------------


def adam_step(theta, grad, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m_new = beta1 * m + (1 - beta1) * grad
    s_new = beta2 * s + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**t)
    s_hat = s_new / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(s_hat) + eps), m_new, s_new


def test_adam_step_correct(capsys):
    check.check_adam_step(adam_step)
    assert_one_line(capsys, "check_adam_step")


def test_adam_step_matches_mk_adam(capsys):
    """The checker's rule is the one mk.Adam applies (PyTorch's Adam)."""

    def via_adam(theta, grad, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        p = mk.Parameter(theta.copy())
        opt = mk.Adam([p], lr=lr, betas=(beta1, beta2), eps=eps)
        opt.state[0] = {
            "step": t - 1,  # step() increments it first
            "exp_avg": m.copy(),
            "exp_avg_sq": s.copy(),
        }
        p.grad[...] = grad
        opt.step()
        return p.data, opt.state[0]["exp_avg"].copy(), opt.state[0]["exp_avg_sq"].copy()

    check.check_adam_step(via_adam)
    assert_one_line(capsys, "check_adam_step")


def test_adam_step_first_step_is_about_lr_sign_grad():
    # t = 1 from m = s = 0: m_hat = g and s_hat = g**2, so the step is
    # lr * g / (|g| + eps), about lr * sign(g) even for a tiny gradient
    g = np.array([0.3, -2.0, -1e-4])
    theta_new, m_new, s_new = adam_step(np.zeros(3), g, np.zeros(3), np.zeros(3), 1, 0.01)
    np.testing.assert_allclose(theta_new, [-0.01, 0.01, 0.01], rtol=1e-3)
    np.testing.assert_allclose(m_new, 0.1 * g)
    np.testing.assert_allclose(s_new, 0.001 * g**2)


def adam_variant(
    *,
    bias=True,
    eps_inside=False,
    t_shift=0,
    square=True,
    old_m=False,
    sign=-1.0,
    fixed_betas=False,
    eps_used=True,
    order=(0, 1, 2),
):
    """adam_step with one typical mistake switched on."""

    def fn(theta, grad, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        if fixed_betas:
            beta1, beta2 = 0.9, 0.999
        m_new = beta1 * m + (1 - beta1) * grad
        s_new = beta2 * s + (1 - beta2) * (grad**2 if square else grad)
        tt = t + t_shift
        m_hat = (m if old_m else m_new) / ((1 - beta1**tt) if bias else 1)
        s_hat = s_new / ((1 - beta2**tt) if bias else 1)
        e = eps if eps_used else 0.0
        den = np.sqrt(s_hat + e) if eps_inside else np.sqrt(s_hat) + e
        out = (theta + sign * lr * m_hat / den, m_new, s_new)
        return tuple(out[k] for k in order)

    return fn


def late_only(wrong):
    """Correct on the first step (t = 1), ``wrong`` afterwards."""

    def fn(theta, grad, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        f = adam_step if t == 1 else wrong
        return f(theta, grad, m, s, t, lr, beta1, beta2, eps)

    return fn


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (adam_variant(bias=False), "on the first step m_hat should equal g"),
        (adam_variant(eps_inside=True), "eps goes outside the square root"),
        (adam_variant(t_shift=-1), r"1 - beta1\*\*0 = 0"),
        (late_only(adam_variant(t_shift=-1)), r"not the powers t - 1"),
        (adam_variant(t_shift=1), "don't add 1"),
        (adam_variant(square=False), r"forget to square grad"),
        (late_only(adam_variant(square=False)), r"square the gradient"),
        (
            adam_variant(order=(0, 2, 1)),
            r"wrong order(.|\n)*you returned "
            r"\(theta_new, s_new, m_new\)",
        ),
        (adam_variant(old_m=True), "you stepped with the old moments"),
        (adam_variant(sign=1.0), "uphill"),
        (adam_variant(fixed_betas=True), "use the beta1 that was passed in"),
        (adam_variant(eps_used=False), r"0 / 0(.|\n)*Add eps after the square root"),
        (lambda *a: adam_step(*a)[:2], r"expected 3 results \(theta_new, m_new, s_new\)"),
    ],
    ids=[
        "no_bias_correction",
        "eps_inside_sqrt",
        "t_minus_1_first_step",
        "t_minus_1_later",
        "t_plus_1",
        "g_not_squared",
        "g_not_squared_late",
        "m_s_swapped",
        "old_m",
        "sign",
        "fixed_betas",
        "no_eps",
        "two_results",
    ],
)
def test_adam_step_mistakes(wrong, hint):
    with pytest.raises(CheckFailed, match=hint):
        check.check_adam_step(wrong)


def test_adam_step_returned_bias_corrected_moments():
    def returns_hats(theta, grad, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        theta_new, m_new, s_new = adam_step(theta, grad, m, s, t, lr, beta1, beta2, eps)
        return theta_new, m_new / (1 - beta1**t), s_new / (1 - beta2**t)

    with pytest.raises(CheckFailed, match="return the raw moments"):
        check.check_adam_step(returns_hats)


def test_adam_step_in_place_and_signature(capsys):
    def in_place(theta, grad, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):  # mk.Adam's style
        m *= beta1
        m += (1 - beta1) * grad
        s *= beta2
        s += (1 - beta2) * grad**2
        theta -= lr * (m / (1 - beta1**t)) / (np.sqrt(s / (1 - beta2**t)) + eps)
        return theta, m, s

    with pytest.raises(CheckFailed, match="changed its input theta in place") as info:
        check.check_adam_step(in_place)
    assert "mk.Adam updates its own buffers in place" in str(info.value)

    def m_in_place(theta, grad, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        theta_new, m_new, s_new = adam_step(theta, grad, m, s, t, lr, beta1, beta2, eps)
        m[...] = m_new  # keeps the caller's m up to date
        return theta_new, m, s_new

    with pytest.raises(CheckFailed, match="changed its input m in place"):
        check.check_adam_step(m_in_place)

    def no_defaults(theta, grad, m, s, t, lr, beta1, beta2, eps):
        return adam_step(theta, grad, m, s, t, lr, beta1, beta2, eps)

    with pytest.raises(CheckFailed, match=r"beta1=0\.9, beta2=0\.999, eps=1e-8\)"):
        check.check_adam_step(no_defaults)

    def python_floats_t_minus_1(theta, grad, m, s, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        step_size = lr / (1 - beta1 ** (t - 1))  # ZeroDivisionError at t = 1
        return adam_step(theta, grad, m, s, t, step_size, beta1, beta2, eps)

    with pytest.raises(CheckFailed, match=r"ZeroDivisionError(.|\n)*counted from 1"):
        check.check_adam_step(python_floats_t_minus_1)
    assert capsys.readouterr().out == ""


# --- weight decay ---------------------------------------------------------------


def test_weight_decay_gradient_correct(capsys):
    check.check_weight_decay_gradient(lambda grad, theta, lam: grad + lam * theta)
    assert_one_line(capsys, "check_weight_decay_gradient")


def test_weight_decay_gradient_matches_mk_sgd(capsys):
    """weight_decay=lam in mk.SGD adds lam * theta to the gradient: with lr = 1
    and no momentum, one step moves theta by exactly that gradient."""

    def via_sgd(grad, theta, lam):
        p = mk.Parameter(theta.copy())
        p.grad[...] = grad
        mk.SGD([p], lr=1.0, weight_decay=lam).step()
        return theta - p.data

    check.check_weight_decay_gradient(via_sgd)
    assert_one_line(capsys, "check_weight_decay_gradient")


def test_weight_decay_gradient_hand_worked():
    # grad = 0.5, theta = 2, lam = 0.1: 0.5 + 0.1 * 2 = 0.7
    p = mk.Parameter(np.array([2.0]))
    p.grad[...] = 0.5
    mk.SGD([p], lr=1.0, weight_decay=0.1).step()
    assert p.data[0] == pytest.approx(2.0 - 0.7)


def _grad_in_place(grad, theta, lam):
    grad += lam * theta
    return grad


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (
            lambda grad, theta, lam: grad + lam / 2 * theta,
            r"the derivative of \(lam/2\) theta\^2 is lam theta",
        ),
        (lambda grad, theta, lam: grad - lam * theta, "check the sign"),
        (lambda grad, theta, lam: lam * theta, "only the penalty's gradient"),
        (lambda grad, theta, lam: grad + 2 * lam * theta, r"not 2 \* lam \* theta"),
        (lambda grad, theta, lam: grad * (1 + lam), "proportional to the parameters"),
        (lambda grad, theta, lam: grad + lam * np.sign(theta), "L1 penalty"),
        (
            _grad_in_place,
            r"changed its input grad in place(.|\n)*"
            r"`return grad \+ lam \* theta`",
        ),
    ],
    ids=["half_lam", "sign", "penalty_only", "two_lam", "times_grad", "l1", "in_place"],
)
def test_weight_decay_gradient_mistakes(wrong, hint):
    with pytest.raises(CheckFailed, match=hint):
        check.check_weight_decay_gradient(wrong)


# --- backward passes ------------------------------------------------------------


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


# --- networks by hand -------------------------------------------------------


def test_xor_weights(capsys):
    check.check_xor_weights([[20, 20], [20, 20]], [-10, -30], [[20], [-20]], -10)
    assert_one_line(capsys, "check_xor_weights")
    check.check_xor_weights(np.ones((2, 2)), [-0.5, -1.5], [1, -1], [-0.5], activation="step")
    assert_one_line(capsys, "check_xor_weights")


def test_xor_weights_wrong():
    with pytest.raises(CheckFailed, match="gets 2 of the 4 inputs wrong") as info:
        check.check_xor_weights(np.ones((2, 2)), [-0.5, -1.5], [[1], [1]], -0.5)
    assert "x = (1, 1)" in str(info.value) and "<-- wrong" in str(info.value)
    with pytest.raises(CheckFailed, match="exactly on its threshold"):
        check.check_xor_weights(np.ones((2, 2)), [-1.0, -1.5], [1, -1], -0.5, activation="step")
    with pytest.raises(CheckFailed, match=r"W1 should have shape \(2, H\)"):
        check.check_xor_weights(np.ones((3, 2)), [0, 0], [1, 1], 0)


def test_xor_callable(capsys):
    check.check_xor(lambda X: (X[:, 0] != X[:, 1]).astype(float))
    assert_one_line(capsys, "check_xor")
    with pytest.raises(CheckFailed, match="exactly one input is 1"):
        check.check_xor(lambda X: X[:, 0] * X[:, 1])


def test_parameter_count(capsys):
    check.check_parameter_count(lambda sizes: sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])))
    assert_one_line(capsys, "check_parameter_count")
    with pytest.raises(CheckFailed, match="weights only"):
        check.check_parameter_count(lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:])))
    with pytest.raises(CheckFailed, match="input layer has no biases"):
        check.check_parameter_count(
            lambda sizes: sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])) + sizes[0]
        )


def test_checks_are_deterministic():
    msgs = []
    for _ in range(2):
        with pytest.raises(CheckFailed) as info:
            check.check_bce_gradient(lambda X, y, w, b: (X.T @ (y - sigmoid(X @ w + b)), 0.0))
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]


def test_all_public_checkers_exist():
    for name in check.__all__:
        assert hasattr(check, name)


def test_success_message_wraps_without_splitting_formulas(capsys):
    # 14 + 60 characters, so a plain wrap would split "theta | - lr * grad"
    _harness.success("check_demo", "a " * 30 + "theta - lr * grad, (2, 3) and [784, 100, 10].")
    lines = capsys.readouterr().out.splitlines()
    assert len(_PRINTS) == 1 and len(lines) == 2
    assert all(len(line) <= 79 for line in lines)
    assert lines[1] == "  theta - lr * grad, (2, 3) and [784, 100, 10]."
    _PRINTS.clear()


# --- structure: one harness, tables of known mistakes, short functions ------------------


def test_gd_step_goes_through_the_harness():
    def overflows(theta, grad, lr):
        return theta - lr * grad * np.exp(np.float64(1000.0))

    with pytest.raises(CheckFailed, match="floating-point error"):
        check.check_gd_step(overflows)
    with pytest.raises(CheckFailed, match="returned the very array it was given"):
        check.check_gd_step(lambda theta, grad, lr: theta)
    with pytest.raises(CheckFailed, match="returned None"):
        check.check_gd_step(lambda theta, grad, lr: None)


def test_known_mistakes_are_tables_of_test_and_hint():
    import importlib
    import pkgutil

    tables = 0
    for info in pkgutil.iter_modules(check.__path__):
        module = importlib.import_module(f"mlpkit.check.{info.name}")
        for name, value in vars(module).items():
            if name.endswith("_MISTAKES"):
                tables += 1
                assert isinstance(value, tuple) and value, name
                for test, hint in value:
                    assert callable(test) and (isinstance(hint, str) or callable(hint)), name
    assert tables >= 15


def test_no_function_in_check_is_longer_than_60_lines():
    import ast
    import pathlib

    long = []
    for path in pathlib.Path(check.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                body_start = node.body[0]
                if isinstance(body_start, ast.Expr) and isinstance(
                    getattr(body_start, "value", None), ast.Constant
                ):
                    body_start = node.body[1]  # skip the docstring
                if node.end_lineno - body_start.lineno + 1 > 60:
                    long.append(f"{path.name}:{node.name}")
    assert not long, long


def test_removed_checkers_are_gone():
    for name in (
        "check_log_softmax",
        "check_logsumexp",
        "check_mse_gradient",
        "check_mlp_forward",
        "check_relu_backward",
    ):
        assert not hasattr(check, name)
