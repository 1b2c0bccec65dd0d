"""Render the book's math at build time, so pages need no MathJax in the browser.

The browser used to typeset 100-540 formulas per chapter with MathJax after every
page load (2-5 s here, and raw TeX until then).  This extension sends each page's
TeX to one long-lived Node.js process (``mathjax_ssr.js``) that runs the same
MathJax 3 that ``sphinx-mathjax-offline`` ships, and writes the resulting
CommonHTML (with assistive MathML for screen readers) straight into the page.
The page then carries a small ``<style>`` for exactly the glyphs it uses, and the
MathJax script is dropped from it.

Without Node.js (or with ``MLPBOOK_MATH_SSR=0``) the pages keep client-side
MathJax, so the book still builds everywhere; an informational message says so.
A formula that MathJax cannot parse is a build warning (an error under ``-W``).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
FONT_PLACEHOLDER = "MLPBOOK-MATHJAX-FONTS"
FONT_DIR = "_static/mathjax/output/chtml/fonts/woff-v2"

INLINE = re.compile(
    r'(<span class="math notranslate nohighlight"[^>]*>)\\\((.*?)\\\)(</span>)', re.S
)
DISPLAY = re.compile(
    r'(<div class="math notranslate nohighlight"[^>]*>\s*(?:<span class="eqno">.*?</span>)?)'
    r"\\\[(.*?)\\\](\s*</div>)",
    re.S,
)
# Math that is still raw TeX after rendering (a form this extension does not know).
LEFTOVER = re.compile(
    r'class="math notranslate nohighlight"[^>]*>\s*(?:<span class="eqno">.*?</span>)?\\[\[(]', re.S
)


class _Renderer:
    def __init__(self, mathjax_dir: Path) -> None:
        node = shutil.which("node") or shutil.which("nodejs")
        self.proc = subprocess.Popen(
            [node, str(HERE / "mathjax_ssr.js"), str(mathjax_dir), FONT_PLACEHOLDER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )

    def render(self, items: list[dict]) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"items": items}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the MathJax renderer (node _ext/mathjax_ssr.js) exited")
        return json.loads(line)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _mathjax_dir() -> Path | None:
    mod = sys.modules.get("sphinx-mathjax-offline")
    if mod is None or not getattr(mod, "__file__", None):
        return None
    d = Path(mod.__file__).resolve().parent / "static" / "mathjax"
    return d if (d / "node-main.js").is_file() else None


def _start(app) -> None:
    app.env_math_ssr = None
    if app.builder.format != "html" or os.environ.get("MLPBOOK_MATH_SSR", "1") == "0":
        return
    mj = _mathjax_dir()
    if mj is None or not (shutil.which("node") or shutil.which("nodejs")):
        logger.info(
            "math_ssr: Node.js or the bundled MathJax not found; "
            "pages keep client-side MathJax (install nodejs for pre-rendered math)"
        )
        return
    try:
        r = _Renderer(mj)
        probe = r.render([{"tex": "x^2", "display": False}])
        assert "mjx-container" in probe["html"][0]
    except Exception as exc:  # pragma: no cover - depends on the machine
        logger.info(
            f"math_ssr: the Node.js MathJax renderer did not start ({exc}); "
            "pages keep client-side MathJax"
        )
        return
    app.env_math_ssr = r
    logger.info("math_ssr: math is rendered at build time with MathJax on Node.js")


def _render_fragments(r: _Renderer, fragments: list[str], pagename: str) -> tuple[list[str], str]:
    """Replace the TeX in each HTML fragment by MathJax's output; return them and the CSS."""
    items: list[dict] = []
    for frag in fragments:
        items += [
            {"tex": html.unescape(m.group(2)).strip(), "display": True}
            for m in DISPLAY.finditer(frag)
        ]
        items += [
            {"tex": html.unescape(m.group(2)), "display": False} for m in INLINE.finditer(frag)
        ]
    if not items:
        return fragments, ""
    out = r.render(items)
    for tex in out["errors"]:
        logger.warning(f"math_ssr: MathJax could not render {tex!r}", location=pagename)
    rendered = iter(out["html"])
    done = []
    for frag in fragments:  # same order as above: display, then inline, per fragment
        frag = DISPLAY.sub(lambda m: m.group(1) + next(rendered) + m.group(3), frag)
        frag = INLINE.sub(lambda m: m.group(1) + next(rendered) + m.group(3), frag)
        done.append(frag)
    return done, out["css"]


def _render_page(app, pagename, templatename, context, doctree) -> None:
    r = getattr(app, "env_math_ssr", None)
    body = context.get("body")
    if r is None or body is None:
        return
    # The page's table of contents ("On this page") repeats section titles, math included.
    toc = context.get("toc") or ""
    (body, toc), css = _render_fragments(r, [body, toc], pagename)
    if css:
        fonts = context["pathto"](FONT_DIR, 1)
        css = css.replace(FONT_PLACEHOLDER, fonts)
        context["metatags"] = (
            context.get("metatags", "") + f'\n<style id="mathjax-ssr">{css}</style>'
        )
    context["body"] = body
    if "toc" in context:
        context["toc"] = toc
    if LEFTOVER.search(body) or LEFTOVER.search(toc):
        logger.warning(
            "math_ssr: math left as raw TeX; the page keeps client-side MathJax", location=pagename
        )
        return
    context["_math_ssr_done"] = True


def _drop_mathjax(app, pagename, templatename, context, doctree) -> None:
    """No math left for the browser: drop MathJax and its configuration from the page."""
    if not context.get("_math_ssr_done"):
        return
    scripts = context.get("script_files")
    if scripts:

        def is_mathjax(js) -> bool:
            name = getattr(js, "filename", None) or ""
            text = (getattr(js, "attributes", {}) or {}).get("body", "") or ""
            return "mathjax" in name.lower() or "window.MathJax" in text

        scripts[:] = [js for js in scripts if not is_mathjax(js)]


def _stop(app, exc) -> None:
    r = getattr(app, "env_math_ssr", None)
    if r is not None:
        r.close()
        app.env_math_ssr = None


def setup(app):
    app.connect("builder-inited", _start)
    # Early: the theme caches the page TOC the first time a handler asks for it.
    app.connect("html-page-context", _render_page, priority=50)
    # Late: after Sphinx's install_mathjax (priority 500) has added MathJax to the page.
    app.connect("html-page-context", _drop_mathjax, priority=800)
    app.connect("build-finished", _stop)
    return {"parallel_read_safe": True, "parallel_write_safe": False, "version": "1.0"}
