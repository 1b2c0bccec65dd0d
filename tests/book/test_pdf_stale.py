"""The website offers the whole-book PDF only while it matches the sources.

``make pdf`` records a fingerprint of the sources next to the PDF it copies into the site
(``book-pdf-source.txt``); every later HTML build (``_ext/book_fixes.py``) offers the PDF in the
Download menu only if the sources still have that fingerprint.  No browser needed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "_ext"))
from book_fixes import (  # noqa: E402
    PDF_NAME,
    PDF_SOURCE,
    pdf_marker,
    source_files,
    source_fingerprint,
)

NULL = "window.bookPdf = null;\n"


def _offered(marker: str) -> dict | None:
    prefix = "window.bookPdf = "
    assert marker.startswith(prefix) and marker.endswith(";\n"), marker
    return json.loads(marker[len(prefix) : -2])


def _book(tmp_path: Path) -> tuple[Path, Path]:
    root, site = tmp_path / "book", tmp_path / "site"
    (root / "chapters").mkdir(parents=True)
    (root / "intro.md").write_text("# Intro\n")
    (root / "chapters" / "01_one.ipynb").write_text('{"cells": []}')
    site.mkdir()
    (site / PDF_NAME).write_bytes(b"%PDF-1.4 stand-in")
    return root, site


def test_pdf_made_from_these_sources_is_offered(tmp_path) -> None:
    root, site = _book(tmp_path)
    (site / PDF_SOURCE).write_text(source_fingerprint(root) + "\n")
    assert _offered(pdf_marker(site, root)) == {"href": PDF_NAME, "bytes": 17}


def test_pdf_is_not_offered_once_a_source_changes(tmp_path) -> None:
    root, site = _book(tmp_path)
    (site / PDF_SOURCE).write_text(source_fingerprint(root) + "\n")
    (root / "chapters" / "01_one.ipynb").write_text('{"cells": [], "edited": true}')
    assert pdf_marker(site, root) == NULL
    (root / "chapters" / "01_one.ipynb").write_text('{"cells": []}')  # undone: offered again
    assert _offered(pdf_marker(site, root)) is not None
    (root / "chapters" / "02_two.ipynb").write_text("{}")  # a new chapter also counts
    assert pdf_marker(site, root) == NULL


def test_pdf_without_a_fingerprint_is_not_offered_by_a_build(tmp_path) -> None:
    root, site = _book(tmp_path)  # e.g. copied in by hand, or by an older `make pdf`
    assert pdf_marker(site, root) == NULL
    assert _offered(pdf_marker(site)) is not None  # without sources to compare: offered
    (site / PDF_NAME).unlink()
    assert pdf_marker(site) == NULL


def test_files_outside_the_sources_do_not_count(tmp_path) -> None:
    root, site = _book(tmp_path)
    before = source_fingerprint(root)
    (root / "_build").mkdir()
    (root / "_build" / "page.html").write_text("<p>built</p>")
    (root / "notes.txt").write_text("scratch")
    assert source_fingerprint(root) == before


def test_fingerprint_covers_every_page_of_the_book() -> None:
    files = {f.relative_to(ROOT).as_posix() for f in source_files(ROOT)}
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    stack = list(toc.get("parts", [])) + list(toc.get("chapters", []))
    while stack:
        entry = stack.pop()
        if "file" in entry:
            pages.append(entry["file"])
        stack += entry.get("chapters", []) + entry.get("sections", [])
    assert len(pages) >= 10, pages
    for page in pages:
        assert {f"{page}.md", f"{page}.ipynb"} & files, page
    for name in ["_config.yml", "_toc.yml", "references.bib", "_ext/book_fixes.py"]:
        assert name in files, name
    assert "mlpkit/train.py" in files  # the API page is made from mlpkit's docstrings
