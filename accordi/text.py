"""Markdown bodies: a summary, then the text with a stable anchor on every article and
numbered paragraph, so that a journalist can cite `#art-1-3` in either language.

Raw HTML in Markdown is not interpreted: it is shown as text, and the HTML that Markdown
produces goes through an allow-list sanitizer as a second line of defence. Anchors come from article
numbers (`## Art. 4 — ...` is `art-4`), from an explicit `{#id}`, or else from the heading's
words; numbered paragraphs add their number (`art-4-2`) and lettered points their letter
(`art-1-3-a`).
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from . import characters
from .i18n import t
from .links import embed_problem, link_problem

ARTICLE = re.compile(r"^(?:art\.?|articolo|article)\s*(\d+[a-z]?)\b", re.IGNORECASE)
FENCE = re.compile(r"^(```|~~~)")

# What Markdown may produce, and nothing else survives: tags, their attributes, URL schemes.
SAFE_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "ol", "ul", "li", "a", "em", "strong",
                       "code", "pre", "blockquote", "hr", "br", "img"})
# (class, aria-label and lang on links are for the links to paragraphs this module adds;
# Markdown itself cannot write them, since attribute lists and raw HTML are off)
SAFE_ATTRIBUTES = {"a": {"href", "title", "class", "aria-label", "lang"},
                   "img": {"src", "alt", "title"}, "ol": {"start", "type"}, "li": {"id"},
                   "code": {"class"}, **{f"h{n}": {"id"} for n in range(2, 7)}}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize(html: str) -> str:
    """Keep only the tags, attributes and URL schemes that Markdown bodies may use."""
    return nh3.clean(html, tags=set(SAFE_TAGS), attributes=SAFE_ATTRIBUTES,
                     url_schemes=SAFE_SCHEMES, link_rel=None, strip_comments=True)


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


@dataclass
class Rendered:
    """HTML of a body part, its table of contents and its unsafe links."""

    html: str
    toc: list[tuple[str, str]] = field(default_factory=list)  # (anchor, heading text)
    anchors: list[str] = field(default_factory=list)
    unsafe_links: list[tuple[str, str, bool]] = field(default_factory=list)  # target, why, img


EXPLICIT_ID = re.compile(r"\s*\{#([a-z0-9]+(?:-[a-z0-9]+)*)\}\s*$")


def _take_explicit_id(heading: ET.Element) -> str | None:
    """Remove a trailing `{#id}` from a heading's text and return the id."""
    last = heading[-1] if len(heading) else None
    text = (last.tail if last is not None else heading.text) or ""
    m = EXPLICIT_ID.search(text)
    if not m:
        return None
    if last is not None:
        last.tail = text[: m.start()]
    else:
        heading.text = text[: m.start()]
    return m.group(1)


MAX_DEPTH = 24  # levels of lists and quotes; legal texts use three


class TextTooDeep(ValueError):
    """A body nests lists or quotes deeper than MAX_DEPTH (`line` counts from 0)."""

    def __init__(self, line: int):
        super().__init__(f"nests deeper than {MAX_DEPTH} levels at line {line + 1}")
        self.line = line


# A line nests one level per tab, `>` or four spaces at its start: only a line starting
# with more than MAX_DEPTH of those characters can nest too deep.
DEEP_START = re.compile(rf"^[ \t>]{{{MAX_DEPTH + 1},}}", re.MULTILINE)


def _check_depth(source: str) -> None:
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
        _check_depth(body)
        return []
    rendered = _checker().render(body)
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


def _self_link(anchor: str, label: str, lang: str | None) -> ET.Element:
    """`<a class="self-link" href="#art-1-3" aria-label="...">`: its `#` is drawn by CSS, so
    copied text and the search index stay clean."""
    link = ET.Element("a", {"class": "self-link", "href": f"#{anchor}", "aria-label": label})
    if lang:
        link.set("lang", lang)
    return link


def _append_in_item(item: ET.Element, link: ET.Element) -> None:
    """Put a link after the item's own words, before any list of points under it."""
    first = next(iter(item), None)
    if first is not None and first.tag == "p":  # a loose list: the words are in a <p>
        first.append(link)
        return
    for i, child in enumerate(item):
        if child.tag in ("ol", "ul"):
            prev = item[i - 1] if i else None
            if prev is not None:
                prev.tail = (prev.tail or "").rstrip()
            else:
                item.text = (item.text or "").rstrip()
            link.tail = "\n"
            item.insert(i, link)
            return
    item.append(link)


