"""The built website, opened in a real browser with no network.

Every page of ``_build/html`` is served on 127.0.0.1 and opened in headless
Chromium (driven by Playwright, using the system's Chromium; Playwright never
downloads a browser of its own here).  Any request to another host is blocked
and recorded.  The tests then check that

* math is rendered by the bundled MathJax on every page that has math, with no MathJax error;
* no script, stylesheet, font or image is requested from another host, and no local file is missing;
* every image has a real alt text (not empty, not a file name);
* the console shows no JavaScript error;
* every internal link and anchor resolves to an existing page and id (checked on the HTML files);
* every figure is numbered and captioned;
* the search page finds "backpropagation".

Without Chromium the module is skipped with a message saying how to install it,
unless ``MLPBOOK_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which turns the skip
into a failure so that CI never skips it silently.
"""
from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
]
INSTALL_HINT = ("install Chromium to run the browser test, e.g. `sudo apt-get install chromium` "
                "on Debian/Ubuntu, or point MLPBOOK_CHROMIUM at a Chromium/Chrome executable")


def _find_chromium() -> str | None:
    candidates = [os.environ.get("MLPBOOK_CHROMIUM"), shutil.which("chromium"),
                  shutil.which("chromium-browser"), shutil.which("google-chrome")]
    return next((c for c in candidates if c and Path(c).exists()), None)


CHROMIUM = _find_chromium()
if CHROMIUM is None:
    if os.environ.get("MLPBOOK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"MLPBOOK_REQUIRE_BROWSER=1 but no Chromium was found: {INSTALL_HINT}",
                    pytrace=False)
    pytest.skip(f"Chromium not found; {INSTALL_HINT}", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402  (only when Chromium exists)


# --------------------------------------------------------------------------- helpers
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002  (silence the access log)
        pass


@dataclass
class PageReport:
    """What the browser saw while loading one page."""
    path: str
    external_requests: list[str] = field(default_factory=list)
    missing_local: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    has_math: bool = False
    math_containers: int = 0
    math_errors: int = 0
    images: list[dict] = field(default_factory=list)


def _pages(html_root: Path) -> list[Path]:
    skip = {"_static", "_sources", "_images"}
    return sorted(p for p in html_root.rglob("*.html") if not skip & set(p.relative_to(html_root).parts))


@pytest.fixture(scope="module")
def site(built_book: Path):
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield built_book, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        # A persistent context gives Chromium a fresh, empty --user-data-dir.
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1200, "height": 900})
        yield context
        context.close()


MATH_STATUS_JS = """async () => {
  const hasMath = document.querySelector('.math') !== null;
  if (!window.MathJax || !window.MathJax.startup || !window.MathJax.startup.promise) {
    return {hasMath, loaded: false, containers: 0, errors: 0};
  }
  await window.MathJax.startup.promise;
  return {hasMath, loaded: true,
          containers: document.querySelectorAll('mjx-container').length,
          errors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length};
}"""

IMAGES_JS = """() => Array.from(document.images).map(img => ({
  src: img.getAttribute('src'), alt: img.getAttribute('alt'),
  loaded: img.complete && img.naturalWidth > 0}))"""


@pytest.fixture(scope="module")
def reports(site, browser) -> dict[str, PageReport]:
    html_root, base = site
    out: dict[str, PageReport] = {}
    for page_path in _pages(html_root):
        rel = page_path.relative_to(html_root).as_posix()
        rep = PageReport(rel)
        page = browser.new_page()

        def route(r, rep=rep):
            url = r.request.url
            if url.startswith(base) or url.startswith(("data:", "blob:", "about:")):
                r.continue_()
            else:
                rep.external_requests.append(url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m, rep=rep: rep.console_errors.append(m.text)
                if m.type == "error" else None)
        page.on("pageerror", lambda e, rep=rep: rep.page_errors.append(str(e)))
        page.on("response", lambda r, rep=rep: rep.missing_local.append(f"{r.status} {r.url}")
                if r.url.startswith(base) and r.status >= 400 else None)
        page.goto(f"{base}/{rel}", wait_until="load")
        page.wait_for_load_state("networkidle")
        status = page.evaluate(MATH_STATUS_JS)
        rep.has_math = status["hasMath"]
        rep.math_containers = status["containers"] if status["loaded"] else 0
        rep.math_errors = status["errors"]
        rep.images = page.evaluate(IMAGES_JS)
        page.close()
        out[rel] = rep
    return out


# --------------------------------------------------------------------------- tests
def test_every_page_was_opened(reports) -> None:
    assert "intro.html" in reports
    chapters = [p for p in reports if p.startswith("chapters/")]
    assert len(chapters) >= 7, chapters


