"""Shared test configuration.

* Unit tests that draw choose the non-interactive Agg backend themselves
  (``matplotlib.use("Agg")`` at the top of the module).  Nothing here sets
  ``MPLBACKEND``: the notebook kernels that nbval starts inherit this
  process's environment, and with Agg forced they would show no figures.
* ``built_book`` builds the website once per session, strictly (warnings are
  errors), for the tests that need it.
* Under CI (``CI=true``) hypothesis runs derandomized, so a CI verdict never
  depends on which examples happened to be drawn; local runs keep exploring.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
BUILD_LOG = ROOT / "_build" / "strict-build.log"


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the whole book with ``-W --keep-going`` and return ``_build/html``.

    ``_build`` is removed first: Sphinx never deletes pages that no longer have
    a source, and the tests must see exactly what a fresh build produces.
    """
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--all", "-W", "--keep-going"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    BUILD_LOG.parent.mkdir(exist_ok=True)
    BUILD_LOG.write_text(proc.stdout + "\n" + proc.stderr)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        pytest.fail(
            f"strict book build failed (exit {proc.returncode}); full log in {BUILD_LOG}\n{tail}",
            pytrace=False,
        )
    return ROOT / "_build" / "html"
