"""Small Sphinx fixes for the book's website.

sphinx-thebe 0.3.1 registers its inline configuration script once per
``env-before-read-docs`` event, which fires more than once in a Jupyter Book
build; every page then declares ``const THEBE_JS_URL`` twice and the browser
console reports a SyntaxError (the two copies differ only in a filename of
``None`` versus ``""``).  This extension drops repeated script entries
from each page's context, so every script is included exactly once.
"""
from __future__ import annotations


def _script_key(js) -> tuple:
    attributes = getattr(js, "attributes", {}) or {}
    return (getattr(js, "filename", None) or "", tuple(sorted((k, str(v)) for k, v in attributes.items())))


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
    scripts[:] = unique   # in place: handlers that run later (MathJax) append to this list


def setup(app):
    app.connect("html-page-context", _drop_repeated_scripts, priority=10)  # before handlers that return a template (emit_firstresult)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
