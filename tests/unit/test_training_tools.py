"""Training tools of mlpkit 1.1: parameter groups, AdamW, schedulers, clipping,
Dropout and train/eval modes, fit's new options, state dicts, the LR range test.

The numbers of the optimisers, schedulers and clipping are compared with
PyTorch in test_torch_references.py; here: behaviour, round trips and errors.
"""

import math

import numpy as np
import pytest

import mlpkit as mk


def quadrants(rng, n=200):
    X = rng.uniform(-1, 1, size=(n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


def params_with_grads(seed=0):
    rng = np.random.default_rng(seed)
    W, b = mk.Parameter(rng.standard_normal((3, 2)), "W"), mk.Parameter(rng.standard_normal(2), "b")
    W.grad[...], b.grad[...] = rng.standard_normal((3, 2)), rng.standard_normal(2)
    return W, b


# ---- optimisers: groups, AdamW, Nesterov ------------------------------------------
def test_param_groups_fill_defaults_and_step_reads_lr_from_the_group():
    W, b = params_with_grads()
    opt = mk.SGD([{"params": [W]}, {"params": [b], "lr": 0.5, "weight_decay": 0.1}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[0] == {
        "params": [W],
        "lr": 0.1,
        "momentum": 0.0,
        "nesterov": False,
        "weight_decay": 0.0,
    }
    w0, b0 = W.data.copy(), b.data.copy()
    opt.param_groups[0]["lr"] = 0.2  # changed between steps: used
    opt.step()
    np.testing.assert_array_equal(W.data, w0 - 0.2 * W.grad)
    np.testing.assert_allclose(b.data, b0 - 0.5 * (b.grad + 0.1 * b0), rtol=1e-15)


def test_optimisers_accept_a_model_and_one_group_dict():
    model = mk.MLP([2, 3, 1], rng=np.random.default_rng(0))
    assert mk.Adam(model).params == model.parameters()
    assert mk.SGD({"params": model.parameters()}, lr=0.1).params == model.parameters()


def test_no_decay_groups_split_weights_from_biases():
    model = mk.MLP([2, 4, 3], rng=np.random.default_rng(0))
    groups = mk.no_decay_groups(model, 0.01)
    assert [len(g["params"]) for g in groups] == [2, 2]
    assert all(p.data.ndim == 2 for p in groups[0]["params"]) and groups[0]["weight_decay"] == 0.01
    assert all(p.data.ndim == 1 for p in groups[1]["params"]) and groups[1]["weight_decay"] == 0.0
    opt = mk.AdamW(groups, lr=1e-3)
    assert [g["weight_decay"] for g in opt.param_groups] == [0.01, 0.0]


def test_adamw_decays_the_weights_not_the_gradient():
    # zero gradient: Adam's step is 0, so only the decoupled decay moves p
    p = mk.Parameter(np.array([1.0, -2.0]))
    mk.AdamW([p], lr=0.1, weight_decay=0.5).step()
    np.testing.assert_array_equal(p.data, np.array([1.0, -2.0]) * (1 - 0.1 * 0.5))
    q = mk.Parameter(np.array([1.0, -2.0]))  # Adam's L2 goes through the moments
    mk.Adam([q], lr=0.1, weight_decay=0.5).step()
    np.testing.assert_allclose(q.data, [0.9, -1.9], rtol=1e-6)


def test_nesterov_first_step():
    # step 1: v = g, update g + mu v = (1 + mu) g
    p = mk.Parameter(np.array([1.0, 2.0]))
    p.grad[...] = [0.5, -1.0]
    mk.SGD([p], lr=0.1, momentum=0.9, nesterov=True).step()
    np.testing.assert_allclose(p.data, [1.0 - 0.1 * 1.9 * 0.5, 2.0 + 0.1 * 1.9], rtol=1e-15)


def test_optimiser_reprs():
    W, b = params_with_grads()
    assert (
        repr(mk.SGD([W, b], lr=0.1, momentum=0.9))
        == "SGD(lr=0.1, momentum=0.9, nesterov=False, weight_decay=0.0; 2 parameters)"
    )
    r = repr(mk.AdamW([{"params": [W]}, {"params": [b], "weight_decay": 0.0}]))
    assert r.startswith(
        "AdamW(\n  group 0: lr=0.001, betas=(0.9, 0.999), eps=1e-08, "
        "weight_decay=0.01; 1 parameters\n  group 1:"
    )


@pytest.mark.parametrize(
    "make, error, message",
    [
        (
            lambda W, b: mk.SGD([W], lr=0),
            ValueError,
            r"lr \(the learning rate\) must be a real number > 0",
        ),
        (lambda W, b: mk.SGD([W], lr="0.1"), TypeError, r"lr \(the learning rate\)"),
        (
            lambda W, b: mk.SGD([W], lr=0.1, nesterov=True),
            ValueError,
            "nesterov=True needs momentum > 0",
        ),
        (
            lambda W, b: mk.SGD([W], lr=0.1, momentum=0.9, nesterov=1),
            TypeError,
            "nesterov must be True or False",
        ),
        (
            lambda W, b: mk.SGD([W], lr=0.1, momentum=1.0),
            ValueError,
            r"momentum must be a real number in \[0, 1\)",
        ),
        (
            lambda W, b: mk.AdamW([W], weight_decay=-1),
            ValueError,
            "weight_decay must be a real number >= 0",
        ),
        (lambda W, b: mk.Adam([W], betas=0.9), TypeError, r"betas must be a pair"),
        (
            lambda W, b: mk.Adam([W], betas=(0.9, 1.0)),
            ValueError,
            r"betas\[1\] must be a real number in \[0, 1\)",
        ),
        (
            lambda W, b: mk.SGD([{"params": [W]}, {"params": [W]}], lr=0.1),
            ValueError,
            "same Parameter more than once",
        ),
        (
            lambda W, b: mk.SGD([{"params": [W], "momentun": 0.9}], lr=0.1),
            ValueError,
            r"unknown parameter-group key\(s\) \['momentun'\]",
        ),
        (lambda W, b: mk.SGD([{"params": []}], lr=0.1), ValueError, "has no parameters"),
        (lambda W, b: mk.SGD([{"lr": 0.1}], lr=0.1), TypeError, "a dict with a 'params' key"),
        (lambda W, b: mk.SGD([], lr=0.1), ValueError, "empty list of parameters"),
        (lambda W, b: mk.SGD([W, "b"], lr=0.1), TypeError, "expects Parameters"),
        (
            lambda W, b: mk.no_decay_groups([W], "0.1"),
            TypeError,
            "weight_decay must be a real number",
        ),
        (
            lambda W, b: mk.clip_grad_norm([W], 0.0),
            ValueError,
            "max_norm must be a real number > 0",
        ),
        (lambda W, b: mk.clip_grad_norm(3, 1.0), TypeError, "iterable of Parameters"),
    ],
)
def test_bad_optimiser_arguments(make, error, message):
    W, b = params_with_grads()
    with pytest.raises(error, match=message):
        make(W, b)


# ---- clipping ------------------------------------------------------------------------
def test_clip_grad_norm_returns_the_norm_before_and_clips_in_place():
    W, b = params_with_grads()
    grads = [W.grad, b.grad]
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    before = [g.copy() for g in grads]
    assert mk.clip_grad_norm([W, b], 10 * total) == pytest.approx(total, rel=1e-15)
    assert all(np.array_equal(g, h) for g, h in zip(grads, before))  # nothing to clip
    assert mk.clip_grad_norm([W, b], 0.5) == pytest.approx(total, rel=1e-15)
    assert W.grad is grads[0]
    new = math.sqrt(sum(float(np.sum(g * g)) for g in (W.grad, b.grad)))
    assert new == pytest.approx(0.5 * total / (total + 1e-6), rel=1e-14)
    np.testing.assert_allclose(W.grad, before[0] * 0.5 / (total + 1e-6), rtol=1e-15)


# ---- schedulers ------------------------------------------------------------------------
def sgd(lr=0.1, groups=False):
    W, b = params_with_grads()
    if groups:
        return mk.SGD([{"params": [W]}, {"params": [b], "lr": 2 * lr}], lr=lr)
    return mk.SGD([W, b], lr=lr)


def run_schedule(sched, epochs):
    lrs = [sched.get_last_lr()]
    for _ in range(epochs):
        sched.step()
        lrs.append(sched.get_last_lr())
    return np.array(lrs)


def test_step_lr_per_group():
    opt = sgd(0.1, groups=True)
    lrs = run_schedule(mk.StepLR(opt, step_size=2, gamma=0.5), 5)
    np.testing.assert_allclose(lrs[:, 0], [0.1, 0.1, 0.05, 0.05, 0.025, 0.025], rtol=1e-15)
    np.testing.assert_allclose(lrs[:, 1], 2 * lrs[:, 0], rtol=1e-15)
    assert [g["lr"] for g in opt.param_groups] == list(lrs[-1])


def test_cosine_and_linear_end_points():
    opt = sgd(0.1)
    lrs = run_schedule(mk.CosineAnnealingLR(opt, T_max=4, eta_min=0.01), 4)[:, 0]
    assert lrs[0] == 0.1 and lrs[2] == pytest.approx(0.055) and lrs[4] == pytest.approx(0.01)
    opt = sgd(0.3)
    lrs = run_schedule(mk.LinearLR(opt, total_iters=3), 5)[:, 0]
    np.testing.assert_allclose(lrs, [0.1, 0.3 * 5 / 9, 0.3 * 7 / 9, 0.3, 0.3, 0.3], rtol=1e-14)


def test_scheduler_state_dict_round_trip_and_repr():
    opt = sgd(0.1)
    s = mk.StepLR(opt, step_size=2)
    for _ in range(3):
        s.step()
    d = s.state_dict()
    assert d == {"last_epoch": 3, "base_lrs": [0.1], "step_size": 2, "gamma": 0.1}
    opt2 = sgd(0.1)
    s2 = mk.StepLR(opt2, step_size=5)
    s2.load_state_dict(d)
    assert s2.get_last_lr() == s.get_last_lr() and opt2.lr == opt.lr and s2.step_size == 2
    assert repr(s) == "StepLR(SGD, step_size=2, gamma=0.1; last_epoch=3, lr=[0.01])"


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda o: mk.StepLR(o, step_size=0), ValueError, "step_size must be an int >= 1"),
        (lambda o: mk.StepLR(o, step_size=2.0), TypeError, "step_size must be an int >= 1"),
        (
            lambda o: mk.StepLR(o, 2, gamma=1.5),
            ValueError,
            r"gamma must be a real number in \(0, 1\]",
        ),
        (lambda o: mk.CosineAnnealingLR(o, T_max=0), ValueError, "T_max must be an int >= 1"),
        (
            lambda o: mk.CosineAnnealingLR(o, 10, eta_min=-1),
            ValueError,
            "eta_min must be a real number >= 0",
        ),
        (
            lambda o: mk.LinearLR(o, start_factor=0),
            ValueError,
            r"start_factor must be a real number in \(0, 1\]",
        ),
        (
            lambda o: mk.LinearLR(o, end_factor=2),
            ValueError,
            r"end_factor must be a real number in \[0, 1\]",
        ),
        (lambda o: mk.LinearLR(o, total_iters=0), ValueError, "total_iters must be an int >= 1"),
        (lambda o: mk.StepLR("opt", 2), TypeError, "expects an optimiser"),
    ],
)
def test_bad_scheduler_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make(sgd())


# ---- Dropout and train/eval ---------------------------------------------------------------
class FixedMaskDropout(mk.Dropout):
    """Dropout that redraws the same mask at every forward call (for central differences)."""

    def forward(self, X):
        self.rng = np.random.default_rng(7)
        return super().forward(X)


def test_dropout_gradcheck_with_a_fixed_mask():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 4))
    layer = FixedMaskDropout(0.4, rng=rng)
    mk.gradcheck(layer, X, rng=rng)
    assert 0 < np.count_nonzero(layer.cached()["mask"]) < X.size
    model = mk.Sequential(
        mk.Linear(4, 6, rng=rng),
        mk.Tanh(),
        FixedMaskDropout(0.5, rng=rng),
        mk.Linear(6, 3, rng=rng),
    )
    mk.gradcheck(model, X, loss=mk.SoftmaxCrossEntropy(), y=np.array([0, 1, 2, 1, 0]))


