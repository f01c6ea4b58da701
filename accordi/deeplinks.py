"""Deep links: no anchor the site published may vanish, and no link a text makes into the
site may lead nowhere.

A journalist cites `/it/accordi/milano-riga-2018/#art-3-2`; a change of a heading's level
would take `#art-3` off the page without a word. Each anchor an agreement's page published
is recorded (see `accordi.anchors`) and must still be on the page, or be noted as renumbered
(the page then keeps the old anchor on the new heading) or removed. A link to a page or an
anchor of this site that does not exist is never what the editor meant either. Both stop
the build, with the file and line to fix. A build checks after making the pages, with the
anchors their conversion gave them (`made`), so no text is parsed twice; where no page was
made, the anchors are found from the texts (`bodymarks.anchors_of`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from . import manifest
from .anchors import LEDGER, Ledger, Note, PageEntry, address_of, ancestors, entry, landing
from .bodymarks import Heading, Link, anchors_of, headings, links_of
from .errors import ErrorCollector
from .output import Output
from .pages.spec import PageKey, output_of, page_keys
from .records import Agreement, Body, Site
from .routes import SEARCH_BUNDLE, Router
from .sources import Source

TEMPLATE_ID = re.compile(r'\bid="([a-z][a-z0-9-]*)"')
PARTS = ("summary", "text")


def check(site: Site, outputs: Sequence[Output], templates: tuple[Path, ...],
          errors: ErrorCollector, known: Known | None = None,
          made: Mapping[str, str] | None = None) -> dict[str, str]:
    """Report every published anchor that would vanish and every link that leads nowhere.
    Returns the anchors of each agreement page, by address (for `anchors.record`). With
    `known` (what the last check found), only records made again since are looked at; with
    `made` (the anchors of pages just made, by address), those pages' texts are not."""
    known = known if known is not None else Known()
    if known.ledger is not site.anchors or known.settings != _settings(site):
        known.ledger, known.settings, known.records = site.anchors, _settings(site), {}
    current: dict[str, str] = {}
    linked: list[tuple[Path, str, tuple[Link, ...]]] = []
    records = {}
    for a in site.agreements.values():
        done = known.records.get(a.id)
        if done is not None and done.agreement is not a and _same(done, a):
            done = done._replace(agreement=a)
        elif done is None or done.agreement is not a:
            before = len(errors.errors)
            done = _agreement(site, a, errors, made or {}, known.texts)
            if len(errors.errors) > before:  # looked at again until it is in order
                done = done._replace(agreement=None, langs=())
        records[a.id] = done
        current.update(done.anchors)
        linked += done.links
    known.records = records
    _stray_notes(site.anchors, current, errors)
    targets = _Targets(site, current, outputs, templates)
    for path, here, found in [*linked, *_page_bodies(site)]:
        for link in found:
            if problem := targets.problem(link.target, here):
                errors.add(path, link.line, "body", *problem)
    return current


class Checked(NamedTuple):
    """What the check found of one agreement's pages, and the files it found it in."""

    agreement: Agreement | None  # the record checked (None: to be checked again)
    langs: tuple[tuple[str, ...], tuple[str, ...]] | tuple[()]  # of its bodies, translations
    sources: tuple[Source, ...]
    anchors: dict[str, str]  # address -> its anchors
    links: list[tuple[Path, str, tuple[Link, ...]]]  # (file, address of its page, links)


@dataclass
class Known:
    """What the last check found, page by page, for the live preview: it checks after every
    edit, an edit makes a record or two again, and looking at the pages of every agreement
    would take much of the edit's time at 10,000 agreements. The build session owns it. A
    record is never changed once loaded (an edit makes it again, see
    `accordi.incremental.patch`), so the same record needs no second look; a record made
    again from the very same files (a site loaded again) neither. Another list of anchors or
    of languages: every page is looked at afresh."""

    ledger: Ledger | None = None
    settings: tuple[str, tuple[str, ...]] = ("", ())
    records: dict[str, Checked] = field(default_factory=dict)  # by agreement id
    texts: dict[tuple[str, str], str] = field(default_factory=dict)  # (digest of a body,
    # part) -> its anchors: an edit of one language's file leaves the other's text as it was


