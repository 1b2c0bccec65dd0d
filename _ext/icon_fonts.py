"""FontAwesome, cut down to the icons the book shows (loaded by ``book_fixes``).

pydata-sphinx-theme's stylesheet declares FontAwesome 6's web fonts (solid 156 KB, brands
118 KB, regular 25 KB as WOFF2), and every page downloaded the solid and brands fonts
(274 KB) to draw about twenty icons: the toolbar's, the admonition titles' and the
external-link arrows.  After each HTML build this extension

1. collects the icon code points the site can show: those of every ``fa-*`` class named in
   the built pages and scripts (``book.js`` adds the whole-book PDF entry), and every
   private-use character that a stylesheet rule other than FontAwesome's own class list
   puts on screen (``content: var(--pst-icon-...)`` in admonitions, links, the sidebar);
2. subsets the theme's three fonts to those code points with fontTools (a matplotlib
   dependency), as WOFF, into ``_static/book-icons/`` (about 3-6 KB each);
3. writes ``_static/book-icons.css``, which re-declares the same three ``@font-face`` rules
   with the subsets.  Declared later with the same descriptors, they replace the theme's, so
   the browser never requests ``_static/vendor/fontawesome/``.

The browser test checks that no page requests FontAwesome's files and that every icon a
page draws is in the subset.
"""

from __future__ import annotations

import re
from pathlib import Path

CSS_NAME = "book-icons.css"
SUBSET_DIR = "book-icons"
# (file stem in vendor/fontawesome/webfonts, CSS family, weight)
FONTS = [
    ("fa-solid-900", "Font Awesome 6 Free", 900),
    ("fa-regular-400", "Font Awesome 6 Free", 400),
    ("fa-brands-400", "Font Awesome 6 Brands", 400),
]
PUA = re.compile(r"[\ue000-\uf8ff]")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")
# FontAwesome's class list: .fa-bars:before{content:"\f0c9"} (several selectors may share one)
CLASS_RULE = re.compile(r"((?:\.fa-[a-z0-9-]+:{1,2}(?:before|after),?)+)\{content:\"([^\"]*)\"\}")
CLASS_NAME = re.compile(r"\.fa-([a-z0-9-]+):")
USED_CLASS = re.compile(r"\bfa-([a-z0-9-]+)")


def _unescape(css: str) -> str:
    return CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), css)


def icon_codepoints(static: Path, pages: list[Path]) -> set[int]:
    """Code points of the icons the site can show (see the module docstring)."""
    classes: dict[str, str] = {}
    other_css = []
    for css_file in static.rglob("*.css"):
        if css_file.name == CSS_NAME:
            continue
        css = css_file.read_text(encoding="utf-8", errors="replace")
        for m in CLASS_RULE.finditer(css):
            for name in CLASS_NAME.findall(m.group(1)):
                classes[name] = _unescape(m.group(2))
        other_css.append(_unescape(CLASS_RULE.sub("", css)))
    used = set()
    sources = list(pages) + [
        p for p in static.rglob("*.js") if "fontawesome" not in p.as_posix().lower()
    ]
    for f in sources:
        used.update(USED_CLASS.findall(f.read_text(encoding="utf-8", errors="replace")))
    chars = {c for name in used for c in classes.get(name, "") if PUA.match(c)}
    chars.update(c for css in other_css for c in PUA.findall(css))
    return {ord(c) for c in chars}


def subset_icon_fonts(outdir: Path) -> list[Path]:
    """Write the subsets and book-icons.css into ``outdir/_static``; return the fonts."""
    from fontTools import subset

    static = outdir / "_static"
    webfonts = static / "vendor" / "fontawesome" / "webfonts"
    if not webfonts.is_dir():
        return []
    pages = [p for p in outdir.rglob("*.html") if "_static" not in p.parts]
    codepoints = icon_codepoints(static, pages)
    target = static / SUBSET_DIR
    target.mkdir(exist_ok=True)
    rules, written = [], []
    for stem, family, weight in FONTS:
        source = webfonts / f"{stem}.ttf"
        if not source.is_file():
            continue
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = []
        options.name_IDs = [0, 1, 2]  # keep the copyright notice (the font is SIL OFL 1.1)
        options.notdef_outline = True
        font = subset.load_font(str(source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        out = target / f"{stem}.woff"
        subset.save_font(font, str(out), options)
        written.append(out)
        rules.append(
            f'@font-face {{ font-display: block; font-family: "{family}"; font-style: normal; '
            f'font-weight: {weight}; src: url("{SUBSET_DIR}/{stem}.woff") format("woff"); }}'
        )
    header = "/* FontAwesome 6 Free (SIL OFL 1.1), cut to the book's icons by _ext/icon_fonts.py */"
    (static / CSS_NAME).write_text("\n".join([header, *rules]) + "\n", encoding="utf-8")
    return written


def _build_finished(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        subset_icon_fonts(Path(app.outdir))


def setup(app):
    app.add_css_file(CSS_NAME)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
