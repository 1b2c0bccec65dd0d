"""mlpkit: the small numpy library that the book *Multilayer Perceptrons and
Backpropagation, from First Principles* builds chapter by chapter.

Everything runs on numpy alone.  Rows are examples; a weight matrix ``W`` has
shape ``(n_in, n_out)``; every random draw takes an explicit
``np.random.Generator``.
"""

__version__ = "1.1.0"

# --- core: vectorised layers, losses, optimisers, training ----------------
from . import activations, datasets, metrics, validation
from ._optional import has_matplotlib as _has_matplotlib

# --- teaching tools --------------------------------------------------------
from .autograd import Neuron, Value, ValueMLP
from .functional import log_sigmoid, log_softmax, logsumexp, sigmoid, softmax
from .gradcheck import GradcheckError, gradcheck, numerical_gradient, relative_error
from .io import load, save
from .layers import Dropout, Identity, Layer, Linear, Parameter, ReLU, Sequential, Sigmoid, Tanh
from .losses import BCEWithLogits, Loss, MSELoss, SoftmaxCrossEntropy
from .lr_finder import lr_range_test
from .mlp import MLP
from .optim import SGD, Adam, AdamW, Optimizer, clip_grad_norm, no_decay_groups
from .sched import CosineAnnealingLR, LinearLR, LRScheduler, StepLR
from .train import accuracy, fit, predict

# --- loaded on first use: ``import mlpkit`` needs numpy only ----------------
# ``mk.plot``, ``mk.graph`` and ``mk.draw_graph`` need matplotlib and raise an
# ImportError naming ``pip install "mlpkit[plot]"`` without it.
_LAZY = {
    "plot": ("mlpkit.plot", None),
    "check": ("mlpkit.check", None),
    "graph": ("mlpkit.graph", None),
    "draw_graph": ("mlpkit.graph", "draw_graph"),
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'mlpkit' has no attribute {name!r}")
    import importlib

    module_name, attr = _LAZY[name]
    module = importlib.import_module(module_name)
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "sigmoid",
    "log_sigmoid",
    "softmax",
    "log_softmax",
    "logsumexp",
    "Parameter",
    "Layer",
    "Linear",
    "ReLU",
    "Tanh",
    "Sigmoid",
    "Identity",
    "Dropout",
    "Sequential",
    "MLP",
    "Loss",
    "SoftmaxCrossEntropy",
    "BCEWithLogits",
    "MSELoss",
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "clip_grad_norm",
    "no_decay_groups",
    "LRScheduler",
    "StepLR",
    "CosineAnnealingLR",
    "LinearLR",
    "fit",
    "accuracy",
    "predict",
    "lr_range_test",
    "gradcheck",
    "numerical_gradient",
    "relative_error",
    "GradcheckError",
    "save",
    "load",
    "Value",
    "Neuron",
    "ValueMLP",
    "draw_graph",
    "datasets",
    "metrics",
    "activations",
    "validation",
    "plot",
    "check",
    "graph",
]
if not _has_matplotlib():  # ``from mlpkit import *`` works with numpy alone
    __all__ = [name for name in __all__ if name not in ("plot", "graph", "draw_graph")]