def test_dropout_backward_uses_the_forward_mask():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 20))
    d = mk.Dropout(0.3, rng=rng)
    Y = d(X)
    kept = Y != 0
    np.testing.assert_allclose(Y[kept], X[kept] / 0.7, rtol=1e-15)
    dX = d.backward(np.ones_like(X))
    np.testing.assert_array_equal(dX != 0, kept)
    np.testing.assert_allclose(dX[kept], 1 / 0.7, rtol=1e-15)


def test_dropout_eval_is_identity_and_train_keeps_the_expectation():
    rng = np.random.default_rng(2)
    d = mk.Dropout(0.5, rng=rng)
    X = np.full((2000, 50), 3.0)
    assert d.eval()(X) is X and d.backward(X) is X and not d.training
    d.train()
    Y = d(X)
    assert abs(Y.mean() - 3.0) < 0.05  # mean of 100,000 draws
    assert 0.48 < np.mean(Y == 0) < 0.52
    assert d.train(False) is d and not d.training


def test_dropout_keeps_float32_and_p0_is_identity():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((4, 3)).astype(np.float32)
    assert mk.Dropout(0.2, rng=rng)(X).dtype == np.float32
    assert mk.Dropout(0.0, rng=rng)(X) is X


@pytest.mark.parametrize(
    "p, rng, error, message",
    [
        (
            1.0,
            np.random.default_rng(0),
            ValueError,
            r"p \(the drop probability\) must be a real number in \[0, 1\)",
        ),
        (-0.1, np.random.default_rng(0), ValueError, r"p \(the drop probability\)"),
        ("0.5", np.random.default_rng(0), TypeError, r"p \(the drop probability\)"),
        (0.5, 0, TypeError, r"rng must be a np.random.Generator.*default_rng\(0\)"),
    ],
)
def test_bad_dropout_arguments(p, rng, error, message):
    with pytest.raises(error, match=message):
        mk.Dropout(p, rng)


