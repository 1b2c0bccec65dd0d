"""fit, predict and accuracy."""

import numpy as np
import pytest

import mlpkit as mk


def quadrants(rng, n=400, dtype=np.float64):
    """XOR-ish data: the class is whether x0 and x1 have the same sign."""
    X = rng.uniform(-1, 1, size=(n, 2)).astype(dtype)
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return X, y


def blobs(rng, n=300):
    centres = np.array([[2.0, 0.0], [-2.0, 1.0], [0.0, -2.5]])
    y = rng.integers(0, 3, n)
    return centres[y] + 0.5 * rng.standard_normal((n, 2)), y


def test_fit_learns_xor_quadrants():
    rng = np.random.default_rng(0)
    X, y = quadrants(rng)
    model = mk.MLP([2, 16, 16, 2], activation="relu", rng=rng)
    opt = mk.Adam(model.parameters(), lr=0.01)
    h = mk.fit(model, mk.SoftmaxCrossEntropy(), opt, X, y, epochs=60, batch_size=32, rng=rng)
    assert mk.accuracy(model(X), y) >= 0.95
    assert h["epoch"] == list(range(1, 61))
    assert h["loss"][-1] < h["loss"][0]
    assert set(h) == {"epoch", "loss", "lr", "train_accuracy", "best_epoch"}
    assert h["lr"] == [0.01] * 60 and h["best_epoch"] is None


def test_fit_binary_with_bce_and_validation():
    rng = np.random.default_rng(1)
    X, y = quadrants(rng)
    model = mk.MLP([2, 16, 1], activation="tanh", rng=rng)
    h = mk.fit(
        model,
        mk.BCEWithLogits(),
        mk.SGD(model.parameters(), lr=0.02, momentum=0.9),
        X,
        y,
        epochs=60,
        batch_size=16,
        rng=rng,
        X_val=X[:100],
        y_val=y[:100],
    )
    assert h["val_accuracy"][-1] >= 0.95 and len(h["val_loss"]) == 60
    assert mk.accuracy(model(X), y) >= 0.95
    assert mk.accuracy(mk.predict(model, X), y) == mk.accuracy(model(X), y)


def test_fit_blobs_multiclass_sgd():
    rng = np.random.default_rng(2)
    X, y = blobs(rng)
    model = mk.MLP([2, 8, 3], activation="sigmoid", rng=rng)
    mk.fit(
        model,
        mk.SoftmaxCrossEntropy(),
        mk.SGD(model.parameters(), lr=0.5),
        X,
        y,
        epochs=20,
        rng=rng,
    )
    assert mk.accuracy(mk.predict(model, X), y) >= 0.95


def test_fit_regression_with_mse():
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (200, 1))
    y = np.sin(3 * X)
    model = mk.MLP([1, 32, 1], activation="tanh", rng=rng)
    h = mk.fit(model, mk.MSELoss(), mk.Adam(model.parameters(), lr=0.01), X, y, epochs=100, rng=rng)
    assert h["loss"][-1] < 0.01 and "train_accuracy" not in h


def run(seed):
    rng = np.random.default_rng(seed)
    X, y = quadrants(rng, n=100)
    model = mk.MLP([2, 8, 2], rng=rng)
    h = mk.fit(
        model,
        mk.SoftmaxCrossEntropy(),
        mk.SGD(model.parameters(), lr=0.1, momentum=0.9),
        X,
        y,
        epochs=5,
        batch_size=10,
        rng=rng,
    )
    return h, [p.data.copy() for p in model.parameters()]


def test_fit_is_reproducible_given_the_seed():
    (h1, p1), (h2, p2), (h3, _) = run(5), run(5), run(6)
    assert h1 == h2 and all(np.array_equal(a, b) for a, b in zip(p1, p2))
    assert h1["loss"] != h3["loss"]


def test_fit_raises_floating_point_error_on_divergence():
    rng = np.random.default_rng(4)
    X, y = quadrants(rng)
    model = mk.MLP([2, 16, 2], rng=rng)
    with pytest.raises(
        FloatingPointError,
        match=r"epoch \d+ \(batch \d+\); try a smaller "
        r"learning rate \(lr=1000000\.0\)",
    ):
        mk.fit(
            model,
            mk.SoftmaxCrossEntropy(),
            mk.SGD(model.parameters(), lr=1e6, momentum=0.9),
            X * 1e3,
            y,
            epochs=50,
            rng=rng,
        )


