"""``make pdf``: the whole book as one PDF, made offline by headless Chromium.

The PDF is made into a temporary directory (single-page HTML build, then print), and
checked with ``pdftotext`` (Debian/Ubuntu package ``poppler-utils``): a plausible page
count, a title page and contents, every chapter's numbered title, the references, page
numbers in the footer, and no raw TeX (``\\frac``, ``\\begin{``, ``$$``) outside code; and
that ``--site`` copies it into the website (as ``make pdf`` does) for the Download menu.

Skipped, with a message, without ``pdftotext`` or Chromium, unless
``MLPBOOK_REQUIRE_BROWSER=1`` (set by CI), which turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("MLPBOOK_REQUIRE_BROWSER") == "1"


def _need(tool: str, hint: str) -> None:
    if shutil.which(tool) is None:
        if REQUIRED:
            pytest.fail(f"MLPBOOK_REQUIRE_BROWSER=1 but {tool} is missing: {hint}", pytrace=False)
        pytest.skip(f"{tool} not found; {hint}", allow_module_level=True)


_need("pdftotext", "install poppler-utils (apt-get install poppler-utils) to test the PDF")
_need("pdfinfo", "install poppler-utils (apt-get install poppler-utils) to test the PDF")
if not any(shutil.which(c) for c in ("chromium", "chromium-browser", "google-chrome")) and not (
    os.environ.get("MLPBOOK_CHROMIUM")
):
    _need("chromium", "install Chromium (apt-get install chromium) to make the PDF")


def _chapter_titles() -> list[str]:
    """ "N. Title" of every chapter, from the first heading of each notebook in _toc.yml."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    titles = []
    for f in (f for f in files if f.startswith("chapters/")):
        nb = json.loads((ROOT / f"{f}.ipynb").read_text(encoding="utf-8"))
        first = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
        heading = next(ln for ln in "".join(first["source"]).splitlines() if ln.startswith("# "))
        titles.append(f"{len(titles) + 1}. {heading[2:].strip()}")
    return titles


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> tuple[Path, str, int]:
    work = tmp_path_factory.mktemp("pdf")
    out = work / "book.pdf"
    cmd = [sys.executable, str(ROOT / "tools" / "book_pdf.py"), "--out", str(out)]
    cmd += ["--work", str(work), "--site", str(work / "site")]  # as `make pdf` does for _build/html
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return out, text, pages


def test_pdf_is_copied_into_the_website(pdf) -> None:
    """``--site DIR`` puts the PDF where the website's Download menu looks for it
    (test_browser.py checks the menu entry and that the file is served)."""
    out, _, _ = pdf
    site = out.parent / "site"
    assert (site / "book.pdf").read_bytes() == out.read_bytes()
    # with the fingerprint of the sources it was made from, so the menu offers it
    sys.path.insert(0, str(ROOT / "_ext"))
    from book_fixes import pdf_marker, source_fingerprint

    assert (site / "book-pdf-source.txt").read_text().strip() == source_fingerprint(ROOT)
    marker = (site / "_static" / "book-pdf.js").read_text()
    assert marker == pdf_marker(site, ROOT) != "window.bookPdf = null;\n", marker


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_pdf_page_count_is_plausible(pdf) -> None:
    _, _, pages = pdf
    assert 120 <= pages <= 600, pages


def test_pdf_has_title_page_contents_and_page_numbers(pdf) -> None:
    _, text, pages = pdf
    title = yaml.safe_load((ROOT / "_config.yml").read_text())["title"]
    first_page = _flat(text.split("\f")[0])
    assert title in first_page, first_page[:300]
    assert "Contents" in _flat(text.split("\f")[1])
    assert f"1 / {pages}" in first_page and f"{pages} / {pages}" in _flat(text.split("\f")[-2])


def test_pdf_has_every_chapter_solutions_and_references(pdf) -> None:
    _, text, _ = pdf
    flat = _flat(text)
    missing = [t for t in _chapter_titles() if flat.count(t) < 2]  # contents + chapter page
    assert missing == [], f"chapter titles missing from the PDF: {missing}"
    assert flat.count("Solution to Exercise") >= 7
    assert (
        "References" in flat and re.search(r"Fig\. 5\.\d", flat) and re.search(r"\(5\.\d+\)", flat)
    )


def test_pdf_has_no_raw_tex(pdf) -> None:
    _, text, _ = pdf
    leaks = [ln for ln in text.splitlines() if "\\begin{" in ln or "$$" in ln]
    # \frac may appear inside a Python string in shown code (a plot label); not in prose.
    leaks += [ln for ln in text.splitlines() if "\\frac" in ln and not re.search(r"[\"']", ln)]
    assert leaks == [], leaks[:10]
