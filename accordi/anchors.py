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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .errors import ErrorCollector
from .published import removal_day, rewrite

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
    of each page, and the notes on anchors that moved or went. Empty before the first build
    records any."""

    pages: dict[str, tuple[int, str]] = field(default_factory=dict)
    notes: dict[str, dict[str, Note]] = field(default_factory=dict)  # page -> anchor -> note

    def notes_of(self, page: str) -> dict[str, Note]:
        """The notes on the anchors of `page` (what its rendering follows)."""
        return self.notes.get(page, {})


class PageEntry(NamedTuple):
    """What the list holds for one page: its line and recorded anchors (None when it has
    none recorded) and the notes on its anchors."""

    recorded: tuple[int, str] | None
    notes: dict[str, Note]


def entry(ledger: Ledger, page: str) -> PageEntry:
    return PageEntry(ledger.pages.get(page), ledger.notes_of(page))


def address_of(output: str) -> str:
    """The address below the base URL that serves an output file, as the list writes it."""
    return "/" + output.removesuffix("index.html")


def ancestors(anchor: str) -> Iterator[str]:
    """The article of a paragraph, the paragraph and article of a point (`art-3-2-a`:
    `art-3-2`, `art-3`): what a renumbering or removal of theirs carries with it."""
    for _ in range(2):
        head, _, last = anchor.rpartition("-")
        if not head or not (last.isdigit() or (len(last) == 1 and last.isalpha())):
            return
        anchor = head
        yield anchor


def landing(notes: dict[str, Note], have: set[str], anchor: str) -> str | None:
    """Where a renumbered anchor lands now, following renumberings of renumberings."""
    seen = {anchor}
    to = notes[anchor].to
    while to is not None and to not in have and to in notes and to not in seen:
        seen.add(to)
        to = notes[to].to
    return to if to in have else None


Moves = tuple[tuple[str, str], ...]  # (former anchor, the anchor it lands on now)


def moves(notes: dict[str, Note], have: set[str]) -> Moves:
    """The former anchors a page keeps, and where each lands now: every renumbered one the
    page no longer has, with the paragraphs and points under it (`#art-3-2-a` lands on
    `#art-4-2-a` when `#art-3` became `#art-4`)."""
    found: dict[str, str] = {}
    for note in notes.values():
        if note.to is None or note.anchor in have:
            continue
        to = landing(notes, have, note.anchor)
        if to is None:
            continue
        found[note.anchor] = to
        for under in sorted(have):
            if under.startswith(to + "-") and note.anchor in ancestors(
                    former := note.anchor + under[len(to):]) and former not in have \
                    and former not in notes:
                found.setdefault(former, under)
    return tuple(found.items())


def ledger_path(content: Path) -> Path:
    return content / LEDGER


def read(file: Path, errors: ErrorCollector) -> Ledger:
    """The anchors recorded in `file`, its mistakes reported with their lines."""
    return _parse(file, errors)


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
    removed = removal_day(m["date"], file, number, errors)
    if not removed.ok:
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
    notes[anchor] = Note(page, anchor, number, m["to"], removed.day)


def record(content: Path, current: dict[str, str]) -> int:
    """Add the anchors not yet recorded (creating the file); returns how many.

    `current`: each page's anchors as the build published them (separated by spaces). A
    page's new anchors go at the end of its line; new pages, at the end of the file.
    """

    def add(lines: list[str]) -> tuple[list[str], int]:
        lines = list(lines)
        where: dict[str, int] = {}
        for i, raw in enumerate(lines):
            if m := PAGE_LINE.match(raw.strip()):
                where.setdefault(m["page"], i)
        added = 0
        for page, anchors in sorted(current.items()):
            if not anchors:
                continue
            if page not in where:
                lines.append(f"{page} " + " ".join(f"#{a}" for a in anchors.split()))
                added += len(anchors.split())
                continue
            line = lines[where[page]].rstrip()
            known = set(line.split()[1:])
            fresh = [f"#{a}" for a in anchors.split() if f"#{a}" not in known]
            if fresh:
                lines[where[page]] = line + " " + " ".join(fresh)
                added += len(fresh)
        return lines, added

    return rewrite(ledger_path(content), HEADER, add)
