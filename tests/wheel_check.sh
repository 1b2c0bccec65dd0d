#!/usr/bin/env bash
# Build the mlpkit wheel, install it into a fresh venv that has numpy and
# nothing else, and from another directory: import mlpkit (no matplotlib
# loaded or importable; mk.plot names the extra), load the digits, and train an
# MLP on moons to a stated accuracy (and run one self-check, mk.check, which
# needs numpy only).  Prints one summary line; exits non-zero
# on any failure.  Usage: tests/wheel_check.sh   (from anywhere; uses .venv)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${WHEEL_CHECK_PYTHON:-$ROOT/.venv/bin/python}"
NUMPY_PIN="${WHEEL_CHECK_NUMPY:-numpy==2.4.6}"
MIN_ACCURACY="${WHEEL_CHECK_MIN_ACCURACY:-0.95}"
WORK="$(mktemp -d)"
LOG="$WORK/log.txt"
trap 'rm -rf "$WORK"' EXIT

step="start"
fail() {
    echo "wheel check: FAILED at $step (log below)"
    tail -n 40 "$LOG" 2>/dev/null || true
    exit 1
}
trap fail ERR

# 1. build from a clean copy of the sources, so nothing is written into the repository
step="copy sources"
mkdir -p "$WORK/src"
cp "$ROOT/pyproject.toml" "$ROOT/README.md" "$ROOT/LICENSE" "$ROOT/LICENSE-book.md" "$WORK/src/"
cp -r "$ROOT/mlpkit" "$WORK/src/mlpkit"
find "$WORK/src" -name "__pycache__" -type d -prune -exec rm -rf {} +

step="build the wheel (pip wheel --no-deps)"
"$PY" -m pip wheel --no-deps --quiet -w "$WORK/dist" "$WORK/src" >"$LOG" 2>&1
WHEEL="$(ls "$WORK"/dist/mlpkit-*.whl)"

step="check the wheel's contents"
"$PY" - "$WHEEL" >>"$LOG" 2>&1 <<'EOF'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = ["mlpkit/__init__.py", "mlpkit/py.typed", "mlpkit/data/digits.csv.gz",
        "mlpkit/data/README.md", "mlpkit/check/__init__.py", "mlpkit/plot/__init__.py",
        "mlpkit/plot/_interactive.py"]
missing = [n for n in need if n not in names]
licences = [n for n in names if ".dist-info/licenses/" in n]
assert not missing, f"missing from the wheel: {missing}"
assert any(n.endswith("/LICENSE") for n in licences), f"no LICENSE in {licences}"
assert not any(n.startswith("tests/") for n in names), "tests/ leaked into the wheel"
EOF

# 2. a fresh venv with numpy only
step="create a numpy-only venv"
BASE="$("$PY" -c 'import sys; print(sys._base_executable)')"
"$BASE" -m venv "$WORK/venv" >>"$LOG" 2>&1
step="install $NUMPY_PIN and the wheel (--no-deps)"
"$WORK/venv/bin/python" -m pip install --quiet "$NUMPY_PIN" >>"$LOG" 2>&1
"$WORK/venv/bin/python" -m pip install --quiet --no-deps "$WHEEL" >>"$LOG" 2>&1

# 3. use it from another directory
step="import, load the digits, train on moons"
mkdir -p "$WORK/elsewhere"
cd "$WORK/elsewhere"
SUMMARY="$("$WORK/venv/bin/python" - "$MIN_ACCURACY" 2>>"$LOG" <<'EOF'
import importlib.util
import sys

import numpy as np

import mlpkit as mk

min_acc = float(sys.argv[1])
assert importlib.util.find_spec("matplotlib") is None, "matplotlib is installed in the venv"
assert "site-packages" in mk.__file__, f"imported mlpkit from {mk.__file__}, not the wheel"
assert not any(m.startswith("matplotlib") for m in sys.modules), "matplotlib was loaded"
try:
    mk.plot
    raise AssertionError("mk.plot imported without matplotlib")
except ImportError as err:
    assert 'pip install "mlpkit[plot]"' in str(err), str(err)

import contextlib, io
with contextlib.redirect_stdout(io.StringIO()) as out:
    mk.check.check_sigmoid(mk.sigmoid)              # the self-checks need numpy only
assert out.getvalue().startswith("✓ check_sigmoid"), out.getvalue()

digits, labels = mk.datasets.load_digits()
assert digits.shape == (1797, 64) and labels.shape == (1797,), (digits.shape, labels.shape)

rng = np.random.default_rng(0)
X, y = mk.datasets.make_moons(600, noise=0.1, rng=rng)
X_tr, X_te, y_tr, y_te = mk.datasets.train_test_split(X, y, test_size=0.25, rng=rng)
model = mk.MLP([2, 32, 32, 2], activation="relu", rng=rng)
opt = mk.Adam(model.parameters(), lr=0.01)
mk.fit(model, mk.SoftmaxCrossEntropy(), opt, X_tr, y_tr, epochs=60, batch_size=32, rng=rng)
acc = mk.accuracy(model(X_te), y_te)
assert acc >= min_acc, f"moons test accuracy {acc:.3f} < {min_acc}"
assert not any(m.startswith("matplotlib") for m in sys.modules), "matplotlib was loaded"
print(f"mlpkit {mk.__version__} with numpy {np.__version__} only; digits "
      f"{digits.shape[0]}x{digits.shape[1]} loaded; moons test accuracy {acc:.3f} >= {min_acc}")
EOF
)"

trap - ERR
echo "wheel check: OK $(basename "$WHEEL") ($(( $(stat -c %s "$WHEEL") / 1024 )) KiB) in a numpy-only venv: $SUMMARY"
