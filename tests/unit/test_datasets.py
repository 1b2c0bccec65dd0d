"""Tests for ``mlpkit.datasets``: toy generators, splitting, encoding, digits."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from mlpkit import datasets as ds

GENERATORS = {
    "blobs": lambda n, rng, **kw: ds.make_blobs(n, rng=rng, **kw),
    "moons": lambda n, rng, **kw: ds.make_moons(n, rng=rng, **kw),
    "circles": lambda n, rng, **kw: ds.make_circles(n, rng=rng, **kw),
    "spirals": lambda n, rng, **kw: ds.make_spirals(n, rng=rng, **kw),
    "xor": lambda n, rng, **kw: ds.make_xor(n, rng=rng, **kw),
}
N_CLASSES = {"blobs": 3, "moons": 2, "circles": 2, "spirals": 3, "xor": 2}


def rng(seed=0):
    return np.random.default_rng(seed)


# ---- toy generators ----------------------------------------------------------------
@pytest.mark.parametrize("name", GENERATORS)
@pytest.mark.parametrize("n", [1, 2, 7, 100, 301])
def test_shapes_dtypes_and_balanced_classes(name, n):
    X, y = GENERATORS[name](n, rng())
    k = N_CLASSES[name]
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert y.min() >= 0 and y.max() < k
    counts = np.bincount(y, minlength=k)
    assert counts.sum() == n and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_same_data_different_seed_different_data(name):
    X1, y1 = GENERATORS[name](60, rng(3))
    X2, y2 = GENERATORS[name](60, rng(3))
    X3, _ = GENERATORS[name](60, rng(4))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", GENERATORS)
def test_rows_are_shuffled(name):
    _, y = GENERATORS[name](200, rng())
    assert not np.all(np.diff(y) >= 0)  # not sorted by class


@pytest.mark.parametrize("name", GENERATORS)
def test_rng_is_required(name):
    with pytest.raises(TypeError, match=r"rng must be a np.random.Generator.*default_rng\(0\)"):
        GENERATORS[name](10, None)
    with pytest.raises(TypeError, match=r"pass np.random.default_rng\(42\) instead of the seed"):
        GENERATORS[name](10, 42)  # a seed is not a Generator


@pytest.mark.parametrize("name", GENERATORS)
@pytest.mark.parametrize(
    "n, exc",
    [(0, ValueError), (-5, ValueError), (2.5, TypeError), ("10", TypeError), (True, TypeError)],
)
def test_bad_n(name, n, exc):
    with pytest.raises(exc, match="n must be an int >= 1"):
        GENERATORS[name](n, rng())


@pytest.mark.parametrize("name", GENERATORS)
@pytest.mark.parametrize(
    "noise, exc",
    [
        (-0.1, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        ("0.1", TypeError),
        (True, TypeError),
    ],
)
def test_bad_noise(name, noise, exc):
    with pytest.raises(exc, match="noise must be a real number >= 0"):
        GENERATORS[name](10, rng(), noise=noise)


def test_circles_exact_radii_without_noise():
    X, y = ds.make_circles(101, noise=0.0, factor=0.3, rng=rng())
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0, rtol=1e-14)
    np.testing.assert_allclose(r[y == 1], 0.3, rtol=1e-14)
    with pytest.raises(ValueError, match="factor"):
        ds.make_circles(10, factor=1.0, rng=rng())


def test_moons_exact_without_noise():
    X, y = ds.make_moons(50, noise=0.0, rng=rng())
    # class 0: unit upper half circle; class 1: unit lower half circle centred at (1, 0.5)
    np.testing.assert_allclose(np.hypot(*X[y == 0].T), 1.0, rtol=1e-14)
    assert np.all(X[y == 0, 1] >= -1e-15)
    np.testing.assert_allclose(np.hypot(X[y == 1, 0] - 1, X[y == 1, 1] - 0.5), 1.0, rtol=1e-14)


def test_xor_labels_are_sign_disagreement_without_noise():
    X, y = ds.make_xor(41, noise=0.0, rng=rng())
    assert set(map(tuple, np.abs(X))) == {(1.0, 1.0)}
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(np.int64))


def test_blobs_centres_and_custom_centres():
    X, y = ds.make_blobs(40, centers=4, noise=0.0, rng=rng())
    assert len(np.unique(y)) == 4
    for c in range(4):  # each class sits on its own centre, radius 2
        pts = X[y == c]
        assert np.ptp(pts, axis=0).max() == 0 and np.hypot(*pts[0]) == pytest.approx(2.0)
    centres = np.array([[0.0, 0.0], [5.0, 5.0]])
    X, y = ds.make_blobs(10, centers=centres, noise=0.0, rng=rng())
    np.testing.assert_array_equal(X, centres[y])
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        ds.make_blobs(10, centers=np.zeros((2, 3)), rng=rng())
    with pytest.raises(ValueError, match="centers must be an int >= 1"):
        ds.make_blobs(10, centers=0, rng=rng())


def test_spirals_radius_and_k():
    X, y = ds.make_spirals(90, k=5, noise=0.0, rng=rng())
    assert np.bincount(y).tolist() == [18] * 5
    assert np.hypot(*X.T).max() == pytest.approx(1.0)


def test_noise_is_gaussian_with_std_noise():
    X0, y0 = ds.make_circles(2000, noise=0.0, rng=rng())
    X1, y1 = ds.make_circles(2000, noise=0.1, rng=rng())  # same seed: same points, plus noise
    np.testing.assert_array_equal(y0, y1)
    assert np.std(X1 - X0) == pytest.approx(0.1, rel=0.05)


# ---- train_test_split ---------------------------------------------------------------
def test_split_sizes_and_partition():
    X = np.arange(40, dtype=float).reshape(20, 2)
    y = np.arange(20)
    Xtr, Xte, ytr, yte = ds.train_test_split(X, y, test_size=0.25, rng=rng())
    assert Xtr.shape == (15, 2) and Xte.shape == (5, 2) and ytr.shape == (15,) and yte.shape == (5,)
    assert sorted(np.concatenate([ytr, yte])) == list(range(20))  # a partition
    np.testing.assert_array_equal(Xtr[:, 0], 2 * ytr)  # rows stay paired
    _, Xte2, _, _ = ds.train_test_split(X, y, test_size=3, rng=rng())
    assert len(Xte2) == 3


def test_split_deterministic_per_seed():
    X, y = ds.make_moons(50, rng=rng())
    a = ds.train_test_split(X, y, rng=rng(1))
    b = ds.train_test_split(X, y, rng=rng(1))
    c = ds.train_test_split(X, y, rng=rng(2))
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[3], c[3]) or not np.array_equal(a[1], c[1])


def test_stratified_split_keeps_proportions():
    y = np.repeat([0, 1, 2], [60, 30, 10])
    X = np.zeros((100, 2))
    _, _, ytr, yte = ds.train_test_split(X, y, test_size=0.2, rng=rng(), stratify=True)
    assert np.bincount(yte).tolist() == [12, 6, 2]
    assert np.bincount(ytr).tolist() == [48, 24, 8]


@pytest.mark.parametrize(
    "test_size, exc",
    [
        (0.0, ValueError),
        (1.0, ValueError),
        (1.5, ValueError),
        (-1, ValueError),
        (0, ValueError),
        (10, ValueError),
        ("0.2", TypeError),
        (None, TypeError),
    ],
)
def test_split_bad_test_size(test_size, exc):
    with pytest.raises(exc, match="test_size"):
        ds.train_test_split(np.zeros((10, 2)), np.zeros(10), test_size=test_size, rng=rng())


def test_split_validation():
    with pytest.raises(ValueError, match="same number of rows, got 10 and 9"):
        ds.train_test_split(np.zeros((10, 2)), np.zeros(9), rng=rng())
    with pytest.raises(TypeError, match="rng"):
        ds.train_test_split(np.zeros((10, 2)), np.zeros(10))


# ---- one_hot and standardize ------------------------------------------------------------
def test_one_hot():
    Y = ds.one_hot(np.array([2, 0, 1, 2]))
    np.testing.assert_array_equal(Y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert Y.dtype == np.float64
    Y = ds.one_hot(np.array([0, 1]), num_classes=4, dtype=np.float32)
    assert Y.shape == (2, 4) and Y.dtype == np.float32
    assert ds.one_hot(np.array([], dtype=np.int64), num_classes=3).shape == (0, 3)


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.array([0.5, 1.0]), "integer labels"),
        (np.array([[0, 1]]), "1-D"),
        (np.array([-1, 0]), "labels must lie in"),
    ],
)
def test_one_hot_errors(bad, match):
    with pytest.raises(TypeError if bad.dtype.kind == "f" else ValueError, match=match):
        ds.one_hot(bad)
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        ds.one_hot(np.array([0, 2]), num_classes=2)


def test_standardize_and_constant_column():
    r = rng()
    X = np.column_stack([r.normal(3, 2, 500), np.full(500, 7.0)])
    Xs, mean, std = ds.standardize(X)
    np.testing.assert_allclose(Xs.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Xs[:, 0].std(), 1, rtol=1e-12)
    assert std[1] == 1.0 and np.all(Xs[:, 1] == 0)  # no division by zero
    Xt, _, _ = ds.standardize(X[:5] + 1, mean, std)  # reuse the training statistics
    np.testing.assert_allclose(Xt, (X[:5] + 1 - mean) / std)
    with pytest.raises(ValueError, match="both mean and std"):
        ds.standardize(X, mean=mean)


# ---- digits ---------------------------------------------------------------------------
# Class counts measured on the shipped file (the UCI optdigits test set).
DIGIT_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_digits_shapes_ranges_counts():
    X, y = ds.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    assert np.bincount(y).tolist() == DIGIT_COUNTS
    # first image is a 0: a ring of ink with an empty centre
    img = X[0].reshape(8, 8)
    assert y[0] == 0 and img[3:5, 3:5].sum() == 0 and img.sum() > 200


def test_digits_images_and_copies():
    images, y = ds.load_digits(return_images=True)
    X, _ = ds.load_digits()
    assert images.shape == (1797, 8, 8)
    np.testing.assert_array_equal(images.reshape(1797, 64), X)
    X[:] = -1  # the caller's copy, not the cache
    y[:] = -1
    X2, y2 = ds.load_digits()
    assert X2.min() == 0 and y2.min() == 0


def test_digits_checksum_mismatch(tmp_path, monkeypatch):
    raw = gzip.decompress(ds._DIGITS_PATH.read_bytes()).decode()
    altered = tmp_path / "digits.csv.gz"
    altered.write_bytes(gzip.compress(raw.replace("0,0,5,13", "0,0,5,14", 1).encode()))
    monkeypatch.setattr(ds, "_DIGITS_PATH", altered)
    with pytest.raises(
        ValueError,
        match=f"checksum mismatch: expected {ds.DIGITS_SHA256}, got [0-9a-f]{{64}}; "
        "reinstall mlpkit or restore the file",
    ):
        ds.load_digits()


def test_digits_missing_file(tmp_path, monkeypatch):
    monkeypatch.setattr(ds, "_DIGITS_PATH", tmp_path / "nope.csv.gz")
    with pytest.raises(FileNotFoundError, match="nope.csv.gz"):
        ds.load_digits()


# ---- regression tests from the final review ------------------------------------------
def test_blobs_centers_that_are_not_numbers():
    with pytest.raises(ValueError, match="centers must be an int or an array of shape"):
        ds.make_blobs(10, centers="abc", rng=rng())


def test_split_refuses_scalars_and_2d_labels_when_stratified():
    X = np.zeros((10, 2))
    with pytest.raises(ValueError, match="one row per example"):
        ds.train_test_split(3, 4, rng=rng())
    with pytest.raises(ValueError, match=r"stratify needs class labels y of shape \(n,\)"):
        ds.train_test_split(X, np.zeros((10, 2)), rng=rng(), stratify=True)
    ds.train_test_split(X, np.zeros((10, 2)), rng=rng())  # fine without stratify


@pytest.mark.parametrize(
    "y, test_size",
    [
        (np.array([0, 1, 2]), 0.3),  # every class rounds to 0 test rows
        (np.array([0, 1, 2]), 0.6),  # every class rounds to 1: no training rows left
    ],
)
def test_stratified_split_never_leaves_a_part_empty(y, test_size):
    with pytest.raises(ValueError, match="with stratify=True puts"):
        ds.train_test_split(np.zeros((3, 2)), y, test_size=test_size, rng=rng(), stratify=True)


@pytest.mark.parametrize(
    "num_classes, exc", [(0, ValueError), (-1, ValueError), (2.5, TypeError), ("3", TypeError)]
)
def test_one_hot_bad_num_classes(num_classes, exc):
    with pytest.raises(exc, match="num_classes must be an int >= 1"):
        ds.one_hot(np.array([0, 1]), num_classes=num_classes)


def test_standardize_checks_given_mean_and_std():
    X = np.ones((4, 3))
    with pytest.raises(ValueError, match=r"shape \(3,\) to match X of shape \(4, 3\), got \(2,\)"):
        ds.standardize(X, np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match="every std must be > 0"):
        ds.standardize(X, np.zeros(3), np.array([1.0, 0.0, 1.0]))
