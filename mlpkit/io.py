"""Save and load models as ``.npz`` files that hold only numbers and JSON text.

A file holds ``"architecture"`` (a 0-d unicode array of JSON: format, version,
kind, dtype, and either ``sizes``/``activation``/``dropout`` for an MLP or a
``layers`` list for a Sequential) and one array per parameter, ``"param_0"``,
``"param_1"``, ... in ``model.parameters()`` order.  Loading uses
``allow_pickle=False``: it never runs code from the file.  Gradients and
optimiser state are not saved (see ``state_dict()`` for those).  A model
with :class:`~mlpkit.Dropout` layers needs ``load(path, rng=...)`` for its
masks.
"""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np

from .activations import ACTIVATIONS
from .layers import Dropout, Linear, Sequential
from .mlp import MLP
from .validation import check_real, check_rng

FORMAT, VERSION = "mlpkit", 1
# activation layers by class name ("ReLU", "Tanh", ...), from the one activation table
_ACTS = {a.layer.__name__: a.layer for a in ACTIVATIONS.values() if a.layer is not None}


def _describe(model) -> dict:
    if not isinstance(model, Sequential):
        raise TypeError(
            f"save supports an MLP or a Sequential of known layers, got {type(model).__name__}"
        )
    dtypes = {p.data.dtype.name for p in model.parameters()}
    if len(dtypes) > 1:
        raise TypeError(f"save needs every parameter in one dtype, got {sorted(dtypes)}")
    dtype = dtypes.pop() if dtypes else "float64"
    arch = {"format": FORMAT, "version": VERSION, "dtype": dtype}
    if isinstance(model, MLP):
        arch = {**arch, "kind": "MLP", "sizes": model.sizes, "activation": model.activation}
        if model.dropout:
            arch["dropout"] = model.dropout
        return arch
    if type(model) is Sequential:
        layers = []
        for layer in model.layers:
            if type(layer) is Linear:
                layers.append({"type": "Linear", "n_in": layer.n_in, "n_out": layer.n_out})
            elif type(layer) is Dropout:
                layers.append({"type": "Dropout", "p": layer.p})
            elif type(layer) in _ACTS.values():
                layers.append({"type": type(layer).__name__})
            else:
                raise TypeError(
                    f"save supports Linear, Dropout and {', '.join(_ACTS)} layers, "
                    f"got {type(layer).__name__}"
                )
        return {**arch, "kind": "Sequential", "layers": layers}
    raise TypeError(
        f"save supports an MLP or a Sequential of known layers, got {type(model).__name__}"
    )


def save(model, path) -> None:
    """Write ``model`` (an :class:`MLP` or a :class:`Sequential`) to ``path`` (that exact name)."""
    arch = _describe(model)  # refuses anything load could not rebuild
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
        check_real(
            "dropout (the drop probability)",
            arch.get("dropout", 0.0),
            low=0.0,
            high=1.0,
            high_open=True,
        )
    elif arch.get("kind") == "Sequential":
        layers = arch.get("layers")
        if not isinstance(layers, list) or not all(isinstance(l, dict) for l in layers):
            raise ValueError(f"layers must be a list of layer descriptions, got {layers!r:.80}")
        for spec in layers:
            if spec.get("type") not in ("Linear", "Dropout") and spec.get("type") not in _ACTS:
                raise ValueError(
                    f"unknown layer type {spec.get('type')!r}; expected one of "
                    f"{['Linear', 'Dropout'] + list(_ACTS)}"
                )
            if spec["type"] == "Dropout":
                check_real(
                    "p (the drop probability)", spec.get("p"), low=0.0, high=1.0, high_open=True
                )
        pairs = [(l.get("n_in"), l.get("n_out")) for l in layers if l["type"] == "Linear"]
    else:
        raise ValueError(f"kind must be 'MLP' or 'Sequential', got {arch.get('kind')!r}")
    for n in (n for pair in pairs for n in pair):
        if type(n) is not int or n < 1:
            raise ValueError(f"every layer width must be a positive integer, got {n!r}")
    return [shape for a, b in pairs for shape in ((a, b), (b,))]


