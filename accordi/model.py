"""The site as records: every content file checked against the others and linked by id.

`build_site` reports every problem that spans files (an unknown partner, a duplicate id, a
translation without its source) with the file and line where the editor can fix it, and
works out what follows from the records together: back-links, statuses, the order of lists.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable

from . import drafts, hints
from .config import Settings, as_text
from .content import LANG_FILE, RawContent
from .errors import ErrorCollector
from .facts import facts
from .names import local_names
from .records import Agreement, Body, Page, Partner, Reference, Site, Theme
from .schema import is_id
from .sources import Source
from .status import Status, derive


def links(a: Agreement) -> tuple:
    """What the other records, and the site's shape, follow from in an agreement: its id
    and relations (back-links, lists of partners and themes), its dates and stated status
    (its status, which orders every list and bounds its predecessors'), its former ids
    (redirects), whether it is a draft (a published site leaves drafts out). An edit that
    leaves these as they were changes this record alone."""
    return (a.id, a.partners, a.themes, a.extends, a.supersedes, a.signed, a.end,
            a.renewals, a.stated, a.aliases, drafts.is_draft(a))


class Builder:
    """Turns RawContent into records, reporting every cross-file problem."""

    def __init__(self, raw: RawContent, settings: Settings, errors: ErrorCollector,
                 reserved_slugs: set[str]):
        self.raw, self.settings, self.errors = raw, settings, errors
        self.reserved = reserved_slugs

    def err(self, src: Source, path: tuple, message: str, hint: str = "") -> None:
        self.errors.add(src.path, src.line(*path), ".".join(map(str, path)), message, hint)

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
            if self.unique(seen, src, d["id"], "partner"):
                out[d["id"]] = self.partner(src)
        return out

    def partner(self, src: Source) -> Partner:
        """One partner from its file (its mistakes reported, the record kept)."""
        d = src.data
        loc = d.get("location")
        if d["kind"] == "city" and not loc:
            self.err(src, ("kind",), "a city needs its `location`",
                     "add `location: {lat: ..., lon: ...}` with the city centre's "
                     "coordinates in decimal degrees")
        self._country(src, d["country"])
        return Partner(d["id"], d["kind"], as_text(d["name"]), d["country"],
                       as_text(d["description"]) if d.get("description") else {},
                       (loc["lat"], loc["lon"]) if loc else None, src,
                       name_local=local_names(src, self.errors))

    def _country(self, src: Source, code: str) -> None:
        from babel import Locale
        if code not in Locale.parse("en").territories:
            self.err(src, ("country",), f"`{code}` is not a country code",
                     "use the ISO 3166-1 alpha-2 code in capitals, e.g. IT, LV, US, CN")

    def themes(self) -> dict[str, Theme]:
        out: dict[str, Theme] = {}
        seen: dict[str, Source] = {}
        for src in self.raw.themes:
            if self.unique(seen, src, src.data["id"], "theme"):
                out[src.data["id"]] = theme(src)
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

    def agreements(self, partners: dict[str, Partner], themes: dict[str, Theme]
                   ) -> dict[str, Agreement]:
        out: dict[str, Agreement] = {}
        seen: dict[str, Source] = {}
        lang = self.settings.source_lang
        for src in self.raw.agreements:
            d = src.data
            stem = _stem(src)
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
        """One agreement from its Italian source, without its translations and back-links;
        None when it has errors."""
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
        own = ErrorCollector(self.errors.root)
        stated = facts(src, self.settings.owner_id, own)
        self.errors.errors.extend(p for p in own.errors
                                  if not (unknown and hints.party_knock_on(p.field)))
        documents = self.documents(src)
        if any(e.severity == "error" for e in self.errors.errors[before:]):
            return None
        lang = self.settings.source_lang
        return Agreement(
            id=d["id"], type=d["type"], title={lang: d["title"]}, object={lang: d["object"]},
            partners=list(d["partners"]), themes=list(d.get("themes", [])),
            counterparts=stated.counterparts, signatories=stated.signatories,
            signed=stated.signed, duration=stated.duration, expires=stated.expires,
            end=stated.end, renewals=stated.renewals, stated=stated.stated,
            extends=list(d.get("extends", [])), supersedes=list(d.get("supersedes", [])),
            expense=stated.expense, documents=documents, acts=stated.acts,
            sources=stated.sources, aliases=list(d.get("aliases", [])),
            bodies={lang: Body(lang, src)}, translator_note={}, source=src)

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
                stem = _stem(src)
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
        used: dict[tuple[str, str], Source] = {}
        for name, by_lang in sorted(self.raw.pages.items()):
            page = self.page(name, by_lang, used)
            if page is not None:
                out[name] = page
        return out

    def page(self, name: str, by_lang: dict[str, Source], used: dict[tuple[str, str], Source]
             ) -> Page | None:
        """One free page from its files (`used`: the slugs taken so far, per language)."""
        if not self._page_named(name, by_lang):
            return None
        source = self.settings.source_lang
        slugs, titles, descriptions, bodies = {}, {}, {}, {}
        for lang, src in sorted(by_lang.items()):
            slug = self._page_slug(name, lang, src, used)
            if slug is None:
                continue
            used[lang, slug] = src
            slugs[lang], titles[lang] = slug, src.data["title"]
            descriptions[lang] = src.data.get("description", "")
            bodies[lang] = Body(lang, src)
        if source not in bodies:
            return None
        feedback = bool(by_lang[source].data.get("feedback"))
        if feedback and not self.settings.contact.get("email"):
            self.err(by_lang[source], ("feedback",), "the site has no contact to show",
                     "add `contact: {email: ...}` to content/site.yaml")
        return Page(name, slugs, titles, descriptions, bodies, source, feedback)

    def _page_named(self, name: str, by_lang: dict[str, Source]) -> bool:
        """Whether a page's files can make one: its name is its address, and its
        translations follow a source (whose own problems are reported with it)."""
        source = self.settings.source_lang
        if not is_id(name):
            for src in by_lang.values():
                self.errors.add(src.path, 0, "", f"`{name}` cannot name a page",
                                "name pages <name>.it.md, the name in lowercase letters, "
                                "digits and single hyphens (it is the page's address)")
            return False
        if source not in by_lang:
            if (self.raw.root / "pages" / f"{name}.{source}.md").exists():
                return False  # the source exists but is broken: reported there
            for src in by_lang.values():
                self.errors.add(src.path, 1, "", f"this translation has no Italian source "
                                f"`{name}.{source}.md` beside it",
                                f"create {name}.{source}.md, or rename this file")
            return False
        return True

    def _page_slug(self, name: str, lang: str, src: Source,
                   used: dict[tuple[str, str], Source]) -> str | None:
        """The address of a page in `lang`; None (reported) when the site has no such
        language or the address is taken, by a section or by another page."""
        if lang not in self.settings.languages:
            self.errors.add(src.path, 1, "", f"`{lang}` is not one of the site's "
                            "languages", "name the file <name>.it.md or <name>.en.md")
            return None
        slug: str = src.data.get("slug", name)
        if slug in self.reserved:
            self.err(src, ("slug",), f"`{slug}` is already a section of the site",
                     "choose another slug")
            return None
        if (lang, slug) in used:
            other = self.errors.rel(used[lang, slug].path)
            self.err(src, ("slug",), f"`{slug}` is already used by {other}",
                     "choose another slug")
            return None
        return slug


def theme(src: Source) -> Theme:
    """One thematic area from its item of themes.yaml."""
    d = src.data
    return Theme(d["id"], as_text(d["name"]), as_text(d["description"]), src)


def build_site(raw: RawContent, settings: Settings, errors: ErrorCollector,
               reserved_slugs: set[str]) -> Site:
    """Cross-check the raw content and link it into one Site (errors go to `errors`)."""
    b = Builder(raw, settings, errors, reserved_slugs)
    partners, themes = b.partners(), b.themes()
    agreements = drafts.leave_out(b.agreements(partners, themes), settings, errors)
    pages = b.pages()
    for a in agreements.values():
        a.status = status_of(a, agreements, settings)
    ordered = dict(sorted(agreements.items(), key=lambda kv: kv[1].sort_key))
    for a in ordered.values():
        for pid in a.partners:
            if pid in partners:
                partners[pid].agreements.append(a.id)
        for tid in a.themes:
            if tid in themes:
                themes[tid].agreements.append(a.id)
    return Site(settings, partners, themes, ordered, pages, dict(raw.documents), raw.published,
                raw.anchors, raw.todos)


def status_of(a: Agreement, agreements: dict[str, Agreement], settings: Settings) -> Status:
    """The status of `a` on the reference day, given the agreements that follow it."""
    successors = [(x, agreements[x].signed) for x in a.extended_by + a.superseded_by]
    return derive(a.signed, a.end, a.renewals, a.stated, successors, settings.as_of)


def _stem(src: Source) -> str:
    """The id in a record's file name, `<id>.<lang>.md`: the reader keeps only the files so
    named, so the name always matches."""
    m = LANG_FILE.match(src.path.name)
    assert m is not None, src.path
    return m["stem"]


def _known(where: str, known: dict, wrong: str) -> str:
    close = difflib.get_close_matches(wrong, list(known), n=1)
    if close:
        return f"did you mean `{close[0]}`?"
    return f"use an id defined in {where}" + (": " + ", ".join(sorted(known))
                                             if len(known) <= 12 else "")


