/* The book's website fixes (added by _ext/book_fixes.py). */
"use strict";

(function () {
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  /* Sidebar toggles (pydata-sphinx-theme #2451 with sphinx-book-theme 1.3.0).
     The themes bind their click handlers to the FIRST .primary-toggle / .secondary-toggle in
     the page, a header button that is hidden in this layout, so the visible buttons in the
     article header did nothing.  Every other toggle forwards its click to the bound one,
     which then does what the theme intends: on a wide screen ☰ shows/hides the sidebar,
     on a narrow one it opens the sidebar as a dialog. */
  function fixSidebarToggles() {
    ["primary-toggle", "secondary-toggle"].forEach(function (cls) {
      var toggles = document.querySelectorAll("." + cls);
      if (toggles.length < 2) return;
      var bound = toggles[0];
      Array.prototype.slice.call(toggles, 1).forEach(function (btn) {
        btn.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopPropagation();
          btn.blur();
          bound.click();
        });
        var name = cls === "primary-toggle" ? "Site navigation" : "On this page";
        btn.setAttribute("aria-label", name);
        btn.setAttribute("title", name);
      });
    });
  }

  /* Search buttons show "Search Ctrl+K" but were labelled "Search" only
     (label-content-name-mismatch): let the visible text be the name. */
  function fixSearchButtonNames() {
    document.querySelectorAll("button.search-button-field[aria-label]").forEach(function (b) {
      b.removeAttribute("aria-label");
    });
  }

  /* Regions that scroll sideways (wide tables, code, display equations on a phone) must be
     reachable by keyboard (scrollable-region-focusable); formulas that fit stay out of
     the Tab order. */
  var SCROLLERS = ".pst-scrollable-table-container, div.highlight pre, div.math > mjx-container, " +
                  "div.cell_output .output, .mlpkit-interactive";
  function markScrollables(root) {
    root = root && root.querySelectorAll ? root : document;
    root.querySelectorAll(SCROLLERS).forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1 &&
                    /(auto|scroll)/.test(getComputedStyle(el).overflowX);
      var marked = el.hasAttribute("data-book-scroll");
      if (scrolls && !marked) {
        if (!el.hasAttribute("tabindex") || el.getAttribute("tabindex") === "-1") {
          el.setAttribute("tabindex", "0");
          el.setAttribute("data-book-scroll", "");
          if (!el.hasAttribute("role")) { el.setAttribute("role", "region"); el.setAttribute("data-book-role", ""); }
          if (!el.hasAttribute("aria-label")) {
            el.setAttribute("aria-label", el.matches("mjx-container") ? "equation (scrolls sideways)" :
                            el.matches("pre") ? "code (scrolls sideways)" : "scrollable region");
            el.setAttribute("data-book-label", "");
          }
        }
      } else if (!scrolls && marked) {
        el.removeAttribute("tabindex"); el.removeAttribute("data-book-scroll");
        if (el.hasAttribute("data-book-role")) { el.removeAttribute("role"); el.removeAttribute("data-book-role"); }
        if (el.hasAttribute("data-book-label")) { el.removeAttribute("aria-label"); el.removeAttribute("data-book-label"); }
      }
      el.classList.toggle("book-scrolls", scrolls);
    });
  }
  window.bookMarkScrollables = markScrollables;

  /* "Solution to Exercise N": the title is mostly a link to the exercise, so a click jumped
     away instead of opening the solution.  A click on the title now opens/closes it. */
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest(".solution.dropdown > .admonition-title a");
    if (!a) return;
    e.preventDefault();
    e.stopPropagation();
    var button = a.closest(".admonition-title").querySelector("button.toggle-button");
    if (button) button.click();
  }, true);

  /* Printing: open every solution, so that paper shows it (cells folded with hide-input
     are scaffolding and stay folded; print hides their "Show code" line). */
  function expandAll() {
    document.querySelectorAll(".toggle-hidden").forEach(function (el) {
      el.classList.remove("toggle-hidden");
    });
    document.querySelectorAll("button.toggle-button").forEach(function (b) {
      b.classList.remove("toggle-button-hidden");
    });
  }
  window.bookExpandAll = expandAll;
  window.addEventListener("beforeprint", expandAll);

  /* Search.  Snippets came from the whole page (toolbar text: "....pdf Backpropagation
     Contents") and from formulas; they now come from the article's prose only.  A result that
     matched a page's text pointed to the page top; it now points to the section where the
     term first occurs in the prose (or, failing that, in the code), and its snippet comes from
     that section.  A result that points where an earlier one already points is dropped. */
  var NOT_PROSE = [".headerlink", "script", "style", "#jb-print-docs-body", ".bd-header-article",
                   ".onlyprint", "mjx-container", ".math", "button", ".prev-next-area", "nav",
                   ".cell_input", ".cell_output", ".eqno"];
  /* Sphinx's summary code and ours both read each result page: the last parse is kept, so a
     page is parsed once per list of removals, not once per reader (nothing mutates it). */
  var lastParse = {html: null, removals: null, main: null};
  var CODE_TOO = [".headerlink", "script", "style"];
  function parseMain(htmlString, removals) {
    if (lastParse.html === htmlString && lastParse.removals === removals) return lastParse.main;
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    removals.forEach(function (q) {
      doc.querySelectorAll(q).forEach(function (el) { el.remove(); });
    });
    var main = doc.querySelector('[role="main"]') || doc.body;
    lastParse = {html: htmlString, removals: removals, main: main};
    return main;
  }
  /* The innermost section holding the first occurrence of one of the (stemmed) search terms:
     {id, title}, title "" for the page's top section; or null. */
  function sectionOfFirstMatch(main, keywords) {
    var terms = Array.from(keywords || []).map(function (k) {
      return String(k).toLowerCase();
    }).filter(Boolean);
    if (!terms.length) return null;
    var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var text = node.nodeValue.toLowerCase();
      if (terms.some(function (t) { return text.indexOf(t) >= 0; })) {
        var section = node.parentElement && node.parentElement.closest("section[id]");
        if (!section) return null;
        var title = "";
        var heading = section.querySelector(":scope > h1, :scope > h2, :scope > h3, :scope > h4");
        if (heading && section.parentElement && section.parentElement.closest("section")) {
          heading = heading.cloneNode(true);
          heading.querySelectorAll(".section-number").forEach(function (n) { n.remove(); });
          title = heading.textContent.trim();
        }
        return {id: section.id, title: title};
      }
    }
    return null;
  }
  if (typeof Search !== "undefined" && Search.htmlToText) {
    Search.htmlToText = function (htmlString, anchor) {
      var main = parseMain(htmlString, NOT_PROSE);
      if (anchor) {
        try {
          var part = main.querySelector(anchor);
          if (part) return part.textContent;
        } catch (err) { /* an anchor that is not a valid selector */ }
      }
      return main.textContent;
    };
  }
  if (typeof Search !== "undefined" && Search.makeSearchSummary) {
    var makeSummary = Search.makeSearchSummary;
    Search.makeSearchSummary = function (htmlText, keywords, anchor) {
      var found = null;
      if (!anchor) {
        found = sectionOfFirstMatch(parseMain(htmlText, NOT_PROSE), keywords) ||
          sectionOfFirstMatch(parseMain(htmlText, CODE_TOO), keywords);
      }
      var summary = makeSummary(htmlText, keywords, found ? "#" + CSS.escape(found.id) : anchor);
      if (summary && found) {
        summary.setAttribute("data-book-section", found.id);
        summary.setAttribute("data-book-section-title", found.title);
      }
      return summary;
    };
  }
  /* Point a full-text result at the section its snippet came from, and name that section
     as title matches do ("5. Backpropagation > Gradient checking"). */
  function linkResultsToSections(list) {
    list.querySelectorAll(":scope > li > p.context[data-book-section]").forEach(function (p) {
      var a = p.parentElement.querySelector("a");
      var id = p.getAttribute("data-book-section");
      var title = p.getAttribute("data-book-section-title");
      p.removeAttribute("data-book-section");
      p.removeAttribute("data-book-section-title");
      if (a && a.getAttribute("href").indexOf("#") < 0) {
        a.setAttribute("href", a.getAttribute("href") + "#" + encodeURIComponent(id));
        if (title) a.appendChild(document.createTextNode(" > " + title));
        p.parentElement.classList.add("book-text-result");
      }
    });
  }
  function dedupeSearchResults(list) {
    var seen = {};
    list.querySelectorAll(":scope > li").forEach(function (li) {
      var a = li.querySelector("a");
      if (!a) return;
      var key = a.pathname + a.hash;   // "5. Backpropagation" and "5. Backpropagation > Backpropagation"
      if (seen[key]) li.remove(); else seen[key] = true;
    });
  }
  ready(function () {
    var results = document.getElementById("search-results");
    if (!results) return;
    document.body.classList.add("book-search-page");
    new MutationObserver(function () {
      results.querySelectorAll("ul.search").forEach(function (list) {
        linkResultsToSections(list);
        dedupeSearchResults(list);
      });
    }).observe(results, {childList: true, subtree: true});
  });

  /* Download menu.  The theme's ".pdf" printed the current page (window.print()).  `make pdf`
     copies the whole book into the site as book.pdf and writes _static/book-pdf.js
     (window.bookPdf, see _ext/book_fixes.py); where the site has it, the menu offers the whole
     book first and keeps printing the page as a second entry.  A site built without the PDF
     keeps "print this page" only: never a dead link.  <html data-book-pdf="yes|no"> records
     the outcome (the browser test waits on it). */
  function offerBookPdf() {
    var html = document.documentElement;
    var print = document.querySelector(".dropdown-download-buttons .btn-download-pdf-button");
    if (!print) return;
    var text = print.querySelector(".btn__text-container");
    if (text) text.textContent = "print this page";
    print.setAttribute("title", "Print this page (or save it as PDF)");
    var info = window.bookPdf;
    if (!info || !info.href) { html.setAttribute("data-book-pdf", "no"); return; }
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = (html.getAttribute("data-content_root") || "./") + info.href;
    a.className = "btn btn-sm btn-download-book-pdf-button dropdown-item";
    a.title = "The whole book as one PDF";
    var size = info.bytes ? ", " + (info.bytes / 1e6).toFixed(1) + " MB" : "";
    a.innerHTML = '<span class="btn__icon-container">' +
                  '<i class="fas fa-file-pdf" aria-hidden="true"></i></span>' +
                  '<span class="btn__text-container">whole book .pdf' + size + '</span>';
    li.appendChild(a);
    var item = print.closest("li");
    item.parentNode.insertBefore(li, item);
    html.setAttribute("data-book-pdf", "yes");
  }

  /* Icons (FontAwesome's font, cut to the book's icons by _ext/icon_fonts.py; its script, which
     used to add aria-hidden, is not loaded) are decoration next to a label or inside a
     button that has a name: screen readers skip them. */
  function hideIcons(root) {
    (root || document).querySelectorAll('i[class*="fa-"]').forEach(function (i) {
      i.setAttribute("aria-hidden", "true");
    });
  }

  ready(offerBookPdf);
  ready(function () { hideIcons(); });
  ready(fixSidebarToggles);
  ready(fixSearchButtonNames);
  ready(function () { markScrollables(); });
  window.addEventListener("load", function () { markScrollables(); });
  /* Paragraphs and list items far below are laid out only when they come near the viewport
     (content-visibility in book.css); check what they hold when they do. */
  document.addEventListener("contentvisibilityautostatechange", function (e) {
    if (!e.skipped) markScrollables(e.target);
  }, true);
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { markScrollables(); }, 150);
  });
})();