def test_mlp_dropout_layers_and_modes():
    rng = np.random.default_rng(4)
    model = mk.MLP([3, 8, 8, 2], rng=rng, dropout=0.25)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear"]
    assert "dropout=0.25" in repr(model) and "Dropout(p=0.25)" in repr(model)
    # same weights as without dropout: the Dropout layers draw nothing at construction
    plain = mk.MLP([3, 8, 8, 2], rng=np.random.default_rng(4))
    assert all(
        np.array_equal(a.data, b.data) for a, b in zip(model.parameters(), plain.parameters())
    )
    X = rng.standard_normal((10, 3))
    model.eval()
    assert all(not layer.training for layer in model.layers)
    np.testing.assert_array_equal(model(X), plain(X))
    model.train()
    assert all(layer.training for layer in model.layers)
    assert not np.array_equal(model(X), plain(X))
    with pytest.raises(TypeError, match="train\\(mode\\) expects True or False"):
        model.train("no")
    with pytest.raises(TypeError, match="rng"):
        mk.MLP([2, 3, 1], dropout=0.5)


def test_save_and_load_a_dropout_model(tmp_path):
    model = mk.MLP([3, 5, 2], rng=np.random.default_rng(5), dropout=0.3)
    mk.save(model, tmp_path / "m.npz")
    with pytest.raises(TypeError, match="this model has Dropout layers"):
        mk.load(tmp_path / "m.npz")
    back = mk.load(tmp_path / "m.npz", rng=np.random.default_rng(0))
    assert repr(back) == repr(model)
    seq = mk.Sequential(
        mk.Linear(2, 3, rng=np.random.default_rng(0)),
        mk.ReLU(),
        mk.Dropout(0.1, np.random.default_rng(0)),
        mk.Linear(3, 1, rng=np.random.default_rng(1)),
    )
    mk.save(seq, tmp_path / "s.npz")
    back = mk.load(tmp_path / "s.npz", rng=np.random.default_rng(0))
    assert repr(back) == repr(seq) and back.state_dict().keys() == seq.state_dict().keys()


