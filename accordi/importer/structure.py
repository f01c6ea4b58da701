"""The parts of an agreement recognised in its paragraphs: the title, the opening with the
parties and the recitals, the articles with their numbered paragraphs and points, and the
closing block with place, date and signatures.

Numbers are taken only in sequence (an article `Art. 4` after `Art. 3`, a paragraph `2.`
after `1.`, a point `b)` after `a)`), so that a sentence which happens to begin with
`art. 15 della legge` or with a year is not taken for a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import accordi.importer.patterns as pt
import accordi.importer.signatures as signatures

from .parts import Paragraph


@dataclass
class Item:
    """A numbered paragraph, a point or a bulleted item; its further paragraphs and points."""

    label: str  # "3", "c", "•"
    text: str
    where: str
    points: list[Item] = field(default_factory=list)
    more: list[str] = field(default_factory=list)


Block = Item | Paragraph


@dataclass
class Article:
    number: str
    title: str
    where: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def numbered(self) -> list[Item]:
        return [b for b in self.blocks if isinstance(b, Item) and b.label.isdigit()]


@dataclass
class Structure:
    """What an agreement's text is made of."""

    title: Paragraph | None = None
    opening: list[Block] = field(default_factory=list)  # parties and recitals
    parties: list[Paragraph] = field(default_factory=list)
    recitals: int = 0
    articles: list[Article] = field(default_factory=list)
    place_date: Paragraph | None = None
    signatures: list[signatures.Signature] = field(default_factory=list)
    closing: list[Paragraph] = field(default_factory=list)  # after the signatures
    loose: list[Block] = field(default_factory=list)  # the text, when it has no articles

    @property
    def paragraphs(self) -> int:
        return sum(len(a.numbered) for a in self.articles)

    @property
    def points(self) -> int:
        return sum(len(i.points) for a in self.articles for i in a.numbered)


def _article_starts(paras: list[Paragraph]) -> list[int]:
    """Indexes of the paragraphs that head articles, numbered upwards."""
    found, last = [], 0
    for i, p in enumerate(paras):
        m = pt.ARTICLE.match(p.text)
        if m and pt.is_article(p.text) and last < int(m["number"]) <= last + 3:
            found.append(i)
            last = int(m["number"])
    return found


def _title_end(paras: list[Paragraph], stop: int) -> int:
    """How many of the first paragraphs make the title: those before the parties, the
    recitals or the articles, at most three, in capitals or naming the kind of agreement."""
    n = 0
    while n < min(stop, 3):
        text = paras[n].text
        if pt.PARTIES_OPEN.match(text) or pt.stands_alone(text) or len(text) > 300 or not (
                text.isupper() or pt.KIND.search(text) and len(text) <= 200):
            break
        n += 1
    return n


def _closing_start(paras: list[Paragraph], start: int) -> int:
    """Index of the paragraph that opens the closing block (place and date, or the first
    signature), at or after `start`; len(paras) when there is none."""
    for i in range(start, len(paras)):
        text = paras[i].text
        if pt.PLACE_DATE.match(text) and len(text) < 80:
            return i
        if text.lower().startswith("letto, confermato e sottoscritto"):
            return i
        if pt.SIGNATURE.match(text) and len(text) < 160 and i > start:
            return i
    return len(paras)


def recognise(paras: list[Paragraph]) -> Structure:
    """The structure of an agreement's paragraphs."""
    out = Structure()
    starts = _article_starts(paras)
    first = starts[0] if starts else len(paras)
    n = _title_end(paras, first)
    if n:
        out.title = Paragraph(" ".join(p.text for p in paras[:n]), paras[0].where)
    opening_end = first
    if not starts:  # the opening ends where its recitals stop; the rest is the text
        opening_end = _opening_without_articles(paras, n)
    out.opening, out.parties, out.recitals = _opening(paras[n:opening_end])
    end = _closing_start(paras, (starts[-1] + 1) if starts else opening_end)
    for k, i in enumerate(starts):
        out.articles.append(_article(paras[i], paras[i + 1:(starts + [end])[k + 1]]))
        article = out.articles[-1]
        block = article.blocks[0] if article.blocks else None
        if not article.title and isinstance(block, Paragraph) and _is_title(block.text):
            article.title = block.text  # the title on a line of its own
            article.blocks.pop(0)
    if not starts:
        out.loose = _blocks(paras[opening_end:end])
    closing = paras[end:]
    if closing and pt.PLACE_DATE.match(closing[0].text):
        out.place_date, closing = closing[0], closing[1:]
    out.signatures, out.closing = signatures.split(closing)
    return out


