"""Optimisers: they hold the Parameters, read ``p.grad`` in ``step()`` and update
``p.data`` in place, with the same update rules, argument names and numbers as
PyTorch (``torch.optim.SGD``, ``Adam``, ``AdamW``).

Parameter groups work as in PyTorch: ``params`` is either an iterable of
:class:`~mlpkit.Parameter` or a list of dicts ``{"params": [...], "lr": ...,
"weight_decay": ...}``; a key a group leaves out takes the optimiser's
argument.  ``opt.param_groups`` is that list of dicts, and ``step()`` reads
every hyper-parameter from it, so a scheduler (or you) may change
``opt.param_groups[i]["lr"]`` between steps.

Also here: :func:`clip_grad_norm` (``torch.nn.utils.clip_grad_norm_``) and
:func:`no_decay_groups` (no weight decay on biases).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .layers import Parameter
from .validation import check_real

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "clip_grad_norm", "no_decay_groups"]


def _as_param_list(params, who: str) -> list[Parameter]:
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()  # a model: take its parameters
    if isinstance(params, Parameter):
        params = [params]
    try:
        params = list(params)
    except TypeError:
        raise TypeError(
            f"{who} expects an iterable of Parameters, e.g. model.parameters(), "
            f"got {type(params).__name__}"
        ) from None
    for p in params:
        if not isinstance(p, Parameter):
            raise TypeError(
                f"{who} expects Parameters, e.g. model.parameters(), got a {type(p).__name__}"
            )
    return params


class Optimizer:
    """Base class: parameter groups, ``zero_grad``, ``state_dict``.

    A subclass sets ``defaults`` (its hyper-parameters, ``lr`` first), defines
    ``_check_group`` (validates one group's hyper-parameters) and ``step``.

    Parameters
    ----------
    params : iterable of Parameter, or list of dict
        ``model.parameters()``, or groups ``{"params": [...], "lr": ..., ...}``.
    defaults : dict
        Hyper-parameters for every group that does not set its own.

    Attributes
    ----------
    param_groups : list of dict
        Each holds ``"params"`` (a list of Parameters) and every hyper-parameter.
    state : dict
        Per-parameter buffers, keyed by the parameter's position across all
        groups (``0, 1, ...`` in order), e.g. ``{"momentum_buffer": array}``.
    """

    _state_keys: tuple[str, ...] = ()  # names of the per-parameter arrays

    def __init__(self, params, defaults: dict):
        self.defaults = dict(defaults)
        self.param_groups: list[dict] = []
        self.state: dict[int, dict] = {}
        if isinstance(params, dict):
            params = [params]
        elif hasattr(params, "parameters") and callable(params.parameters):
            params = params.parameters()
        try:
            groups = list(params)
        except TypeError:
            raise TypeError(
                f"{type(self).__name__} expects model.parameters() or a list of "
                f"parameter groups (dicts), got {type(params).__name__}"
            ) from None
        if not groups:
            raise ValueError(
                f"{type(self).__name__} got an empty list of parameters; pass model.parameters()"
            )
        if not all(isinstance(g, dict) for g in groups):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # -- groups --------------------------------------------------------------
    def add_param_group(self, group: dict) -> None:
        """Append a group ``{"params": [...], hyper-parameter: value, ...}``.

        Keys the group leaves out take the optimiser's defaults; unknown keys
        and a Parameter that already belongs to a group raise ``ValueError``.
        """
        who = type(self).__name__
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(
                f"{who}: a parameter group is a dict with a 'params' key, got {group!r:.80}"
            )
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise ValueError(
                f"{who}: unknown parameter-group key(s) {sorted(unknown)}; "
                f"expected 'params' and some of {list(self.defaults)}"
            )
        params = _as_param_list(group["params"], who)
        if not params:
            raise ValueError(f"{who}: parameter group {len(self.param_groups)} has no parameters")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        ids = [id(p) for p in params]
        if len(set(ids)) != len(ids) or seen & set(ids):
            raise ValueError(
                f"{who} got the same Parameter more than once; it would be updated twice per step"
            )
        full = {"params": params}
        for key, default in self.defaults.items():
            full[key] = group.get(key, default)
        self._check_group(full)
        self.param_groups.append(full)
        self._scratch = None  # rebuilt at the next step

    def _check_group(self, group: dict) -> None:
        group["lr"] = check_real("lr (the learning rate)", group["lr"], low=0.0, low_open=True)

    @property
    def params(self) -> list[Parameter]:
        """Every parameter, in group order (positions are the keys of ``state``)."""
        return [p for g in self.param_groups for p in g["params"]]

    @property
    def lr(self) -> float:
        """The learning rate of the first group (``param_groups[0]["lr"]``)."""
        return self.param_groups[0]["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        value = check_real("lr (the learning rate)", value, low=0.0, low_open=True)
        for g in self.param_groups:
            g["lr"] = value

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to zero (in place)."""
        for g in self.param_groups:
            for p in g["params"]:
                p.grad[...] = 0

    def step(self) -> None:
        raise NotImplementedError

    def _tmp(self, k: int = 1) -> list:
        """``k`` scratch arrays per parameter, so ``step`` allocates nothing."""
        if self._scratch is None or len(self._scratch[0]) < k:
            self._scratch = [tuple(np.empty_like(p.data) for _ in range(k)) for p in self.params]
        return self._scratch

    def _buffer(self, i: int, key: str, p: Parameter) -> np.ndarray:
        st = self.state.setdefault(i, {})
        if key not in st:
            st[key] = np.zeros_like(p.data)
        return st[key]

    # -- saving and restoring ------------------------------------------------
    def state_dict(self) -> dict:
        """A copy of the optimiser's state: numpy arrays and plain numbers only.

        ``{"param_groups": [{hyper-parameters..., "params": [0, 1, ...]}],
        "state": {0: {"momentum_buffer": array, ...}, ...}}`` as in PyTorch,
        parameters named by their position.  Restore with :meth:`load_state_dict`.
        """
        groups, k = [], 0
        for g in self.param_groups:
            d = {
                key: (tuple(v) if isinstance(v, (tuple, list)) else v)
                for key, v in g.items()
                if key != "params"
            }
            d["params"] = list(range(k, k + len(g["params"])))
            k += len(g["params"])
            groups.append(d)
        state = {
            i: {key: (v.copy() if isinstance(v, np.ndarray) else v) for key, v in st.items()}
            for i, st in self.state.items()
        }
        return {"param_groups": groups, "state": state}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore hyper-parameters and buffers saved by :meth:`state_dict`.

        The optimiser must have been built on parameters of the same shapes and
        dtypes, in the same groups.  Everything is checked before anything is
        changed; arrays are copied (the dict stays yours).
        """
        who = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict) or set(state_dict) != {"param_groups", "state"}:
            raise ValueError(
                f"{who} expects a dict with keys 'param_groups' and 'state' (from "
                f"state_dict()), got {type(state_dict).__name__}"
            )
        groups, state = state_dict["param_groups"], state_dict["state"]
        if not isinstance(groups, (list, tuple)) or len(groups) != len(self.param_groups):
            raise ValueError(
                f"{who}: expected {len(self.param_groups)} parameter group(s), "
                f"got {len(groups) if isinstance(groups, (list, tuple)) else groups!r}"
            )
        params, new_groups, k = self.params, [], 0
        for j, (saved, mine) in enumerate(zip(groups, self.param_groups)):
            if not isinstance(saved, dict) or set(saved) != set(mine):
                raise ValueError(
                    f"{who}: group {j} should have keys {sorted(mine)}, got "
                    f"{sorted(saved) if isinstance(saved, dict) else saved!r}"
                )
            n = len(mine["params"])
            if list(saved["params"]) != list(range(k, k + n)):
                raise ValueError(
                    f"{who}: group {j} holds {n} parameter(s) here, but the saved "
                    f"state lists {saved['params']!r}"
                )
            k += n
            g = {key: v for key, v in saved.items() if key != "params"}
            g["params"] = mine["params"]
            self._check_group(g)  # same rules as the constructor
            new_groups.append(g)
        if not isinstance(state, dict):
            raise ValueError(f"{who}: 'state' must be a dict, got {type(state).__name__}")
        new_state = {}
        for i, st in state.items():
            if isinstance(i, str) and i.isdigit():
                i = int(i)  # keys that went through JSON
            if type(i) is not int or not 0 <= i < len(params):
                raise ValueError(
                    f"{who}: state key {i!r} is not a parameter position 0..{len(params) - 1}"
                )
            if not isinstance(st, dict) or not set(st) <= set(self._state_keys):
                raise ValueError(
                    f"{who}: state of parameter {i} should have keys among "
                    f"{list(self._state_keys)}, got {st!r:.80}"
                )
            new_state[i] = {}
            for key, v in st.items():
                p = params[i]
                if key == "step":
                    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
                        raise ValueError(
                            f"{who}: state[{i}]['step'] must be an int >= 0, got {v!r}"
                        )
                    new_state[i][key] = int(v)
                    continue
                if (
                    not isinstance(v, np.ndarray)
                    or v.shape != p.data.shape
                    or v.dtype != p.data.dtype
                ):
                    got = (
                        f"{v.dtype} of shape {v.shape}"
                        if isinstance(v, np.ndarray)
                        else type(v).__name__
                    )
                    raise ValueError(
                        f"{who}: state[{i}][{key!r}] should be {p.data.dtype} of "
                        f"shape {p.data.shape} like parameter {i}, got {got}"
                    )
                new_state[i][key] = v.copy()
        for g, new in zip(self.param_groups, new_groups):
            g.update(new)
        self.state = new_state

    def __repr__(self) -> str:
        def hyper(g):
            return ", ".join(f"{k}={g[k]!r}" for k in self.defaults)

        if len(self.param_groups) == 1:
            g = self.param_groups[0]
            return f"{type(self).__name__}({hyper(g)}; {len(g['params'])} parameters)"
        inner = "".join(
            f"\n  group {i}: {hyper(g)}; {len(g['params'])} parameters"
            for i, g in enumerate(self.param_groups)
        )
        return f"{type(self).__name__}({inner}\n)"


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum and L2 decay.

    PyTorch's ``torch.optim.SGD`` with ``dampening=0``.  For every parameter
    ``p`` with gradient ``g``::

        g = g + weight_decay * p                 (if weight_decay)
        v = momentum * v + g                     (if momentum; v = g on step 1)
        g = g + momentum * v if nesterov else v
        p = p - lr * g

    Parameters
    ----------
    params : iterable of Parameter or list of dict
        ``model.parameters()`` or parameter groups.
    lr : float
        Learning rate, > 0.
    momentum : float
        In [0, 1).  0 is plain SGD.
    nesterov : bool
        Nesterov's look-ahead form; needs ``momentum > 0``.
    weight_decay : float
        >= 0: L2 penalty ``weight_decay/2 * ||p||^2`` added to the gradient.
    """

    _state_keys = ("momentum_buffer",)

    def __init__(
        self,
        params,
        lr: float,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ):
        super().__init__(
            params, dict(lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay)
        )

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        group["momentum"] = check_real(
            "momentum", group["momentum"], low=0.0, high=1.0, high_open=True
        )
        group["weight_decay"] = check_real("weight_decay", group["weight_decay"], low=0.0)
        if not isinstance(group["nesterov"], (bool, np.bool_)):
            raise TypeError(f"nesterov must be True or False, got {group['nesterov']!r}")
        group["nesterov"] = bool(group["nesterov"])
        if group["nesterov"] and group["momentum"] == 0:
            raise ValueError("nesterov=True needs momentum > 0 (as in PyTorch)")

    def step(self) -> None:
        tmp, i = [t[0] for t in self._tmp()], 0
        for group in self.param_groups:
            lr, mu, wd, nesterov = (
                group["lr"],
                group["momentum"],
                group["weight_decay"],
                group["nesterov"],
            )
            for p in group["params"]:
                g = p.grad
                if wd != 0:
                    g = np.multiply(p.data, wd, out=tmp[i])
                    g += p.grad  # g + wd p
                if mu != 0:
                    st = self.state.get(i)
                    if st is None or "momentum_buffer" not in st:
                        v = self.state.setdefault(i, {})["momentum_buffer"] = g.copy()  # step 1
                    else:
                        v = st["momentum_buffer"]
                        v *= mu
                        v += g  # v = mu v + g
                    if nesterov:
                        g = g + mu * v  # look ahead: g + mu v
                    else:
                        g = v
                p.data -= np.multiply(g, lr, out=tmp[i])  # p -= lr g
                i += 1


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction; PyTorch's rule, defaults and order.

    With ``g = grad + weight_decay * p`` (L2 added to the gradient, as in
    ``torch.optim.Adam``; for decoupled decay use :class:`AdamW`) and ``t`` the
    parameter's step count::

        m = b1 m + (1 - b1) g,   v = b2 v + (1 - b2) g^2
        p = p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)

    i.e. ``p -= lr * m_hat / (sqrt(v_hat) + eps)``, eps added after the root.

    Parameters
    ----------
    params : iterable of Parameter or list of dict
    lr : float
        > 0.
    betas : (float, float)
        Decay rates of the two moment averages, each in [0, 1).
    eps : float
        >= 0, added to the denominator.
    weight_decay : float
        >= 0.
    """

    _state_keys = ("step", "exp_avg", "exp_avg_sq")
    _decoupled = False

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        group["betas"] = tuple(
            check_real(f"betas[{k}]", b, low=0.0, high=1.0, high_open=True)
            for k, b in enumerate(betas)
        )
        group["eps"] = check_real("eps", group["eps"], low=0.0)
        group["weight_decay"] = check_real("weight_decay", group["weight_decay"], low=0.0)

    @property
    def t(self) -> int:
        """Steps taken by the first parameter (0 before the first step)."""
        return self.state.get(0, {}).get("step", 0)

    def step(self) -> None:
        l2 = not self._decoupled and any(g["weight_decay"] != 0 for g in self.param_groups)
        tmp, i = self._tmp(2 if l2 else 1), 0
        for group in self.param_groups:
            lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                st = self.state.get(i)
                if st is None or "exp_avg" not in st:
                    st = self.state[i] = {
                        "step": 0,
                        "exp_avg": np.zeros_like(p.data),
                        "exp_avg_sq": np.zeros_like(p.data),
                    }
                st["step"] += 1
                t, m, v, tm = st["step"], st["exp_avg"], st["exp_avg_sq"], tmp[i][0]
                g = p.grad
                if wd != 0:
                    if self._decoupled:
                        p.data *= 1 - lr * wd  # AdamW: p = p (1 - lr wd)
                    else:
                        g = np.multiply(p.data, wd, out=tmp[i][1])
                        g += p.grad  # g + wd p
                m *= b1
                m += np.multiply(g, 1 - b1, out=tm)  # m = b1 m + (1 - b1) g
                v *= b2
                v += np.multiply(np.multiply(g, g, out=tm), 1 - b2, out=tm)  # + (1 - b2) g^2
                np.sqrt(v, out=tm)
                tm /= math.sqrt(1 - b2**t)
                tm += eps  # sqrt(v_hat) + eps
                np.divide(m, tm, out=tm)
                tm *= lr / (1 - b1**t)
                p.data -= tm
                i += 1


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as ``torch.optim.AdamW``.

    Before the Adam step, each parameter shrinks: ``p = p * (1 - lr * weight_decay)``;
    the gradient itself is not changed, so the decay is not rescaled by Adam's
    denominator.  Arguments as :class:`Adam`, but ``weight_decay`` defaults to 1e-2.
    """

    _decoupled = True

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)