# ---- state dicts ------------------------------------------------------------------------------
def test_model_state_dict_round_trip_and_npz(tmp_path):
    rng = np.random.default_rng(6)
    a, b = mk.MLP([2, 4, 3], rng=rng), mk.MLP([2, 4, 3], rng=rng)
    sd = a.state_dict()
    assert list(sd) == ["0.W", "0.b", "2.W", "2.b"]
    sd["0.W"][0, 0] = 99.0  # a copy: the model is untouched
    assert a.layers[0].W.data[0, 0] != 99.0
    data = b.layers[0].W.data
    np.savez(tmp_path / "sd.npz", **a.state_dict())
    with np.load(tmp_path / "sd.npz", allow_pickle=False) as f:
        b.load_state_dict(f)
    assert b.layers[0].W.data is data  # loaded in place
    assert all(np.array_equal(p.data, q.data) for p, q in zip(a.parameters(), b.parameters()))
    assert mk.Linear(2, 3, rng=rng).state_dict().keys() == {"W", "b"}


def test_model_load_state_dict_errors_leave_the_model_unchanged():
    rng = np.random.default_rng(7)
    model = mk.MLP([2, 4, 3], rng=rng)
    before = model.state_dict()
    bad = dict(before, **{"2.b": np.zeros(4)})
    with pytest.raises(
        ValueError, match=r"'2.b' should be float64 of shape \(3,\), got float64 of shape \(4,\)"
    ):
        model.load_state_dict(dict(bad, **{"0.W": np.ones((2, 4))}))
    assert all(np.array_equal(v, model.state_dict()[k]) for k, v in before.items())
    with pytest.raises(ValueError, match=r"missing \['2.b'\], unexpected \['x'\]"):
        model.load_state_dict({**{k: v for k, v in before.items() if k != "2.b"}, "x": 1})
    with pytest.raises(ValueError, match="should be float64"):
        model.load_state_dict(dict(before, **{"0.b": before["0.b"].astype(np.float32)}))
    with pytest.raises(TypeError, match="'0.b' must be a numpy array, got list"):
        model.load_state_dict(dict(before, **{"0.b": [0.0] * 4}))
    with pytest.raises(TypeError, match="expects a dict of arrays"):
        model.load_state_dict([1, 2])


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: mk.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
        lambda ps: mk.Adam(ps, lr=0.01, weight_decay=0.1),
        lambda ps: mk.AdamW(mk.no_decay_groups(ps, 0.1), lr=0.01),
    ],
)
def test_optimiser_state_dict_resumes_exactly(make):
    rng = np.random.default_rng(8)
    X, y = quadrants(rng, 64)
    loss = mk.SoftmaxCrossEntropy()

    def train(model, opt, steps):
        for _ in range(steps):
            loss(model(X), y)
            model.backward(loss.backward())
            opt.step()

    a = mk.MLP([2, 5, 2], rng=np.random.default_rng(0))
    opt_a = make(a.parameters())
    train(a, opt_a, 3)
    sd_model, sd_opt = a.state_dict(), opt_a.state_dict()
    train(a, opt_a, 2)
    b = mk.MLP([2, 5, 2], rng=np.random.default_rng(1))
    opt_b = make(b.parameters())
    b.load_state_dict(sd_model)
    opt_b.load_state_dict(sd_opt)
    train(b, opt_b, 2)
    assert all(np.array_equal(p.data, q.data) for p, q in zip(a.parameters(), b.parameters()))
    assert repr(opt_a) == repr(opt_b)


