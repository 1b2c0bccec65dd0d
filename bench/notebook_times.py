"""How long each chapter takes to run: ``python bench/notebook_times.py [chapters/*.ipynb]``.

Each notebook is executed in a fresh kernel, as ``make execute`` does, but into memory: the
files are not changed.  For every notebook it prints

- ``cells``: the sum of the cells' execution times, what a reader waits for after
  "Run All" in a kernel that is already running (the book's budget: under 15 s each);
- ``total``: from starting the kernel to shutting it down;
- the three slowest cells (index in the notebook, seconds, first line).

Run it on an idle machine: the numbers scale with whatever else is running, so the
script prints the load average before and after.  ``--repeat N`` runs each notebook N
times and reports the fastest run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def _seconds(cell) -> float:
    t = cell.get("metadata", {}).get("execution", {})
    try:
        start = datetime.fromisoformat(t["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(t["shell.execute_reply"].replace("Z", "+00:00"))
    except KeyError:
        return 0.0
    return (end - start).total_seconds()


def run(path: Path) -> tuple[float, float, list[tuple[float, int, str]]]:
    """(cells, total, per-cell) seconds for one fresh execution of ``path``."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        record_timing=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    total = time.perf_counter() - start
    cells = [
        (_seconds(c), i, "".join(c["source"]).split("\n", 1)[0][:60])
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
    ]
    return sum(s for s, _, _ in cells), total, cells


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=1, help="runs per notebook (best kept)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'notebook':<42}{'cells':>8}{'total':>8}   slowest cells")
    for path in paths:
        best = min((run(path) for _ in range(max(1, args.repeat))), key=lambda r: r[0])
        cells, total, per_cell = best
        slow = sorted(per_cell, reverse=True)[:3]
        print(
            f"{path.name:<42}{cells:>7.1f}s{total:>7.1f}s   "
            + "; ".join(f"[{i}] {s:.1f}s {src!r}" for s, i, src in slow)
        )
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
