"""Optimisers, schedulers and gradient clipping against PyTorch's own numbers.

The reference trajectories in data/torch_references.json were computed once
with PyTorch (float64) by bench/make_torch_references.py, which documents
what each case records; these tests need no torch.  mlpkit repeats each run
and must agree to rtol 1e-10 (the two libraries round a few intermediate
sums differently, so the agreement is close to, but not exactly, bit for bit).
"""

import json
import pathlib

import numpy as np
import pytest

import mlpkit as mk

REF = json.loads((pathlib.Path(__file__).parent / "data" / "torch_references.json").read_text())
RTOL, ATOL = 1e-10, 1e-14


def arrays(nested):
    return [np.array(a, dtype=np.float64) for a in nested]


def make_params():
    return [mk.Parameter(a, name) for a, name in zip(arrays(REF["init"]), ("W", "b"))]


def set_grads(params, t):
    for p, c, g in zip(params, arrays(REF["c"]), arrays(REF["G"][t])):
        p.grad[...] = p.data * c + g  # the generator's gradient rule


def make_optimizer(case, params):
    cls = getattr(mk, case["optimizer"])
    kwargs = dict(case["kwargs"])
    if case["groups"] is None:
        return cls(params, **kwargs)
    groups = [dict(g, params=[params[i] for i in g["params"]]) for g in case["groups"]]
    return cls(groups, **kwargs)


def assert_close(got, want, what):
    for g, w in zip(got, arrays(want)):
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL, err_msg=what)


def test_reference_file_says_where_it_came_from():
    assert REF["generator"] == "bench/make_torch_references.py"
    assert REF["torch"].startswith("2.")


@pytest.mark.parametrize("name", sorted(REF["optimizers"]))
def test_optimizer_trajectory_matches_pytorch(name):
    case = REF["optimizers"][name]
    params = make_params()
    opt = make_optimizer(case, params)
    for t, want in enumerate(case["trajectory"]):
        set_grads(params, t)
        opt.step()
        assert_close([p.data for p in params], want, f"{name}, step {t + 1}")


@pytest.mark.parametrize("name", sorted(REF["schedulers"]["cases"]))
def test_scheduler_learning_rates_match_pytorch(name):
    case = REF["schedulers"]["cases"][name]
    W, b = mk.Parameter(np.zeros(2)), mk.Parameter(np.zeros(2))
    base = REF["schedulers"]["base_lrs"]
    opt = mk.SGD([{"params": [W], "lr": base[0]}, {"params": [b], "lr": base[1]}], lr=1.0)
    sched = getattr(mk, case["scheduler"])(opt, **case["kwargs"])
    got = [sched.get_last_lr()]
    for _ in range(REF["schedulers"]["epochs"]):
        opt.step()
        sched.step()
        got.append(sched.get_last_lr())
        assert [g["lr"] for g in opt.param_groups] == got[-1]  # written into the groups
    np.testing.assert_allclose(got, case["lrs"], rtol=RTOL, atol=ATOL, err_msg=name)


def test_sgd_with_step_lr_trajectory_matches_pytorch():
    case = REF["sgd_with_step_lr"]
    params = make_params()
    opt = mk.SGD(params, lr=case["lr"], momentum=case["momentum"])
    sched = mk.StepLR(opt, step_size=case["step_size"], gamma=case["gamma"])
    t = 0
    for _ in range(case["epochs"]):
        for _ in range(case["steps_per_epoch"]):
            set_grads(params, t)
            opt.step()
            assert_close([p.data for p in params], case["trajectory"][t], f"step {t + 1}")
            t += 1
        sched.step()


@pytest.mark.parametrize("i", range(len(REF["clipping"])))
def test_clip_grad_norm_matches_pytorch(i):
    case = REF["clipping"][i]
    params = [mk.Parameter(np.zeros_like(g)) for g in arrays(case["grads"])]
    for p, g in zip(params, arrays(case["grads"])):
        p.grad[...] = g
    total = mk.clip_grad_norm(params, case["max_norm"])
    assert total == pytest.approx(case["total_norm"], rel=RTOL)
    assert_close([p.grad for p in params], case["clipped"], f"clipping case {i}")