def _settings(site: Site) -> tuple[str, tuple[str, ...]]:
    return site.settings.source_lang, tuple(site.settings.languages)


def _sources_of(a: Agreement) -> tuple[Source, ...]:
    return (a.source, *(b.source for b in a.bodies.values()), *a.translations.values())


def _same(done: Checked, a: Agreement) -> bool:
    """Whether the agreement shows the very files it was checked from, in the same places."""
    now = _sources_of(a)
    return (done.langs == (tuple(a.bodies), tuple(a.translations))
            and len(done.sources) == len(now)
            and all(x is y for x, y in zip(done.sources, now, strict=True)))


def _agreement(site: Site, a: Agreement, errors: ErrorCollector, made: Mapping[str, str],
               texts: dict[tuple[str, str], str]) -> Checked:
    """Check the anchors of the agreement's pages in every language; its links to check."""
    router = Router("/")
    source_lang = site.settings.source_lang
    anchors: dict[str, str] = {}
    for lang in site.settings.languages:
        address = address_of(router.output_path("agreement", lang, a.id))
        found = made.get(address)
        anchors[address] = page_anchors(a, lang, source_lang, texts) if found is None \
            else found
        shown = _shown(a.bodies, lang, source_lang, "text").source
        page(entry(site.anchors, address), anchors[address], address, shown, errors)
    links = [(src.path, address_of(router.output_path("agreement", lang, a.id)),
              src.marks.links)
             for lang, src in [(source_lang, a.source), *a.translations.items()]
             if src.marks.links]
    return Checked(a, (tuple(a.bodies), tuple(a.translations)), _sources_of(a), anchors, links)


def current_anchors(site: Site) -> dict[str, str]:
    """Each agreement page's anchors, by address, as a build records them."""
    return {address: page_anchors(a, lang, site.settings.source_lang)
            for address, a, lang in _agreement_pages(site)}


def _agreement_pages(site: Site) -> Iterator[tuple[str, Agreement, str]]:
    router = Router("/")
    for a in site.agreements.values():
        for lang in site.settings.languages:
            yield address_of(router.output_path("agreement", lang, a.id)), a, lang


def page_anchors(a: Agreement, lang: str, source_lang: str,
                 texts: dict[tuple[str, str], str] | None = None) -> str:
    """The anchors of the agreement's page in `lang`, in page order, separated by spaces,
    found from its texts (the page's making gives the same: see `pages.records`); `texts`
    keeps those found, by the digest of each body."""
    texts = {} if texts is None else texts
    found = []
    for part in PARTS:
        body = _shown(a.bodies, lang, source_lang, part)
        key = (body.source.body_digest, part)
        if key not in texts:
            texts[key] = " ".join(anchors_of(getattr(body, part)))
        if texts[key]:
            found.append(texts[key])
    return " ".join(found)


def _shown(bodies: dict[str, Body], lang: str, source_lang: str, part: str) -> Body:
    """The body whose `part` a page in `lang` shows (as `Parts.body_part` chooses)."""
    body = bodies.get(lang)
    return body if body is not None and getattr(body.source.marks, "has_" + part) \
        else bodies[source_lang]


# -- one page: its anchors against what it published ------------------------------------------

def page(entry: PageEntry, now: str, address: str, shown: Source, errors: ErrorCollector
         ) -> None:
    """Check the anchors `now` of the page at `address` (its text read from `shown`)
    against what it published and the notes on them."""
    recorded, notes = entry
    if not notes and (recorded is None or recorded[1] == now):
        return
    have = set(now.split())
    file = errors.root / LEDGER
    for note in notes.values():
        if note.anchor in have:
            _noted_but_present(note, file, errors)
        elif note.to is not None and landing(notes, have, note.anchor) is None:
            errors.add(file, note.line, "", f"`#{note.to}` is not an anchor of {address}",
                       "write the anchor the heading or paragraph has now: " + _sample(now))
    vanished = []
    for anchor in (recorded[1].split() if recorded else ()):
        if anchor in have or anchor in notes:
            continue
        cover = next((c for c in ancestors(anchor) if c in notes), None)
        if cover is not None and notes[cover].removed:
            continue
        to = landing(notes, have, cover) if cover is not None else None
        if to is None or cover is None or (to + anchor[len(cover):]) not in have:
            vanished.append(anchor)
    _report_vanished(vanished, recorded[1].split() if recorded else [], address, shown,
                     f"{errors.root.name}/{LEDGER}", errors)


