"""The draft record: front matter with every proposal commented, and the text in the
project's format (`## Art. 1 — Title`, numbered paragraphs, points as a nested list), so
that each article, paragraph and point gets its anchor (`#art-1-2-a`).

Files are created, never replaced: each is opened for exclusive creation, so that not even
a record written at the same moment by someone else is overwritten.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .facts import Fact, Facts
from .parts import Paragraph, Refused
from .structure import Article, Block, Item, Structure

HEADINGS = {"it": {"opening": "Premesse", "text": "Testo dell’accordo", "closing": "Firme"},
            "en": {"opening": "Premises", "text": "Text of the agreement",
                   "closing": "Signatures"}}
INLINE = re.compile(r"([\\`*_\[\]])")
LINE_START = re.compile(r"^(\d+)([.)])(\s)|^([-+*#>])")


def escape(text: str, start: bool = True) -> str:
    """A paragraph's words as Markdown that shows exactly them."""
    text = INLINE.sub(r"\\\1", text)
    text = re.sub(r"&(?=#?\w+;)", "&amp;", text).replace("<", "\\<")
    if start:
        text = LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}{m[3]}" if m[1] else f"\\{m[4]}",
                              text)
    return text


def _item(item: Item, indent: str = "") -> list[str]:
    """An item as list lines: numbered ones keep their number, points become a nested list
    (shown as a, b, c) and further paragraphs stay inside the item."""
    marker = f"{item.label}." if item.label.isdigit() else "-"
    lines = [f"{indent}{marker} {escape(item.text, start=False)}"]
    inner = indent + "    "
    if item.points:
        lines.append("")
        lines += [f"{inner}{n}. {escape(p.text, start=False)}"
                  for n, p in enumerate(item.points, 1)]
    for more in item.more:
        lines += ["", inner + escape(more)]
    return lines


def _blocks(blocks: list[Block]) -> list[str]:
    out: list[str] = []
    previous: Block | None = None
    for b in blocks:
        tight = isinstance(b, Item) and isinstance(previous, Item) and not b.label.isdigit() \
            and not previous.label.isdigit() and not previous.points
        if out and not tight:
            out.append("")
        if isinstance(b, Item):
            out += _item(b)
        else:
            out.append(escape(b.text))
        previous = b
    return out


def _heading(a: Article) -> str:
    return f"## Art. {a.number} — {escape(a.title, False)}" if a.title else \
        f"## Art. {a.number}"


def body(structure: Structure, lang: str) -> str:
    """The record's text: the opening, the articles, the closing block."""
    names = HEADINGS[lang]
    parts: list[str] = []
    if structure.opening:
        parts += [f"## {names['opening']}", "", *_blocks(structure.opening), ""]
    for a in structure.articles:
        parts += [_heading(a), ""]
        if a.blocks:
            parts += [*_blocks(a.blocks), ""]
    if structure.loose:
        parts += [f"## {names['text']}", "", *_blocks(structure.loose), ""]
    closing: list[Paragraph] = ([structure.place_date] if structure.place_date else [])
    closing += [Paragraph(s.text(), s.where) for s in structure.signatures]
    closing += structure.closing
    if closing:
        parts += [f"## {names['closing']}", ""]
        for p in closing:
            parts += [escape(p.text), ""]
    return "\n".join(parts).rstrip() + "\n"


def scalar(value: object) -> str:
    """A YAML scalar or flow collection (JSON is valid YAML, and keeps every character)."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    return json.dumps(value, ensure_ascii=False)


def _field(key: str, fact: Fact, required: bool = False) -> list[str]:
    if fact.value is None:
        if not fact.note and not required:
            return []
        empty = "[]" if key in ("partners", "extends") else ('""' if required else "")
        return [f"{key}: {empty}  # {fact.note}".replace(":   #", ":  #")]
    return [f"{key}: {scalar(fact.value)}  # {fact.note}"]


def front_matter(record_id: str, facts: Facts, document: str, source: str, day: str,
                 owner_id: str, partner_names: dict[str, list[str]]) -> str:
    """The front matter of the draft, every proposal commented with where it was read."""
    lines = [
        "---",
        f"# Imported on {day} from {source} by `build.py import`.",
        "# A draft: `make serve` shows it with a \"draft\" banner, `make build` leaves it out.",
        "# Each value was read from the text, and its comment says where: check it against",
        "# the signed document, fill in each TODO, write a one or two sentence summary above",
        "# the first `##` heading, add the English translation, then delete `draft: true`.",
        f"id: {record_id}",
        "draft: true",
        *_field("title", facts.title, required=True),
        *_field("type", facts.type, required=True),
        *_field("object", facts.object, required=True),
    ]
    partners = [p for p in facts.parties if p.match and p.match != owner_id]
    unmatched = [p for p in facts.parties if p.match is None]
    notes = [f"“{p.name}” ({p.where}) is content/partners/{p.match}.yaml" for p in partners]
    notes += [f"TODO: “{p.name}” ({p.where}) matches no partner" +
              (f" (close: {', '.join(p.close)})" if p.close else
               ": create it with `build.py new partner <id>`") for p in unmatched]
    lines.append(f"partners: {scalar([p.match for p in partners])}  # " +
                 ("; ".join(notes) or "TODO: the text names no partner"))
    counterparts = [p for p in partners if p.name.casefold() not in {
        n.casefold() for n in partner_names.get(p.match or "", [])}]
    if counterparts:
        lines.append("counterparts:  # the name each partner signs with, as the text writes it")
        lines += [f"  - {{name: {scalar(p.name)}, partner: {p.match}}}  # {p.where}"
                  for p in counterparts]
    if facts.signatories:
        lines.append("signatories:")
        lines += [f"  - {scalar(s)}  # {note}" for s, note in zip(
            facts.signatories, [n for n in facts.signatory_notes if not n.startswith("TODO")],
            strict=False)]
    lines += [f"# {n}" for n in facts.signatory_notes if n.startswith("TODO")]
    lines.append("themes: []  # TODO: ids from content/themes.yaml")
    signed = Fact(facts.signed.value, facts.signed.note + (
        f"; signed in {facts.place}" if facts.place else ""))
    lines += _field("signed", signed, required=True)
    lines += _field("expires", facts.expires) + _field("duration", facts.duration)
    lines += _field("extends", facts.extends)
    lines += ["documents:",
              f"  - {{file: {document}, title: {{it: Testo firmato, en: Signed text}}}}",
              "sources:  # add the document's public address (url) if it has one",
              "  - {title: {it: Testo firmato, en: Signed text}}", "---", ""]
    return "\n".join(lines)


def create(path: Path, data: bytes) -> None:
    """Write a new file; Refused if it exists (it is never replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("xb") as f:
            f.write(data)
    except FileExistsError:
        raise Refused(f"{path} already exists: nothing was replaced",
                      "choose another id with --id") from None