def test_fit_never_computes_the_input_gradient():
    rng = np.random.default_rng(5)
    X, y = quadrants(rng, n=64)
    model = mk.MLP([2, 4, 4, 2], rng=rng)
    calls = []
    first = model.layers[0]
    original = first.backward

    def spy(dY, need_input_grad=True):
        calls.append(need_input_grad)
        out = original(dY, need_input_grad=need_input_grad)
        assert out is None or need_input_grad
        return out

    first.backward = spy
    mk.fit(
        model,
        mk.SoftmaxCrossEntropy(),
        mk.SGD(model.parameters(), lr=0.1),
        X,
        y,
        epochs=2,
        batch_size=16,
        rng=rng,
    )
    assert calls == [False] * 8


def test_fit_float32_stays_float32():
    rng = np.random.default_rng(6)
    X, y = quadrants(rng, n=64, dtype=np.float32)
    model = mk.MLP([2, 8, 2], rng=rng, dtype=np.float32)
    mk.fit(model, mk.SoftmaxCrossEntropy(), mk.Adam(model.parameters()), X, y, epochs=2, rng=rng)
    assert all(p.data.dtype == p.grad.dtype == np.float32 for p in model.parameters())
    assert model.layers[0]._X.dtype == np.float32
    model(X)
    assert model.layers[0]._X is X


def test_verbose_prints_deterministic_lines(capsys):
    rng = np.random.default_rng(7)
    X, y = quadrants(rng, n=50)
    model = mk.MLP([2, 4, 2], rng=rng)
    mk.fit(
        model,
        mk.SoftmaxCrossEntropy(),
        mk.SGD(model.parameters(), lr=0.1),
        X,
        y,
        epochs=6,
        rng=rng,
        verbose=3,
        X_val=X,
        y_val=y,
    )
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("epoch 3/6  loss 0.")
    assert "val_accuracy" in lines[1]


def test_silent_by_default(capsys):
    run(0)
    assert capsys.readouterr().out == ""


def test_accuracy_accepts_logits_binary_logits_and_labels():
    y = np.array([0, 1, 2, 1])
    assert mk.accuracy(np.array([[3, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0.0]]), y) == 0.75
    assert mk.accuracy(np.array([0, 1, 2, 2]), y) == 0.75
    yb = np.array([0, 1, 1, 0])
    assert mk.accuracy(np.array([[-1.0], [2.0], [0.5], [0.1]]), yb) == 0.75
    assert mk.accuracy(np.array([0, 1, 1, 0]), yb) == 1.0
    assert mk.accuracy(np.array([False, True, True, True]), yb) == 0.75


def test_accuracy_refuses_ambiguous_float_vectors():
    # 0., 1., 2. could be labels or binary logits: refused with a clear message
    with pytest.raises(
        ValueError,
        match=r"float array of shape \(3,\), which could be predicted "
        r"labels or binary logits; pass integer labels",
    ):
        mk.accuracy(np.array([0.0, 1.0, 2.0]), [0, 1, 2])
    assert mk.accuracy(np.array([0.0, 1.0, 2.0]).astype(int), [0, 1, 2]) == 1.0
    with pytest.raises(ValueError, match=r"labels y of shape \(3,\) to match"):
        mk.accuracy(np.array([0, 1, 2]), [0, 1])
    with pytest.raises(TypeError, match=r"\(outputs, y\) or \(model, X, y\)"):
        mk.accuracy(np.array([0, 1]))


def test_accuracy_and_predict_of_a_model_run_in_eval_mode():
    rng = np.random.default_rng(8)
    X, y = quadrants(rng, n=50)
    model = mk.MLP([2, 8, 2], rng=rng, dropout=0.5)
    expected = float(np.mean(model.eval()(X).argmax(axis=1) == y))
    model.train()
    assert mk.accuracy(model, X, y) == expected and model.training
    assert mk.accuracy(mk.predict(model, X), y) == expected and model.training
    model.eval()
    assert mk.accuracy(model, X, y) == expected and not model.training