def _noted_but_present(note: Note, file: Path, errors: ErrorCollector) -> None:
    if note.removed:
        errors.add(file, note.line, "", f"`{note.page}#{note.anchor}` is marked removed but "
                   "the page still has it", "delete this line")
    else:
        errors.add(file, note.line, "", f"{note.page} has `#{note.anchor}` again, so links "
                   f"to it land there, not on `#{note.to}`",
                   "delete this line if that is right; otherwise give the new heading an "
                   "anchor of its own, e.g. `## Art. 3 — Titolo {#art-3-bis}`")


def _sample(now: str) -> str:
    """The page's articles and sections (not their paragraphs), for a hint."""
    shown = now.split()
    have = set(shown)
    tops = [x for x in shown if not any(c in have for c in ancestors(x))]
    if not tops:
        return "this page has none"
    return ", ".join(f"#{x}" for x in tops[:8]) + (", ..." if len(tops) > 8 else "")


def _report_vanished(vanished: list[str], recorded: list[str], address: str, src: Source,
                     ledger: str, errors: ErrorCollector) -> None:
    """One error per vanished anchor whose article or paragraph did not vanish with it."""
    gone = set(vanished)
    under: dict[str, list[str]] = {}
    roots = []
    for anchor in vanished:
        top = next((c for c in reversed(list(ancestors(anchor))) if c in gone), None)
        if top is None:
            roots.append(anchor)
        else:
            under.setdefault(top, []).append(anchor)
    if not roots:
        return
    found = headings(src.body, src.body_line)
    for anchor in roots:
        heading = _heading_of(found, anchor) or _in_its_place(found, recorded, anchor)
        more = under.get(anchor, [])
        message = f"the published anchor `#{anchor}` would vanish from {address}" + (
            f", with the {len(more)} under it ({', '.join(f'#{x}' for x in more[:3])}"
            f"{', ...' if len(more) > 3 else ''})" if more else "")
        first = "restore it"
        if heading is not None and heading.level != 2 and heading.anchor == anchor:
            first = f"make `{heading.written}` a `##` heading again"
        errors.add(src.path, heading.line if heading else src.body_line, "body", message,
                   f"{first}; if it was renumbered, add the line `{address}#{anchor} "
                   f"renumbered #<its new anchor>` to {ledger}"
                   f"{' (what is under it follows)' if more else ''}; if it was "
                   f"removed, the line `{address}#{anchor} removed YYYY-MM-DD`")


def _heading_of(found: list[Heading], anchor: str) -> Heading | None:
    """The heading (of any level) that has, or would have as `##`, the anchor or its
    article."""
    for wanted in (anchor, *ancestors(anchor)):
        if h := next((h for h in found if h.anchor == wanted), None):
            return h
    return None


def _in_its_place(found: list[Heading], recorded: list[str], anchor: str) -> Heading | None:
    """The heading now where the anchor's was: the one after the heading of the last
    anchor recorded before it that is still a `##` heading (the first, if none is)."""
    tops = {h.anchor: i for i, h in enumerate(found) if h.level == 2}
    before = recorded[:recorded.index(anchor)] if anchor in recorded else []
    at = next((tops[x] for x in reversed(before) if x in tops), -1)
    return found[at + 1] if at + 1 < len(found) else None


# -- every link of every text --------------------------------------------------------------

@cache
def _template_ids(templates: tuple[Path, ...]) -> frozenset[str]:
    """The ids the templates give every page of a kind (`#testo`, `#main`...): a link may
    lead to them too."""
    found: set[str] = set()
    for folder in templates:
        for path in sorted(folder.glob("*.html")):
            found.update(TEMPLATE_ID.findall(path.read_text(encoding="utf-8")))
    return frozenset(found)


