"""Optimisers follow PyTorch's update rules, written out here by hand (PyTorch's own numbers
are compared in test_torch_references.py)."""

import numpy as np
import pytest

import mlpkit as mk


def make_param(rng, dtype=np.float64):
    return mk.Parameter(rng.standard_normal((3, 2)).astype(dtype), "W")


def grads(rng, steps):
    return [rng.standard_normal((3, 2)) for _ in range(steps)]


def test_sgd_momentum_matches_pytorch_rule():
    rng = np.random.default_rng(0)
    p = make_param(rng)
    gs = grads(rng, 4)
    lr, mu, wd = 0.1, 0.9, 0.01
    opt = mk.SGD([p], lr=lr, momentum=mu, weight_decay=wd)
    theta, buf = p.data.copy(), None
    for g in gs:
        p.grad[...] = g
        opt.step()
        d = g + wd * theta  # weight decay added to the gradient
        buf = d.copy() if buf is None else mu * buf + d  # torch: buf = clone(d) on step 1
        theta = theta - lr * buf
        np.testing.assert_allclose(p.data, theta, rtol=1e-14, atol=1e-15)


def test_plain_sgd():
    rng = np.random.default_rng(1)
    p = make_param(rng)
    before = p.data.copy()
    p.grad[...] = 2.0
    mk.SGD([p], lr=0.5).step()
    np.testing.assert_allclose(p.data, before - 1.0)


@pytest.mark.parametrize("wd", [0.0, 0.1])
def test_adam_matches_pytorch_rule(wd):
    rng = np.random.default_rng(2)
    p = make_param(rng)
    gs = grads(rng, 5)
    lr, b1, b2, eps = 1e-2, 0.9, 0.999, 1e-8
    opt = mk.Adam([p], lr=lr, weight_decay=wd)
    theta, m, v = p.data.copy(), 0.0, 0.0
    for t, g in enumerate(gs, start=1):
        p.grad[...] = g
        opt.step()
        g = g + wd * theta
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)  # eps after the square root
        np.testing.assert_allclose(p.data, theta, rtol=1e-13, atol=1e-15)


def test_adam_first_step_moves_each_weight_by_lr():
    p = mk.Parameter(np.zeros(3))
    p.grad[...] = [1e-3, -5.0, 2.0]
    mk.Adam([p], lr=0.01).step()
    np.testing.assert_allclose(p.data, [-0.01, 0.01, -0.01], rtol=1e-4)  # |g| >> eps


@pytest.mark.parametrize(
    "make",
    [lambda ps: mk.SGD(ps, lr=0.1, momentum=0.9), lambda ps: mk.Adam(ps, lr=0.1, weight_decay=0.1)],
)
def test_optimisers_keep_float32_and_update_in_place(make):
    rng = np.random.default_rng(3)
    p = make_param(rng, np.float32)
    data = p.data
    p.grad[...] = 1.0
    opt = make([p])
    opt.step()
    assert p.data is data and p.data.dtype == np.float32
    opt.zero_grad()
    assert not p.grad.any()


def test_duplicate_parameters_are_refused():
    p = make_param(np.random.default_rng(4))
    with pytest.raises(ValueError, match="same Parameter more than once"):
        mk.SGD([p, p], lr=0.1)