def test_optimiser_load_state_dict_errors():
    W, b = params_with_grads()
    opt = mk.Adam([W, b])
    opt.step()
    sd = opt.state_dict()
    assert sd["param_groups"][0]["params"] == [0, 1] and sd["state"][0]["step"] == 1
    other = mk.Adam([W])
    with pytest.raises(ValueError, match=r"group 0 holds 1 parameter\(s\) here"):
        other.load_state_dict(sd)
    with pytest.raises(ValueError, match="expected 1 parameter group"):
        other.load_state_dict({"param_groups": [], "state": {}})
    bad = opt.state_dict()
    bad["state"][1]["exp_avg"] = np.zeros(3)
    with pytest.raises(
        ValueError, match=r"state\[1\]\['exp_avg'\] should be float64 of shape \(2,\)"
    ):
        opt.load_state_dict(bad)
    bad = opt.state_dict()
    bad["param_groups"][0]["lr"] = -1.0
    with pytest.raises(ValueError, match=r"lr \(the learning rate\)"):
        opt.load_state_dict(bad)
    with pytest.raises(ValueError, match="keys 'param_groups' and 'state'"):
        opt.load_state_dict({"state": {}})
    bad = opt.state_dict()
    bad["state"][2] = bad["state"].pop(1)
    with pytest.raises(ValueError, match=r"state key 2 is not a parameter position 0\.\.1"):
        opt.load_state_dict(bad)
    as_json = opt.state_dict()
    as_json["state"] = {str(k): v for k, v in as_json["state"].items()}  # JSON-style keys
    opt.load_state_dict(as_json)
    assert opt.state_dict()["param_groups"] == sd["param_groups"]  # unchanged


