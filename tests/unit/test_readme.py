"""The README's first example runs as printed and reports held-out accuracy."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_example_runs_and_scores_held_out_data() -> None:
    text = README.read_text()
    block = re.search(r"```python\n(.*?)```", text, flags=re.S)
    assert block, "README.md has no python example"
    code = block.group(1)
    assert "X_test" in code, "the example must score data the model was not trained on"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {})  # noqa: S102  (our own README)
    match = re.fullmatch(r"held-out accuracy: (\d\.\d{3})\n", out.getvalue())
    assert match, out.getvalue()
    assert float(match.group(1)) >= 0.9
