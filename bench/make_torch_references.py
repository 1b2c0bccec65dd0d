"""Generate the PyTorch reference trajectories that tests/unit/test_torch_references.py checks.

Run once, by hand, in an environment that has PyTorch (never in the tests, which
need no torch)::

    python3 -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install torch==2.13.0 numpy==2.4.6
    /tmp/torchvenv/bin/python bench/make_torch_references.py

It writes ``tests/unit/data/torch_references.json`` (plain JSON: numbers and
lists, nothing executable; Python's ``json`` writes every float with ``repr``,
so float64 values round-trip exactly).  Everything is float64.

What is recorded, for two parameters ``W`` (3, 2) and ``b`` (2,) with fixed
starting values:

- ``optimizers``: ``steps`` steps of ``torch.optim.SGD``/``Adam``/``AdamW``
  (with the arguments listed in each case, optionally in parameter groups),
  where before step ``t`` each gradient is set to ``c * p + G[t]``: fixed
  arrays ``c`` and ``G`` (stored) and the current parameter ``p``, so the
  gradients depend on the trajectory, as in training.  The parameters after
  every step are stored.
- ``schedulers``: the learning rate of each of two parameter groups (base
  rates 0.1 and 0.4) after construction and after each of ``epochs``
  ``scheduler.step()`` calls of ``StepLR``/``CosineAnnealingLR``/``LinearLR``;
  and one run of SGD with momentum plus StepLR, several optimiser steps per
  epoch, with its parameter trajectory.
- ``clipping``: ``torch.nn.utils.clip_grad_norm_`` on stored gradients with
  several ``max_norm`` values: the returned total norm and the clipped
  gradients.
"""

import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "unit", "data", "torch_references.json")
SHAPES = [(3, 2), (2,)]
STEPS = 8

OPTIMIZER_CASES = {
    "sgd": ("SGD", {"lr": 0.1}, None),
    "sgd_momentum": ("SGD", {"lr": 0.1, "momentum": 0.9}, None),
    "sgd_nesterov": ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}, None),
    "sgd_momentum_weight_decay": ("SGD", {"lr": 0.1, "momentum": 0.8, "weight_decay": 0.01}, None),
    "sgd_nesterov_weight_decay": (
        "SGD",
        {"lr": 0.05, "momentum": 0.5, "nesterov": True, "weight_decay": 0.1},
        None,
    ),
    "sgd_weight_decay": ("SGD", {"lr": 0.2, "weight_decay": 0.05}, None),
    "adam": ("Adam", {"lr": 0.01}, None),
    "adam_weight_decay": (
        "Adam",
        {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1},
        None,
    ),
    "adamw": ("AdamW", {"lr": 0.01}, None),
    "adamw_weight_decay": (
        "AdamW",
        {"lr": 0.02, "betas": (0.85, 0.995), "weight_decay": 0.3},
        None,
    ),
    "sgd_groups": (
        "SGD",
        {"lr": 0.1, "momentum": 0.9},
        [{"params": [0], "weight_decay": 0.01}, {"params": [1], "lr": 0.5}],
    ),
    "adamw_no_decay_on_bias": (
        "AdamW",
        {"lr": 0.01, "weight_decay": 0.2},
        [{"params": [0]}, {"params": [1], "weight_decay": 0.0}],
    ),
    "adam_groups": (
        "Adam",
        {"lr": 0.01},
        [
            {"params": [0], "lr": 0.03, "betas": (0.5, 0.9)},
            {"params": [1], "eps": 1e-3, "weight_decay": 0.5},
        ],
    ),
}

SCHEDULER_CASES = {
    "step_lr": ("StepLR", {"step_size": 3, "gamma": 0.5}),
    "step_lr_default_gamma": ("StepLR", {"step_size": 4}),
    "cosine": ("CosineAnnealingLR", {"T_max": 10, "eta_min": 0.001}),
    "cosine_zero_min": ("CosineAnnealingLR", {"T_max": 7}),
    "linear_warmup": ("LinearLR", {}),
    "linear_decay": ("LinearLR", {"start_factor": 0.5, "end_factor": 0.1, "total_iters": 6}),
}
EPOCHS = 12  # cosine: up to T_max and a little beyond
BASE_LRS = [0.1, 0.4]


def tensors(arrays):
    return [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]