# ---- fit: scheduler, clipping, early stopping, restore_best, modes --------------------------
def fit_setup(seed=0, dropout=0.0):
    rng = np.random.default_rng(seed)
    X, y = quadrants(rng)
    model = mk.MLP([2, 16, 2], rng=rng, dropout=dropout)
    return rng, X, y, model


def test_fit_with_a_scheduler_records_lr():
    rng, X, y, model = fit_setup()
    opt = mk.SGD(model.parameters(), lr=0.2, momentum=0.9)
    h = mk.fit(
        model,
        mk.SoftmaxCrossEntropy(),
        opt,
        X,
        y,
        epochs=5,
        rng=rng,
        scheduler=mk.StepLR(opt, step_size=2, gamma=0.5),
    )
    np.testing.assert_allclose(h["lr"], [0.2, 0.2, 0.1, 0.1, 0.05], rtol=1e-15)
    assert opt.lr == 0.05  # epoch 5: 0.2 * 0.5 ** (5 // 2)


def test_fit_clip_norm_changes_the_run_and_bounds_the_step():
    def run(clip):
        rng, X, y, model = fit_setup(1)
        mk.fit(
            model,
            mk.SoftmaxCrossEntropy(),
            mk.SGD(model.parameters(), lr=0.1),
            X,
            y,
            epochs=1,
            batch_size=200,
            rng=rng,
            clip_norm=clip,
        )
        return model

    start = fit_setup(1)[3]
    clipped, free = run(1e-3), run(None)
    step = math.sqrt(
        sum(
            float(np.sum((p.data - q.data) ** 2))
            for p, q in zip(clipped.parameters(), start.parameters())
        )
    )
    assert step <= 0.1 * 1e-3 * (1 + 1e-9)  # one step of lr * (clipped norm)
    assert not np.array_equal(clipped.layers[0].W.data, free.layers[0].W.data)


def test_fit_early_stopping_and_restore_best():
    rng, X, y, model = fit_setup(2)
    Xv, yv = X[:50], 1 - y[:50]  # flipped labels: val loss rises
    h = mk.fit(
        model,
        mk.SoftmaxCrossEntropy(),
        mk.Adam(model.parameters(), lr=0.05),
        X,
        y,
        epochs=100,
        rng=rng,
        X_val=Xv,
        y_val=yv,
        early_stopping=3,
        restore_best=True,
    )
    best = h["best_epoch"]
    assert h["val_loss"][best - 1] == min(h["val_loss"])
    assert len(h["epoch"]) == best + 3 < 100
    assert mk.SoftmaxCrossEntropy()(model(Xv), yv) == pytest.approx(
        h["val_loss"][best - 1], rel=1e-12
    )


