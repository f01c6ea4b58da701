"""What a Markdown body offers to links and asks of them: the anchors its page gets (every
article, paragraph and point), the links it makes into this site, and the headings that
look like articles but are not where articles go.

The links, and whether a body has a summary and a text, are noted when its file is parsed.
The anchors come from the pages' own conversion: a build makes the pages first and checks
their deep links after (see `accordi.deeplinks`). Where no page was made (`build.py check`,
a build stopped by other mistakes, the live preview after an edit) `anchors_of` finds them
with the same block parser and tree processor as the pages', so they are the page's
anchors, never a guess.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any, NamedTuple

import markdown
from markupsafe import Markup

from .bodychecks import CODE_SPAN
from .converter import _Anchors, _PlainText, plain_text_skips
from .text import ARTICLE, anchor_for, outside_fences, split_body


class Link(NamedTuple):
    """A link a body makes to a page of this site (`/it/accordi/x/#art-2`) or to a place
    on its own page (`#art-2`), with its line in the file."""

    line: int
    target: str


@dataclass(frozen=True)
class BodyMarks:
    """A body's links into the site, and which of its parts it has."""

    links: tuple[Link, ...] = ()
    has_summary: bool = False  # whether the body has prose before its articles, and
    has_text: bool = False     # articles: a page in another language shows the source's


NONE = BodyMarks()


class _AnchorFinder:
    """The pages' converter up to its anchors: the blocks of the whole text, the inline
    processing of its `##` headings alone (their words make their anchors), no HTML."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["sane_lists", "fenced_code"],
                                     output_format="html")
        self._md.preprocessors.deregister("html_block")
        self._md.inlinePatterns.deregister("html")
        self._anchors = _Anchors(self._md)
        # What the converter does to a tree before its anchors (priority 5) are given:
        self._before = [self._md.treeprocessors[name] for name in ("inline", "prettify")]
        if plain_text_skips(self._md):
            self._before.insert(0, _PlainText(self._md))

    def anchors(self, source: str) -> list[str]:
        if not MAY_HAVE_H2.search(source):  # no `##` heading, so no anchor: most prose
            return []
        md = self._md
        md.reset()
        lines = source.split("\n")
        for prep in md.preprocessors:
            lines = prep.run(lines)
        md.parser.parseDocument(lines)
        root = md.parser.root  # the root of the tree parseDocument returns
        headings = ET.Element("div")  # the same elements, under a root of their own
        headings.extend(el for el in root if el.tag == "h2")
        for processor in self._before:
            processor.run(headings)
        return self._anchors.find(root)


_FINDER: _AnchorFinder | None = None
# A line that may make a `##` heading: a `#` heading, or the underline of one (`---`).
MAY_HAVE_H2 = re.compile(r"^ {0,3}(?:#|[-=]+[ \t]*$)", re.MULTILINE)

INTERNAL_LINK = re.compile(r"\]\(\s*<?((?:/(?!/)|#)[^)\s>]*)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?((?:/(?!/)|#)[^\s>]*)")


def links_of(body: str, first_line: int) -> tuple[Link, ...]:
    """The links of `body` to this site or its own page, outside code."""
    if "](" not in body and "]:" not in body:
        return ()
    found = []
    for i, line in outside_fences(body.split("\n")):
        plain = CODE_SPAN.sub("", line)
        found += [Link(first_line + i, m.group(1)) for m in INTERNAL_LINK.finditer(plain)]
        found += [Link(first_line + i, m.group(1)) for m in REFERENCE.finditer(plain)]
    return tuple(found)


def marks_of(body: str, first_line: int) -> BodyMarks:
    """The links of a body, and which of its parts it has."""
    summary, text = split_body(body)
    marks = BodyMarks(links_of(body, first_line), bool(summary), bool(text))
    return NONE if marks == NONE else marks


def anchors_of(part: str) -> list[str]:
    """The anchors a body part gets on its page, in page order, without converting it
    (its nesting was checked already: see `text.body_problems`)."""
    global _FINDER
    _FINDER = _FINDER or _AnchorFinder()
    return _FINDER.anchors(part)


class Heading(NamedTuple):
    """A heading of any level, as written, with the anchor a `##` heading of it has."""

    line: int
    level: int
    text: str
    anchor: str
    written: str


ATX = re.compile(r"^(?P<hashes>#{1,6})[ \t]*(?P<text>[^# \t].*?)(?:[ \t]+#+)?[ \t]*$")
EXPLICIT = re.compile(r"[ \t]*\{#(?P<id>[^}\s]+)\}$")


def headings(body: str, first_line: int) -> list[Heading]:
    """Every `#` heading of a body, outside code."""
    out = []
    for i, line in outside_fences(body.split("\n")):
        if not line.startswith("#") or not (m := ATX.match(line)):
            continue
        text, explicit = m["text"], None
        if e := EXPLICIT.search(text):
            text, explicit = text[:e.start()], e["id"]
        out.append(Heading(first_line + i, len(m["hashes"]), text.strip(),
                           anchor_for(text, explicit), line.rstrip()))
    return out


def level_problems(body: str, first_line: int) -> list[tuple[int, str, str]]:
    """Headings that look like articles (`Art. 3`, `Articolo 3`, `Article 3`) at another
    level than `##`: they would get no anchor, and be missing from the table of contents."""
    out = []
    for h in headings(body, first_line):
        if h.level != 2 and ARTICLE.match(h.text):
            out.append((h.line, f"`{h.written}` is an article heading at level {h.level}; "
                        "articles are `##`",
                        f"write `## {h.written.lstrip('#').strip()}`: only a `##` heading "
                        f"gets its anchor (#{h.anchor}) and a place in the contents"))
    return out


def keep_former(part: dict[str, Any] | None, moves: tuple[tuple[str, str], ...]
                ) -> dict[str, Any] | None:
    """A body part (see `Views.body_part`) with the former anchors kept in place: an empty
    `<span id="art-3">` at the start of the element that is now `#art-4`, so that a link
    saved before the renumbering lands on it, with or without scripts."""
    if part is None or not moves:
        return part
    html = str(part["html"])
    for old, new in moves:
        at = html.find(f' id="{new}"')
        end = html.find(">", at) if at >= 0 else -1
        if end >= 0:
            html = (f'{html[:end + 1]}<span id="{old}" class="former-anchor"></span>'
                    f"{html[end + 1:]}")
    return {**part, "html": Markup(html)}