class _Anchors(Treeprocessor):
    """Give ids to `##` headings and to the items of lists under them."""

    shift = 0
    base_path = "/"
    link_lang: str | None = None   # language of the self-links' names; None: no self-links
    lang_attr: str | None = None   # set on the links when the text is in another language

    def reset(self) -> None:
        """Forget the previous body (Markdown skips tree processors for a blank one)."""
        self.toc: list[tuple[str, str]] = []
        self.anchors: list[str] = []
        self.unsafe: list[tuple[str, str, bool]] = []

    def run(self, root: ET.Element) -> None:
        self.reset()
        # The body's own links and pictures, before the links to paragraphs join them.
        for el in root.iter():
            attr, check = {"a": ("href", link_problem), "img": ("src", embed_problem)}.get(
                el.tag, (None, None))
            if attr and check and (problem := check(el.get(attr, ""))):
                self.unsafe.append((el.get(attr, ""), problem, el.tag == "img"))
                el.attrib.pop(attr)
            elif attr and el.get(attr, "").startswith("/") and not el.get(attr).startswith("//"):
                # `/it/accordi/x/` in content means this site's page, wherever it is served.
                el.set(attr, self.base_path + el.get(attr)[1:])
        section = None
        heading = ""
        for el in root:
            if el.tag == "h2":
                explicit = _take_explicit_id(el)
                heading = "".join(el.itertext()).strip()
                section = anchor_for(heading, explicit)
                el.set("id", section)
                self.toc.append((section, heading))
                self.anchors.append(section)
                self._link(el, section, heading)
            elif el.tag in ("ol", "ul") and section:
                self._number(el, section, heading)
        if self.shift:
            for el in root.iter():
                if el.tag in ("h1", "h2", "h3", "h4", "h5"):
                    el.tag = f"h{min(int(el.tag[1]) + self.shift, 6)}"

    def _link(self, el: ET.Element, anchor: str, heading: str, paragraph: int | None = None,
              point: str | None = None) -> None:
        if self.link_lang is None:
            return
        link = _self_link(anchor, self_link_label(self.link_lang, heading, paragraph, point),
                          self.lang_attr)
        if el.tag == "li":
            _append_in_item(el, link)
        else:
            el.append(link)

    def _number(self, lst: ET.Element, section: str, heading: str) -> None:
        start = int(lst.get("start", "1")) if lst.tag == "ol" else 1
        for i, item in enumerate(x for x in lst if x.tag == "li"):
            anchor = f"{section}-{start + i}"
            item.set("id", anchor)
            self.anchors.append(anchor)
            for sub in (x for x in item if x.tag == "ol"):
                sub.set("type", "a")
                for j, point in enumerate(x for x in sub if x.tag == "li"):
                    letter = chr(ord("a") + j) if j < 26 else str(j + 1)
                    point.set("id", f"{anchor}-{letter}")
                    self.anchors.append(f"{anchor}-{letter}")
                    self._link(point, f"{anchor}-{letter}", heading, start + i, letter)
            self._link(item, anchor, heading, start + i)


# Every inline pattern of this Markdown (code, escapes, links, pictures, automatic links,
# line breaks, entities, emphasis) needs one of these to match; raw HTML is off. Should a
# new version bring other patterns, the shortcut below is left out.
INLINE_PATTERNS = frozenset({
    "backtick", "escape", "reference", "link", "image_link", "image_reference",
    "short_reference", "short_image_ref", "autolink", "automail", "linebreak", "entity",
    "not_strong", "em_strong", "em_strong2"})
INLINE_TRIGGER = re.compile(r"[\\`*_\[\]!<>&]|  \n")


class _PlainText(Treeprocessor):
    """Mark text that no inline pattern can match as atomic, so the inline processor (about
    a third of a conversion, trying each of its patterns on every piece of text) passes
    over it. Most of a legal text is such plain prose; the HTML is the same either way."""

    def run(self, root: ET.Element) -> None:
        for el in root.iter():
            if el.text and not isinstance(el.text, AtomicString) and not INLINE_TRIGGER.search(
                    el.text):
                el.text = AtomicString(el.text)
            if el.tail and not isinstance(el.tail, AtomicString) and not INLINE_TRIGGER.search(
                    el.tail):
                el.tail = AtomicString(el.tail)


class Renderer:
    """One reusable Markdown converter (building one is costly; resetting is cheap)."""

    def __init__(self, base_path: str = "/") -> None:
        self.base_path = base_path
        self._setup()

    def _setup(self) -> None:
        self._md = markdown.Markdown(extensions=["sane_lists", "fenced_code"],
                                     output_format="html")
        self._md.preprocessors.deregister("html_block")
        self._md.inlinePatterns.deregister("html")
        patterns = self._md.inlinePatterns
        if len(patterns) == sum(name in patterns for name in INLINE_PATTERNS):
            # Before the inline processor (priority 20), which is where the time goes.
            self._md.treeprocessors.register(_PlainText(self._md), "accordi_plain_text", 25)
        self._anchors = _Anchors(self._md)
        self._anchors.base_path = self.base_path
        self._md.treeprocessors.register(self._anchors, "accordi_anchors", 5)

    def render(self, source: str, shift: int = 0, links: str | None = None,
               text_lang: str | None = None) -> Rendered:
        """Convert one body part; `shift` demotes headings (## becomes h3 with shift 1).

        With `links` (a language), every heading and numbered paragraph gets a link to
        itself named in that language, marked `lang` when the text is in `text_lang`.
        """
        _check_depth(source)
        self._md.reset()
        self._anchors.reset()
        self._anchors.shift = shift
        self._anchors.link_lang = links
        self._anchors.lang_attr = links if links and text_lang and links != text_lang else None
        try:
            html = self._md.convert(source)
        except RecursionError:  # pragma: no cover - _check_depth refuses such bodies first
            self._setup()  # the converter is left half-way: start afresh for the next body
            raise TextTooDeep(0) from None
        a = self._anchors
        return Rendered(sanitize(html), list(a.toc), list(a.anchors), list(a.unsafe))


_CHECKER: Renderer | None = None


def _checker() -> Renderer:
    """The converter used by content checks (views keep their own)."""
    global _CHECKER
    if _CHECKER is None:
        _CHECKER = Renderer()
    return _CHECKER
