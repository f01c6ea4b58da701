"""The records of a site: plain values built from validated content.

Each record remembers the file it came from, so later checks can still point at a line.
Records name one another by id, never by reference: a record can be replaced on its own
(an edit in the live preview), and what a page shows of it can be compared field by field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .anchors import Ledger
from .config import Settings
from .dates import Duration, PartialDate, Span
from .published import Entry
from .sources import Source, Todo
from .status import Status
from .text import split_body

Text = dict[str, str]  # language -> text


@dataclass(frozen=True)
class LocalName:
    """A name as its partner writes it: the text, its BCP 47 language tag, its direction."""

    text: str
    lang: str
    dir: str  # ltr | rtl


@dataclass
class Partner:
    """A partner: a city, a region, a country, a university, an institution, an
    organisation."""

    id: str
    kind: str
    name: Text
    country: str
    description: Text  # empty when the sources say nothing more than the name
    location: tuple[float, float] | None
    source: Source
    agreements: list[str] = field(default_factory=list)  # ids, in the site's order
    name_local: tuple[LocalName, ...] = ()


@dataclass
class Theme:
    """A thematic area."""

    id: str
    name: Text
    description: Text
    source: Source
    agreements: list[str] = field(default_factory=list)  # ids, in the site's order


@dataclass(frozen=True)
class Reference:
    """An act, a source or a document, as the source names it."""

    title: Text
    date: PartialDate | None = None
    url: str | None = None
    file: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class Renewal:
    """One renewal: its date (if stated), the end of the renewed term, a note."""

    date: PartialDate | None
    end: PartialDate | Span | None
    note: Text | None


@dataclass(frozen=True)
class StatedStatus:
    """A status as a source states it: since when it holds, when and where it was said,
    and what the source adds."""

    value: str
    as_of: PartialDate | None
    source: Text | None
    since: PartialDate | None = None
    note: Text | None = None


@dataclass(frozen=True)
class Body:
    """One language's Markdown: the summary (the prose before the first `##` heading) and
    the text (articles). The words are the file's: they are read from it when a page
    shows them (see `Source.body`), so a site's texts never all sit in memory at once."""

    lang: str
    source: Source

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def line(self) -> int:
        return self.source.body_line

    @property
    def summary(self) -> str:
        return split_body(self.source.body)[0]

    @property
    def text(self) -> str:
        return split_body(self.source.body)[1]


@dataclass
class Agreement:
    """One agreement: facts from the Italian source, translations from its twins."""

    id: str
    type: str
    title: Text
    object: Text
    partners: list[str]
    themes: list[str]
    counterparts: list[dict[str, Any]]
    signatories: list[dict[str, Any]]
    signed: PartialDate | None  # None: no source gives the date of signing
    duration: Duration | None
    expires: PartialDate | None
    end: PartialDate | Span | None
    renewals: list[Renewal]
    stated: StatedStatus | None
    extends: list[str]
    supersedes: list[str]
    expense: dict[str, Any] | None
    documents: list[Reference]
    acts: list[Reference]
    sources: list[Reference]
    aliases: list[str]
    bodies: dict[str, Body]
    translator_note: Text
    source: Source
    translations: dict[str, Source] = field(default_factory=dict)
    extended_by: list[str] = field(default_factory=list)
    superseded_by: list[str] = field(default_factory=list)
    status: Status | None = None

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        """In force first, then most recently signed; those without a date of signing
        after the dated ones."""
        assert self.status is not None
        return (self.status.rank, *latest_first(self.signed), self.id)

    @property
    def related(self) -> list[str]:
        """The agreements it extends or supersedes, then those that extend or supersede it."""
        return self.extends + self.supersedes + self.extended_by + self.superseded_by

    @property
    def files(self) -> list[Path]:
        """Its files: the Italian source, then its translations."""
        return [self.source.path] + [src.path for src in self.translations.values()]

    @property
    def languages(self) -> list[str]:
        """The languages its text is written in (the source's first)."""
        return list(self.bodies)

    def reword(self, lang: str, src: Source, source_lang: str) -> None:
        """Take its wording in `lang` (title, object, translator's note, text) from its file
        `src`; a translation's empty object or note is left out."""
        d = src.data
        self.title[lang] = d["title"]
        if lang == source_lang:
            self.source = src
            self.object[lang] = d["object"]
        else:
            self.translations[lang] = src
            if d.get("object"):
                self.object[lang] = d["object"]
            if d.get("translator_note"):
                self.translator_note[lang] = d["translator_note"]
        self.bodies[lang] = Body(lang, src)


def latest_first(signed: PartialDate | None) -> tuple[int, int]:
    """A sort key of dates of signing: the latest first, the unknown last."""
    return (1, 0) if signed is None else (0, -signed.earliest.toordinal())


def earliest_first(signed: PartialDate | None) -> tuple[int, dt.date, dt.date]:
    """A sort key of dates of signing: the earliest first (by its first possible day, then
    its last), the unknown last."""
    if signed is None:
        return (1, dt.date.max, dt.date.max)
    return (0, signed.earliest, signed.latest)


@dataclass
class Page:
    """A free page (about, licence): one source per language."""

    name: str
    slug: dict[str, str]
    title: Text
    description: Text
    bodies: dict[str, Body]
    source_lang: str = "it"
    feedback: bool = False

    def slug_for(self, lang: str) -> str:
        """Address segment in `lang`; an untranslated page keeps the source's."""
        return slug_in(self.slug, lang, self.source_lang)


def slug_in(slugs: dict[str, str], lang: str, source_lang: str) -> str:
    """A page's address segment in `lang`: its own, else the source language's."""
    return slugs.get(lang, slugs[source_lang])


@dataclass
class Site:
    """The whole validated content, cross-linked by id."""

    settings: Settings
    partners: dict[str, Partner]
    themes: dict[str, Theme]
    agreements: dict[str, Agreement]
    pages: dict[str, Page]
    documents: dict[str, Path] = field(default_factory=dict)  # `documents/x.pdf` -> file
    published: list[Entry] | None = None  # the recorded addresses; None before the first
    anchors: Ledger = field(default_factory=Ledger)  # the anchors published, and notes
    todos: list[tuple[Path, Todo]] = field(default_factory=list)  # lines marked TODO
    assets: dict[str, Path] = field(default_factory=dict)  # `assets/css/site.css` -> file

    @property
    def untranslated(self) -> list[tuple[str, str, str]]:
        """(kind, id, language) of every record missing a translation."""
        out = []
        for lang in self.settings.languages[1:]:
            out += [("agreement", a.id, lang) for a in self.agreements.values()
                    if lang not in a.translations]
            out += [("page", p.name, lang) for p in self.pages.values() if lang not in p.bodies]
        return out
