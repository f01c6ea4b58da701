"""One content file, parsed: YAML with the line of every value, and the Markdown body.

This and `content` are the only modules that touch content files. Nothing here raises for an
editor's mistake: each problem is added to the collector and the broken file is left out, so
that the rest of the tree is still checked in the same run.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from . import frontmatter, schema
from .bodychecks import body_problems
from .bodymarks import NONE as NO_MARKS
from .bodymarks import BodyMarks, level_problems, marks_of
from .errors import ErrorCollector, Problem
from .yamlmarks import Marked, YamlProblem, load

ARTICLED = ("agreement", "agreementTranslation")  # kinds of files whose texts have articles
TODO = re.compile(r"\bTODO\b[:\s]*(.*)")


class Todo(NamedTuple):
    """A line of a file marked `TODO` (a new site's examples), and what it asks for."""

    line: int
    what: str


def todos_of(text: str) -> tuple[Todo, ...]:
    """The lines of a file's text that say `TODO`."""
    if "TODO" not in text:
        return ()
    return tuple(Todo(i, m.group(1).strip().rstrip(".") or "this line")
                 for i, line in enumerate(text.splitlines(), 1) if (m := TODO.search(line)))


class SourceChanged(Exception):
    """A file changed after it was read and before its text was shown: the build must read
    the content again."""

    def __init__(self, path: Path):
        super().__init__(f"{path} changed while the site was being built")
        self.path = path


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True, repr=False)
class Source:
    """One parsed content file: data with line marks, and where its Markdown body is.

    The body is not held: `body` reads it again from the file and checks it against the
    digest taken when the file was parsed. A site's texts are most of its size, and each is
    shown by one page.
    """

    path: Path
    marked: Marked
    body_line: int = 1
    data_digest: str = ""
    body_digest: str = ""  # of the body's UTF-8; empty for a file without one
    marks: BodyMarks = NO_MARKS  # the body's links into the site, and which parts it has
    todos: tuple[Todo, ...] = ()  # the file's lines marked TODO

    @property
    def data(self) -> dict[str, Any]:
        """The parsed mapping."""
        return self.marked.data

    @property
    def body(self) -> str:
        """The Markdown body, as it was when the file was parsed."""
        if not self.body_digest:
            return ""
        text = read_text(self.path)
        parts = split_front_matter(text) if text is not None else None
        if parts is None or _sha1(parts[1].encode("utf-8")) != self.body_digest:
            raise SourceChanged(self.path)
        return parts[1]

    def line(self, *path: Any) -> int:
        """Line of a key path in this file."""
        return self.marked.line(path)

    def __repr__(self) -> str:
        """What the file says, in short: two sources with the same repr say the same."""
        return f"Source({str(self.path)!r}, {self.data_digest}, {self.body_digest})"


def source(path: Path, marked: Marked, body: str | None = None, body_line: int = 1,
           marks: BodyMarks = NO_MARKS, todos: tuple[Todo, ...] = ()) -> Source:
    """A Source with its digests."""
    return Source(path, marked, body_line, _sha1(repr(marked.data).encode("utf-8")),
                  _sha1(body.encode("utf-8")) if body else "", marks, todos)


def read_text(path: Path) -> str | None:
    """The file's text (a byte order mark, as some editors write, is not part of it)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _read(path: Path, errors: ErrorCollector) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        errors.add(path, 1, "", f"the file is not valid UTF-8 (byte {exc.start})",
                   "save the file with UTF-8 encoding")
    except OSError as exc:
        errors.add(path, 0, "", f"cannot read the file: {exc.strerror}", "check its permissions")
    return None


def _report(errors: ErrorCollector, path: Path,
            problems: Sequence[Problem | YamlProblem]) -> None:
    for p in problems:
        errors.add(path, p.line, p.field, p.message, p.hint)


def load_yaml(path: Path, kind: str, errors: ErrorCollector) -> Source | None:
    """A YAML data file validated as `kind`; None when it cannot be used."""
    text = _read(path, errors)
    if text is None:
        return None
    marked, problems = load(text)
    _report(errors, path, problems)
    if marked is None or problems:
        return None
    invalid = schema.validate(kind, marked)
    _report(errors, path, invalid)
    return None if invalid else source(path, marked, todos=todos_of(text))


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(yaml, body, body's first line) for a file opening with `---`; None otherwise."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "".join(lines[1:i]), "".join(lines[i + 1:]), i + 2
    return None


def load_markdown(path: Path, kind: str, errors: ErrorCollector,
                  foreign: dict[str, str] | None = None) -> Source | None:
    """A Markdown file whose front matter is validated as `kind`.

    `foreign` maps fields that belong in another file to that file's name, so the error can
    say where the field should go instead of merely calling it unknown.
    """
    text = _read(path, errors)
    if text is None:
        return None
    parts = split_front_matter(text)
    if parts is None:
        errors.add(path, 1, "", *frontmatter.problem(text))
        return None
    front, body, body_line = parts
    marked, problems = load(front, first_line=2)
    _report(errors, path, problems)
    if marked is None or problems:
        return None
    if not isinstance(marked.data, dict):
        errors.add(path, 2, "", "the front matter must be a list of `field: value` lines",
                   "write one `field: value` per line between the `---` lines")
        return None
    misplaced = [k for k in marked.data if k in (foreign or {})]
    for key in misplaced:
        errors.add(path, marked.line((key,)), key, f"belongs in {(foreign or {})[key]}",
                   "facts are recorded once, in the Italian source; remove the field here")
    for key in misplaced:
        del marked.data[key]
    invalid = schema.validate(kind, marked)
    _report(errors, path, invalid)
    in_body = body_problems(body, body_line)
    if kind in ARTICLED:
        in_body += level_problems(body, body_line)
    for line, message, hint in in_body:
        errors.add(path, line, "body", message, hint)
    if invalid or misplaced:
        return None
    marks = marks_of(body, body_line) if kind in ARTICLED and not in_body else NO_MARKS
    return source(path, marked, body, body_line, marks, todos_of(text))
