"""Count the prose words of a chapter notebook (``python tests/book/prose.py chapters/*.ipynb``).

Prose is the text of the markdown cells without code blocks (except the text inside
directives such as admonitions and exercises), without display and inline math (an
inline formula counts as one word), without directive option lines and without the
targets of roles (a cross-reference counts as one word).  The book's budgets are
checked with this count by ``test_notebook_hygiene.py``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-\.]*")


def prose_words(path: Path) -> int:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    text = re.sub(
        r"```.*?\n(.*?)```",
        lambda m: "" if m.group(0).startswith("```{code") else m.group(1),
        text,
        flags=re.S,
    )
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$\n]+\$", " MATH ", text)
    text = re.sub(r"^:\w[\w-]*:.*$", "", text, flags=re.M)
    text = re.sub(r"\{[a-z:]+\}`[^`]*`", " REF ", text)
    return len(WORD.findall(text))


if __name__ == "__main__":
    total = 0
    for arg in sys.argv[1:]:
        n = prose_words(Path(arg))
        total += n
        print(f"{n:6d}  {arg}")
    print(f"{total:6d}  total")
