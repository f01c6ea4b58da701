"""Markdown bodies: a summary, then the text with a stable anchor on every article and
numbered paragraph, so that a journalist can cite `#art-1-3` in either language.

Anchors come from article numbers (`## Art. 4 — ...` is `art-4`), from an explicit `{#id}`,
or else from the heading's words; numbered paragraphs add their number (`art-4-2`) and
lettered points their letter (`art-1-3-a`). This module reads a body's structure; the
conversion to HTML is `converter`'s, the checks of a body's mistakes `bodychecks`'.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .i18n import t

ARTICLE = re.compile(r"^(?:art\.?|articolo|article)\s*(\d+[a-z]?)\b", re.IGNORECASE)
FENCE = re.compile(r"^(```|~~~)")

def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens (`Foro competente` -> `foro-competente`)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def anchor_for(heading: str, explicit: str | None = None) -> str:
    """The anchor of a `##` heading: explicit, else article number, else its words."""
    if explicit:
        return explicit
    m = ARTICLE.match(heading.strip())
    return f"art-{m.group(1).lower()}" if m else slugify(heading)


@dataclass(frozen=True)
class Heading:
    """A `##` heading found in a body, with its line in the file."""

    line: int
    anchor: str
    text: str


def outside_fences(lines: list[str]):
    """(index, line) of every line that is not inside a fenced code block."""
    fenced = False
    for i, line in enumerate(lines):
        if FENCE.match(line.strip()):
            fenced = not fenced
            continue
        if not fenced:
            yield i, line


def _fenced_lines(body: str) -> set[int]:
    """Indexes of the lines inside fenced code blocks (none, cheaply, when there are none)."""
    if "```" not in body and "~~~" not in body:
        return set()
    lines = body.splitlines()
    return set(range(len(lines))) - {i for i, _ in outside_fences(lines)}


HEADING_LINE = re.compile(r"##[ \t]+(?P<text>.+?)(?:[ \t]*\{#(?P<id>[^}\s]+)\})?[ \t]*")


def headings(body: str, first_line: int) -> list[Heading]:
    """Every `##` heading of a body, for checks that need lines (duplicate anchors)."""
    fenced = _fenced_lines(body)
    out = []
    for i, line in enumerate(body.splitlines()):
        if line.startswith("##") and i not in fenced and (m := HEADING_LINE.fullmatch(line)):
            out.append(Heading(first_line + i, anchor_for(m["text"], m["id"]), m["text"]))
    return out


Offsets = tuple[int, int]  # start and end of a part of a text


def _stripped(body: str, start: int, end: int) -> Offsets:
    """Where `body[start:end].strip()` lies in `body`."""
    part = body[start:end]
    kept = part.strip()
    if not kept:
        return (start, start)
    first = start + len(part) - len(part.lstrip())
    return (first, first + len(kept))


def split_spans(body: str) -> tuple[Offsets, Offsets]:
    """Where the summary (the prose before the first `##` heading) and the text (the rest)
    lie in `body`, each without its surrounding blank space."""
    lines = body.splitlines(keepends=True)
    fenced = _fenced_lines(body)
    offset = 0
    for i, line in enumerate(lines):
        if line.startswith("## ") and i not in fenced:
            return _stripped(body, 0, offset), _stripped(body, offset, len(body))
        offset += len(line)
    return _stripped(body, 0, len(body)), (len(body), len(body))


def split_body(body: str) -> tuple[str, str]:
    """(summary, text): the prose before the first `##` heading, and the rest."""
    (a, b), (c, d) = split_spans(body)
    return body[a:b], body[c:d]


MAX_DEPTH = 24  # levels of lists and quotes; legal texts use three


class TextTooDeep(ValueError):
    """A body nests lists or quotes deeper than MAX_DEPTH (`line` counts from 0)."""

    def __init__(self, line: int):
        super().__init__(f"nests deeper than {MAX_DEPTH} levels at line {line + 1}")
        self.line = line


# A line nests one level per tab, `>` or four spaces at its start: only a line starting
# with more than MAX_DEPTH of those characters can nest too deep.
DEEP_START = re.compile(rf"^[ \t>]{{{MAX_DEPTH + 1},}}", re.MULTILINE)


def check_depth(source: str) -> None:
    """Refuse deep nesting before converting: the converter slows down with every level and
    gives up with a RecursionError a few hundred levels down."""
    if not DEEP_START.search(source):
        return
    for i, line in outside_fences(source.split("\n")):
        expanded = line.expandtabs(4)
        text = expanded.lstrip(" ")
        quotes = len(text) - len(text.lstrip("> "))
        if (len(expanded) - len(text)) // 4 + text[:quotes].count(">") > MAX_DEPTH:
            raise TextTooDeep(i)


def self_link_label(lang: str, heading: str, paragraph: int | None = None,
                    point: str | None = None) -> str:
    """Accessible name of a link to an article or paragraph: `Link to art. 1, paragraph 3`."""
    m = ARTICLE.match(heading.strip())
    where = (t(lang, "self_link_article", article=m.group(1)) if m
             else t(lang, "self_link_section", section=heading))
    if paragraph is not None:
        where += t(lang, "self_link_paragraph" if m else "self_link_item", paragraph=paragraph)
    if point is not None:
        where += t(lang, "self_link_point", point=point)
    return t(lang, "self_link", target=where)