def clip_grad_norm(params, max_norm: float) -> float:
    """Scale the gradients in place so their joint L2 norm is at most ``max_norm``.

    As ``torch.nn.utils.clip_grad_norm_``: ``total = sqrt(sum_p ||p.grad||^2)``;
    if ``max_norm / (total + 1e-6) < 1`` every gradient is multiplied by that
    coefficient, otherwise nothing changes.

    Parameters
    ----------
    params : iterable of Parameter (or a model)
    max_norm : float
        > 0.

    Returns
    -------
    float
        ``total``, the norm *before* clipping (``nan``/``inf`` if a gradient is).
    """
    max_norm = check_real("max_norm", max_norm, low=0.0, low_open=True)
    params = _as_param_list(params, "clip_grad_norm")
    norms = [math.sqrt(float(np.vdot(g, g))) for g in (p.grad.ravel() for p in params)]
    total = math.sqrt(math.fsum(n * n for n in norms))
    coef = max_norm / (total + 1e-6)
    if coef < 1:
        for p in params:
            p.grad *= coef
    return total


def no_decay_groups(model_or_params, weight_decay: float) -> list[dict]:
    """Split parameters into two groups: weights decayed, biases not.

    The usual practice (e.g. in BERT and GPT training code): weight decay
    pulls weight matrices (2-D or more) towards zero, but biases (1-D) are left
    alone.  Pass the result to any optimiser::

        opt = mk.AdamW(mk.no_decay_groups(model, 0.01), lr=1e-3)

    Returns
    -------
    list of dict
        ``[{"params": [weights], "weight_decay": weight_decay},
        {"params": [biases], "weight_decay": 0.0}]``, empty groups left out.
    """
    weight_decay = check_real("weight_decay", weight_decay, low=0.0)
    params = _as_param_list(model_or_params, "no_decay_groups")
    if not params:
        raise ValueError("no_decay_groups got no parameters")
    decay = [p for p in params if p.data.ndim >= 2]
    keep = [p for p in params if p.data.ndim < 2]
    groups = [
        {"params": decay, "weight_decay": weight_decay},
        {"params": keep, "weight_decay": 0.0},
    ]
    return [g for g in groups if g["params"]]
