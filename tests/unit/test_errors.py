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
    with pytest.raises(
        ValueError,
        match=r"Linear\(n_in=5\) expected X of shape \(n, 5\), "
        r"got \(4, 6\)",
    ):
        lin(np.zeros((4, 6)))
    with pytest.raises(ValueError, match=r"got \(5,\)"):
        lin(np.zeros(5))


@pytest.mark.parametrize(
    "layer",
    [
        mk.Linear(2, 2, rng=np.random.default_rng(0)),
        mk.ReLU(),
        mk.Tanh(),
        mk.Sigmoid(),
        mk.Identity(),
    ],
)
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
    with pytest.raises(
        TypeError, match=r"integer class labels, got dtype float64; .*astype\(int\)"
    ):
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


# One rule everywhere (mlpkit.validation): TypeError for a wrong type, ValueError for a
# wrong value, and the message names the argument, what was expected and what arrived.
@pytest.mark.parametrize(
    "lr, exc",
    [
        (0, ValueError),
        (-0.1, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        ("0.1", TypeError),
        (None, TypeError),
        (True, TypeError),
    ],
)
def test_bad_learning_rate(model, lr, exc):
    with pytest.raises(exc, match=r"lr \(the learning rate\) must be a real number > 0, got"):
        mk.SGD(model.parameters(), lr=lr)


@pytest.mark.parametrize("momentum", [-0.1, 1.0, 1.5, float("nan")])
def test_bad_momentum(model, momentum):
    with pytest.raises(ValueError, match=r"momentum must be a real number in \[0, 1\), got"):
        mk.SGD(model.parameters(), lr=0.1, momentum=momentum)


def test_bad_optimizer_arguments(model):
    with pytest.raises(ValueError, match="empty list of parameters"):
        mk.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="betas must be a pair"):
        mk.Adam(model.parameters(), betas=0.9)
    with pytest.raises(ValueError, match=r"betas\[1\] must be a real number in \[0, 1\)"):
        mk.Adam(model.parameters(), betas=(0.9, 1.0))


@pytest.mark.parametrize(
    "sizes, exc, message",
    [
        ([5], ValueError, "at least two widths"),
        ([], ValueError, "at least two widths"),
        (5, TypeError, "at least two widths"),
        ([5, 0, 2], ValueError, "must be an int >= 1, got 0"),
        ([5, -3, 2], ValueError, "must be an int >= 1, got -3"),
        ([5, 2.5, 2], TypeError, "must be an int >= 1, got float 2.5"),
    ],
)
def test_bad_mlp_sizes(rng, sizes, exc, message):
    with pytest.raises(exc, match=message):
        mk.MLP(sizes, rng=rng)


def test_bad_mlp_options(rng):
    with pytest.raises(ValueError, match=r"activation must be one of \[.*'relu'.*\], got 'gelu'"):
        mk.MLP([2, 2], activation="gelu", rng=rng)
    with pytest.raises(TypeError, match=r"np.random.default_rng\(seed\)"):
        mk.MLP([2, 2])
    with pytest.raises(TypeError, match="np.random.Generator"):
        mk.MLP([2, 2], rng=0)
    with pytest.raises(ValueError, match="init must be one of"):
        mk.MLP([2, 2], rng=rng, init="orthogonal")
    with pytest.raises(ValueError, match="dtype must be"):
        mk.MLP([2, 2], rng=rng, dtype=np.float16)
    with pytest.raises(TypeError, match=r"np.random.default_rng\(seed\)"):
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
    with pytest.raises(
        ValueError, match=r"Linear\(n_in=5\) expected X of shape \(n, 5\), got \(1, 4\)"
    ):
        fit(model, X[:, :4], y)
    with pytest.raises(ValueError, match=r"labels in 0\.\.2 for 3 logit columns, got label 3"):
        fit(model, X, np.array([0, 1, 3, 0]))
    with pytest.raises(TypeError, match=r"astype\(int\)"):
        fit(model, X, y.astype(float))
    for bs, exc in ((0, ValueError), (-1, ValueError), (2.5, TypeError), (True, TypeError)):
        with pytest.raises(exc, match="batch_size must be an int >= 1, got"):
            fit(model, X, y, batch_size=bs)
    with pytest.raises(ValueError, match="epochs must be"):
        mk.fit(
            model,
            mk.SoftmaxCrossEntropy(),
            mk.SGD(model.parameters(), lr=0.1),
            X,
            y,
            epochs=0,
            rng=np.random.default_rng(0),
        )
    with pytest.raises(TypeError, match=r"rng \(fit shuffles the examples with it\) must be"):
        fit(model, X, y, rng=None)
    with pytest.raises(ValueError, match="both X_val and y_val"):
        fit(model, X, y, X_val=X)
    with pytest.raises(ValueError, match="X_val and y_val must have the same number of rows"):
        fit(model, X, y, X_val=X, y_val=y[:2])


