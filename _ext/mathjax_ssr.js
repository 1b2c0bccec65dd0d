// Server-side MathJax for the book's website (used by _ext/book_fixes.py).
//
// Reads one JSON request per line on stdin: {"items": [{"tex": "...", "display": true}, ...]}
// and answers one JSON line: {"html": ["<mjx-container ...>", ...], "css": "...", "errors": [...]}.
// Each request is one page: the CSS covers exactly the characters that page uses.
// It runs the MathJax 3 copy that sphinx-mathjax-offline ships (node-main.js + components),
// so the output is the same CommonHTML the browser would produce, with assistive MathML for
// screen readers, and needs no network.
"use strict";
const path = require("path");
const readline = require("readline");

const MJDIR = path.resolve(process.argv[2]);
const FONT_URL = process.argv[3] || "fonts";

require(path.join(MJDIR, "node-main.js")).init({
  loader: {
    paths: { mathjax: MJDIR },
    load: ["adaptors/liteDOM", "input/tex-full", "output/chtml", "a11y/assistive-mml"],
    require: require,
  },
  tex: { packages: { "[+]": [] } },
  chtml: { fontURL: FONT_URL },
  startup: { typeset: false },
}).then((MJ) => {
  const adaptor = MJ.startup.adaptor;
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  rl.on("line", (line) => {
    if (!line.trim()) return;
    const req = JSON.parse(line);
    // A fresh document per page, so the stylesheet holds only this page's characters.
    MJ.startup.output.clearCache && MJ.startup.output.clearCache();
    MJ.startup.document = MJ.startup.getDocument();
    const html = [];
    const errors = [];
    for (const item of req.items) {
      const node = MJ.tex2chtml(item.tex, { display: !!item.display });
      const out = adaptor.outerHTML(node);
      if (out.includes("mjx-merror") || out.includes("data-mjx-error")) errors.push(item.tex);
      html.push(out);
    }
    const css = adaptor.textContent(MJ.chtmlStylesheet());
    process.stdout.write(JSON.stringify({ html, css, errors }) + "\n");
  });
}).catch((err) => {
  process.stderr.write("mathjax_ssr: " + (err && err.stack || err) + "\n");
  process.exit(1);
});
