"""Small Sphinx fixes for the book's website.

It also adds the book's own stylesheet and script (``_ext/static/book.css`` and
``book.js``: phone layout, accessibility and print fixes, the sidebar toggles) and
loads ``math_ssr`` (math rendered at build time) and ``icon_fonts`` (FontAwesome's web fonts
cut to the icons the book shows).  ``_ext/templates/layout.html`` drops FontAwesome's script,
whose icons the theme's CSS already draws.

sphinx-thebe 0.3.1 registers its inline configuration script once per
``env-before-read-docs`` event, which fires more than once in a Jupyter Book
build; every page then declares ``const THEBE_JS_URL`` twice and the browser
console reports a SyntaxError (the two copies differ only in a filename of
``None`` versus ``""``).  This extension drops repeated script entries
from each page's context, so every script is included exactly once.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import re
import shutil
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"

# The whole book as one PDF, in the website: ``make pdf`` (tools/book_pdf.py --site) copies it to
# <site>/book.pdf and writes <site>/_static/book-pdf.js, which tells book.js whether to offer it
# in the Download menu.  A script (not a fetch) so that it also works from file://, and no
# request ever fails: a site without the PDF says ``window.bookPdf = null``.
# ``make pdf`` also writes <site>/book-pdf-source.txt, a fingerprint of the sources the PDF was
# made from; a later HTML build offers the PDF only while the sources still match it, so an
# edited book never offers a stale PDF (run ``make pdf`` again to bring it back).
PDF_NAME = "book.pdf"
PDF_MARKER = "book-pdf.js"
PDF_SOURCE = "book-pdf-source.txt"
# everything that can change what the book shows: text, notebooks, configuration, the
# extensions and templates, and mlpkit (its docstrings make the API page)
SOURCE_GLOBS = (
    "*.md",
    "*.yml",
    "*.bib",
    "*.svg",
    "chapters/*.ipynb",
    "reference/*.md",
    "_ext/**/*",
    "mlpkit/**/*.py",
)


def source_files(root: Path) -> list[Path]:
    """The book's source files under ``root`` (``SOURCE_GLOBS``), sorted."""
    root = Path(root)
    files = {
        f
        for pattern in SOURCE_GLOBS
        for f in root.glob(pattern)
        if f.is_file() and "__pycache__" not in f.parts
    }
    return sorted(files)


def source_fingerprint(root: Path) -> str:
    """sha256 over the book's source files under ``root`` (names and contents)."""
    digest = hashlib.sha256()
    for f in source_files(root):
        digest.update(f.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(f.read_bytes()).digest())
    return digest.hexdigest()


def pdf_is_current(site: Path, root: Path | None) -> bool:
    """Whether ``site`` holds a book.pdf made from the sources now in ``root``.

    ``root=None`` only asks whether the PDF is there (a site assembled by hand, as the
    browser test does)."""
    site = Path(site)
    if not (site / PDF_NAME).is_file():
        return False
    if root is None:
        return True
    stamp = site / PDF_SOURCE
    return stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == source_fingerprint(root)


def pdf_marker(site: Path, root: Path | None = None) -> str:
    """The content of ``_static/book-pdf.js`` for the website in ``site``."""
    pdf = Path(site) / PDF_NAME
    info = {"href": PDF_NAME, "bytes": pdf.stat().st_size} if pdf_is_current(site, root) else None
    return f"window.bookPdf = {json.dumps(info)};\n"


def write_pdf_marker(site: Path, root: Path | None = None) -> bool:
    """Write ``_static/book-pdf.js``; return whether it offers the PDF."""
    static = Path(site) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    marker = pdf_marker(site, root)
    (static / PDF_MARKER).write_text(marker, encoding="utf-8")
    return marker != "window.bookPdf = null;\n"


def _write_pdf_marker(app, exception) -> None:
    """After every HTML build: a PDF that ``make pdf`` left in the site is still offered if it
    was made from the sources just built, and not offered if they have changed since."""
    if exception is None and app.builder.format == "html":
        site, root = Path(app.outdir), Path(app.srcdir)
        offered = write_pdf_marker(site, root)
        if (site / PDF_NAME).is_file() and not offered:
            logger.info(
                "book.pdf in the site was made from older sources: not offered until `make pdf`"
            )


def _refresh_own_static(app, exception) -> None:
    """Copy ``_ext/static`` (book.js, book.css) into the site whenever a file there differs.

    Sphinx copies static files only when at least one page is out of date, so an edit to
    book.js or book.css alone would not reach a site built before: ``make book`` would then
    serve, and the browser test check, the old script."""
    if exception is not None or app.builder.format != "html":
        return
    dest = Path(app.outdir) / "_static"
    dest.mkdir(parents=True, exist_ok=True)
    for f in sorted(STATIC.iterdir()):
        target = dest / f.name
        if f.is_file() and not (target.is_file() and filecmp.cmp(f, target, shallow=False)):
            shutil.copyfile(f, target)