def test_fit_without_new_options_matches_the_old_loop():
    """Options off: the same numbers as a hand-written loop (no extra rng draws)."""
    rng, X, y, model = fit_setup(3)
    ref = mk.MLP([2, 16, 2], rng=np.random.default_rng(3).__class__(np.random.PCG64(0)))
    ref.load_state_dict(model.state_dict())
    loss, shuffle = mk.SoftmaxCrossEntropy(), np.random.default_rng(9)
    h = mk.fit(
        model,
        loss,
        mk.SGD(model.parameters(), lr=0.1),
        X,
        y,
        epochs=2,
        batch_size=50,
        rng=np.random.default_rng(9),
        X_val=X,
        y_val=y,
    )
    opt = mk.SGD(ref.parameters(), lr=0.1)
    for _ in range(2):
        order = shuffle.permutation(len(X))
        for s in range(0, len(X), 50):
            idx = order[s : s + 50]
            loss(ref(X[idx]), y[idx])
            ref.backward(loss.backward())
            opt.step()
    assert all(np.array_equal(p.data, q.data) for p, q in zip(model.parameters(), ref.parameters()))
    assert h["best_epoch"] in (1, 2)


def test_fit_trains_in_train_mode_and_validates_in_eval_mode():
    rng, X, y, model = fit_setup(4, dropout=0.5)
    seen = []
    original = model.forward

    def spy(Xb):
        seen.append((len(Xb), model.layers[2].training))
        return original(Xb)

    model.forward = spy
    model.eval()
    mk.fit(
        model,
        mk.SoftmaxCrossEntropy(),
        mk.SGD(model.parameters(), lr=0.1),
        X,
        y,
        epochs=1,
        batch_size=100,
        rng=rng,
        X_val=X[:30],
        y_val=y[:30],
    )
    assert (100, True) in seen and (30, False) in seen and (100, False) not in seen
    assert not model.training  # the caller's mode is restored


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(scheduler="step"), TypeError, "scheduler must be a learning-rate scheduler"),
        (dict(clip_norm=0), ValueError, "clip_norm must be a real number > 0"),
        (
            dict(early_stopping=0),
            ValueError,
            r"early_stopping \(the patience in epochs\) must be an int >= 1",
        ),
        (dict(early_stopping=2.5), TypeError, r"early_stopping \(the patience in epochs\)"),
        (
            dict(early_stopping=3),
            ValueError,
            "early_stopping watches the validation loss; pass X_val",
        ),
        (dict(restore_best=True), ValueError, "restore_best watches the validation loss"),
        (dict(restore_best="yes"), TypeError, "restore_best must be True or False"),
        (dict(epochs=0), ValueError, "epochs must be an int >= 1"),
        (
            dict(rng=1),
            TypeError,
            r"rng \(fit shuffles the examples with it\) must be a np.random.Generator",
        ),
    ],
)
def test_bad_fit_options(kwargs, error, message):
    rng, X, y, model = fit_setup(5)
    opts = dict(epochs=1, rng=rng) | kwargs
    with pytest.raises(error, match=message):
        mk.fit(model, mk.SoftmaxCrossEntropy(), mk.SGD(model.parameters(), lr=0.1), X, y, **opts)


def test_fit_refuses_a_scheduler_of_another_optimiser():
    rng, X, y, model = fit_setup(5)
    other = mk.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="built on another optimiser"):
        mk.fit(
            model,
            mk.SoftmaxCrossEntropy(),
            mk.SGD(model.parameters(), lr=0.1),
            X,
            y,
            rng=rng,
            scheduler=mk.StepLR(other, 2),
        )


def test_fit_uses_the_loss_targets_attribute():
    class MAE(mk.Loss):  # a user-written regression loss
        targets = "values"

        def validate(self, shape, y):
            return np.asarray(y)

        def forward(self, pred, y):
            self._d = pred - y
            return float(np.mean(np.abs(self._d)))

        def backward(self):
            return np.sign(self._d) / self._d.size

    rng = np.random.default_rng(6)
    X = rng.uniform(-1, 1, (100, 1))
    y = (2 * X).astype(np.float32)
    model = mk.MLP([1, 8, 1], activation="tanh", rng=rng)
    h = mk.fit(model, MAE(), mk.Adam(model.parameters(), lr=0.01), X, y, epochs=30, rng=rng)
    assert "train_accuracy" not in h and h["loss"][-1] < h["loss"][0]


