"""Interactive figures that carry their own frames: a slider over precomputed frames.

:func:`interactive` renders ``n_frames`` frames of a matplotlib figure with
``FuncAnimation(...).to_jshtml()`` and wraps matplotlib's player so that it
works offline and can be read and operated without a mouse:

- the wrapper is ``<div class="mlpkit-interactive" role="group" aria-label=alt>``;
- every frame ``<img>`` carries the alt text; the range slider has an
  ``aria-label`` and an ``aria-valuetext`` (the frame's label) and is a native
  ``<input type="range">``, so arrow keys, Home and End move it;
- ``labels[i]`` is shown under the image and announced (``aria-live``) when
  frame ``i`` is shown;
- matplotlib's Font Awesome stylesheet (fetched from a CDN) is removed and the
  buttons show plain characters, so nothing is loaded from the network;
- a static key frame ``<img>`` is shown instead of the player in print
  (``@media print``) and where scripts are off (``<noscript>``).

The notebook output is a mime bundle: ``text/html`` (the player), ``image/png``
(the key frame, which a PDF/LaTeX build shows) and ``text/plain``
(``InteractiveFigure(24 frames, key frame 23)``, nothing machine-dependent).
The player sits between the markers :data:`PAYLOAD_BEGIN` and
:data:`PAYLOAD_END`, so that nbval can replace exactly that part with a
placeholder (``tests/book/nbval_sanitize.cfg``) and still compare the rest.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure

from ..validation import check_positive_int

__all__ = ["interactive", "InteractiveFigure", "PAYLOAD_BEGIN", "PAYLOAD_END"]

#: Marker before the HTML payload that nbval does not compare.
PAYLOAD_BEGIN = "<!-- mlpkit-interactive:begin -->"
#: Marker after it.
PAYLOAD_END = "<!-- mlpkit-interactive:end -->"

# matplotlib's player draws its buttons with Font Awesome icons from a CDN;
# offline they would be blank, so each becomes a plain character.
_GLYPHS = {
    "fa-minus": "&minus;",
    "fa-fast-backward": "&#x23EE;",
    "fa-step-backward": "&#x25C1;",
    "fa-play fa-flip-horizontal": "&#x25C0;",
    "fa-pause": "&#x2759;&#x2759;",
    "fa-play": "&#x25B6;",
    "fa-step-forward": "&#x25B7;",
    "fa-fast-forward": "&#x23ED;",
    "fa-plus": "+",
}

_STYLE = """<style>
.mlpkit-interactive {{ margin: 0.5em 0; }}
.mlpkit-interactive .animation img {{ max-width: 100%; height: auto; }}
.mlpkit-interactive .mlpkit-frame-label {{ font-family: sans-serif; min-height: 1.4em; }}
.mlpkit-interactive .anim-slider:focus-visible,
.mlpkit-interactive button:focus-visible {{ outline: 2px solid #0072B2; outline-offset: 2px; }}
#{uid} .mlpkit-key-frame {{ display: none; }}
#{uid} .mlpkit-key-frame img {{ max-width: 100%; height: auto; }}
@media print {{
  #{uid} .mlpkit-player {{ display: none !important; }}
  #{uid} .mlpkit-key-frame {{ display: block !important; }}
}}
</style>"""

_LABEL_SCRIPT = """<script>
(function() {{
  var labels = {labels};
  var key = {key};
  setTimeout(function() {{
    var anim = window["anim{uid}"];
    var slider = document.getElementById("_anim_slider{uid}");
    var out = document.getElementById("mlpkit_label{uid}");
    if (!anim || !slider || !out) {{ return; }}
    var set_frame = anim.set_frame.bind(anim);
    anim.set_frame = function(frame) {{
      set_frame(frame);
      out.textContent = labels[frame];
      slider.setAttribute("aria-valuetext", labels[frame]);
    }};
    anim.set_frame(key);
  }}, 0);
}})();
</script>"""


class InteractiveFigure:
    """A rendered interactive figure; display it as the last expression of a cell.

    Attributes
    ----------
    html : str
        The full ``text/html`` output.
    key_frame_png : bytes
        The key frame as a PNG (also the ``image/png`` output).
    n_frames, key_frame : int
        The number of frames and the (non-negative) index of the key frame.
    labels : list of str
        One label per frame.
    alt : str
        The alt text.
    """

    def __init__(
        self,
        html_text: str,
        key_frame_png: bytes,
        *,
        n_frames: int,
        key_frame: int,
        labels: list[str],
        alt: str,
    ):
        self.html = html_text
        self.key_frame_png = key_frame_png
        self.n_frames = n_frames
        self.key_frame = key_frame
        self.labels = labels
        self.alt = alt

    @property
    def nbytes(self) -> int:
        """Size of the HTML output in bytes (UTF-8)."""
        return len(self.html.encode("utf-8"))

    def __repr__(self) -> str:
        return f"InteractiveFigure({self.n_frames} frames, key frame {self.key_frame})"

    def _repr_html_(self) -> str:
        return self.html

    def _repr_png_(self) -> bytes:
        return self.key_frame_png

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        return {
            "text/html": self.html,
            "image/png": base64.b64encode(self.key_frame_png).decode("ascii"),
            "text/plain": repr(self),
        }


def _check_args(
    fig, update, n_frames, alt, labels, key_frame, interval, max_frames, max_bytes
) -> tuple[int, list[str], int]:
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if not callable(update):
        raise TypeError(
            f"update must be a function update(i) that redraws frame i, got {type(update).__name__}"
        )
    max_frames = check_positive_int("max_frames", max_frames)
    check_positive_int("max_bytes", max_bytes)
    check_positive_int("interval", interval)
    n_frames = check_positive_int("n_frames", n_frames)
    if n_frames > max_frames:
        raise ValueError(
            f"n_frames={n_frames} is over the limit max_frames={max_frames}; "
            "show fewer frames (every k-th step) or raise max_frames"
        )
    if not isinstance(alt, str):
        raise TypeError(f"alt must be a string describing the figure, got {type(alt).__name__}")
    if not alt.strip():
        raise ValueError(
            "alt must describe the figure for readers who cannot see it, got an empty string"
        )
    if labels is None:
        labels = [f"frame {i + 1} of {n_frames}" for i in range(n_frames)]
    elif isinstance(labels, str) or not isinstance(labels, Sequence):
        raise TypeError(
            f"labels must be a sequence of {n_frames} strings, got {type(labels).__name__}"
        )
    elif len(labels) != n_frames:
        raise ValueError(f"labels must hold one string per frame ({n_frames}), got {len(labels)}")
    labels = [str(s) for s in labels]
    if isinstance(key_frame, bool) or not isinstance(key_frame, int):
        raise TypeError(f"key_frame must be an int frame index, got {type(key_frame).__name__}")
    if not -n_frames <= key_frame < n_frames:
        raise ValueError(
            f"key_frame must be in [{-n_frames}, {n_frames - 1}] for {n_frames} "
            f"frames, got {key_frame}"
        )
    return n_frames, labels, key_frame % n_frames


def _escape(text: str) -> str:
    """HTML-escaped, with non-ASCII characters as numeric references (any page encoding)."""
    return html.escape(text, quote=True).encode("ascii", "xmlcharrefreplace").decode("ascii")


def _sub_once(pattern: str, repl: str, text: str, what: str) -> str:
    new, count = re.subn(pattern, repl, text, count=1)
    if count != 1:
        raise RuntimeError(
            f"mk.plot.interactive: matplotlib {mpl.__version__}'s to_jshtml "
            f"output has no {what}; the player template changed"
        )
    return new


def _render_player(
    fig: Figure, update: Callable[[int], Any], n_frames: int, interval: int, max_bytes: int
) -> str:
    def draw(i):
        update(i)
        return []

    limit_mb = 2 * max_bytes / 2**20 + 1  # never let matplotlib drop frames silently
    # Lay the figure out once, on the first frame, and keep that layout: a
    # layout engine re-run for every frame costs more than the drawing itself
    # and makes the axes jump between frames.
    update(0)
    fig.canvas.draw()
    if fig.get_layout_engine() is not None:
        fig.set_layout_engine("none")
    # FuncAnimation asks for an idle redraw after each frame and the writer
    # then saves (draws) the frame again; the save alone is enough.
    canvas = fig.canvas
    canvas.draw_idle = lambda *args, **kwargs: None
    try:
        with mpl.rc_context(
            {"animation.embed_limit": limit_mb, "savefig.dpi": "figure", "savefig.bbox": "standard"}
        ):
            anim = FuncAnimation(fig, draw, frames=n_frames, interval=interval, repeat=False)
            player = anim.to_jshtml(default_mode="once")
    finally:
        del canvas.draw_idle  # back to the class's method
    return player


def _accessible(player: str, alt: str, n_frames: int, uid: str) -> str:
    player = re.sub(r'<link rel="stylesheet"\s+href="[^"]*font-awesome[^"]*">\s*', "", player)
    for icon, glyph in _GLYPHS.items():
        player = player.replace(
            f'<i class="fa {icon}"></i>', f'<span aria-hidden="true">{glyph}</span>'
        )
    alt_attr = _escape(alt)
    player = _sub_once(
        rf'<img id="_anim_img{uid}">',
        f'<img id="_anim_img{uid}" alt="{alt_attr}">'
        f'\n  <div id="mlpkit_label{uid}" class="mlpkit-frame-label" '
        f'aria-live="polite"></div>',
        player,
        "frame <img>",
    )
    player = _sub_once(
        rf'<input id="_anim_slider{uid}" type="range"',
        f'<input id="_anim_slider{uid}" type="range" '
        f'aria-label="Frame (1 to {n_frames}) of the interactive figure"',
        player,
        "range slider",
    )
    return player


def _key_frame_png(player: str, key: int) -> bytes:
    frames = re.findall(r'frames\[(\d+)\] = "data:image/png;base64,([^"]*)"', player)
    if len(frames) <= key:
        raise RuntimeError(
            "mk.plot.interactive: could not find the key frame among the "
            f"{len(frames)} frames of matplotlib's to_jshtml output"
        )
    return base64.b64decode(frames[key][1].replace("\\\n", ""))


def interactive(
    fig: Figure,
    update: Callable[[int], Any],
    n_frames: int,
    *,
    alt: str,
    labels: Sequence[str] | None = None,
    key_frame: int = -1,
    interval: int = 400,
    max_frames: int = 60,
    max_bytes: int = 1_500_000,
) -> InteractiveFigure:
    """A slider/player over ``n_frames`` frames of ``fig`` that works offline.

    Parameters
    ----------
    fig : matplotlib Figure
        The figure to animate, drawn at its own ``dpi`` (use a small figure,
        e.g. ``plt.subplots(figsize=(5, 3.5), dpi=80)``).  It is closed
        afterwards, so the notebook shows no extra static copy.
    update : callable
        ``update(i)`` redraws frame ``i`` (0-based) on ``fig``.  Compute the
        numbers first, in ordinary cells that assert them; ``update`` only draws.
    n_frames : int
        Number of frames, at most ``max_frames``.
    alt : str
        Alt text: what the figure shows and what changes across frames.  Put
        on the wrapper (``aria-label``), on every frame and on the key frame.
    labels : sequence of str, optional
        ``labels[i]`` is shown under frame ``i`` (e.g. ``"α = 0.10"``) and is
        the slider's ``aria-valuetext``; default ``"frame i+1 of n"``.
    key_frame : int
        Frame shown first, printed and shown without scripts (default: the last).
    interval : int
        Milliseconds between frames when playing.
    max_frames, max_bytes : int
        Limits: ``ValueError`` if ``n_frames`` or the size of the HTML output
        exceeds them.

    Returns
    -------
    InteractiveFigure
        Make it the last expression of the cell.
    """
    n_frames, labels, key = _check_args(
        fig, update, n_frames, alt, labels, key_frame, interval, max_frames, max_bytes
    )
    try:
        player = _render_player(fig, update, n_frames, interval, max_bytes)
    finally:
        plt.close(fig)
    # a deterministic id (matplotlib's is a random uuid): same figure, same bytes
    mpl_id = re.search(r'id="_anim_img([0-9a-f]+)"', player)
    if mpl_id is None:
        raise RuntimeError("mk.plot.interactive: no <img> in matplotlib's to_jshtml output")
    seed = player.replace(mpl_id.group(1), "") + alt + "\0".join(labels)
    uid = "mk" + hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16]
    player = _accessible(player.replace(mpl_id.group(1), uid), alt, n_frames, uid)
    png = _key_frame_png(player, key)
    alt_attr = _escape(alt)
    key_img = (  # the key frame and its label, for print and where scripts are off
        f'<div class="mlpkit-key-frame"><img alt="{alt_attr}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'
        f'<div class="mlpkit-frame-label">{_escape(labels[key])}</div></div>'
    )
    noscript = (
        f"<noscript><style>#{uid} .mlpkit-player {{ display: none; }} "
        f"#{uid} .mlpkit-key-frame {{ display: block; }}</style></noscript>"
    )
    labels_js = json.dumps(labels).replace("</", "<\\/")
    html_text = "\n".join(
        [
            f'<div class="mlpkit-interactive" role="group" aria-label="{alt_attr}">',
            PAYLOAD_BEGIN,
            f'<div id="{uid}">',
            _STYLE.format(uid=uid),
            noscript,
            f'<div class="mlpkit-player">{player}</div>',
            _LABEL_SCRIPT.format(labels=labels_js, key=key, uid=uid),
            key_img,
            "</div>",
            PAYLOAD_END,
            "</div>",
        ]
    )
    out = InteractiveFigure(
        html_text, png, n_frames=n_frames, key_frame=key, labels=labels, alt=alt
    )
    if out.nbytes > max_bytes:
        raise ValueError(
            f"the interactive figure is {out.nbytes:,} bytes, over the limit "
            f"max_bytes={max_bytes:,}; use fewer frames, a smaller figure or a "
            "lower dpi"
        )
    return out
