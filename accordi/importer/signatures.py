"""The block of signatures at the end of an agreement, often in two columns side by side.

A page's columns arrive as runs of spaces inside lines (a table's as tabs): the lines are
split into the columns they belong to, then each column into signatures, one per `Per ...`
(`For ...`). A line of a single column is put in the nearest column still open; a column
is closed once it has its mark of signature (`(firmato digitalmente)`, `f.to`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import accordi.importer.patterns as pt

from .parts import Paragraph

GAP = re.compile(r"\t| {3,}")
SIGNED_MARK = re.compile(r"^\(?\s*(?:firmato|f\.to|signed)\b.*|^\(.*\)$", re.IGNORECASE)
TITLE = (r"(?:dott\.?(?:ssa)?|dr\.?(?:ssa)?|avv\.?|ing\.?|prof\.?(?:ssa)?|arch\.?|"
         r"sig\.?(?:ra)?|on\.|mr\.?|mrs\.?|ms\.?)")
HONORIFIC = re.compile(rf"^{TITLE}\s+", re.IGNORECASE)
ARTICLE_WORD = re.compile(r"^(?:(?:il|la|lo|i|gli|le|the)\s+|l[’'])", re.IGNORECASE)
ROLE_WORDS = re.compile(r"^(?:sindac|president|direttor|segretari|assessor|dirigent|"
                        r"responsabil|rettor|console|ambasciat|mayor|director|secretary|"
                        r"vice|governor|chair)", re.IGNORECASE)
LONG_LINE = 70  # characters: a line this long is prose again, not a signature


@dataclass
class Signature:
    """One signature: its lines as the column shows them, and where it starts."""

    lines: list[str]
    where: str

    @property
    def party(self) -> str:
        """For whom it is signed (`Comune di Milano`), or ''."""
        n = _party_lines(self.lines)
        if not n:
            return ""
        text = re.sub(r"^(?:per|for|p\.)\s+", "", " ".join(self.lines[:n]), flags=re.I)
        return ARTICLE_WORD.sub("", text).strip()

    @property
    def name(self) -> str:
        """The signatory's name, without a title such as `Dott.`."""
        rest = self.lines[_party_lines(self.lines):]
        for line in rest:
            if HONORIFIC.match(line):
                return HONORIFIC.sub("", line).strip()
        for line in reversed(rest):
            if not SIGNED_MARK.match(line) and not ARTICLE_WORD.match(line) and \
                    _looks_like_name(line):
                return line.strip()
        return ""

    @property
    def role(self) -> str:
        """The signatory's role (`Segretario Generale`), or ''."""
        rest = self.lines[_party_lines(self.lines):]
        parts = [line for line in rest if not SIGNED_MARK.match(line)
                 and line.strip() != self.name and HONORIFIC.sub("", line).strip() != self.name]
        return ARTICLE_WORD.sub("", ", ".join(parts)).strip()

    def text(self) -> str:
        """The signature as one line: `Per X — Il Sindaco, Nome Cognome (firmato ...)`."""
        n = _party_lines(self.lines)
        rest = self.lines[n:]
        marks = [line for line in rest if line.startswith("(")]
        others = [line for line in rest if not line.startswith("(")]
        text = " ".join(self.lines[:n])
        if others:
            text = f"{text} — {', '.join(others)}" if text else ", ".join(others)
        return " ".join([text, *marks]).strip()


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and not \
        ROLE_WORDS.match(line)


def _party_lines(lines: list[str]) -> int:
    """How many of a signature's first lines name the party it is signed for."""
    if not lines or not pt.SIGNATURE.match(lines[0]):
        return 0
    n = 1
    while n < len(lines) and not (ARTICLE_WORD.match(lines[n]) or HONORIFIC.match(lines[n])
                                  or lines[n].startswith("(") or ROLE_WORDS.match(lines[n])):
        n += 1
    return n


@dataclass
class _Column:
    lines: list[tuple[str, str]] = field(default_factory=list)  # (text, where)
    positions: list[float] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return bool(self.lines) and bool(SIGNED_MARK.match(self.lines[-1][0]))

    @property
    def position(self) -> float:
        return sum(self.positions) / len(self.positions) if self.positions else 0.0


def _segments(line: str) -> list[tuple[float, str]]:
    """(position, text) of each column of a line: a table cell's index, else the middle of
    the text in characters."""
    if "\t" in line:
        return [(1000.0 * i, cell.strip()) for i, cell in enumerate(line.split("\t"))
                if cell.strip()]
    out, at = [], 0
    for piece in GAP.split(line):
        start = line.index(piece, at) if piece else at
        at = start + len(piece)
        if piece.strip():
            out.append((start + len(piece) / 2, piece.strip()))
    return out


def split(paragraphs: list[Paragraph]) -> tuple[list[Signature], list[Paragraph]]:
    """The signatures at the start of `paragraphs`, and the paragraphs after them."""
    columns: list[_Column] = []
    used = 0
    for para in paragraphs:
        if not _take(para, columns):
            break
        used += 1
    found = []
    for column in columns:
        current: list[tuple[str, str]] = []
        for text, where in column.lines:
            if current and pt.SIGNATURE.match(text):
                found.append(Signature([t for t, _ in current], current[0][1]))
                current = []
            current.append((text, where))
        if current:
            found.append(Signature([t for t, _ in current], current[0][1]))
    return found, paragraphs[used:]


def _take(para: Paragraph, columns: list[_Column]) -> bool:
    """Put a paragraph's lines into the columns; False when it is no longer a signature."""
    rows = [_segments(raw) for raw in para.lines]
    rows = [r for r in rows if r]
    if not columns and not pt.SIGNATURE.match(para.text) and not any(len(r) > 1 for r in rows):
        return False
    if all(len(r) == 1 for r in rows) and (len(para.text) > LONG_LINE or (
            columns and all(c.closed for c in columns))):
        return False
    for row in rows:
        if len(row) > 1 or not columns:
            while len(columns) < len(row):
                columns.append(_Column())
            order = sorted(range(len(columns)), key=lambda i: columns[i].position)
            targets = order if len(row) == len(columns) else list(range(len(row)))
            for (position, text), i in zip(row, targets, strict=False):
                columns[i].lines.append((text, para.where))
                columns[i].positions.append(position)
            continue
        position, text = row[0]
        open_ = [c for c in columns if not c.closed] or columns
        nearest = min(open_, key=lambda c: abs(c.position - position))
        nearest.lines.append((text, para.where))
    return True
