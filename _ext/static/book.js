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

  ready(fixSidebarToggles);
})();
