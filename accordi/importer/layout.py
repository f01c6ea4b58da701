"""Words placed on a page (by a PDF's text layer or by OCR) put back into lines of text.

Each line keeps the page's columns as runs of spaces, about one space per character's
width, so that the clean-up can tell the two columns of a block of signatures apart; a
taller gap than usual between two lines becomes a paragraph break.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from .parts import Line, Page

COLUMN_GAP = 3.0    # a gap this many characters wide separates columns, not words
PARAGRAPH_GAP = 1.6  # a line this many usual line spacings below the last starts a paragraph


@dataclass(frozen=True)
class Word:
    """A word and its box on the page, in any unit that is the same on both axes."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


def _rows(words: list[Word]) -> list[list[Word]]:
    """Words grouped into rows: a word belongs to a row when its middle lies within the
    row's height (the words of two columns side by side share a row)."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        middle = (w.top + w.bottom) / 2
        row = rows[-1] if rows else None
        if row and row[0].top <= middle <= max(x.bottom for x in row):
            row.append(w)
        else:
            rows.append([w])
    return [sorted(r, key=lambda w: w.x0) for r in rows]


def _char_width(words: list[Word]) -> float:
    widths = [(w.x1 - w.x0) / len(w.text) for w in words if len(w.text) >= 3]
    return statistics.median(widths) if widths else 1.0


def page_lines(words: list[Word], where: str) -> Page:
    """The lines of one page, top to bottom, with None at the gaps between paragraphs."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return []
    rows = _rows(words)
    char = _char_width(words)
    left = min(w.x0 for w in words)
    tops = [r[0].top for r in rows]
    steps = [b - a for a, b in zip(tops, tops[1:], strict=False) if b > a]
    usual = statistics.median(steps) if steps else 0.0
    page: Page = []
    for i, row in enumerate(rows):
        if i and usual and tops[i] - tops[i - 1] > PARAGRAPH_GAP * usual:
            page.append(None)
        text = " " * round((row[0].x0 - left) / char) + row[0].text
        for before, w in zip(row, row[1:], strict=False):
            gap = (w.x0 - before.x1) / char
            text += " " * max(3, round(gap)) if gap >= COLUMN_GAP else " "
            text += w.text
        page.append(Line(text, where))
    return page