def _script_key(js) -> tuple:
    attributes = getattr(js, "attributes", {}) or {}
    return (
        getattr(js, "filename", None) or "",
        tuple(sorted((k, str(v)) for k, v in attributes.items())),
    )


def _drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for js in scripts:
        key = _script_key(js)
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique  # in place: handlers that run later (MathJax) append to this list


def _fix_body_html(app, pagename, templatename, context, doctree) -> None:
    """Accessibility fixes in the page body (axe-core, WCAG 2.1 AA)."""
    body = context.get("body")
    if not body:
        return
    # The bibliography is a list: its entries are list items (doc-biblioentry is deprecated
    # and not an allowed child of role=list, a critical aria-required-children violation).
    body = body.replace('role="doc-biblioentry"', 'role="listitem"')
    # Folded cells: the visible text ("Show code cell source") is the accessible name, not
    # "Toggle hidden content" (label-content-name-mismatch).
    body = body.replace('<summary aria-label="Toggle hidden content">', "<summary>")
    # sphinx-exercise gives every exercise and solution body the same id: number them.
    for name in ("exercise-content", "solution-content"):
        count = iter(range(1, 10_000))
        body = re.sub(f'id="{name}"', lambda m, n=name, c=count: f'id="{n}-{next(c)}"', body)
    # Every figure's image opens full size (on a phone its labels are ~5 px high).
    body = FIGURE.sub(_link_figure_images, body)
    body = _exercise_headings(body)
    context["body"] = body


def _number_print_title(app, pagename, templatename, context, doctree) -> None:
    """The title printed at the top of a page carries the chapter number, like the page's.

    (sphinx-book-theme sets ``pagetitle`` without it, at the default priority.)"""
    number = app.env.toc_secnumbers.get(pagename, {}).get("")
    if number and context.get("pagetitle") and not context["pagetitle"][:1].isdigit():
        context["pagetitle"] = ".".join(map(str, number)) + ". " + context["pagetitle"]


EXERCISE_TITLE = re.compile(
    r'(<div class="(exercise|solution)\b[^"]*"[^>]*>\s*<p class="admonition-title")>'
)
HEADING = re.compile(r"<h([1-6])\b")


def _exercise_headings(body: str) -> str:
    """Exercise and solution titles are headings (a screen reader jumps between headings):
    an exercise one level below the section it is in, its solution one level below that."""

    def add(m: re.Match) -> str:
        levels = HEADING.findall(body, 0, m.start())
        level = int(levels[-1]) + 1 if levels else 2
        level = min(level + (m.group(2) == "solution"), 6)
        return f'{m.group(1)} role="heading" aria-level="{level}">'

    return EXERCISE_TITLE.sub(add, body)


FIGURE = re.compile(r"<figure\b.*?</figure>", re.S)
IMG = re.compile(r'(<a\b[^>]*>\s*)?(<img\b[^>]*\bsrc="([^"]+)"[^>]*>)', re.S)


def _link_figure_images(fig: re.Match) -> str:
    def wrap(m: re.Match) -> str:
        if m.group(1) or m.group(3).startswith("data:"):
            return m.group(0)  # already a link, or an animation frame
        return (
            f'<a class="book-figure-link" href="{m.group(3)}" '
            f'title="Open the full-size image">{m.group(2)}</a>'
        )

    return IMG.sub(wrap, fig.group(0))


def _add_static_path(app) -> None:
    if str(STATIC) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC))


def _singlehtml_uses_html_handlers(app) -> None:
    """Extensions (myst-nb's folded cells, sphinx-design's dropdowns) register their nodes
    for the ``html`` builder only, so the ``singlehtml`` build behind ``make pdf`` failed
    on them.  It writes the same HTML, so it gets the same handlers."""
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    handlers["singlehtml"] = {**handlers.get("html", {}), **handlers.get("singlehtml", {})}


def setup(app):
    app.connect("builder-inited", _singlehtml_uses_html_handlers)
    app.connect("builder-inited", _add_static_path)
    app.connect("html-page-context", _fix_body_html, priority=60)
    app.connect("html-page-context", _number_print_title, priority=900)
    app.connect("build-finished", _refresh_own_static, priority=100)  # before icon_fonts reads them
    app.connect("build-finished", _write_pdf_marker)
    app.add_css_file("book.css")
    app.add_js_file(PDF_MARKER, defer="defer")  # written at build-finished (before book.js)
    app.add_js_file("book.js", defer="defer")
    app.setup_extension("math_ssr")
    app.setup_extension("icon_fonts")  # FontAwesome cut to the icons the book shows
    app.connect(
        "html-page-context", _drop_repeated_scripts, priority=10
    )  # before handlers that return a template (emit_firstresult)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
