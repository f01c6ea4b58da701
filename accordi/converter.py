"""Markdown bodies as HTML: anchors on headings, numbered paragraphs and points, each with a
link to itself, and nothing but what Markdown makes.

Raw HTML in Markdown is not interpreted: it is shown as text, and the HTML that Markdown
produces goes through an allow-list sanitizer as a second line of defence.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .links import embed_problem, link_problem
from .text import TextTooDeep, anchor_for, check_depth, self_link_label

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

    def find(self, root: ET.Element) -> list[str]:
        """The anchors alone, of a tree whose `##` headings have their words."""
        self.reset()
        self._sections(root)
        return self.anchors

    def run(self, root: ET.Element) -> None:
        self.reset()
        self._own_links(root)  # before the links to paragraphs join them
        self._sections(root)
        if self.shift:
            self._shift_headings(root)

    def _own_links(self, root: ET.Element) -> None:
        """The body's own links and pictures: an unsafe one loses its address (and is
        reported), a site-absolute one is served under the site's base path."""
        for el in root.iter():
            attr, check = {"a": ("href", link_problem), "img": ("src", embed_problem)}.get(
                el.tag, (None, None))
            if attr is None or check is None:
                continue
            value = el.get(attr, "")
            if problem := check(value):
                self.unsafe.append((value, problem, el.tag == "img"))
                el.attrib.pop(attr)
            elif value.startswith("/") and not value.startswith("//"):
                # `/it/accordi/x/` in content means this site's page, wherever it is served.
                el.set(attr, self.base_path + value[1:])

    def _sections(self, root: ET.Element) -> None:
        """Each `##` heading opens a section its id names; the lists under it are numbered
        within it (`art-1-3`), so a citation can point at a paragraph."""
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

    def _shift_headings(self, root: ET.Element) -> None:
        """Headings one level deeper per `shift`: a body shown under the page's own headings
        must not outrank them (none deeper than `h6`)."""
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


def plain_text_skips(md: markdown.Markdown) -> bool:
    """Whether `_PlainText` knows every inline pattern of `md`."""
    patterns = md.inlinePatterns
    return len(patterns) == sum(name in patterns for name in INLINE_PATTERNS)


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
        if plain_text_skips(self._md):
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
        check_depth(source)
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