# ---- regression tests from the final review ------------------------------------------
@pytest.mark.parametrize(
    "kwargs, exc, message",
    [
        (dict(dtype="foo"), TypeError, "dtype must be np.float32 or np.float64, got 'foo'"),
        (dict(dtype=int), ValueError, r"dtype must be np.float32 or np.float64, got .*int64"),
        (dict(activation=["relu"]), TypeError, "activation must be a string"),
        (dict(init=["he"]), TypeError, "init must be one of"),
        (dict(init="normal", scale=-1.0), ValueError, r"scale \(the standard deviation\) must be"),
        (dict(init="normal", scale="0.1"), TypeError, r"scale \(the standard deviation\) must be"),
    ],
)
def test_bad_mlp_options_never_reach_numpy(rng, kwargs, exc, message):
    with pytest.raises(exc, match=message):
        mk.MLP([2, 3, 1], rng=rng, **kwargs)


@pytest.mark.parametrize(
    "n_in, n_out, exc",
    [
        (0, 2, ValueError),
        (-1, 2, ValueError),
        (2, 2.5, TypeError),
        ("3", 2, TypeError),
        (True, 2, TypeError),
    ],
)
def test_linear_widths_are_checked(rng, n_in, n_out, exc):
    with pytest.raises(exc, match=r"n_(in|out) must be an int >= 1, got"):
        mk.Linear(n_in, n_out, rng=rng)


def test_model_accepts_lists_and_refuses_non_numeric_input(model):
    X = np.arange(10.0).reshape(2, 5)
    np.testing.assert_array_equal(model(X.tolist()), model(X))
    with pytest.raises(TypeError, match="Linear expected numeric X, got dtype <U1"):
        model(np.array([list("abcde")]))
    with pytest.raises(TypeError, match="got dtype object"):
        model(np.array([[1, 2, 3, 4, None]], dtype=object))


def test_backward_checks_the_shape_of_dy(model):
    model(np.zeros((4, 5)))
    with pytest.raises(
        ValueError,
        match=r"Linear\(4, 3\)\.backward expected dY of shape \(4, 3\) "
        r"to match its output, got \(4, 2\)",
    ):
        model.backward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"got \(3, 3\)"):
        model.backward(np.ones((3, 3)))
    assert model.backward(np.ones((4, 3)).tolist()).shape == (4, 5)  # a list is fine


@pytest.mark.parametrize(
    "loss, z, y",
    [
        (mk.SoftmaxCrossEntropy(), np.zeros((0, 3)), np.zeros(0, int)),
        (mk.BCEWithLogits(), np.zeros((0, 1)), np.zeros(0)),
        (mk.MSELoss(), np.zeros(0), np.zeros(0)),
    ],
)
def test_losses_refuse_an_empty_batch(loss, z, y):
    with pytest.raises(ValueError, match="needs at least one example"):
        loss(z, y)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_losses_refuse_non_finite_logits(bad):
    z = np.zeros((2, 3))
    z[1, 2] = bad
    with pytest.raises(ValueError, match="got 1 NaN or infinite logits"):
        mk.SoftmaxCrossEntropy()(z, np.array([0, 1]))
    with pytest.raises(ValueError, match="NaN or infinite logits"):
        mk.BCEWithLogits()(z[:, 2], np.array([0, 1]))


def test_softmax_ce_refuses_zero_classes():
    with pytest.raises(ValueError, match=r"logits of shape \(n, K\), got \(2, 0\)"):
        mk.SoftmaxCrossEntropy()(np.zeros((2, 0)), np.array([0, 0]))


@pytest.mark.parametrize("params", [None, 3, "W"])
def test_optimizer_params_not_a_list(params):
    with pytest.raises(TypeError, match="SGD expects"):
        mk.SGD(params, lr=0.1)


def test_fit_checks_its_collaborators_and_empty_data(model):
    X, y = np.zeros((4, 5)), np.array([0, 1, 2, 0])
    opt, rng = mk.SGD(model.parameters(), lr=0.1), np.random.default_rng(0)
    with pytest.raises(
        TypeError,
        match=r"loss object such as mk.SoftmaxCrossEntropy\(\) "
        r"\(note the parentheses\)",
    ):
        mk.fit(model, mk.SoftmaxCrossEntropy, opt, X, y, rng=rng)
    with pytest.raises(TypeError, match="fit expects an optimiser"):
        mk.fit(model, mk.SoftmaxCrossEntropy(), None, X, y, rng=rng)
    with pytest.raises(TypeError, match="fit expects a model"):
        mk.fit(None, mk.SoftmaxCrossEntropy(), opt, X, y, rng=rng)
    with pytest.raises(ValueError, match=r"X has no rows \(shape \(0, 5\)\)"):
        mk.fit(model, mk.SoftmaxCrossEntropy(), opt, X[:0], y[:0], rng=rng)
