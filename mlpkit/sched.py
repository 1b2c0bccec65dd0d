"""Learning-rate schedulers with PyTorch's names, arguments and closed forms.

A scheduler is built on an optimiser, remembers each parameter group's
learning rate at that moment (the *base* rate), and writes
``optimizer.param_groups[i]["lr"]`` for epoch 0 at once and for the next epoch
at every ``step()``.  Call ``step()`` once per epoch, after the epoch's
optimiser steps (``mk.fit(..., scheduler=s)`` does this).  With ``e`` the
number of ``step()`` calls so far (``last_epoch``) and ``base`` a group's base
rate:

- :class:`StepLR`: ``base * gamma ** (e // step_size)``;
- :class:`CosineAnnealingLR`: ``eta_min + (base - eta_min) * (1 + cos(pi e / T_max)) / 2``;
- :class:`LinearLR`: ``base * (start_factor + (end_factor - start_factor)
  * min(e, total_iters) / total_iters)``.
"""

from __future__ import annotations

import math

from .optim import Optimizer
from .validation import check_positive_int, check_real

__all__ = ["LRScheduler", "StepLR", "CosineAnnealingLR", "LinearLR"]


class LRScheduler:
    """Base class: ``step()``, ``get_last_lr()``, ``state_dict()``.

    A subclass defines ``_lr(base, epoch)``, the learning rate of a group with
    base rate ``base`` at epoch ``epoch``.
    """

    _args: tuple[str, ...] = ()

    def __init__(self, optimizer: Optimizer):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__} expects an optimiser such as "
                f"mk.SGD(model.parameters(), lr=0.1), got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        self.base_lrs = [g["lr"] for g in optimizer.param_groups]
        self.last_epoch = 0
        self._apply()

    def _lr(self, base: float, epoch: int) -> float:
        raise NotImplementedError

    def _apply(self) -> None:
        self._last_lr = [self._lr(base, self.last_epoch) for base in self.base_lrs]
        for g, lr in zip(self.optimizer.param_groups, self._last_lr):
            g["lr"] = lr

    def step(self) -> None:
        """Advance one epoch and write the new learning rate into every group."""
        if len(self.optimizer.param_groups) != len(self.base_lrs):
            raise RuntimeError(
                f"{type(self).__name__} was built for "
                f"{len(self.base_lrs)} parameter group(s); the optimiser now has "
                f"{len(self.optimizer.param_groups)}"
            )
        self.last_epoch += 1
        self._apply()

    def get_last_lr(self) -> list[float]:
        """The learning rate of each parameter group, as last written."""
        return list(self._last_lr)

    def state_dict(self) -> dict:
        """``{"last_epoch": int, "base_lrs": [float, ...]}`` plus the constructor's arguments."""
        d = {"last_epoch": self.last_epoch, "base_lrs": list(self.base_lrs)}
        d.update({k: getattr(self, k) for k in self._args})
        return d

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore what :meth:`state_dict` returned and rewrite the groups' learning rates."""
        keys = {"last_epoch", "base_lrs", *self._args}
        if not isinstance(state_dict, dict) or set(state_dict) != keys:
            raise ValueError(
                f"{type(self).__name__}.load_state_dict expects keys "
                f"{sorted(keys)}, got "
                f"{sorted(state_dict) if isinstance(state_dict, dict) else state_dict!r}"
            )
        last = check_positive_int("last_epoch", state_dict["last_epoch"], minimum=0)
        bases = state_dict["base_lrs"]
        if not isinstance(bases, (list, tuple)) or len(bases) != len(self.base_lrs):
            raise ValueError(
                f"base_lrs must list {len(self.base_lrs)} learning rate(s), got {bases!r}"
            )
        bases = [check_real("base_lrs[i]", b, low=0.0, low_open=True) for b in bases]
        new = (
            type(self)(self.optimizer, **{k: state_dict[k] for k in self._args})
            if self._args
            else None
        )  # validates the arguments
        for k in self._args:
            setattr(self, k, getattr(new, k))
        self.base_lrs, self.last_epoch = bases, last
        self._apply()

    def __repr__(self) -> str:
        args = "".join(f", {k}={getattr(self, k)!r}" for k in self._args)
        lrs = ", ".join(f"{lr:.6g}" for lr in self._last_lr)
        return (
            f"{type(self).__name__}({type(self.optimizer).__name__}{args}; "
            f"last_epoch={self.last_epoch}, lr=[{lrs}])"
        )


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs
    (``torch.optim.lr_scheduler.StepLR``).

    ``lr = base * gamma ** (epoch // step_size)``.

    Parameters
    ----------
    optimizer : Optimizer
    step_size : int
        >= 1 epochs between decays.
    gamma : float
        Factor in (0, 1] (above 1 would grow the rate; refused).
    """

    _args = ("step_size", "gamma")

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1):
        self.step_size = check_positive_int("step_size", step_size)
        self.gamma = check_real("gamma", gamma, low=0.0, high=1.0, low_open=True)
        super().__init__(optimizer)

    def _lr(self, base: float, epoch: int) -> float:
        return base * self.gamma ** (epoch // self.step_size)


class CosineAnnealingLR(LRScheduler):
    """Cosine from the base rate down to ``eta_min`` over ``T_max`` epochs
    (``torch.optim.lr_scheduler.CosineAnnealingLR``, its closed form).

    ``lr = eta_min + (base - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``: the
    base rate at epoch 0, ``eta_min`` at epoch ``T_max``.  Past ``T_max`` the
    formula climbs back up (as in PyTorch); stop training by then.

    Parameters
    ----------
    optimizer : Optimizer
    T_max : int
        >= 1, the epoch at which the rate reaches ``eta_min``.
    eta_min : float
        >= 0, the final learning rate.
    """

    _args = ("T_max", "eta_min")

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0):
        self.T_max = check_positive_int("T_max", T_max)
        self.eta_min = check_real("eta_min", eta_min, low=0.0)
        super().__init__(optimizer)

    def _lr(self, base: float, epoch: int) -> float:
        return (
            self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2
        )


class LinearLR(LRScheduler):
    """Scale the base rate by a factor that moves linearly from ``start_factor`` to
    ``end_factor`` over ``total_iters`` epochs, then stays (``torch.optim.lr_scheduler.LinearLR``;
    a warm-up with the defaults).

    ``lr = base * (start_factor + (end_factor - start_factor) * min(epoch, total_iters)
    / total_iters)``.

    Parameters
    ----------
    optimizer : Optimizer
    start_factor : float
        In (0, 1], the factor at epoch 0.
    end_factor : float
        In [0, 1], the factor from epoch ``total_iters`` on.
    total_iters : int
        >= 1 epochs of change.
    """

    _args = ("start_factor", "end_factor", "total_iters")

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
    ):
        self.start_factor = check_real(
            "start_factor", start_factor, low=0.0, high=1.0, low_open=True
        )
        self.end_factor = check_real("end_factor", end_factor, low=0.0, high=1.0)
        self.total_iters = check_positive_int("total_iters", total_iters)
        super().__init__(optimizer)

    def _lr(self, base: float, epoch: int) -> float:
        f = (
            self.start_factor
            + (self.end_factor - self.start_factor)
            * min(epoch, self.total_iters)
            / self.total_iters
        )
        return base * f
