"""Typed records built from validated content, and every check that spans files.

Each record remembers the file it came from so later checks can still point at a line.
Language twins are linked by id; a missing translation is recorded, never papered over.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from . import hints
from .config import Settings, as_text
from .content import LANG_FILE, RawContent, Source, unpack
from .dates import DateProblem, Duration, PartialDate, Span
from .errors import ErrorCollector
from .schema import is_id
from .status import Status, derive
from .text import Offsets, split_spans

Text = dict[str, str]  # language -> text


@dataclass
class Partner:
    """A partner city or institution."""

    id: str
    kind: str
    name: Text
    country: str
    description: Text
    location: tuple[float, float] | None
    source: Source
    agreements: list[Agreement] = field(default_factory=list)


@dataclass
class Theme:
    """A thematic area."""

    id: str
    name: Text
    description: Text
    source: Source
    agreements: list[Agreement] = field(default_factory=list)


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
    """A status as a source states it."""

    value: str
    as_of: PartialDate | None
    source: Text | None


@dataclass
class Body:
    """One language's Markdown: the summary and the text (articles), with where they start.

    Both are read out of the file's body as the parsed file holds it (packed UTF-8, see
    `content.pack`), so that a site's texts are held in memory once, and compactly.
    """

    lang: str
    source: bytes                   # the whole body of the file, packed
    spans: tuple[Offsets, Offsets]  # where the summary and the text lie in its UTF-8
    line: int
    path: Path

    @classmethod
    def of(cls, lang: str, src: Source) -> Body:
        """The body of a parsed file."""
        return cls(lang, src.packed, split_parts(src.packed), src.body_line, src.path)

    @property
    def summary(self) -> str:
        return self._part(0)

    @property
    def text(self) -> str:
        return self._part(1)

    def _part(self, i: int) -> str:
        start, end = self.spans[i]
        return unpack(self.source)[start:end].decode("utf-8")


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
    signed: PartialDate
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
    # language -> (former anchor, the anchor it lands on now): see accordi.deeplinks
    former_anchors: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple:
        """In force first, then most recently signed."""
        assert self.status is not None
        return (self.status.rank, -self.signed.earliest.toordinal(), self.id)

    @property
    def related(self) -> list[str]:
        """The agreements it extends or supersedes, then those that extend or supersede it."""
        return self.extends + self.supersedes + self.extended_by + self.superseded_by

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
        self.bodies[lang] = Body.of(lang, src)


# The fields of an agreement's files that `Agreement.reword` takes, in its Italian source and
# in a translation: nothing else about the agreement follows from them.
SOURCE_WORDING = frozenset({"title", "object"})
TRANSLATED_WORDING = frozenset({"title", "object", "translator_note"})


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
        return self.slug.get(lang, self.slug[self.source_lang])


@dataclass
class Site:
    """The whole validated content, cross-linked."""

    settings: Settings
    partners: dict[str, Partner]
    themes: dict[str, Theme]
    agreements: dict[str, Agreement]
    pages: dict[str, Page]
    documents: dict[str, Path] = field(default_factory=dict)  # `documents/x.pdf` -> file

    @property
    def untranslated(self) -> list[tuple[str, str, str]]:
        """(kind, id, language) of every record missing a translation."""
        out = []
        for lang in self.settings.languages[1:]:
            out += [("agreement", a.id, lang) for a in self.agreements.values()
                    if lang not in a.translations]
            out += [("page", p.name, lang) for p in self.pages.values() if lang not in p.bodies]
        return out


@dataclass
class _Facts:
    """The part of an agreement worked out from its own file alone (see `_Builder.facts`)."""

    counterparts: list[dict[str, Any]]
    signatories: list[dict[str, Any]]
    signed: PartialDate
    duration: Duration | None
    expires: PartialDate | None
    end: PartialDate | Span | None
    renewals: list[Renewal]
    stated: StatedStatus | None
    expense: dict[str, Any] | None
    acts: list[Reference]
    sources: list[Reference]
    body: Body
    problems: list = field(default_factory=list)


class _PerFile:
    """Values computed from one parsed file, kept while the file is unchanged.

    The file cache hands back the same Source object for an unchanged file, so the object
    is the key. Values of files the latest build did not ask for are dropped.
    """

    def __init__(self) -> None:
        self._now: dict[tuple[int, str], tuple[Source, Any]] = {}
        self._before: dict[tuple[int, str], tuple[Source, Any]] = {}

    def begin(self) -> None:
        """A new build starts: what it does not ask for is forgotten after it."""
        self._before, self._now = self._now, {}

    def clear(self) -> None:
        """Forget every value."""
        self._before, self._now = {}, {}

    def get(self, src: Source, salt: str, compute):
        key = (id(src), salt)
        hit = self._now.get(key) or self._before.get(key)
        if hit is None or hit[0] is not src:
            hit = (src, compute())
        self._now[key] = hit
        return hit[1]


_FACTS = _PerFile()


def forget() -> None:
    """Drop what is kept from one build to the next (facts per file, split bodies), for a
    process that builds once."""
    _FACTS.clear()
    split_parts.cache_clear()


class _Builder:
    """Turns RawContent into a Site, reporting every cross-file problem."""

    def __init__(self, raw: RawContent, settings: Settings, errors: ErrorCollector,
                 reserved_slugs: set[str]):
        self.raw, self.settings, self.errors = raw, settings, errors
        self.reserved = reserved_slugs

    def err(self, src: Source, path: tuple, message: str, hint: str = "") -> None:
        self.errors.add(src.path, src.line(*path), ".".join(map(str, path)), message, hint)

    def date(self, src: Source, path: tuple, value: Any) -> PartialDate | None:
        if value is None:
            return None
        try:
            return PartialDate.parse(value)
        except DateProblem as exc:
            self.err(src, path, exc.args[0], exc.args[1])
            return None

    def duration(self, src: Source, path: tuple, value: Any) -> Duration | None:
        if value is None:
            return None
        try:
            return Duration.parse(value)
        except DateProblem as exc:
            self.err(src, path, exc.args[0], exc.args[1])
            return None

    def plus(self, src: Source, path: tuple, start: PartialDate | None,
             duration: Duration | None) -> PartialDate | Span | None:
        if not (start and duration):
            return None
        try:
            return start.plus(duration)
        except DateProblem as exc:
            self.err(src, path, exc.args[0], exc.args[1])
            return None

    def unique(self, seen: dict[str, Source], src: Source, key: str, what: str) -> bool:
        if key in seen:
            first = seen[key]
            where = self.errors.rel(first.path) + f":{first.line('id')}"
            self.err(src, ("id",), f"duplicate {what} id `{key}`, already used in {where}",
                     "ids must be unique: give one of the two another id, e.g. "
                     f"`{hints.free_id(key, seen)}`"
                     + ("" if what == "theme" else " (and its file the same name)"))
            return False
        seen[key] = src
        return True

    def mismatch(self, src: Source, kind: str, sources: list[Source],
                 stem_of: Callable[[Source], str], hint: str) -> None:
        """A file whose id is not its name: a copy whose id was left as it was, when
        another file is named after that id; a mistake in one of the two otherwise."""
        id = src.data["id"]
        owner = hints.owner_of(id, sources, stem_of, src)
        if owner is None:
            self.err(src, ("id",), f"`{id}` does not match the file name `{src.path.name}`",
                     hint)
            return
        used = {s.data["id"] for s in sources} | {stem_of(s) for s in sources if s is not src}
        self.err(src, ("id",), *hints.copied_id(kind, id, self.errors.rel(owner.path),
                                                hints.free_id(stem_of(src), used)))

    # -- records ---------------------------------------------------------------------------

    def partners(self) -> dict[str, Partner]:
        out: dict[str, Partner] = {}
        seen: dict[str, Source] = {}
        for src in self.raw.partners:
            d = src.data
            if d["id"] != src.path.stem:
                self.mismatch(src, "partner", self.raw.partners, hints.partner_stem,
                              f"rename the file to {d['id']}.yaml or fix the id")
                continue
            if not self.unique(seen, src, d["id"], "partner"):
                continue
            loc = d.get("location")
            if d["kind"] == "city" and not loc:
                self.err(src, ("kind",), "a city needs its `location`",
                         "add `location: {lat: ..., lon: ...}` with the city centre's "
                         "coordinates in decimal degrees")
            out[d["id"]] = Partner(d["id"], d["kind"], as_text(d["name"]), d["country"],
                                   as_text(d["description"]),
                                   (loc["lat"], loc["lon"]) if loc else None, src)
            self._country(src, d["country"])
        return out

    def _country(self, src: Source, code: str) -> None:
        from babel import Locale
        if code not in Locale.parse("en").territories:
            self.err(src, ("country",), f"`{code}` is not a country code",
                     "use the ISO 3166-1 alpha-2 code in capitals, e.g. IT, LV, US, CN")

    def themes(self) -> dict[str, Theme]:
        out: dict[str, Theme] = {}
        seen: dict[str, Source] = {}
        for src in self.raw.themes:
            d = src.data
            if self.unique(seen, src, d["id"], "theme"):
                out[d["id"]] = Theme(d["id"], as_text(d["name"]), as_text(d["description"]), src)
        return out

    def references(self, src: Source, key: str) -> list[Reference]:
        out = []
        for i, item in enumerate(src.data.get(key, [])):
            out.append(Reference(as_text(item["title"]),
                                 self.date(src, (key, i, "date"), item.get("date")),
                                 item.get("url")))
        return out

    def documents(self, src: Source) -> list[Reference]:
        out = []
        for i, item in enumerate(src.data.get("documents", [])):
            rel = item["file"]
            parts = rel.split("/")
            if ".." in parts or "." in parts or parts[0] != "documents":
                self.err(src, ("documents", i, "file"),
                         f"`{rel}` points outside content/documents/",
                         "store the file under content/documents/ and write documents/<name>")
                continue
            target = self.raw.documents.get(rel)
            if target is None:  # missing, or a link out of the folder (reported there)
                if not (self.raw.root / rel).is_symlink():
                    self.err(src, ("documents", i, "file"), f"`{rel}` does not exist",
                             f"add the file as content/{rel} or correct the path")
                continue
            out.append(Reference(as_text(item["title"]), file=rel, size=target.stat().st_size))
        return out

    def body(self, src: Source, lang: str) -> Body:
        # The body's own mistakes were reported when its file was read.
        return Body.of(lang, src)

    def agreements(self, partners: dict[str, Partner], themes: dict[str, Theme]
                   ) -> dict[str, Agreement]:
        out: dict[str, Agreement] = {}
        seen: dict[str, Source] = {}
        lang = self.settings.source_lang
        for src in self.raw.agreements:
            d = src.data
            stem = LANG_FILE.match(src.path.name)["stem"]
            if d["id"] != stem:
                self.mismatch(src, "agreement", self.raw.agreements, hints.agreement_stem,
                              f"rename the file to {d['id']}.{lang}.md or fix the id")
                continue
            if not self.unique(seen, src, d["id"], "agreement"):
                continue
            a = self.agreement(src, partners, themes)
            if a:
                out[a.id] = a
        self.link_translations(out)
        self.link_relations(out)
        return out

    def agreement(self, src: Source, partners: dict[str, Partner], themes: dict[str, Theme]
                  ) -> Agreement | None:
        d = src.data
        before = len(self.errors.errors)
        for i, pid in enumerate(d["partners"]):
            if pid not in partners and not self.raw.exists_broken(
                    self.raw.root / "partners" / f"{pid}.yaml"):
                self.err(src, ("partners", i), f"unknown partner `{pid}`",
                         _known("content/partners/", partners, pid))
        unknown = len(self.errors.errors) > before  # a partner: who is named after it waits
        for i, tid in enumerate(d.get("themes", [])):
            if tid not in themes and not self.raw.exists_broken(self.raw.root / "themes.yaml"):
                self.err(src, ("themes", i), f"unknown theme `{tid}`",
                         _known("content/themes.yaml", themes, tid))
        facts = _FACTS.get(src, self.settings.owner_id, lambda: self._captured(self.facts, src))
        self.errors.errors.extend(p for p in facts.problems
                                  if not (unknown and hints.party_knock_on(p.field)))
        documents = self.documents(src)
        if any(e.severity == "error" for e in self.errors.errors[before:]):
            return None
        lang = self.settings.source_lang
        return Agreement(
            id=d["id"], type=d["type"], title={lang: d["title"]}, object={lang: d["object"]},
            partners=list(d["partners"]), themes=list(d.get("themes", [])),
            counterparts=facts.counterparts, signatories=facts.signatories,
            signed=facts.signed, duration=facts.duration, expires=facts.expires, end=facts.end,
            renewals=list(facts.renewals), stated=facts.stated,
            extends=list(d.get("extends", [])), supersedes=list(d.get("supersedes", [])),
            expense=facts.expense, documents=documents, acts=facts.acts, sources=facts.sources,
            aliases=list(d.get("aliases", [])), bodies={lang: facts.body}, translator_note={},
            source=src)

    def _captured(self, compute, src: Source):
        """`compute(src)` with the problems it reports collected apart, to be remembered."""
        outer, self.errors = self.errors, ErrorCollector(self.errors.root)
        try:
            result = compute(src)
            result.problems = self.errors.errors
            return result
        finally:
            self.errors = outer

    def facts(self, src: Source) -> _Facts:
        """What an agreement states that depends on its own file only (and the owner's id)."""
        d = src.data
        parties = {self.settings.owner_id, *d["partners"]}
        for i, s in enumerate(d.get("signatories", [])):
            if s["party"] not in parties:
                self.err(src, ("signatories", i, "party"), f"unknown party `{s['party']}`",
                         "use the owner's id (" + self.settings.owner_id +
                         ") or one of this agreement's partners: " + ", ".join(d["partners"]))
        for i, c in enumerate(d.get("counterparts", [])):
            if c["partner"] not in d["partners"]:
                self.err(src, ("counterparts", i, "partner"),
                         f"`{c['partner']}` is not among this agreement's partners",
                         "add it to `partners` or correct the id")
        signed = self.date(src, ("signed",), d["signed"])
        expires = self.date(src, ("expires",), d.get("expires"))
        duration = self.duration(src, ("duration",), d.get("duration"))
        if duration and expires:
            self.err(src, ("expires",), "both `duration` and `expires` are given",
                     "keep the one the source states")
        end = expires or self.plus(src, ("duration",), signed, duration)
        if signed and expires and expires.latest < signed.earliest:
            self.err(src, ("expires",), f"expiry {expires.iso()} is before signing "
                     f"{signed.iso()}", "check both dates against the source")
        renewals = []
        for i, r in enumerate(d.get("renewals", [])):
            rdate = self.date(src, ("renewals", i, "date"), r.get("date"))
            rexp = self.date(src, ("renewals", i, "expires"), r.get("expires"))
            rdur = self.duration(src, ("renewals", i, "duration"), r.get("duration"))
            if signed and rdate and rdate.latest < signed.earliest:
                self.err(src, ("renewals", i, "date"), "renewal is before signing",
                         "check the date against the source")
            rend = rexp or self.plus(src, ("renewals", i, "duration"), rdate, rdur)
            renewals.append(Renewal(rdate, rend, as_text(r["note"]) if r.get("note") else None))
        st = d.get("status")
        stated = None
        if st:
            stated = StatedStatus(st["value"], self.date(src, ("status", "as_of"), st.get("as_of")),
                                  as_text(st["source"]) if st.get("source") else None)
        return _Facts(
            counterparts=[{"name": as_text(c["name"]), "partner": c["partner"]}
                          for c in d.get("counterparts", [])],
            signatories=[{"name": s["name"], "party": s["party"],
                          "role": as_text(s["role"]) if s.get("role") else None}
                         for s in d.get("signatories", [])],
            signed=signed, duration=duration, expires=expires, end=end, renewals=renewals,
            stated=stated, expense=_expense(d.get("expense")),
            acts=self.references(src, "acts"), sources=self.references(src, "sources"),
            body=self.body(src, self.settings.source_lang))

    def link_translations(self, agreements: dict[str, Agreement]) -> None:
        # By folder and id, as text: hashing a million Path objects is slow.
        by_file = {(os.path.dirname(a.source.path), a.id): a for a in agreements.values()}
        for lang, twins in sorted(self.raw.translations.items()):
            if lang not in self.settings.languages:
                for src in twins:
                    self.errors.add(src.path, 1, "", f"`{lang}` is not one of the site's "
                                    "languages", "name the file <id>.en.md")
                continue
            for src in twins:
                stem = LANG_FILE.match(src.path.name)["stem"]
                a = by_file.get((os.path.dirname(src.path), stem))
                if a is None:
                    source_name = f"{stem}.{self.settings.source_lang}.md"
                    if (src.path.parent / source_name).exists():
                        continue  # the source exists but is broken: reported there
                    self.errors.add(src.path, 1, "", f"this translation has no Italian source "
                                    f"`{source_name}` beside it",
                                    f"create {source_name} with the agreement's facts, or "
                                    "rename this file to match an existing record")
                    continue
                a.reword(lang, src, self.settings.source_lang)

    def link_relations(self, agreements: dict[str, Agreement]) -> None:
        broken = hints.broken_records(self.raw)  # their own mistakes are reported there
        for a in agreements.values():
            for key, back in (("extends", "extended_by"), ("supersedes", "superseded_by")):
                for i, other in enumerate(getattr(a, key)):
                    if other == a.id:
                        self.err(a.source, (key, i), "an agreement cannot refer to itself",
                                 "remove the id")
                    elif other in broken and other not in agreements:
                        continue
                    elif other not in agreements:
                        self.err(a.source, (key, i), f"unknown agreement `{other}`",
                                 _known("content/agreements/", hints.others(agreements, a.id),
                                        other))
                    else:
                        getattr(agreements[other], back).append(a.id)

    def pages(self) -> dict[str, Page]:
        out: dict[str, Page] = {}
        source = self.settings.source_lang
        used: dict[tuple[str, str], Source] = {}
        for name, by_lang in sorted(self.raw.pages.items()):
            if not is_id(name):
                for src in by_lang.values():
                    self.errors.add(src.path, 0, "", f"`{name}` cannot name a page",
                                    "name pages <name>.it.md, the name in lowercase letters, "
                                    "digits and single hyphens (it is the page's address)")
                continue
            if source not in by_lang:
                if (self.raw.root / "pages" / f"{name}.{source}.md").exists():
                    continue  # the source exists but is broken: reported there
                for src in by_lang.values():
                    self.errors.add(src.path, 1, "", f"this translation has no Italian source "
                                    f"`{name}.{source}.md` beside it",
                                    f"create {name}.{source}.md, or rename this file")
                continue
            slugs, titles, descriptions, bodies = {}, {}, {}, {}
            for lang, src in sorted(by_lang.items()):
                if lang not in self.settings.languages:
                    self.errors.add(src.path, 1, "", f"`{lang}` is not one of the site's "
                                    "languages", "name the file <name>.it.md or <name>.en.md")
                    continue
                slug = src.data.get("slug", name)
                if slug in self.reserved:
                    self.err(src, ("slug",), f"`{slug}` is already a section of the site",
                             "choose another slug")
                    continue
                if (lang, slug) in used:
                    other = self.errors.rel(used[lang, slug].path)
                    self.err(src, ("slug",), f"`{slug}` is already used by {other}",
                             "choose another slug")
                    continue
                used[lang, slug] = src
                slugs[lang], titles[lang] = slug, src.data["title"]
                descriptions[lang] = src.data.get("description", "")
                bodies[lang] = self.body(src, lang)
            if source in bodies:
                feedback = bool(by_lang[source].data.get("feedback"))
                if feedback and not self.settings.contact.get("email"):
                    self.err(by_lang[source], ("feedback",), "the site has no contact to show",
                             "add `contact: {email: ...}` to content/site.yaml")
                out[name] = Page(name, slugs, titles, descriptions, bodies, source, feedback)
        return out


@lru_cache(maxsize=1 << 16)
def split_parts(packed: bytes) -> tuple[Offsets, Offsets]:
    """`split_spans` of a packed body, as offsets in its UTF-8; remembered: the live
    server splits every body again after each edit."""
    text = unpack(packed).decode("utf-8")
    (a, b), (c, d) = split_spans(text)
    at = {i: len(text[:i].encode("utf-8")) for i in (a, b, c, d)}
    return (at[a], at[b]), (at[c], at[d])


def _known(where: str, known: dict, wrong: str) -> str:
    close = difflib.get_close_matches(wrong, list(known), n=1)
    if close:
        return f"did you mean `{close[0]}`?"
    return f"use an id defined in {where}" + (": " + ", ".join(sorted(known))
                                             if len(known) <= 12 else "")


def _expense(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if not value:
        return None
    out = dict(value)
    if "note" in out:
        out["note"] = as_text(out["note"])
    return out


def build_site(raw: RawContent, settings: Settings, errors: ErrorCollector,
               reserved_slugs: set[str]) -> Site:
    """Cross-check the raw content and link it into one Site (errors go to `errors`)."""
    _FACTS.begin()
    b = _Builder(raw, settings, errors, reserved_slugs)
    partners, themes = b.partners(), b.themes()
    agreements = b.agreements(partners, themes)
    pages = b.pages()
    for a in agreements.values():
        successors = [(x, agreements[x].signed) for x in a.extended_by + a.superseded_by]
        a.status = _FACTS.get(a.source, f"status {settings.as_of} {successors!r}", partial(
            derive, a.signed, a.end, a.renewals, a.stated, successors, settings.as_of))
    ordered = dict(sorted(agreements.items(), key=lambda kv: kv[1].sort_key))
    for a in ordered.values():
        for pid in a.partners:
            if pid in partners:
                partners[pid].agreements.append(a)
        for tid in a.themes:
            if tid in themes:
                themes[tid].agreements.append(a)
    return Site(settings, partners, themes, ordered, pages, dict(raw.documents))
