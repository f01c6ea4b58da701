"""A body's own mistakes, each with its line: anchors given twice, nesting too deep, links
and pictures that are not allowed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from . import characters
from .converter import Renderer
from .links import link_problem
from .text import MAX_DEPTH, TextTooDeep, check_depth, headings, outside_fences


@dataclass(frozen=True)
class LinkProblem:
    """A link or picture address a body may not use, with its line in the file."""

    line: int
    target: str
    problem: str
    picture: bool


AUTOLINK = re.compile(r"<([^<>\s]+)>")
CODE_SPAN = re.compile(r"(`+).*?\1")


def _line_of(target: str, body: str, first_line: int) -> int:
    """The line that writes `target` (a reference definition, for reference links)."""
    lines = body.split("\n")
    for needle in (target, target.strip(), target[:16]):
        for i, line in outside_fences(lines):
            if needle and needle in line:
                return first_line + i
    return first_line


def link_problems(body: str, first_line: int) -> list[LinkProblem]:
    """Every link and picture in `body` whose address is not allowed (raises TextTooDeep).

    The body is converted, so every way Markdown makes a link counts: inline, reference and
    automatic links, pictures, in any case and with any character references. Every one of
    those starts with `[` or `<`: a body with neither has no link and is not converted.
    """
    if "[" not in body and "<" not in body:
        check_depth(body)
        return []
    rendered = checker().render(body)
    found = [LinkProblem(_line_of(target, body, first_line), target, problem, picture)
             for target, problem, picture in rendered.unsafe_links]
    # `<scheme:...>` is plain text to this Markdown unless it is a web or mail address; it
    # is refused all the same, so that no other converter can ever make it a link.
    for i, line in outside_fences(body.split("\n")):
        for m in AUTOLINK.finditer(CODE_SPAN.sub("", line)):
            if (problem := link_problem(m.group(1))) and not any(
                    f.target == m.group(1) for f in found):
                found.append(LinkProblem(first_line + i, m.group(1), problem, False))
    return found


def body_problems(body: str, first_line: int) -> list[tuple[int, str, str]]:
    """Mistakes of a Markdown body as (line, message, hint): control characters, repeated
    anchors, nesting too deep, links and pictures that are not allowed."""
    found: list[tuple[int, str, str]] = characters.body_problems(body, first_line)
    anchors: dict[str, int] = {}
    for h in headings(body, first_line):
        if h.anchor in anchors:
            found.append((h.line, f"the heading `{h.text}` repeats the anchor `#{h.anchor}` "
                          f"of line {anchors[h.anchor]}",
                          "each article number appears once; give other headings an "
                          "explicit {#id}"))
        anchors.setdefault(h.anchor, h.line)
    try:
        bad_links = link_problems(body, first_line)
    except TextTooDeep as deep:
        found.append((first_line + deep.line,
                      f"lists or quotes are nested more than {MAX_DEPTH} levels deep",
                      "keep lists and quotes to a few levels (4 spaces or one `>` each)"))
        bad_links = []
    for bad in bad_links:
        if bad.picture:
            found.append((bad.line, f"the picture `{bad.target}` {bad.problem}",
                          "pictures must be files of this site, e.g. /documents/map.png"))
        else:
            found.append((bad.line, f"the link `{bad.target}` {bad.problem}: it is not allowed",
                          "links may only point to http(s) addresses, mailto: or tel:, "
                          "or to pages of this site"))
    return found




@cache
def checker() -> Renderer:
    """The converter content checks use (pages are made with the session's)."""
    return Renderer()
