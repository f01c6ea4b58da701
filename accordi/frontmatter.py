"""What a Markdown file's opening says when its front matter cannot be split from its text.

A file that opens with `---` but never closes it is the common case: the editor deleted the
second `---` with the line above it, or never wrote it. Saying the file "does not start with
front matter" would send them looking for the wrong mistake.
"""

from __future__ import annotations

import re

# A line of front matter: a field (`title: ...`), a list item, a continuation (indented),
# or a comment (`# ...`, but not a heading such as `## Art. 1`).
_FIELD_LINE = re.compile(r"^(?:[A-Za-z_][\w-]*\s*:(?:\s|$)|-(?:\s|$)|\s|#(?!#)|$)")


def problem(text: str) -> tuple[str, str]:
    """(message, hint) for a file without a front matter that `split_front_matter` takes."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return ("the file does not start with front matter",
                "begin the file with a line `---`, the fields, then another `---` line")
    where = next((i for i, line in enumerate(lines[1:], 2) if not _FIELD_LINE.match(line)),
                 None)
    hint = "add a line `---` after the last field, before the text"
    if where is not None:
        hint += f" (the text seems to begin on line {where})"
    return "the front matter that begins on line 1 has no closing `---` line", hint
