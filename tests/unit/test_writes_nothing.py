"""Tests write nothing outside their temporary directories (``tmp_path``).

A figure is rendered into memory (``savefig(io.BytesIO())``); a file a test
needs goes under ``tmp_path``.  This scans the test sources for writes to a
literal path, the mistake that once left ``/tmp/plot_*.png`` files behind.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
LITERAL_WRITE = re.compile(
    r"""(savefig|np\.save|np\.savez)\(\s*f?["']"""
    r"""|open\(\s*f?["'][^"']+["']\s*,\s*["'][wa]"""
)


def test_no_test_writes_to_a_literal_path() -> None:
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        if path == Path(__file__).resolve():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if LITERAL_WRITE.search(line):
                offenders.append(f"{path.relative_to(TESTS)}:{n}: {line.strip()}")
    assert offenders == [], "write under tmp_path or into memory instead:\n" + "\n".join(offenders)