def make_optimizer(name, kwargs, groups, params):
    cls = getattr(torch.optim, name)
    if groups is None:
        return cls(params, **kwargs)
    spec = [dict(g, params=[params[i] for i in g["params"]]) for g in groups]
    return cls(spec, **kwargs)


def run_optimizer(name, kwargs, groups, init, c, G):
    params = tensors(init)
    opt = make_optimizer(name, kwargs, groups, params)
    trajectory = []
    for t in range(STEPS):
        with torch.no_grad():
            for k, p in enumerate(params):
                p.grad = p.detach() * torch.from_numpy(c[k]) + torch.from_numpy(G[t][k])
        opt.step()
        trajectory.append([p.detach().numpy().tolist() for p in params])
    return trajectory


def run_scheduler(name, kwargs):
    params = tensors([np.zeros(2), np.zeros(2)])
    opt = torch.optim.SGD(
        [{"params": [params[0]], "lr": BASE_LRS[0]}, {"params": [params[1]], "lr": BASE_LRS[1]}],
        lr=1.0,
    )
    sched = getattr(torch.optim.lr_scheduler, name)(opt, **kwargs)
    lrs = [list(sched.get_last_lr())]
    for _ in range(EPOCHS):
        opt.step()  # (no gradients: nothing moves)
        sched.step()
        lrs.append(list(sched.get_last_lr()))
    return lrs


def run_sgd_with_step_lr(init, c, G, epochs=4, per_epoch=2):
    params = tensors(init)
    opt = torch.optim.SGD(params, lr=0.2, momentum=0.9)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.3)
    trajectory, t = [], 0
    for _ in range(epochs):
        for _ in range(per_epoch):
            with torch.no_grad():
                for k, p in enumerate(params):
                    p.grad = p.detach() * torch.from_numpy(c[k]) + torch.from_numpy(G[t][k])
            opt.step()
            trajectory.append([p.detach().numpy().tolist() for p in params])
            t += 1
        sched.step()
    return {
        "lr": 0.2,
        "momentum": 0.9,
        "step_size": 2,
        "gamma": 0.3,
        "epochs": epochs,
        "steps_per_epoch": per_epoch,
        "trajectory": trajectory,
    }


def run_clipping(rng):
    cases = []
    for scale, max_norm in ((1.0, 0.5), (1.0, 100.0), (3.0, 1.0), (1e-4, 1e-3), (2.0, 2.5)):
        grads = [scale * rng.standard_normal(s) for s in SHAPES]
        params = tensors([np.zeros(s) for s in SHAPES])
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g, dtype=torch.float64)
        total = torch.nn.utils.clip_grad_norm_(params, max_norm)
        cases.append(
            {
                "max_norm": max_norm,
                "grads": [g.tolist() for g in grads],
                "total_norm": float(total),
                "clipped": [p.grad.numpy().tolist() for p in params],
            }
        )
    return cases


def main() -> None:
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(2026)
    init = [rng.standard_normal(s) for s in SHAPES]
    c = [rng.uniform(0.1, 1.0, s) for s in SHAPES]  # gradient = c * p + G[t]
    G = [[rng.standard_normal(s) for s in SHAPES] for _ in range(STEPS)]
    data = {
        "generator": "bench/make_torch_references.py",
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "init": [a.tolist() for a in init],
        "c": [a.tolist() for a in c],
        "G": [[a.tolist() for a in step] for step in G],
        "optimizers": {},
        "schedulers": {"base_lrs": BASE_LRS, "epochs": EPOCHS, "cases": {}},
    }
    for key, (name, kwargs, groups) in OPTIMIZER_CASES.items():
        data["optimizers"][key] = {
            "optimizer": name,
            "kwargs": {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()},
            "groups": groups,
            "trajectory": run_optimizer(name, kwargs, groups, init, c, G),
        }
    for key, (name, kwargs) in SCHEDULER_CASES.items():
        data["schedulers"]["cases"][key] = {
            "scheduler": name,
            "kwargs": kwargs,
            "lrs": run_scheduler(name, kwargs),
        }
    data["sgd_with_step_lr"] = run_sgd_with_step_lr(init, c, G)
    data["clipping"] = run_clipping(rng)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(
        f"wrote {os.path.relpath(OUT)} ({os.path.getsize(OUT):,} bytes) with torch "
        f"{torch.__version__}"
    )


if __name__ == "__main__":
    main()
