"""Self-checks for the book's exercises.

Each ``check_*`` function runs *your* implementation on a fixed set of hidden
cases and compares it with a reference written in plain numpy.  The cases mix
random inputs (drawn from a fixed seed, so every run is the same) with edge
cases that trip up first attempts: very large logits such as ``±1000`` and
``±1e4``, ``z = 0`` exactly, tiny results that must keep their relative
accuracy, and a batch of a single example.

* When everything matches, the checker prints **one** message that starts
  with ``✓`` (wrapped onto an indented second line when it is long) and
  returns ``None``.
* Otherwise it raises :class:`CheckFailed`.  The message names the case, shows
  the input, the expected and the returned values (rounded), and gives a hint
  about the most common cause of that particular mistake.

Your function runs under ``np.errstate(over="raise", divide="raise",
invalid="raise")``.  An overflow such as ``np.exp(1000.0)`` therefore counts as
a mistake even when the final answer happens to come out right: in a real
training run it prints warnings or turns into ``nan``.  (Underflow to 0 is
fine.)  Your function receives copies of the inputs, and changing one of them
in place is reported as a mistake.

Examples
--------
>>> import numpy as np
>>> from mlpkit import check
>>> def sigmoid(z):
...     e = np.exp(-np.abs(z))
...     return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
>>> check.check_sigmoid(sigmoid)   # doctest: +ELLIPSIS
✓ check_sigmoid: your sigmoid matches the reference on 9 cases, including
  z = 0, ...

A success message is a single ``print`` of at most two lines of at most 79
characters, so that it does not scroll sideways in the book.

Layout: :mod:`mlpkit.check._harness` runs every checker (the call with
floating-point errors raised, the comparison, the failure message and the
success line); the topic modules ``activations``, ``losses``, ``gd``,
``optim``, ``backprop`` and ``mlp`` hold the checkers, each with its hidden
cases and a table of known mistakes ``(test, hint)``.
"""

from ._harness import CheckFailed
from .activations import check_sigmoid, check_sigmoid_derivative, check_softmax
from .backprop import check_linear_backward
from .gd import check_gd_step, check_momentum_step
from .losses import check_bce_gradient, check_softmax_ce_gradient
from .mlp import check_parameter_count, check_xor, check_xor_weights
from .optim import check_adam_step, check_weight_decay_gradient

__all__ = [
    "CheckFailed",
    "check_sigmoid",
    "check_sigmoid_derivative",
    "check_softmax",
    "check_bce_gradient",
    "check_softmax_ce_gradient",
    "check_gd_step",
    "check_momentum_step",
    "check_adam_step",
    "check_weight_decay_gradient",
    "check_linear_backward",
    "check_xor_weights",
    "check_xor",
    "check_parameter_count",
]