def _stray_notes(ledger: Ledger, current: dict[str, str], errors: ErrorCollector) -> None:
    """Notes about a page that is neither an agreement's page nor recorded: a typo."""
    file = errors.root / LEDGER
    for address, notes in ledger.notes.items():
        if address not in current and address not in ledger.pages:
            for note in notes.values():
                errors.add(file, note.line, "", f"`{address}` is not a page whose anchors "
                           "this site has published", "copy the page's address from its "
                           "line in this file")


class _Targets:
    """What a link may lead to, worked out the first time a link asks."""

    def __init__(self, site: Site, current: dict[str, str], outputs: Sequence[Output],
                 templates: tuple[Path, ...]) -> None:
        self.site, self.current, self.outputs = site, current, outputs
        self.templates = templates
        self._anchors: dict[str, set[str]] = {}

    @cached_property
    def pages(self) -> dict[str, tuple[str, str, str | None]]:
        """Address -> page key (kind, language, id), the former addresses of renamed
        agreements (as their new pages) and removed records' notices (kind `removed`)."""
        router = Router("/")
        out: dict[str, tuple[str, str, str | None]] = {
            address_of(output_of(self.site, router, k)): tuple(k)  # type: ignore[misc]
            for k in page_keys(self.site)}
        for r in manifest.redirects(self.site):
            if not manifest.is_data(r.path):
                out.setdefault(r.path, (r.kind, r.lang, r.target))
        for e in self.site.published or ():
            if e.removed and not manifest.is_data(e.path):
                out.setdefault(e.path, ("removed", "", None))
        return out

    @cached_property
    def files(self) -> set[str]:
        """The data files, feeds and documents the site publishes, by address."""
        return {"/" + out.path for out in self.outputs if not out.page}

    def anchors(self, address: str) -> set[str]:
        if address not in self._anchors:
            kind, lang, id = self.pages[address]
            found = set(_template_ids(self.templates)) if kind != "removed" else set()
            if kind == "agreement" and id is not None:
                new = address_of(Router("/").output_path("agreement", lang, id))
                found.update(self.current.get(new, "").split())
                found.update(self.site.anchors.notes_of(new))
            elif kind == "page" and id is not None:
                found.update(_page_anchors(self.site.pages[id].bodies, lang,
                                           self.site.settings.source_lang))
            self._anchors[address] = found
        return self._anchors[address]

    def problem(self, target: str, here: str | None) -> tuple[str, str] | None:
        """Why a link to `target` from the page at `here` leads nowhere (message, hint)."""
        if target.startswith("#"):
            if here is None or target[1:] in self.anchors(here):
                return None
            return (f"the link `{target}` points to no anchor of this page",
                    "anchors are art-N, art-N-P (paragraph) and art-N-P-x (point)")
        parts = urlsplit(target)
        path, fragment = unquote(parts.path), unquote(parts.fragment)
        if path.startswith(("/assets/", f"/{SEARCH_BUNDLE}/")):
            return None
        if path not in self.pages:
            if path in self.files:
                return None
            hint = "copy the address of an existing page, e.g. /it/accordi/<id>/"
            if path + "/" in self.pages:
                hint = f"write `{path}/`, with the closing /"
            return f"the link `{target}` points to no page of this site", hint
        if fragment and fragment not in self.anchors(path):
            return (f"the link `{target}` points to no anchor `#{fragment}` on that page",
                    "anchors are art-N, art-N-P (paragraph) and art-N-P-x (point)")
        return None


def _page_anchors(bodies: dict[str, Body], lang: str, source: str) -> list[str]:
    """The anchors of a free page (few pages: their texts are looked at when asked)."""
    out: list[str] = []
    for part in PARTS:
        body = bodies.get(lang)
        if body is None or not getattr(body, part):
            body = bodies[source]
        out += anchors_of(getattr(body, part))
    return out


def _page_bodies(site: Site) -> Iterator[tuple[Path, str, tuple[Link, ...]]]:
    """(file, address of the page that shows it, links) of every free page's body with
    links."""
    router = Router("/")
    for pg in site.pages.values():
        for lang, body in pg.bodies.items():
            if found := links_of(body.source.body, body.line):
                yield (body.path,
                       address_of(output_of(site, router, PageKey("page", lang, pg.name))),
                       found)
