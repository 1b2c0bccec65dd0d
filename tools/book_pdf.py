"""Make the PDF of the whole book, offline: ``make pdf`` -> ``_build/pdf/book.pdf``.

1. Build the book as ONE HTML page (Sphinx's ``singlehtml`` builder through Jupyter Book),
   into ``_build/pdf/src``.  Math is already typeset at build time (``_ext/math_ssr.py``),
   so no MathJax has to run in the browser.
2. Open that page in headless Chromium (the one the browser test uses, driven by
   Playwright; nothing is downloaded and every request to another host is blocked),
   add a title page and a table of contents, open every folded cell and solution,
   start every chapter on a new page, and print it to PDF with page numbers.
3. With ``--site DIR`` (``make pdf`` passes ``_build/html``), copy the PDF into the website as
   ``DIR/book.pdf`` and say so in ``DIR/_static/book-pdf.js``: the Download menu then offers the
   whole book (``_ext/book_fixes.py``, ``_ext/static/book.js``); a site without it offers
   "print this page" only.  ``DIR/book-pdf-source.txt`` records a fingerprint of the sources,
   so that an HTML build from changed sources stops offering the now stale PDF.

Usage: ``python tools/book_pdf.py [--out _build/pdf/book.pdf] [--work _build/pdf] [--no-build]
[--site _build/html]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
from book_fixes import (  # noqa: E402  (the website's extension)
    PDF_NAME,
    PDF_SOURCE,
    source_fingerprint,
    write_pdf_marker,
)

BUILD = ROOT / "_build" / "pdf"

PREPARE_JS = r"""(meta) => {
  // Open the solutions (folded on screen); scaffolding cells folded with hide-input stay out.
  if (window.bookExpandAll) window.bookExpandAll();
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  // Chapters and reference pages, in book order, with their numbered titles.
  const parts = Array.from(document.querySelectorAll('span[id^="document-"] + section'))
      .map(sec => ({id: sec.id, h: sec.querySelector('h1, h2')}))
      .filter(p => p.h);
  parts.forEach(p => p.h.closest('section').classList.add('book-part'));
  const esc = s => s.replace(/[&<>]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;'}[c]));
  const title = `<section class="book-title-page">
      <p class="book-title" role="heading" aria-level="1">${esc(meta.title)}</p>
      <p class="book-subtitle">${esc(meta.subtitle)}</p>
      <p class="book-author">${esc(meta.author)}</p>
      <p class="book-date">${esc(meta.date)}</p></section>`;
  const items = parts.map(p => {
      const t = p.h.cloneNode(true);
      t.querySelectorAll('.headerlink').forEach(a => a.remove());
      return `<li><a href="#${p.id}">${t.innerHTML}</a></li>`; }).join('');
  const contents = `<nav class="book-contents"><h2>Contents</h2><ol>${items}</ol></nav>`;
  article.insertAdjacentHTML('afterbegin', title + contents);
  // The theme's own print header (page title and its "Contents" box) is not needed.
  document.querySelectorAll('#jb-print-docs-body').forEach(e => e.remove());
  const style = document.createElement('style');
  style.textContent = `
    * { content-visibility: visible !important; }
    @page { size: A4; margin: 18mm 16mm 20mm 16mm; }
    .book-title-page { break-after: page; text-align: center; padding-top: 30vh; }
    html { font-size: 13px !important; }
    .book-title { font-size: 2.4rem; font-weight: 700; }
    .book-subtitle { font-size: 1.2rem; font-style: italic; }
    .book-contents { break-after: page; }
    .book-contents ol { list-style: none; padding-left: 0; font-size: 1.1rem; }
    .book-contents li { margin: 0.4em 0; }
    section.book-part { break-before: page; }
    .bd-header, .bd-header-article, .bd-sidebar-primary, .bd-sidebar-secondary,
    .bd-footer, .bd-footer-article, .prev-next-area, #pst-back-to-top { display: none !important; }
    .bd-main .bd-content .bd-article-container { max-width: 100% !important; }
  `;
  document.head.appendChild(style);
  return parts.map(p => p.h.textContent.replace('#', '').trim());
}"""

FOOTER = (
    '<div style="font-size:8px; width:100%; text-align:center; color:#555;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def build_single_html(work: Path) -> Path:
    jb = Path(sys.executable).with_name("jupyter-book")
    src = work / "src"
    shutil.rmtree(src, ignore_errors=True)
    cmd = [str(jb), "build", str(ROOT), "--all", "--builder", "singlehtml", "--keep-going"]
    cmd += ["--path-output", str(src)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    (work / "singlehtml-build.log").write_text(proc.stdout + "\n" + proc.stderr)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
        raise SystemExit(f"the single-page build failed:\n{tail}")
    return src / "_build" / "singlehtml"


def chromium() -> str:
    for c in (
        os.environ.get("MLPBOOK_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
    ):
        if c and Path(c).exists():
            return c
    raise SystemExit("Chromium not found: install it (Debian/Ubuntu: apt-get install chromium)")


def print_pdf(html_dir: Path, out: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    intro = (ROOT / "intro.md").read_text().splitlines()
    subtitle = next((ln.strip("*_ ") for ln in intro if ln.startswith("*")), "")
    meta = {
        "title": config["title"],
        "author": config.get("author", ""),
        "subtitle": subtitle,
        "date": dt.date.today().strftime("%B %Y"),
    }
    handler = functools.partial(_Quiet, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.route(
                "**/*",
                lambda r: (
                    r.continue_()
                    if r.request.url.startswith((base, "data:", "blob:"))
                    else r.abort()
                ),
            )
            page.goto(f"{base}/intro.html", wait_until="load", timeout=180_000)
            page.evaluate("""() => Promise.all(Array.from(document.images).map(i => i.complete
                ? null : new Promise(r => { i.onload = i.onerror = r; })))""")
            parts = page.evaluate(PREPARE_JS, meta)
            page.emulate_media(media="print")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(
                path=str(out),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"},
            )
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return parts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=BUILD / "book.pdf")
    ap.add_argument("--work", type=Path, default=BUILD, help="where the single page is built")
    ap.add_argument("--no-build", action="store_true", help="reuse WORK/src")
    ap.add_argument("--site", type=Path, help="also copy the PDF into this website as book.pdf")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    fingerprint = source_fingerprint(ROOT)  # the sources this PDF is made from
    single = args.work / "src" / "_build" / "singlehtml"
    html_dir = single if args.no_build else build_single_html(args.work)
    parts = print_pdf(html_dir, args.out)
    print(f"{args.out} written: {len(parts)} chapters and reference pages")
    if args.site:
        args.site.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.out, args.site / PDF_NAME)
        (args.site / PDF_SOURCE).write_text(fingerprint + "\n", encoding="utf-8")
        write_pdf_marker(args.site, ROOT)
        print(f"copied to {args.site / PDF_NAME} (the website's Download menu offers it)")


if __name__ == "__main__":
    main()