def test_math_is_rendered_by_local_mathjax(reports) -> None:
    pages_with_math = [r for r in reports.values() if r.has_math]
    assert len(pages_with_math) >= 7, "expected math on every chapter page"
    bad = {r.path: (r.math_containers, r.math_errors) for r in pages_with_math
           if r.math_containers == 0 or r.math_errors}
    assert bad == {}, f"pages whose math did not render (containers, errors): {bad}"


def test_no_request_leaves_the_machine(reports) -> None:
    bad = {r.path: r.external_requests for r in reports.values() if r.external_requests}
    assert bad == {}, f"requests to other hosts: {bad}"


def test_no_local_file_is_missing(reports) -> None:
    bad = {r.path: r.missing_local for r in reports.values() if r.missing_local}
    assert bad == {}, f"local files that failed to load: {bad}"


def test_no_javascript_errors(reports) -> None:
    bad = {r.path: r.console_errors + r.page_errors for r in reports.values()
           if r.console_errors or r.page_errors}
    assert bad == {}, f"console errors: {bad}"


FILE_NAME = re.compile(r"^[\w./-]+\.(png|jpe?g|svg|gif|webp)$", re.IGNORECASE)


def test_every_image_has_real_alt_text_and_loads(reports) -> None:
    problems = []
    n_images = 0
    for r in reports.values():
        for img in r.images:
            n_images += 1
            alt = (img["alt"] or "").strip()
            if len(alt.split()) < 2 or FILE_NAME.match(alt):
                problems.append(f"{r.path}: {img['src']} has alt {alt!r}")
            if not img["loaded"]:
                problems.append(f"{r.path}: {img['src']} did not load")
    assert n_images >= 14, f"expected the chapters' figures, found {n_images} images"
    assert problems == [], "\n".join(problems)


def test_search_finds_backpropagation(site, browser) -> None:
    _, base = site
    page = browser.new_page()
    page.goto(f"{base}/search.html?q=backpropagation", wait_until="load")
    page.wait_for_selector("ul.search li", timeout=20_000)
    hits = page.eval_on_selector_all("ul.search li a", "els => els.map(e => e.getAttribute('href'))")
    page.close()
    assert any("05_backpropagation" in h for h in hits), hits


# --------------------------------------------------------------- static HTML checks
class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.figures = 0
        self.figure_ids: list[str] = []
        self.numbered_captions = 0
        self._in_figure_caption = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "figure":
            self.figures += 1
            if a.get("id"):
                self.figure_ids.append(a["id"])
        if tag == "figcaption":
            self._in_figure_caption = True
        if (tag == "span" and self._in_figure_caption
                and "caption-number" in (a.get("class") or "")):
            self.numbered_captions += 1

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self._in_figure_caption = False


@pytest.fixture(scope="module")
def parsed(built_book: Path) -> dict[Path, _LinkParser]:
    out = {}
    for page in _pages(built_book):
        p = _LinkParser()
        p.feed(page.read_text(encoding="utf-8"))
        out[page] = p
    return out


def test_internal_links_and_anchors_resolve(built_book: Path, parsed) -> None:
    broken = []
    n_checked = 0
    for page, p in parsed.items():
        for href in p.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "javascript:", "//")):
                continue
            if parts.path:
                target = (page.parent / unquote(parts.path)).resolve()
                if target.is_dir():
                    target = target / "index.html"
            else:
                target = page
            n_checked += 1
            if not target.exists():
                broken.append(f"{page.relative_to(built_book)}: {href} (no such file)")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in parsed:
                    parsed[target] = _LinkParser()
                    parsed[target].feed(target.read_text(encoding="utf-8"))
                ids = parsed[target].ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(built_book)}: {href} (no such id)")
    assert n_checked > 100
    assert broken == [], "\n".join(broken[:30])


def test_every_figure_is_numbered_and_captioned(built_book: Path, parsed) -> None:
    problems = []
    total = 0
    for page, p in parsed.items():
        rel = page.relative_to(built_book).as_posix()
        if not rel.startswith("chapters/"):
            continue
        total += p.figures
        if p.figures != p.numbered_captions:
            problems.append(f"{rel}: {p.figures} figures, {p.numbered_captions} numbered captions")
    assert total >= 14, f"expected at least 2 figures per chapter, found {total}"
    assert problems == [], problems


def test_every_figure_is_referenced_from_the_text(built_book: Path, parsed) -> None:
    unreferenced = []
    for page, p in parsed.items():
        rel = page.relative_to(built_book).as_posix()
        if not rel.startswith("chapters/"):
            continue
        targets = {urlsplit(h).fragment for h in p.links if urlsplit(h).fragment}
        unreferenced += [f"{rel}#{fid}" for fid in p.figure_ids if fid not in targets]
    assert unreferenced == [], f"figures never referenced with {{numref}}: {unreferenced}"
