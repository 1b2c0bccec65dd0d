"""The shared argument checks and the one activation table."""

import math

import numpy as np
import pytest

from mlpkit import activations
from mlpkit.validation import check_dtype, check_positive_int, check_real, check_rng


@pytest.mark.parametrize(
    "value, exc, match",
    [
        (True, TypeError, "n must be an int >= 1, got bool True"),
        (2.0, TypeError, "got float 2.0"),
        ("3", TypeError, "got str '3'"),
        (None, TypeError, "got NoneType None"),
        (0, ValueError, "n must be an int >= 1, got 0"),
        (-2, ValueError, "got -2"),
    ],
)
def test_check_positive_int_rejects(value, exc, match):
    with pytest.raises(exc, match=match):
        check_positive_int("n", value)


def test_check_positive_int_accepts_numpy_ints_and_minimum():
    assert check_positive_int("n", np.int64(3)) == 3 and type(check_positive_int("n", 3)) is int
    assert check_positive_int("k", 0, minimum=0) == 0
    with pytest.raises(ValueError, match="k must be an int >= 2, got 1"):
        check_positive_int("k", 1, minimum=2)


@pytest.mark.parametrize(
    "value, kw, exc, match",
    [
        (True, {}, TypeError, "lr must be a finite real number, got bool True"),
        ("0.1", {}, TypeError, "got str '0.1'"),
        (None, {}, TypeError, "got NoneType"),
        (math.nan, {}, ValueError, "got nan"),
        (math.inf, {"low": 0}, ValueError, r"lr must be a real number >= 0, got inf"),
        (0.0, {"low": 0, "low_open": True}, ValueError, r"a real number > 0, got 0.0"),
        (1.0, {"low": 0, "high": 1, "high_open": True}, ValueError, r"in \[0, 1\), got 1.0"),
        (-0.5, {"low": 0, "high": 1}, ValueError, r"in \[0, 1\], got -0.5"),
        (2.0, {"high": 1}, ValueError, r"a real number <= 1, got 2.0"),
    ],
)
def test_check_real_rejects(value, kw, exc, match):
    with pytest.raises(exc, match=match):
        check_real("lr", value, **kw)


def test_check_real_accepts_numpy_scalars_and_bounds():
    assert check_real("lr", np.float32(0.5), low=0, high=1) == 0.5
    assert check_real("mu", 0.0, low=0, high=1, high_open=True) == 0.0
    assert type(check_real("x", 3)) is float


def test_check_rng():
    g = np.random.default_rng(0)
    assert check_rng("rng", g) is g
    with pytest.raises(TypeError, match=r"pass np.random.default_rng\(7\) instead of the seed 7"):
        check_rng("rng", 7)
    with pytest.raises(TypeError, match=r"rng must be a np.random.Generator, got NoneType"):
        check_rng("rng", None)
    with pytest.raises(TypeError, match="got RandomState"):
        check_rng("rng", np.random.RandomState(0))
    with pytest.raises(TypeError, match="got bool True"):
        check_rng("rng", True)


def test_check_dtype():
    assert check_dtype(np.float32) == np.float32 and check_dtype("float64") == np.float64
    for bad in (np.int64, np.float16, "complex128"):
        with pytest.raises(ValueError, match="dtype must be np.float32 or np.float64"):
            check_dtype(bad)
    for bad in ("foo", None, 3.5):
        with pytest.raises(TypeError, match="dtype must be np.float32 or np.float64"):
            check_dtype(bad)


# ---- the activation table --------------------------------------------------------------
@pytest.mark.parametrize("name", activations.names())
def test_each_derivative_matches_a_central_difference(name):
    a = activations.ACTIVATIONS[name]
    z = np.array([-3.1, -1.2, -0.3, 0.4, 1.7, 2.9])  # away from kinks at 0
    h = 1e-6
    numeric = (a.fn(z + h) - a.fn(z - h)) / (2 * h)
    np.testing.assert_allclose(a.derivative(z), numeric, rtol=1e-6, atol=1e-8)


def test_layers_and_value_methods_agree_with_the_table():
    from mlpkit import Value

    for name in activations.names("layer"):
        a = activations.ACTIVATIONS[name]
        z = np.linspace(-2, 2, 9).reshape(3, 3)
        np.testing.assert_allclose(a.layer().forward(z), a.fn(z), rtol=1e-15)
    for name in activations.names("value_method"):
        a = activations.ACTIVATIONS[name]
        assert getattr(Value(0.7), a.value_method)().data == pytest.approx(float(a.fn(0.7)))
    assert activations.names("layer") == ["identity", "relu", "sigmoid", "tanh"]


def test_get_errors():
    assert activations.get("relu").label == "ReLU"
    with pytest.raises(ValueError, match=r"activation must be one of \['identity', 'relu'"):
        activations.get("step", need="layer")
    with pytest.raises(ValueError, match="must be one of"):
        activations.get("swish")
    with pytest.raises(TypeError, match="activation must be a string"):
        activations.get(3)
    with pytest.raises(ValueError, match="need must be"):
        activations.names("module")
