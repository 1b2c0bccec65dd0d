"""The reference pages promise only what exists: every ``mk.`` name on the API page
resolves, and each row of its "To do X, call Y" table names a function that the
chapter it points to really uses."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
API = (ROOT / "reference" / "api.md").read_text(encoding="utf-8")
LABELS = {}
for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
    m = re.search(r"\((ch-[a-z]+)\)=", nb.read_text(encoding="utf-8"))
    if m:
        LABELS[m.group(1)] = nb


def _resolve(dotted: str):
    obj = importlib.import_module("mlpkit")
    for part in dotted.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


def _table_rows() -> list[tuple[str, str, list[str]]]:
    section = API.split("## To do X, call Y", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[1].startswith("`"):
            rows.append((cells[0], cells[1], re.findall(r"\{ref\}`(ch-[a-z]+)`", cells[2])))
    return rows


def test_every_mk_name_on_the_api_page_exists() -> None:
    names = sorted(set(re.findall(r"`(mk(?:\.[A-Za-z_]\w*)+)", API)))
    assert len(names) >= 30, names
    missing = []
    for name in names:
        try:
            _resolve(name)
        except AttributeError:
            missing.append(name)
    assert missing == [], f"reference/api.md names what mlpkit does not have: {missing}"


@pytest.mark.parametrize("row", _table_rows(), ids=lambda r: r[0])
def test_each_task_points_to_a_chapter_that_uses_it(row) -> None:
    task, call, chapters = row
    if not chapters:
        return  # "every chapter" rows
    first = re.search(r"`(mk(?:\.[A-Za-z_]\w*)+)", call)
    assert first, f"row {task!r} names no mk. function"
    short = first.group(1).split(".")[-1]
    code = ""
    for label in chapters:
        assert label in LABELS, f"row {task!r} links to unknown chapter label {label}"
        nb = json.loads(LABELS[label].read_text(encoding="utf-8"))
        code += "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert re.search(rf"\b{re.escape(short)}\b", code), (
        f"row {task!r}: {first.group(1)} is not used in {chapters}"
    )
