"""``import mlpkit`` needs numpy only; plot, graph and check load on first use."""

import subprocess
import sys
import textwrap

import pytest

BLOCK_MATPLOTLIB = """
import importlib.abc, sys

class _NoMatplotlib(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NoMatplotlib())
"""


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )


def _ok(code: str) -> str:
    proc = _run(code)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_import_loads_no_matplotlib_and_no_teaching_tools():
    out = _ok("""
        import sys
        import mlpkit as mk
        mk.MLP([2, 3, 1], rng=__import__("numpy").random.default_rng(0))
        print(sorted(m for m in sys.modules
                     if m.startswith("matplotlib") or m in ("mlpkit.plot", "mlpkit.graph",
                                                            "mlpkit.check")))
    """)
    assert out.strip() == "[]"


def test_lazy_attributes_load_on_first_use():
    out = _ok("""
        import sys
        import mlpkit as mk
        assert "plot" in dir(mk) and "draw_graph" in dir(mk)
        f = mk.draw_graph
        print(f.__module__, "mlpkit.plot" in sys.modules, mk.check.__name__,
              mk.plot.__name__, "matplotlib" in sys.modules)
    """)
    assert out.split() == ["mlpkit.graph", "False", "mlpkit.check", "mlpkit.plot", "True"]


def test_unknown_attribute_is_an_attribute_error():
    import mlpkit as mk

    with pytest.raises(AttributeError, match="has no attribute 'plotting'"):
        mk.plotting  # noqa: B018


def test_core_and_check_work_without_matplotlib():
    out = _ok(
        BLOCK_MATPLOTLIB
        + """
import numpy as np
import mlpkit as mk
X, y = mk.datasets.make_moons(64, rng=np.random.default_rng(0))
print(mk.check.__name__, mk.datasets.load_digits()[0].shape, "matplotlib" in sys.modules)
"""
    )
    assert out.split() == ["mlpkit.check", "(1797,", "64)", "False"]


def test_star_import_without_matplotlib():
    out = _ok(
        BLOCK_MATPLOTLIB
        + """
from mlpkit import *
print(MLP.__name__, "plot" in dir(), "matplotlib" in sys.modules)
"""
    )
    assert out.split() == ["MLP", "False", "False"]


def test_without_matplotlib_every_entry_point_names_the_extra():
    entry_points = (
        "mk.plot",
        "mk.draw_graph",
        "mk.graph",
        "__import__('mlpkit.plot')",
        "__import__('mlpkit.graph')",
    )
    proc = _run(
        BLOCK_MATPLOTLIB
        + f"""
import mlpkit as mk
for expr in {entry_points!r}:
    try:
        eval(expr)
        print(expr, "imported")
    except ImportError as err:
        print(expr, "ImportError", 'pip install "mlpkit[plot]"' in str(err))
"""
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 5 and all(line.endswith("ImportError True") for line in lines), lines
