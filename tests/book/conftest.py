"""Options for the book tests.

``MLPBOOK_HTML=<dir>`` points the browser and build-output tests at an already built
website (for example one built with ``--path-output``) instead of building the book into
``_build``; the strict-build tests still need the real build.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def site_html(request) -> Path:
    """The built website: ``MLPBOOK_HTML`` if set, else the strict build of ``built_book``."""
    given = os.environ.get("MLPBOOK_HTML")
    if given:
        path = Path(given)
        assert (path / "index.html").is_file(), f"MLPBOOK_HTML={given} holds no built website"
        return path
    return request.getfixturevalue("built_book")
