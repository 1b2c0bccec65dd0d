"""A 2-2-1 network worked by hand: every intermediate number of one forward and
one backward pass, written out so that the backpropagation chapter can show
(and reuse) the same numbers.

Network: x (1, 2) -> z1 = x W1 + b1 -> h1 = sigmoid(z1) -> z2 = h1 W2 + b2 (logit)
-> loss = BCEWithLogits(z2, y), one example (n = 1, so the batch mean is the loss).
The expected values were computed with 40-digit decimal arithmetic.
"""

import numpy as np
import pytest

import mlpkit as mk

HAND_WORKED = {
    # ---- inputs and weights (round numbers) ----
    "x": [[1.0, 2.0]],
    "y": [1],
    "W1": [[0.1, 0.2], [-0.3, 0.4]],
    "b1": [0.1, -0.2],
    "W2": [[0.5], [-0.6]],
    "b2": [0.2],
    # ---- forward ----
    # z1 = [1*0.1 + 2*(-0.3) + 0.1,  1*0.2 + 2*0.4 - 0.2] = [-0.4, 0.8]
    "z1": [[-0.4, 0.8]],
    # h1 = [1/(1+e^0.4), 1/(1+e^-0.8)]
    "h1": [[0.40131233988754800, 0.68997448112761244]],
    # z2 = 0.5*0.401312... - 0.6*0.689974... + 0.2
    #    = 0.20065616994377400 - 0.41398468867656746 + 0.2
    "z2": [[-0.01332851873279347]],
    # loss (y = 1) = max(z2,0) - z2*1 + log1p(exp(-|z2|)) = log(1 + e^{-z2})
    #              = log(1 + e^0.013328...)
    "loss": 0.69983364593842387,
    # ---- backward ----
    # dz2 = (sigmoid(z2) - y) / n = 0.49666791964516512 - 1
    "dz2": [[-0.50333208035483488]],
    # dW2 = h1^T dz2 = [0.401312... * dz2, 0.689974... * dz2]^T
    "dW2": [[-0.20199337490766612], [-0.34728629097770893]],
    "db2": [-0.50333208035483488],
    # dh1 = dz2 W2^T = [0.5 * dz2, -0.6 * dz2]
    "dh1": [[-0.25166604017741744, 0.30199924821290093]],
    # dz1 = dh1 * h1 * (1 - h1) = [-0.251666... * 0.401312... * 0.598687...,
    #                               0.301999... * 0.689974... * 0.310025...]
    "dz1": [[-0.06046547049084395, 0.06460056753457871]],
    # dW1 = x^T dz1 = [[1 * dz1], [2 * dz1]]
    "dW1": [
        [-0.06046547049084395, 0.06460056753457871],
        [-0.12093094098168790, 0.12920113506915741],
    ],
    "db1": [-0.06046547049084395, 0.06460056753457871],
    # ---- one SGD step, lr = 0.1: W <- W - 0.1 dW ----
    "lr": 0.1,
    "W1_after": [
        [0.1 + 0.006046547049084395, 0.2 - 0.006460056753457871],
        [-0.3 + 0.012093094098168790, 0.4 - 0.012920113506915741],
    ],
    "b2_after": [0.2 + 0.050333208035483488],
}


def hand_worked_model() -> mk.MLP:
    """The 2-2-1 sigmoid network with the weights of ``HAND_WORKED``."""
    model = mk.MLP([2, 2, 1], activation="sigmoid", rng=np.random.default_rng(0))
    for p, key in zip(model.parameters(), ["W1", "b1", "W2", "b2"]):
        p.data[...] = HAND_WORKED[key]
    return model


def close(actual, key):
    np.testing.assert_allclose(actual, HAND_WORKED[key], rtol=0, atol=1e-12, err_msg=key)


def test_forward_and_backward_by_hand():
    model = hand_worked_model()
    lin1, act, lin2 = model.layers
    x = np.array(HAND_WORKED["x"])
    y = np.array(HAND_WORKED["y"])
    loss_fn = mk.BCEWithLogits()

    z1 = lin1(x)
    close(z1, "z1")
    h1 = act(z1)
    close(h1, "h1")
    z2 = lin2(h1)
    close(z2, "z2")
    loss = loss_fn(z2, y)
    assert loss == pytest.approx(HAND_WORKED["loss"], abs=1e-12)

    dz2 = loss_fn.backward()
    close(dz2, "dz2")
    dh1 = lin2.backward(dz2)
    close(lin2.W.grad, "dW2")
    close(lin2.b.grad, "db2")
    close(dh1, "dh1")
    dz1 = act.backward(dh1)
    close(dz1, "dz1")
    lin1.backward(dz1)
    close(lin1.W.grad, "dW1")
    close(lin1.b.grad, "db1")


def test_whole_model_backward_and_one_sgd_step_match():
    model = hand_worked_model()
    loss_fn = mk.BCEWithLogits()
    loss = loss_fn(model(np.array(HAND_WORKED["x"])), np.array(HAND_WORKED["y"]))
    assert loss == pytest.approx(HAND_WORKED["loss"], abs=1e-12)
    model.backward(loss_fn.backward())
    close(model.layers[0].W.grad, "dW1")
    mk.SGD(model.parameters(), lr=HAND_WORKED["lr"]).step()
    close(model.layers[0].W.data, "W1_after")
    close(model.layers[2].b.data, "b2_after")


def test_hand_worked_gradients_pass_gradcheck():
    model = hand_worked_model()
    res = mk.gradcheck(
        model, np.array(HAND_WORKED["x"]), loss=mk.BCEWithLogits(), y=np.array(HAND_WORKED["y"])
    )
    assert res.passed
