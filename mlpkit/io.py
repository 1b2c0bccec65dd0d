"""Save and load models as ``.npz`` files that hold only numbers and JSON text.

A file holds ``"architecture"`` (a 0-d unicode array of JSON: format, version,
kind, dtype, and either ``sizes``/``activation`` for an MLP or a ``layers``
list for a Sequential) and one array per parameter, ``"param_0"``,
``"param_1"``, ... in ``model.parameters()`` order.  Loading uses
``allow_pickle=False``: it never runs code from the file.  Gradients and
optimiser state are not saved.
"""
from __future__ import annotations

import json
import os
import zipfile

import numpy as np

from .layers import Identity, Linear, ReLU, Sequential, Sigmoid, Tanh
from .mlp import MLP

FORMAT, VERSION = "mlpkit", 1
_ACTS = {"ReLU": ReLU, "Tanh": Tanh, "Sigmoid": Sigmoid, "Identity": Identity}


def _describe(model) -> dict:
    if not isinstance(model, Sequential):
        raise TypeError(f"save supports an MLP or a Sequential of known layers, "
                        f"got {type(model).__name__}")
    dtypes = {p.data.dtype.name for p in model.parameters()}
    if len(dtypes) > 1:
        raise TypeError(f"save needs every parameter in one dtype, got {sorted(dtypes)}")
    dtype = dtypes.pop() if dtypes else "float64"
    arch = {"format": FORMAT, "version": VERSION, "dtype": dtype}
    if isinstance(model, MLP):
        return {**arch, "kind": "MLP", "sizes": model.sizes, "activation": model.activation}
    if type(model) is Sequential:
        layers = []
        for layer in model.layers:
            if type(layer) is Linear:
                layers.append({"type": "Linear", "n_in": layer.n_in, "n_out": layer.n_out})
            elif type(layer) in _ACTS.values():
                layers.append({"type": type(layer).__name__})
            else:
                raise TypeError(f"save supports Linear, ReLU, Tanh, Sigmoid and Identity layers, "
                                f"got {type(layer).__name__}")
        return {**arch, "kind": "Sequential", "layers": layers}
    raise TypeError(f"save supports an MLP or a Sequential of known layers, got {type(model).__name__}")


def save(model, path) -> None:
    """Write ``model`` (an :class:`MLP` or a :class:`Sequential`) to ``path`` (exactly that name)."""
    arch = _describe(model)                          # refuses anything load could not rebuild
    arrays = {f"param_{i}": p.data for i, p in enumerate(model.parameters())}
    arrays["architecture"] = np.array(json.dumps(arch))
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def _param_shapes(arch: dict) -> list[tuple]:
    """The parameter shapes the architecture describes, checked before anything is allocated."""
    if arch.get("kind") == "MLP":
        sizes = arch.get("sizes")
        if not isinstance(sizes, list) or len(sizes) < 2:
            raise ValueError(f"sizes must be a list of at least two widths, got {sizes!r}")
        pairs = list(zip(sizes[:-1], sizes[1:]))
    elif arch.get("kind") == "Sequential":
        layers = arch.get("layers")
        if not isinstance(layers, list) or not all(isinstance(l, dict) for l in layers):
            raise ValueError(f"layers must be a list of layer descriptions, got {layers!r:.80}")
        for spec in layers:
            if spec.get("type") != "Linear" and spec.get("type") not in _ACTS:
                raise ValueError(f"unknown layer type {spec.get('type')!r}; expected one of "
                                 f"{['Linear'] + list(_ACTS)}")
        pairs = [(l.get("n_in"), l.get("n_out")) for l in layers if l["type"] == "Linear"]
    else:
        raise ValueError(f"kind must be 'MLP' or 'Sequential', got {arch.get('kind')!r}")
    for n in (n for pair in pairs for n in pair):
        if type(n) is not int or n < 1:
            raise ValueError(f"every layer width must be a positive integer, got {n!r}")
    return [shape for a, b in pairs for shape in ((a, b), (b,))]


def _build(arch: dict):
    """A model of the described architecture; its weights are overwritten by ``load``."""
    rng = np.random.default_rng(0)                   # placeholder draw, replaced below
    dtype = arch["dtype"]
    if arch["kind"] == "MLP":
        return MLP(arch["sizes"], activation=arch["activation"], rng=rng, dtype=dtype)
    layers = []
    for spec in arch["layers"]:
        if spec["type"] == "Linear":
            layers.append(Linear(spec["n_in"], spec["n_out"], rng=rng, dtype=dtype))
        else:
            layers.append(_ACTS[spec["type"]]())
    return Sequential(*layers)


def load(path):
    """Read a model written by :func:`save`; bad or foreign files raise ``ValueError``."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no model file at {os.fspath(path)!r}")
    try:
        npz = np.load(path, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):    # a bare .npy array, renamed
            raise ValueError("it holds a single array, not an .npz archive")
        with npz:
            arrays = {key: npz[key] for key in npz.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
        raise ValueError(f"{os.fspath(path)!r} is not a readable mlpkit .npz file "
                         f"(pickled object arrays are refused): {e}") from None
    text = arrays.pop("architecture", None)
    if text is None or text.dtype.kind != "U" or text.shape != ():
        raise ValueError(f"{os.fspath(path)!r} has no 'architecture' JSON text; not an mlpkit model")
    try:
        arch = json.loads(str(text))
        if arch.get("format") != FORMAT or arch.get("version") != VERSION:
            raise ValueError(f"format {arch.get('format')!r} version {arch.get('version')!r}, "
                             f"expected {FORMAT!r} version {VERSION}")
        if arch.get("dtype") not in ("float32", "float64"):
            raise ValueError(f"dtype must be float32 or float64, got {arch.get('dtype')!r}")
        shapes = _param_shapes(arch)
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise ValueError(f"{os.fspath(path)!r} has an invalid architecture: {e}") from None
    expected = {f"param_{i}" for i in range(len(shapes))}
    if set(arrays) != expected:
        raise ValueError(f"{os.fspath(path)!r} should hold arrays {sorted(expected)}, "
                         f"got {sorted(arrays)}")
    for i, shape in enumerate(shapes):              # before building: no huge placeholder draws
        a = arrays[f"param_{i}"]
        if a.shape != shape or a.dtype != arch["dtype"]:
            raise ValueError(f"param_{i} should be {arch['dtype']} of shape {shape}, "
                             f"got {a.dtype} of shape {a.shape}")
    try:
        model = _build(arch)
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise ValueError(f"{os.fspath(path)!r} has an invalid architecture: {e}") from None
    for i, p in enumerate(model.parameters()):       # same order, shapes and dtype as checked
        p.data[...] = arrays[f"param_{i}"]
    return model
