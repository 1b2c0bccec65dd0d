"""Notebook hygiene: what nbval and readers rely on, checked on the stored files.

A notebook fails here when it is missing from ``_toc.yml`` (or the reverse),
was not executed top to bottom in one fresh kernel, stores an error or stderr
output, runs another kernel than ``python3``, prints an absolute path of the
machine, leaks a plotting call's return value, prints wall-clock times without
``# NBVAL_IGNORE_OUTPUT``, or shows a figure without a caption and alt text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))

ABSOLUTE_PATH = re.compile(
    r"(?<![\w.])(/(?:home|root|Users|tmp|work|var|opt|usr)/[\w.-]+|[A-Z]:\\\\)"
)
PLOT_REPR = re.compile(r"^(\[<matplotlib\.|<matplotlib\.|<Figure size|Text\(|<Axes)")
TIMING = re.compile(r"perf_counter|time\.time\(|%%?timeit|timeit\.")


def _load(nb: Path) -> dict:
    return json.loads(nb.read_text(encoding="utf-8"))


def _code_cells(nb: Path) -> list[dict]:
    return [c for c in _load(nb)["cells"] if c["cell_type"] == "code"]


def _text_of(output: dict) -> str:
    if output.get("output_type") == "stream":
        return "".join(output.get("text", ""))
    data = output.get("data", {})
    return "".join(data.get("text/plain", "")) + "".join(data.get("text/html", ""))


def _source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def test_toc_and_chapters_folder_agree() -> None:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    listed = {
        c["file"]
        for part in toc["parts"]
        for c in part["chapters"]
        if c["file"].startswith("chapters/")
    }
    on_disk = {f"chapters/{nb.stem}" for nb in NOTEBOOKS}
    assert on_disk - listed == set(), "notebooks missing from _toc.yml"
    assert listed - on_disk == set(), "_toc.yml lists notebooks that do not exist"
    assert len(on_disk) >= 7


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_kernel_is_python3(nb: Path) -> None:
    assert _load(nb)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_executed_in_order_from_one(nb: Path) -> None:
    counts = [c.get("execution_count") for c in _code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{nb.name}: execution counts {counts}; run `make execute`"
    )


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_errors_stderr_or_plot_reprs(nb: Path) -> None:
    for i, cell in enumerate(_code_cells(nb), start=1):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{nb.name} cell {i}: stored error"
            assert out.get("name") != "stderr", (
                f"{nb.name} cell {i}: stderr output {_text_of(out)[:80]!r}"
            )
            if "image/png" in out.get("data", {}):
                continue  # a figure's own text/plain fallback, "<Figure size ...>"
            text = _text_of(out)
            assert not PLOT_REPR.match(text.strip()), (
                f"{nb.name} cell {i}: a plotting call's return value {text[:60]!r}; "
                "end the cell with plt.show()"
            )


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_absolute_paths_in_outputs(nb: Path) -> None:
    for i, cell in enumerate(_code_cells(nb), start=1):
        for out in cell.get("outputs", []):
            m = ABSOLUTE_PATH.search(_text_of(out))
            assert m is None, f"{nb.name} cell {i}: absolute path {m.group(0)!r}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_timing_cells_are_marked(nb: Path) -> None:
    for i, cell in enumerate(_code_cells(nb), start=1):
        src = _source(cell)
        if TIMING.search(src) and cell.get("outputs"):
            assert "# NBVAL_IGNORE_OUTPUT" in src, (
                f"{nb.name} cell {i} measures time but is not marked # NBVAL_IGNORE_OUTPUT"
            )


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_figures_have_caption_and_alt_text(nb: Path) -> None:
    for i, cell in enumerate(_code_cells(nb), start=1):
        if not any("image/png" in out.get("data", {}) for out in cell.get("outputs", [])):
            continue
        meta = cell.get("metadata", {}).get("mystnb", {})
        caption = meta.get("figure", {}).get("caption", "")
        alt = meta.get("image", {}).get("alt", "")
        assert len(caption.split()) >= 4, f"{nb.name} cell {i}: figure without a caption"
        assert len(alt.split()) >= 6, f"{nb.name} cell {i}: figure without a real alt text"
        assert meta.get("figure", {}).get("name"), f"{nb.name} cell {i}: figure without a name"


# --------------------------------------------------------------------------- second-edition rules
from prose import prose_words  # noqa: E402  (tests/book is on sys.path: pytest rootdir-relative, no __init__.py)

CHAPTER_WORD_LIMIT = 6500
BOOK_WORD_LIMIT = 40685  # the first edition's prose, counted the same way (commit 0e6daf6)
GLUE_KEY = "application/papermill.record/text/plain"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_prose_within_budget(nb: Path) -> None:
    n = prose_words(nb)
    assert n <= CHAPTER_WORD_LIMIT, f"{nb.name}: {n} prose words > {CHAPTER_WORD_LIMIT}; cut first"


def test_book_no_longer_than_the_first_edition() -> None:
    total = sum(prose_words(nb) for nb in NOTEBOOKS)
    assert total <= BOOK_WORD_LIMIT, f"the chapters have {total} prose words > {BOOK_WORD_LIMIT}"


def _significant_digits(token: str) -> int:
    mantissa = token.lower().split("e")[0].replace("-", "").replace("+", "").replace(".", "")
    return len(mantissa.lstrip("0"))


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_glued_numbers_are_rounded(nb: Path) -> None:
    """A glued float with 9+ significant digits promises digits another CPU will not reproduce."""
    for i, cell in enumerate(_code_cells(nb), start=1):
        for out in cell.get("outputs", []):
            text = "".join(out.get("data", {}).get(GLUE_KEY, ""))
            for token in re.findall(r"-?\d+\.\d+(?:[eE][-+]?\d+)?", text):
                assert _significant_digits(token) <= 8, (
                    f"{nb.name} cell {i}: glued {token} at full precision; glue round(x, k)"
                )


def test_every_bibliography_entry_is_cited_and_every_citation_exists() -> None:
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"^@\w+\{([^,\s]+),", bib, flags=re.M))
    sources = [nb.read_text(encoding="utf-8") for nb in NOTEBOOKS]
    sources += [
        p.read_text(encoding="utf-8")
        for p in [ROOT / "intro.md", *sorted((ROOT / "reference").glob("*.md"))]
    ]
    cited = set()
    for text in sources:
        for group in re.findall(r"\{cite(?::[a-z]+)?\}`([^`]+)`", text):
            cited |= {k.strip() for k in group.split(",")}
    assert cited - keys == set(), f"cited but not in references.bib: {sorted(cited - keys)}"
    assert keys - cited == set(), f"in references.bib but never cited: {sorted(keys - cited)}"
