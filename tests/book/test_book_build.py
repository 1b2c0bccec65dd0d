"""The website builds strictly: zero Sphinx warnings, every page present."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


def test_strict_build_has_every_page(built_book: Path) -> None:
    assert (built_book / "index.html").is_file()
    for f in _toc_files():
        assert (built_book / f"{f}.html").is_file(), f"{f}.html was not built"


def test_strict_build_log_has_no_warnings(built_book: Path) -> None:
    log = (ROOT / "_build" / "strict-build.log").read_text()
    warnings = [line for line in log.splitlines() if re.search(r"WARNING|ERROR", line)]
    assert warnings == [], "\n".join(warnings[:20])


def test_each_chapter_ships_its_notebook_for_download(built_book: Path) -> None:
    for f in _toc_files():
        if f.startswith("chapters/"):
            assert (built_book / "_sources" / f"{f}.ipynb").is_file(), f
