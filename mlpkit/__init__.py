"""mlpkit: the small numpy library that the book *Multilayer Perceptrons and
Backpropagation, from First Principles* builds chapter by chapter.

Everything runs on numpy alone.  Rows are examples; a weight matrix ``W`` has
shape ``(n_in, n_out)``; every random draw takes an explicit
``np.random.Generator``.
"""

__version__ = "0.1.0"

# --- core: vectorised layers, losses, optimisers, training ----------------
from .functional import sigmoid, log_sigmoid, softmax, log_softmax, logsumexp
from .layers import Parameter, Layer, Linear, ReLU, Tanh, Sigmoid, Identity, Dropout, Sequential
from .mlp import MLP
from .losses import Loss, SoftmaxCrossEntropy, BCEWithLogits, MSELoss
from .optim import Optimizer, SGD, Adam, AdamW, clip_grad_norm, no_decay_groups
from .sched import LRScheduler, StepLR, CosineAnnealingLR, LinearLR
from .train import fit, accuracy, predict
from .lr_finder import lr_range_test
from .gradcheck import gradcheck, numerical_gradient, relative_error, GradcheckError
from .io import save, load

# --- teaching tools --------------------------------------------------------
from .autograd import Value, Neuron, ValueMLP
from .graph import draw_graph
from . import datasets, plot, check

__all__ = [
    "sigmoid", "log_sigmoid", "softmax", "log_softmax", "logsumexp",
    "Parameter", "Layer", "Linear", "ReLU", "Tanh", "Sigmoid", "Identity", "Dropout", "Sequential",
    "MLP",
    "Loss", "SoftmaxCrossEntropy", "BCEWithLogits", "MSELoss",
    "Optimizer", "SGD", "Adam", "AdamW", "clip_grad_norm", "no_decay_groups",
    "LRScheduler", "StepLR", "CosineAnnealingLR", "LinearLR",
    "fit", "accuracy", "predict", "lr_range_test",
    "gradcheck", "numerical_gradient", "relative_error", "GradcheckError",
    "save", "load",
    "Value", "Neuron", "ValueMLP", "draw_graph",
    "datasets", "plot", "check",
]
