"""save / load: exact round trips; foreign or damaged files are refused."""

import json

import numpy as np
import pytest

import mlpkit as mk


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_round_trip_is_bitwise_exact(tmp_path, dtype, activation):
    rng = np.random.default_rng(0)
    model = mk.MLP([4, 8, 3], activation=activation, rng=rng, dtype=dtype)
    path = tmp_path / "model.npz"
    mk.save(model, path)
    loaded = mk.load(path)
    assert type(loaded) is mk.MLP and loaded.sizes == model.sizes
    assert loaded.activation == activation and loaded.dtype == np.dtype(dtype)
    for p, q in zip(model.parameters(), loaded.parameters()):
        assert p.data.dtype == q.data.dtype and p.data.tobytes() == q.data.tobytes()
    X = rng.standard_normal((5, 4)).astype(dtype)
    np.testing.assert_array_equal(model(X), loaded(X))


def test_sequential_round_trip(tmp_path):
    rng = np.random.default_rng(1)
    model = mk.Sequential(
        mk.Linear(3, 4, rng=rng), mk.Tanh(), mk.Linear(4, 1, rng=rng), mk.Identity()
    )
    mk.save(model, tmp_path / "seq.npz")
    loaded = mk.load(tmp_path / "seq.npz")
    assert [type(l) for l in loaded.layers] == [type(l) for l in model.layers]
    X = rng.standard_normal((2, 3))
    np.testing.assert_array_equal(model(X), loaded(X))


def test_saved_file_holds_only_plain_arrays(tmp_path):
    model = mk.MLP([2, 3, 2], rng=np.random.default_rng(2))
    mk.save(model, tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as f:
        arch = json.loads(str(f["architecture"]))
        assert sorted(f.files) == ["architecture", "param_0", "param_1", "param_2", "param_3"]
    assert arch == {
        "format": "mlpkit",
        "version": 1,
        "dtype": "float64",
        "kind": "MLP",
        "sizes": [2, 3, 2],
        "activation": "relu",
    }


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no model file at"):
        mk.load(tmp_path / "nope.npz")


def write(path, **arrays):
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def good_arrays():
    model = mk.MLP([2, 3, 2], rng=np.random.default_rng(3))
    arrays = {f"param_{i}": p.data for i, p in enumerate(model.parameters())}
    arrays["architecture"] = np.array(
        json.dumps(
            {
                "format": "mlpkit",
                "version": 1,
                "dtype": "float64",
                "kind": "MLP",
                "sizes": [2, 3, 2],
                "activation": "relu",
            }
        )
    )
    return arrays


def test_pickled_object_arrays_are_refused(tmp_path):
    arrays = good_arrays()
    arrays["param_0"] = np.array([{"evil": 1}, None], dtype=object)
    write(tmp_path / "evil.npz", **arrays)
    with pytest.raises(ValueError, match="pickled object arrays are refused"):
        mk.load(tmp_path / "evil.npz")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda a: a.pop("param_3"), "should hold arrays"),
        (lambda a: a.pop("architecture"), "no 'architecture'"),
        (lambda a: a.update(architecture=np.array("{not json")), "invalid architecture"),
        (
            lambda a: a.update(architecture=np.array('{"format": "other", "version": 1}')),
            "invalid architecture",
        ),
        (
            lambda a: a.update(param_0=np.zeros((3, 2))),
            r"param_0 should be float64 of shape \(2, 3\)",
        ),
        (lambda a: a.update(param_1=np.zeros(3, np.float32)), "param_1 should be float64"),
    ],
)
def test_damaged_files_are_refused(tmp_path, change, message):
    arrays = good_arrays()
    change(arrays)
    write(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ValueError, match=message):
        mk.load(tmp_path / "bad.npz")


def test_not_an_npz_file(tmp_path):
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ValueError, match="not a readable mlpkit"):
        mk.load(tmp_path / "text.npz")


def test_save_refuses_unknown_models(tmp_path):
    class Custom(mk.Layer):
        pass

    with pytest.raises(TypeError, match="save supports"):
        mk.save(mk.Sequential(Custom()), tmp_path / "x.npz")


# ---- regression tests from the final review ------------------------------------------
def with_arch(**changes):
    arrays = good_arrays()
    arch = json.loads(str(arrays["architecture"]))
    arch.update(changes)
    arrays["architecture"] = np.array(json.dumps(arch))
    return arrays


@pytest.mark.parametrize(
    "arrays, message",
    [
        (
            with_arch(sizes=[10**6, 10**6, 10**6]),
            r"param_0 should be float64 of shape \(1000000, 1000000\)",
        ),
        (with_arch(kind="Evil"), "kind must be 'MLP' or 'Sequential', got 'Evil'"),
        (with_arch(kind="Sequential", layers=[{"type": "Evil"}]), "unknown layer type 'Evil'"),
        (with_arch(kind="Sequential", layers="abc"), "layers must be a list"),
        (
            with_arch(kind="Sequential", layers=[{"type": "Linear", "n_in": 2.7, "n_out": 3}]),
            "positive integer, got 2.7",
        ),
        (
            with_arch(kind="Sequential", layers=[{"type": "Linear", "n_in": 0, "n_out": 3}]),
            "positive integer, got 0",
        ),
        (with_arch(activation=["relu"]), "activation must be a string, one of"),
        (with_arch(activation="gelu"), "activation must be one of"),
        (
            with_arch(dropout=1.5),
            r"dropout \(the drop probability\) must be a real number in \[0, 1\)",
        ),
        (
            with_arch(kind="Sequential", layers=[{"type": "Dropout", "p": -1}]),
            r"p \(the drop probability\) must be",
        ),
    ],
)
def test_crafted_architectures_are_refused_before_building(tmp_path, arrays, message):
    write(tmp_path / "bad.npz", **arrays)  # the huge one must not try to allocate 7 TiB
    with pytest.raises(ValueError, match=message):
        mk.load(tmp_path / "bad.npz")


def test_a_bare_npy_or_pickle_renamed_npz_is_refused(tmp_path):
    with open(tmp_path / "array.npz", "wb") as f:
        np.save(f, np.zeros(3))
    with pytest.raises(ValueError, match="single array, not an .npz archive"):
        mk.load(tmp_path / "array.npz")
    import pickle

    (tmp_path / "pickle.npz").write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ValueError, match="not a readable mlpkit"):
        mk.load(tmp_path / "pickle.npz")


def test_save_refuses_what_load_could_not_rebuild(tmp_path):
    rng = np.random.default_rng(0)
    mixed = mk.Sequential(mk.Linear(2, 2, rng=rng), mk.Linear(2, 2, rng=rng, dtype=np.float32))
    with pytest.raises(TypeError, match=r"one dtype, got \['float32', 'float64'\]"):
        mk.save(mixed, tmp_path / "mixed.npz")
    with pytest.raises(TypeError, match="save supports an MLP or a Sequential"):
        mk.save("model", tmp_path / "str.npz")
    assert not (tmp_path / "mixed.npz").exists() and not (tmp_path / "str.npz").exists()
