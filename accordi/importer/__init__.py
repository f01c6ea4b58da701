"""`build.py import`: a signed agreement (PDF, scan, Word, OpenDocument, text) turned into a
draft record in one command.

The steps each have their module: `extract` gets the text out of the file (`ocr` for
scans), `clean` makes paragraphs of it, `structure` recognises the agreement's parts,
`facts` proposes the front matter, `write` writes the draft. Nothing is written unless the
whole import succeeds, and nothing existing is ever replaced.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import accordi.importer.clean as clean
import accordi.importer.extract as extract
import accordi.importer.facts as facts
import accordi.importer.structure as structure
import accordi.importer.write as write

from .parts import Refused

__all__ = ["Imported", "Refused", "run", "summary"]

ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class Imported:
    """What an import wrote and found."""

    id: str
    record: Path
    document: Path
    found: structure.Structure
    facts: facts.Facts
    kind: str
    seconds: float
    warnings: list[str] = field(default_factory=list)


def _slug(text: str) -> str:
    return "-".join(sorted(facts.words(text), key=text.lower().find)[:3])


def propose_id(proposed: facts.Facts, known: facts.Known) -> str:
    """`<owner>-<partner>-<year>` (the partner's words that are not the owner's)."""
    owner = known.owner_id
    others = [p for p in proposed.parties if p.match != owner]
    partner = ""
    if others:
        partner = others[0].match or _slug(others[0].name)
    words = [w for w in partner.split("-") if w and w not in owner.split("-")]
    year = str(proposed.signed.value)[:4] if proposed.signed.value else ""
    parts = [p for p in (owner, "-".join(words), year) if p]
    if len(parts) < 2 or not words:
        raise Refused("no id can be proposed: the text names no partner",
                      "choose the record's id with --id (e.g. --id milano-lisbona-2025)")
    return "-".join(parts)


def _existing(content: Path, record_id: str) -> Path | None:
    found = sorted((content / "agreements").rglob(f"{record_id}.*.md"),
                   key=lambda p: not p.name.endswith(".it.md"))
    return found[0] if found else None


def run(source: Path, content: Path, record_id: str | None = None, lang: str = "it",
        today: dt.date | None = None) -> Imported:
    """Import `source` into `content` as a draft (Refused, with nothing written, when the
    file cannot be imported)."""
    started = time.perf_counter()
    if record_id is not None and not ID.match(record_id):
        raise Refused(f"`{record_id}` cannot be an id",
                      "use lowercase letters, digits and single hyphens, e.g. milano-riga-2025")
    if not source.exists():
        raise Refused(f"{source} does not exist", "check the file's name and folder")
    if not (content / "site.yaml").is_file():
        raise Refused(f"{content} is not a content folder (it has no site.yaml)",
                      "run the command from the project, or give --content")
    extracted = extract.extract(source, lang)
    paragraphs = clean.paragraphs(extracted)
    if not paragraphs:
        raise Refused(f"{source.name} holds no text", "check that this is the signed document")
    found = structure.recognise(paragraphs)
    known = facts.read_known(content)
    proposed = facts.propose(found, known)
    record_id = record_id or propose_id(proposed, known)
    suffix = source.suffix.lower() or ".txt"
    if lang != "it":
        return _translation(source, content, record_id, lang, found, proposed, extracted.kind,
                            started)
    if existing := _existing(content, record_id):
        raise Refused(f"{existing.relative_to(content.parent)} already exists: nothing was "
                      "written", "if this is another agreement, choose its id with --id")
    document = content / "documents" / f"{record_id}{suffix}"
    if document.exists():
        raise Refused(f"{document.relative_to(content.parent)} already exists: nothing was "
                      "written", "choose another id with --id, or move that file")
    record = content / "agreements" / f"{record_id}.it.md"
    text = write.front_matter(
        record_id, proposed, f"documents/{document.name}", source.name,
        (today or dt.date.today()).isoformat(), known.owner_id, known.partners
    ) + write.body(found, lang)
    write.create(record, text.encode("utf-8"))
    try:
        document.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, document)
    except OSError as exc:
        record.unlink()
        raise Refused(f"cannot copy the document to {document}: {exc.strerror}",
                      "check the folder's permissions") from None
    imported = Imported(record_id, record, document, found, proposed, extracted.kind,
                        time.perf_counter() - started)
    imported.warnings = _warnings(imported, extracted.pages_read_by_ocr)
    return imported


def _translation(source: Path, content: Path, record_id: str, lang: str,
                 found: structure.Structure, proposed: facts.Facts, kind: str,
                 started: float) -> Imported:
    """The text in another language, as the twin of a draft record."""
    italian = next((content / "agreements").rglob(f"{record_id}.it.md"), None)
    if italian is None:
        raise Refused(f"there is no record `{record_id}` to translate",
                      "import the Italian text first, then this one with the same --id")
    if not re.search(r"^draft:\s*true\s*$", italian.read_text(encoding="utf-8"), re.M):
        raise Refused(f"{italian.name} is published, not a draft: a translation imported now "
                      "would be published unchecked by the next build",
                      f"write {record_id}.{lang}.md by hand, or mark the record `draft: true`")
    twin = italian.with_name(f"{record_id}.{lang}.md")
    title = proposed.title.value or record_id
    text = (f"---\n# Imported on {dt.date.today().isoformat()} from {source.name}: check the "
            f"title and the text.\ntitle: {write.scalar(title)}  # {proposed.title.note}\n"
            f"---\n" + write.body(found, lang))
    write.create(twin, text.encode("utf-8"))
    return Imported(record_id, twin, source, found, proposed, kind,
                    time.perf_counter() - started)


def _warnings(imported: Imported, ocr_pages: int) -> list[str]:
    found, proposed = imported.found, imported.facts
    out = []
    if not found.articles:
        out.append("warning: no articles were found (`Art. 1`, `Articolo 1`...): the whole "
                   "text is in the record as plain paragraphs; add the `## Art. N` headings")
    if ocr_pages:
        out.append(f"warning: {ocr_pages} page(s) were read by OCR: compare every word with "
                   "the scan")
    for label, fact in (("title", proposed.title), ("type", proposed.type),
                        ("object", proposed.object), ("signed", proposed.signed)):
        if fact.value is None:
            out.append(f"warning: `{label}` is not stated by the text: fill it in")
    for party in proposed.parties:
        if party.match is None:
            out.append(f"warning: the party “{party.name}” matches no partner: create it with "
                       "`build.py new partner <id>` and add its id to `partners`")
    return out


def summary(imported: Imported) -> list[str]:
    """What an editor reads after an import: what was found, what to check."""
    found, proposed = imported.found, imported.facts
    term = proposed.expires.value or proposed.duration.value or "not stated"
    wrote = (f"wrote {imported.record} (a draft) and {imported.document}"
             if imported.record.name.endswith(".it.md") else
             f"wrote {imported.record}, the translation of a draft")
    lines = [
        f"{wrote} in {imported.seconds:.1f} s",
        f"found: {len(found.articles)} articles, {found.paragraphs} numbered paragraphs, "
        f"{found.points} points, {found.recitals} recitals, "
        f"{len(found.signatures)} signatures",
        "parties: " + ("; ".join(f"{p.name} ({p.match or 'no match'})" for p in
                                 proposed.parties) or "none found"),
        f"signed: {proposed.signed.value or 'not stated'}"
        + (f" in {proposed.place}" if proposed.place else "") + f"; ends: {term}",
        *imported.warnings,
        "check every commented value in the front matter against the signed document, "
        "fill in each TODO, then delete `draft: true`",
        f"preview: `make serve`, then /it/accordi/{imported.id}/",
    ]
    return lines