# ---- the learning-rate range test ------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda m: mk.SGD(m.parameters(), lr=0.1, momentum=0.9),
        lambda m: mk.AdamW(mk.no_decay_groups(m, 0.1), lr=1e-3),
    ],
)
def test_lr_range_test_leaves_everything_as_it_was(make):
    rng, X, y, _ = fit_setup(7)
    model = mk.MLP([2, 16, 2], rng=np.random.default_rng(17), dropout=0.2)
    opt = make(model)
    loss = mk.SoftmaxCrossEntropy()
    loss(model(X), y)  # some gradients and optimiser state
    model.backward(loss.backward())
    opt.step()
    model.eval()
    before_p = [p.data.copy() for p in model.parameters()]
    before_g = [p.grad.copy() for p in model.parameters()]
    before_o = opt.state_dict()
    drop_rng = model.layers[2].rng
    assert drop_rng is not rng
    before_rng = drop_rng.bit_generator.state
    r = mk.lr_range_test(model, loss, opt, X, y, rng=rng, n_steps=40, lr_max=100.0)
    assert all(np.array_equal(p.data, a) for p, a in zip(model.parameters(), before_p))
    assert all(np.array_equal(p.grad, a) for p, a in zip(model.parameters(), before_g))
    after_o = opt.state_dict()
    assert after_o["param_groups"] == before_o["param_groups"]
    for i, st in before_o["state"].items():
        assert all(np.array_equal(v, after_o["state"][i][k]) for k, v in st.items())
    assert after_o["state"].keys() == before_o["state"].keys()
    assert not model.training
    assert drop_rng.bit_generator.state == before_rng  # the masks' stream is rewound
    assert r["lr"][0] == 1e-5 and r["lr"].shape == r["loss"].shape and len(r["lr"]) >= 10
    np.testing.assert_allclose(np.diff(np.log(r["lr"])), np.log(1e7) / 39, rtol=1e-10)


def test_lr_range_test_stops_when_the_loss_diverges():
    rng, X, y, model = fit_setup(8)
    r = mk.lr_range_test(
        model,
        mk.SoftmaxCrossEntropy(),
        mk.SGD(model.parameters(), lr=0.1),
        X,
        y,
        rng=rng,
        lr_min=1e-3,
        lr_max=1e4,
        n_steps=100,
    )
    assert len(r["lr"]) < 100
    last = r["loss"][-1]
    assert not np.isfinite(last) or last > 4 * r["loss"][:-1].min()


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(lr_min=1.0, lr_max=0.5), ValueError, "lr_max must be larger than lr_min"),
        (dict(n_steps=1), ValueError, "n_steps must be an int >= 2"),
        (dict(stop_factor=1.0), ValueError, r"stop_factor must be a real number > 1"),
        (dict(rng=None), TypeError, "rng"),
    ],
)
def test_bad_lr_range_test_arguments(kwargs, error, message):
    rng, X, y, model = fit_setup(9)
    opts = dict(rng=rng) | kwargs
    with pytest.raises(error, match=message):
        mk.lr_range_test(
            model, mk.SoftmaxCrossEntropy(), mk.SGD(model.parameters(), lr=0.1), X, y, **opts
        )


def test_fit_learns_with_dropout_and_scores_without_it():
    rng = np.random.default_rng(10)
    X, y = quadrants(rng, 400)
    model = mk.MLP([2, 32, 32, 2], rng=rng, dropout=0.2)
    opt = mk.AdamW(mk.no_decay_groups(model, 1e-3), lr=0.01)
    h = mk.fit(
        model,
        mk.SoftmaxCrossEntropy(),
        opt,
        X,
        y,
        epochs=40,
        rng=rng,
        scheduler=mk.CosineAnnealingLR(opt, T_max=40),
        clip_norm=5.0,
        X_val=X,
        y_val=y,
    )
    assert model.training  # fit restores the mode it found
    assert mk.accuracy(model, X, y) >= 0.93 and h["val_accuracy"][-1] >= 0.93
    assert h["lr"][0] == 0.01 and h["lr"][-1] < 1e-4