def _is_title(text: str) -> bool:
    return len(text) <= 90 and text[:1].isupper() and not text.endswith(tuple(pt.TERMINAL)) \
        and not pt.is_marker(text)


def _opening_without_articles(paras: list[Paragraph], start: int) -> int:
    """Where the opening of a text without articles ends: after the formula before the
    agreed text (`si conviene quanto segue`), else where it starts."""
    for i in range(start, len(paras)):
        if pt.AGREE.match(paras[i].text):
            return i + 1
    return start


def _opening(paras: list[Paragraph]) -> tuple[list[Block], list[Paragraph], int]:
    """The opening's blocks, the paragraphs naming the parties, and the recitals' count."""
    blocks: list[Block] = []
    parties: list[Paragraph] = []
    recitals, in_parties, in_recitals = 0, False, False
    for p in paras:
        text = p.text
        if pt.PARTIES_OPEN.match(text) and not in_recitals:
            in_parties = True
            rest = pt.PARTIES_OPEN.sub("", text, count=1).strip()
            if rest and not pt.PARTIES_AND.match(rest):
                parties.append(Paragraph(rest, p.where))
        elif pt.RECITAL.match(text) or pt.AGREE.match(text):
            in_parties, in_recitals = False, bool(pt.RECITAL.match(text))
        elif in_recitals and (p.bullet or text[:1].islower() or pt.is_marker(text)):
            recitals += 1
            blocks.append(Item("•" if p.bullet or text[:1].islower() else "", text, p.where))
            continue
        elif in_recitals:
            in_recitals = False
        elif in_parties and not pt.PARTIES_AND.match(text) and not _collective(text):
            parties.append(p)
        blocks.append(p)
    return blocks, parties, recitals


def _collective(text: str) -> bool:
    """The sentence that names the parties together (`... di seguito le Parti`)."""
    return bool(re.search(r"\b(?:collettivamente|congiuntamente|insieme|together|jointly)\b|"
                          r"[“\"«]Part[ie]", text, re.IGNORECASE)) and len(text) < 250


def _article(head: Paragraph, paras: list[Paragraph]) -> Article:
    m = pt.ARTICLE.match(head.text)
    assert m is not None
    number = m["number"] + (m["suffix"] or "").lower()
    title = m["title"].strip()
    if title.startswith("(") and title.endswith(")"):
        title = title[1:-1].strip()
    return Article(number, title, head.where, _blocks(paras))


def _blocks(paras: list[Paragraph]) -> list[Block]:
    """Numbered paragraphs with their points, bulleted items and plain paragraphs."""
    blocks: list[Block] = []
    current: Item | None = None  # the numbered paragraph being read
    for p in paras:
        text = p.text
        numbered, lettered = pt.NUMBERED.match(text), pt.LETTERED.match(text)
        last = int(current.label) if current else 0
        if numbered and last < int(numbered["number"]) <= last + 2:
            current = Item(numbered["number"], numbered["text"], p.where)
            blocks.append(current)
        elif lettered and _next_letter(current, blocks, lettered["letter"]):
            point = Item(lettered["letter"].lower(), lettered["text"], p.where)
            if current is not None:
                current.points.append(point)
            else:
                blocks.append(point)
        elif p.bullet or (text[:1] in pt.DASH_BULLETS and text[1:2] == " "):
            item = Item("•", text if p.bullet else text[2:].strip(), p.where)
            if current is not None:
                current.points.append(item)
            else:
                blocks.append(item)
        elif current is not None:
            current.more.append(text)
        else:
            blocks.append(p)
    return blocks


def _next_letter(current: Item | None, blocks: list[Block], letter: str) -> bool:
    """Whether `letter` is the next point: `a` to begin, then in order."""
    if current is not None:
        points = current.points
    else:  # points straight under the article: those just before
        points = []
        for b in reversed(blocks):
            if not (isinstance(b, Item) and b.label.isalpha()):
                break
            points.insert(0, b)
    letters = [x.label for x in points if x.label.isalpha()]
    return letter.lower() == (chr(ord(letters[-1]) + 1) if letters else "a")
