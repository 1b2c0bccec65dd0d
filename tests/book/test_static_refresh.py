"""An edit to ``_ext/static`` (book.js, book.css) reaches an already built site.

Sphinx copies static files only when a page is out of date; ``_ext/book_fixes.py`` copies the
book's own static files at the end of every HTML build whenever they differ.  No build needed:
the handler is called as Sphinx would call it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "_ext"))
from book_fixes import STATIC, _refresh_own_static  # noqa: E402


def _app(outdir: Path, fmt: str = "html") -> SimpleNamespace:
    return SimpleNamespace(outdir=str(outdir), builder=SimpleNamespace(format=fmt))


def test_stale_and_missing_static_files_are_replaced(tmp_path) -> None:
    names = sorted(f.name for f in STATIC.iterdir() if f.is_file())
    assert {"book.js", "book.css"} <= set(names), names
    static = tmp_path / "_static"
    static.mkdir()
    (static / "book.js").write_text("/* an older book.js */")
    (static / "other.js").write_text("keep me")  # not ours: left alone
    _refresh_own_static(_app(tmp_path), None)
    for name in names:
        assert (static / name).read_bytes() == (STATIC / name).read_bytes(), name
    assert (static / "other.js").read_text() == "keep me"


def test_nothing_is_copied_after_a_failed_or_non_html_build(tmp_path) -> None:
    _refresh_own_static(_app(tmp_path), RuntimeError("build failed"))
    _refresh_own_static(_app(tmp_path, "latex"), None)
    assert not (tmp_path / "_static").exists()
