"""Optional dependencies: a clear ImportError when matplotlib is missing."""

from __future__ import annotations

import importlib.util

PLOT_INSTALL_HINT = 'pip install "mlpkit[plot]"'


def require_matplotlib(feature: str) -> None:
    """Raise ``ImportError`` naming ``pip install "mlpkit[plot]"`` if matplotlib is absent."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as err:
        raise ImportError(
            f"{feature} draws with matplotlib, which is not installed; "
            f"install it with {PLOT_INSTALL_HINT}"
        ) from err


def has_matplotlib() -> bool:
    """True if matplotlib can be imported (found without importing it)."""
    try:
        return importlib.util.find_spec("matplotlib") is not None
    except (ImportError, ValueError):
        return False
