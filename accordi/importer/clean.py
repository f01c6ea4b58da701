"""From the lines of a document to its paragraphs, keeping the text's own words.

What is undone is what getting the text out of a page did to it: lines broken where the page
ended them, words hyphenated at a line's end, page numbers, headers and footers repeated on
every page, stray blank lines, bullets that are symbols of a private font, ligatures, odd
quotes. Text copied out of a PDF viewer often has a blank line after every line and a line
holding only a space between paragraphs: that layout is recognised and read as such.
"""

from __future__ import annotations

import re
import unicodedata

import accordi.importer.patterns as pt

from .parts import Extracted, Line, Page, Paragraph

FURNITURE_LINES = 3  # lines at the top and bottom of a page where headers and footers are
PAGE_NUMBER = re.compile(r"^(?:(?:pag(?:ina|e|\.)?|p\.)\s*)?#(?:\s*(?:di|/|of|de)\s*#)?$"
                         r"|^[-–—]\s*#\s*[-–—]$", re.IGNORECASE)
COLUMNS = re.compile(r"\t| {3,}")
MARKER_GAP = re.compile(r"^(\S{1,4})\s{2,}")
CHARACTERS = str.maketrans({
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\u200b": "", "\ufeff": "",
    "ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "„": "“", "‟": "“", "″": "”",
    "\r": ""})
APOSTROPHE = re.compile(r"(?<=\w)[‘`´′](?=\w)")
PRIVATE = re.compile(r"[\ue000-\uf8ff]")
DOUBLE_SPACED = 0.6  # share of lines followed by one blank line, in text copied from a PDF


def normalise(text: str) -> str:
    """One line's characters as a reader would type them; the words are left alone."""
    text = unicodedata.normalize("NFC", text.translate(CHARACTERS))
    text = APOSTROPHE.sub("’", text)
    stripped = text.lstrip()
    if stripped[:1] in pt.BULLET_SYMBOLS:
        text = text[: len(text) - len(stripped)] + "•" + stripped[1:]
    return PRIVATE.sub("", text)


def text_pages(text: str, markdown: bool = False) -> list[Page]:
    """A plain text file as pages of lines: a form feed ends a page; in text copied from a
    PDF viewer, a line of spaces is a paragraph break and a run of blank lines a page's end.
    """
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if markdown:
        raw = [_unmark(line) for line in raw]
    filled = [i for i, line in enumerate(raw) if line.strip()]
    spaced = sum(1 for i in filled if i + 1 < len(raw) and raw[i + 1] == "")
    gaps = sum(1 for line in raw if line and not line.strip())
    double = bool(filled) and spaced >= DOUBLE_SPACED * len(filled) and gaps >= 0.05 * len(
        filled)
    pages: list[Page] = [[]]
    empty = 0
    for number, line in enumerate(raw, 1):
        for k, piece in enumerate(line.split("\f")):
            if k:
                pages.append([])
            if double and piece == "":
                empty += 1
                continue
            if double and empty >= 2:
                pages.append([])
            empty = 0
            pages[-1].append(Line(piece, f"line {number}") if piece.strip() else None)
    return [p for p in pages if any(p)]


def _unmark(line: str) -> str:
    """A Markdown line without its heading marks and the emphasis around a whole line."""
    line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
    m = re.fullmatch(r"\s*(\*\*|__)(.+)\1\s*", line)
    return m[2] if m else line


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).casefold())


def drop_furniture(pages: list[Page]) -> list[Page]:
    """Pages without their page numbers, and without the lines near their top or bottom
    that come back on at least half of them (headers and footers), nor the gaps at their
    top and bottom."""
    edges = []
    for page in pages:
        lines = [x for x in page if x is not None]
        edges.append(lines[:FURNITURE_LINES] + lines[-FURNITURE_LINES:])
    seen: dict[str, int] = {}
    for edge in edges:
        for key in {_key(x.text) for x in edge}:
            seen[key] = seen.get(key, 0) + 1
    repeated = {k for k, n in seen.items() if len(pages) >= 2 and n >= max(2, len(pages) / 2)
                and len(k) >= 3}
    out = []
    for page, edge in zip(pages, edges, strict=True):
        drop = {id(x) for x in edge if PAGE_NUMBER.match(_key(x.text)) or _key(x.text) in
                repeated}
        kept = [x for x in page if x is None or id(x) not in drop]
        while kept and kept[0] is None:  # the gap below a header is no paragraph's end:
            kept.pop(0)                  # whether a page's first line starts one is for
        while kept and kept[-1] is None:  # its words to say (see _starts_new)
            kept.pop()
        out.append(kept)
    return out


def has_columns(text: str) -> bool:
    """A line of two or more columns (the gap after a paragraph's number does not count)."""
    return bool(COLUMNS.search(MARKER_GAP.sub(r"\1 ", text.strip())))


def _ends(text: str) -> bool:
    return text.rstrip().endswith(tuple(pt.TERMINAL))


def _starts_new(line: str, previous: str | None, page_turned: bool) -> bool:
    """Whether `line` cannot continue the paragraph whose last line is `previous`."""
    if previous is None:
        return True
    if pt.is_article(previous) or pt.stands_alone(previous):
        return not _is_title(line, previous)
    if pt.is_article(line) or pt.stands_alone(line) or line[:1] == "•":
        return True
    if pt.PLACE_DATE.match(line) and len(line) < 60:
        return True
    if (pt.is_marker(line) or line[:1] in pt.DASH_BULLETS) and _ends(previous):
        return True
    if has_columns(line) != has_columns(previous):
        return True
    return page_turned and _ends(previous) and line[:1].isupper()


def _is_title(line: str, heading: str) -> bool:
    """An article's heading without a title, and a short line that is its title."""
    m = pt.ARTICLE.match(heading)
    return bool(m and not m["title"] and len(line) <= 90 and not _ends(line)
                and line[:1].isupper() and not pt.is_marker(line))


def _join(lines: list[str]) -> str:
    """The lines of one paragraph as one line of text, hyphenation at line ends undone."""
    text = ""
    for line in lines:
        line = " ".join(COLUMNS.sub(" ", line).split())
        if text.endswith("\u00ad") or re.search(r"[a-zà-ÿ]-$", text) and line[:1].islower():
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text.replace("\u00ad", "")


def paragraphs(extracted: Extracted) -> list[Paragraph]:
    """The document's paragraphs, in order."""
    pages = extracted.pages
    if extracted.text is not None:
        pages = text_pages(extracted.text, markdown=extracted.kind == "markdown")
    pages = drop_furniture([[x if x is None else Line(normalise(x.text), x.where)
                             for x in page] for page in pages])
    out: list[Paragraph] = []
    current: list[Line] = []

    def close() -> None:
        if current:
            raw = [x.text for x in current]
            text = _join([r.strip() for r in raw])
            bullet = text.startswith("•")
            if bullet:
                text = text[1:].strip()
            if text:
                out.append(Paragraph(text, current[0].where, raw, bullet))
            current.clear()

    for page in pages:
        turned = True
        for line in page:
            if line is None:
                close()
                continue
            text = line.text.strip()
            previous = current[-1].text.strip() if current else None
            if _starts_new(text, previous, turned and bool(out or current)):
                close()
            current.append(line)
            turned = False
    close()
    return out
