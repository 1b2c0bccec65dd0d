"""Shared test configuration.

* Unit tests draw figures with the non-interactive Agg backend.
* ``built_book`` builds the website once per session, strictly (warnings are
  errors), for the tests that need it.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
BUILD_LOG = ROOT / "_build" / "strict-build.log"


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the whole book with ``-W --keep-going`` and return ``_build/html``."""
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--all", "-W", "--keep-going"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    BUILD_LOG.parent.mkdir(exist_ok=True)
    BUILD_LOG.write_text(proc.stdout + "\n" + proc.stderr)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        pytest.fail(f"strict book build failed (exit {proc.returncode}); "
                    f"full log in {BUILD_LOG}\n{tail}", pytrace=False)
    return ROOT / "_build" / "html"