def _has_dropout(arch: dict) -> bool:
    if arch["kind"] == "MLP":
        return bool(arch.get("dropout", 0))
    return any(spec["type"] == "Dropout" for spec in arch["layers"])


def _build(arch: dict, rng):
    """A model of the described architecture; its weights are overwritten by ``load``."""
    placeholder = np.random.default_rng(0)  # placeholder draw, replaced below
    dtype = arch["dtype"]
    if arch["kind"] == "MLP":
        model = MLP(
            arch["sizes"],
            activation=arch["activation"],
            rng=placeholder,
            dtype=dtype,
            dropout=arch.get("dropout", 0.0),
        )
        for layer in model.layers:
            if isinstance(layer, Dropout):
                layer.rng = rng
        return model
    layers = []
    for spec in arch["layers"]:
        if spec["type"] == "Linear":
            layers.append(Linear(spec["n_in"], spec["n_out"], rng=placeholder, dtype=dtype))
        elif spec["type"] == "Dropout":
            layers.append(Dropout(spec.get("p"), rng=rng))
        else:
            layers.append(_ACTS[spec["type"]]())
    return Sequential(*layers)


def load(path, *, rng: np.random.Generator | None = None):
    """Read a model written by :func:`save`; bad or foreign files raise ``ValueError``.

    ``rng`` draws the dropout masks of a model that has :class:`Dropout`
    layers (required then, ignored otherwise).
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no model file at {os.fspath(path)!r}")
    try:
        npz = np.load(path, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):  # a bare .npy array, renamed
            raise ValueError("it holds a single array, not an .npz archive")
        with npz:
            arrays = {key: npz[key] for key in npz.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
        raise ValueError(
            f"{os.fspath(path)!r} is not a readable mlpkit .npz file "
            f"(pickled object arrays are refused): {e}"
        ) from None
    text = arrays.pop("architecture", None)
    if text is None or text.dtype.kind != "U" or text.shape != ():
        raise ValueError(
            f"{os.fspath(path)!r} has no 'architecture' JSON text; not an mlpkit model"
        )
    try:
        arch = json.loads(str(text))
        if arch.get("format") != FORMAT or arch.get("version") != VERSION:
            raise ValueError(
                f"format {arch.get('format')!r} version {arch.get('version')!r}, "
                f"expected {FORMAT!r} version {VERSION}"
            )
        if arch.get("dtype") not in ("float32", "float64"):
            raise ValueError(f"dtype must be float32 or float64, got {arch.get('dtype')!r}")
        shapes = _param_shapes(arch)
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise ValueError(f"{os.fspath(path)!r} has an invalid architecture: {e}") from None
    expected = {f"param_{i}" for i in range(len(shapes))}
    if set(arrays) != expected:
        raise ValueError(
            f"{os.fspath(path)!r} should hold arrays {sorted(expected)}, got {sorted(arrays)}"
        )
    for i, shape in enumerate(shapes):  # before building: no huge placeholder draws
        a = arrays[f"param_{i}"]
        if a.shape != shape or a.dtype != arch["dtype"]:
            raise ValueError(
                f"param_{i} should be {arch['dtype']} of shape {shape}, "
                f"got {a.dtype} of shape {a.shape}"
            )
    if _has_dropout(arch):
        check_rng(
            "rng (this model has Dropout layers; load(path, rng=np.random.default_rng(seed)) "
            "draws their masks)",
            rng,
        )
    try:
        model = _build(arch, rng)
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise ValueError(f"{os.fspath(path)!r} has an invalid architecture: {e}") from None
    for i, p in enumerate(model.parameters()):  # same order, shapes and dtype as checked
        p.data[...] = arrays[f"param_{i}"]
    return model
