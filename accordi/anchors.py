"""Anchors never die either: every article, paragraph and point anchor an agreement's page
has published keeps landing somewhere.

`content/published-anchors.txt`, beside `published-urls.txt` and committed with it, lists each
agreement page below the base URL with the anchors it has published, one page a line:

    /it/accordi/milano-riga-2018/ #art-1 #art-1-1 #art-1-2 #art-1-2-a #art-2

The build adds each new anchor; editors never delete one. An anchor that a page would stop
having must be covered by a line of its own, else `check` and `build` stop (see
`accordi.deeplinks`):

    /it/accordi/milano-riga-2018/#art-3 renumbered #art-4
    /it/accordi/milano-riga-2018/#art-5 removed 2025-05-01

A renumbered article takes its paragraphs and points with it (`#art-3-2-a` lands on
`#art-4-2-a`); the page keeps the old anchor in place, on the new heading.
"""

from __future__ import annotations

import datetime as dt
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ErrorCollector

LEDGER = "published-anchors.txt"
HEADER = """\
# Every anchor of an agreement's text this site has published (#art-3 is an article, #art-3-2
# its 2nd paragraph, #art-3-2-a a point of it), page by page below the base URL.
# `make build` adds new ones: commit this file with your change. Never delete an anchor.
# Renumbered an article, paragraph or point? Add a line such as
#   /it/accordi/<id>/#art-3 renumbered #art-4
# and links to the old anchor land on the new one (an article's paragraphs and points follow).
# Removed one? Add a line such as
#   /it/accordi/<id>/#art-3 removed YYYY-MM-DD
"""
PAGE_LINE = re.compile(r"^(?P<page>/\S*/)(?P<anchors>(?:[ \t]+#[^\s#]+)+)$")
NOTE_LINE = re.compile(r"^(?P<page>/\S*/)#(?P<anchor>[^\s#]+)[ \t]+(?:renumbered[ \t]+#"
                       r"(?P<to>[^\s#]+)|removed[ \t]+(?P<date>\S+))$")


@dataclass(frozen=True)
class Note:
    """An anchor that a page no longer has, and where links to it go instead (`to`), or the
    day it was removed."""

    page: str
    anchor: str
    line: int
    to: str | None = None
    removed: dt.date | None = None


@dataclass
class Ledger:
    """The anchors recorded for each page (separated by spaces, without `#`), with the line
    of each page, and the notes on anchors that moved or went."""

    pages: dict[str, tuple[int, str]] = field(default_factory=dict)
    notes: dict[str, dict[str, Note]] = field(default_factory=dict)  # page -> anchor -> note


def ledger_path(content: Path) -> Path:
    return content / LEDGER


def read(content: Path, errors: ErrorCollector) -> Ledger | None:
    """The recorded anchors; None when the content has none recorded yet.

    Read again only when the file changed: the live server asks after every edit.
    """
    global _READ
    file = ledger_path(content)
    try:
        st = file.stat()
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    signature = (str(file), str(errors.root), st.st_mtime_ns, st.st_size, st.st_ino)
    if _READ is None or _READ[0] != signature:
        local = ErrorCollector(errors.root)
        _READ = (signature, _parse(file, local), local.errors)
    errors.errors.extend(_READ[2])
    return _READ[1]


_READ: tuple[tuple, Ledger, list] | None = None


def forget() -> None:
    """Drop the list kept for the next read (see `read`), for a process that builds once."""
    global _READ
    _READ = None


def _parse(file: Path, errors: ErrorCollector) -> Ledger:
    ledger = Ledger()
    for number, raw in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        if m := PAGE_LINE.match(text):
            page = m["page"]
            if page in ledger.pages:
                errors.add(file, number, "", f"`{page}` is listed twice (first on line "
                           f"{ledger.pages[page][0]})", "keep one line for each page")
                continue
            ledger.pages[page] = (number, m["anchors"].replace("#", "").strip().replace(
                "\t", " "))
            continue
        if not (m := NOTE_LINE.match(text)):
            errors.add(file, number, "", f"`{text}` is not a line of this list",
                       "write a page's address followed by its anchors (`/it/accordi/<id>/ "
                       "#art-1 #art-2`), or an anchor's address followed by `renumbered "
                       "#<new anchor>` or `removed YYYY-MM-DD`")
            continue
        _note(ledger, file, number, m, errors)
    return ledger


def _note(ledger: Ledger, file: Path, number: int, m: re.Match, errors: ErrorCollector
          ) -> None:
    page, anchor = m["page"], m["anchor"]
    removed = None
    if m["date"]:
        try:
            removed = dt.date.fromisoformat(m["date"])
        except ValueError:
            errors.add(file, number, "", f"`{m['date']}` is not a date",
                       "write the day of removal as YYYY-MM-DD")
            return
    if m["to"] == anchor:
        errors.add(file, number, "", f"`#{anchor}` is renumbered as itself",
                   "write the anchor its heading or paragraph has now")
        return
    notes = ledger.notes.setdefault(page, {})
    if anchor in notes:
        errors.add(file, number, "", f"`{page}#{anchor}` is noted twice (first on line "
                   f"{notes[anchor].line})", "keep one line for each anchor")
        return
    notes[anchor] = Note(page, anchor, number, m["to"], removed)


def record(content: Path, current: dict[str, str]) -> int:
    """Add the anchors not yet recorded (creating the file); returns how many.

    `current`: each page's anchors as the build published them (separated by spaces). A
    page's new anchors go at the end of its line; new pages, at the end of the file.
    """
    file = ledger_path(content)
    lines = file.read_text(encoding="utf-8").splitlines() if file.is_file() else \
        HEADER.splitlines()
    where: dict[str, int] = {}
    for i, raw in enumerate(lines):
        if m := PAGE_LINE.match(raw.strip()):
            where.setdefault(m["page"], i)
    added, new_pages = 0, []
    for page, anchors in sorted(current.items()):
        if not anchors:
            continue
        if page not in where:
            new_pages.append(f"{page} " + " ".join(f"#{a}" for a in anchors.split()))
            added += len(anchors.split())
            continue
        line = lines[where[page]].rstrip()
        known = set(line.split()[1:])
        fresh = [f"#{a}" for a in anchors.split() if f"#{a}" not in known]
        if fresh:
            lines[where[page]] = line + " " + " ".join(fresh)
            added += len(fresh)
    if added:
        file.write_text("\n".join(lines + new_pages) + "\n", encoding="utf-8")
    return added
