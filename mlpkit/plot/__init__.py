"""The book's figures: one house style and a plotting function per figure type.

Every function draws into the ``ax=`` you pass (keyword-only) or creates a
figure of the house size when ``ax`` is None, and returns what it drew into;
none calls ``plt.show()``.  Colours come from the Okabe-Ito palette, which
stays distinguishable under the common forms of colour blindness, and classes
are told apart by marker shape as well as colour.

Call :func:`use_style` once at the top of a notebook to apply the house
rcParams (fonts, line widths, the colour cycle); importing this module changes
nothing.

Contents
--------
Style : ``PALETTE``, ``MARKERS``, ``CMAP_CLASSES``, ``CMAP_WEIGHTS``,
``FIGSIZE``, :func:`use_style`, :func:`style`.
Figures : :func:`decision_boundary`, :func:`training_curves`,
:func:`loss_surface`, :func:`network_diagram`, :func:`activations`,
:func:`digits_grid`, :func:`confusion_matrix`, :func:`weights_grid`,
:func:`timeline`, :func:`gradient_norms`.
Interactive : :func:`interactive` (a slider over precomputed frames that works
offline), :class:`InteractiveFigure`.

This subpackage needs matplotlib (``pip install "mlpkit[plot]"``).
"""

from .._optional import require_matplotlib

require_matplotlib("mlpkit.plot")

from ._figures import *  # noqa: E402, F403
from ._figures import __all__ as _figures_all  # noqa: E402
from ._interactive import (  # noqa: E402
    PAYLOAD_BEGIN,
    PAYLOAD_END,
    InteractiveFigure,
    interactive,
)

__all__ = [*_figures_all, "interactive", "InteractiveFigure", "PAYLOAD_BEGIN", "PAYLOAD_END"]
