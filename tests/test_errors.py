"""Bad input gets an error that says what was expected and what arrived."""
import numpy as np
import pytest

import mlpkit as mk


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def model(rng):
    return mk.MLP([5, 4, 3], rng=rng)


def test_wrong_number_of_features(rng):
    lin = mk.Linear(5, 2, rng=rng)
    with pytest.raises(ValueError, match=r"Linear\(n_in=5\) expected X of shape \(n, 5\), "
                                         r"got \(4, 6\)"):
        lin(np.zeros((4, 6)))
    with pytest.raises(ValueError, match=r"got \(5,\)"):
        lin(np.zeros(5))


@pytest.mark.parametrize("layer", [mk.Linear(2, 2, rng=np.random.default_rng(0)), mk.ReLU(),
                                   mk.Tanh(), mk.Sigmoid(), mk.Identity()])
def test_backward_before_forward(layer):
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.ones((1, 2)))


@pytest.mark.parametrize("loss", [mk.SoftmaxCrossEntropy(), mk.BCEWithLogits(), mk.MSELoss()])
def test_loss_backward_before_forward(loss):
    with pytest.raises(RuntimeError, match="call loss"):
        loss.backward()


def test_label_errors():
    ce = mk.SoftmaxCrossEntropy()
    z = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"labels in 0\.\.3 for 4 logit columns, got label 4"):
        ce(z, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match="got label -1"):
        ce(z, np.array([0, -1, 1]))
    with pytest.raises(TypeError, match=r"integer class labels, got dtype float64; .*astype\(int\)"):
        ce(z, np.array([0, 1.5, 1]))
    with pytest.raises(TypeError, match=r"astype\(int\)"):
        ce(z, np.array([0.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match=r"labels y of shape \(3,\) .* got \(2,\)"):
        ce(z, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"logits of shape \(n, K\), got \(3,\)"):
        ce(np.zeros(3), np.array([0, 1, 1]))
    with pytest.raises(ValueError, match=r"labels 0 or 1, got \[2\]"):
        mk.BCEWithLogits()(np.zeros((3, 1)), np.array([0, 2, 1]))
    with pytest.raises(ValueError, match=r"logits of shape \(n, 1\) or \(n,\), got \(3, 2\)"):
        mk.BCEWithLogits()(np.zeros((3, 2)), np.array([0, 1, 1]))
    with pytest.raises(ValueError, match=r"MSELoss expected targets of the predictions' shape"):
        mk.MSELoss()(np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(TypeError, match="floating-point logits"):
        ce(np.zeros((3, 4), dtype=int), np.array([0, 1, 1]))


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.1", None, True])
def test_bad_learning_rate(model, lr):
    with pytest.raises(ValueError, match=r"lr \(the learning rate\) must be a finite number in "
                                         r"\(0\.0, inf\), got"):
        mk.SGD(model.parameters(), lr=lr)


@pytest.mark.parametrize("momentum", [-0.1, 1.0, 1.5, float("nan")])
def test_bad_momentum(model, momentum):
    with pytest.raises(ValueError, match=r"momentum must be a finite number in \[0\.0, 1\.0\)"):
        mk.SGD(model.parameters(), lr=0.1, momentum=momentum)


def test_bad_optimizer_arguments(model):
    with pytest.raises(TypeError, match="non-empty list of Parameters"):
        mk.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="betas must be a pair"):
        mk.Adam(model.parameters(), betas=0.9)
    with pytest.raises(ValueError, match=r"betas\[1\] must be"):
        mk.Adam(model.parameters(), betas=(0.9, 1.0))


@pytest.mark.parametrize("sizes, message", [
    ([5], "at least two widths"),
    ([], "at least two widths"),
    (5, "at least two widths"),
    ([5, 0, 2], "positive integer, got 0"),
    ([5, -3, 2], "positive integer, got -3"),
    ([5, 2.5, 2], "positive integer, got 2.5"),
])
def test_bad_mlp_sizes(rng, sizes, message):
    with pytest.raises(ValueError, match=message):
        mk.MLP(sizes, rng=rng)


def test_bad_mlp_options(rng):
    with pytest.raises(ValueError, match=r"activation must be one of \['relu', 'sigmoid', 'tanh'\], "
                                         r"got 'gelu'"):
        mk.MLP([2, 2], activation="gelu", rng=rng)
    with pytest.raises(ValueError, match=r"rng=np.random.default_rng\(seed\)"):
        mk.MLP([2, 2])
    with pytest.raises(TypeError, match="np.random.Generator"):
        mk.MLP([2, 2], rng=0)
    with pytest.raises(ValueError, match="init must be one of"):
        mk.MLP([2, 2], rng=rng, init="orthogonal")
    with pytest.raises(ValueError, match="dtype must be"):
        mk.MLP([2, 2], rng=rng, dtype=np.float16)
    with pytest.raises(ValueError, match=r"rng=np.random.default_rng\(seed\)"):
        mk.Linear(2, 2)
    with pytest.raises(TypeError, match="Layer objects, got int at position 1"):
        mk.Sequential(mk.ReLU(), 3)


def fit(model, X, y, **kw):
    opt = mk.SGD(model.parameters(), lr=0.1)
    kw.setdefault("rng", np.random.default_rng(0))
    return mk.fit(model, mk.SoftmaxCrossEntropy(), opt, X, y, epochs=1, **kw)


def test_fit_validates_data(model):
    X, y = np.zeros((4, 5)), np.array([0, 1, 2, 0])
    bad = X.copy()
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match="contains 1 NaN or infinite values"):
        fit(model, bad, y)
    bad[1, 2] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        fit(model, bad, y)
    with pytest.raises(ValueError, match=r"2-D of shape \(n, features\), got shape \(5,\)"):
        fit(model, X[0], y)
    with pytest.raises(ValueError, match="same number of rows, got 4 and 3"):
        fit(model, X, y[:3])
    with pytest.raises(ValueError, match=r"Linear\(n_in=5\) expected X of shape \(n, 5\), got \(1, 4\)"):
        fit(model, X[:, :4], y)
    with pytest.raises(ValueError, match=r"labels in 0\.\.2 for 3 logit columns, got label 3"):
        fit(model, X, np.array([0, 1, 3, 0]))
    with pytest.raises(TypeError, match=r"astype\(int\)"):
        fit(model, X, y.astype(float))
    for bs in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match=f"batch_size must be an integer >= 1, got {bs!r}"):
            fit(model, X, y, batch_size=bs)
    with pytest.raises(ValueError, match="epochs must be"):
        mk.fit(model, mk.SoftmaxCrossEntropy(), mk.SGD(model.parameters(), lr=0.1), X, y,
               epochs=0, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"fit needs rng=np.random.default_rng\(seed\)"):
        fit(model, X, y, rng=None)
    with pytest.raises(ValueError, match="both X_val and y_val"):
        fit(model, X, y, X_val=X)
    with pytest.raises(ValueError, match="X_val and y_val must have the same number of rows"):
        fit(model, X, y, X_val=X, y_val=y[:2])
