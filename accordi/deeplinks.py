"""Deep links, checked on the loaded site: no anchor the site published may vanish, and no
link a text makes into the site may lead nowhere.

A journalist cites `/it/accordi/milano-riga-2018/#art-3-2`; a change of a heading's level
would take `#art-3` off the page without a word. Each anchor an agreement's page published
is recorded (see `accordi.anchors`) and must still be on the page, or be noted as renumbered
(the page then keeps the old anchor on the new heading) or removed. A link to a page or an
anchor of this site that does not exist is never what the editor meant: both stop the
build, with the file and line to fix.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import anchors, manifest, outputs
from .anchors import Ledger, Note
from .bodymarks import BodyMarks, Heading, Link, headings, links_of, marks_of
from .config import Paths
from .content import Source, unpack
from .errors import ErrorCollector
from .memo import INERT
from .model import Agreement, Body, Site
from .routes import SEARCH_BUNDLE, Router
from .views import Views

Moves = tuple[tuple[str, str], ...]  # (former anchor, the anchor it lands on now)
TEMPLATE_ID = re.compile(r'\bid="([a-z][a-z0-9-]*)"')
PARTS = ("summary", "text")


def check(site: Site, paths: Paths, errors: ErrorCollector,
          only: Collection[str] | None = None) -> dict[str, str]:
    """Report every published anchor that would vanish and every link that leads nowhere;
    set each agreement's former anchors (`Agreement.former_anchors`) for its pages to keep.

    With `only` (agreement ids), the anchors of those agreements' pages alone are looked at
    (the others are as the last check found them); links always all. Returns the anchors of
    each agreement page looked at, by address (for `anchors.record`).
    """
    ledger = anchors.read(paths.content, errors)
    current: dict[str, str] = {}
    router = Router("/")
    for a in site.agreements.values():
        if only is not None and a.id not in only:
            continue
        former: dict[str, Moves] = {}
        for lang in site.settings.languages:
            address = _address(router, lang, a.id)
            current[address] = page_anchors(site, a, lang)
            if ledger is not None and (moves := _page(ledger, address, current[address],
                                                      site, a, lang, paths, errors)):
                former[lang] = moves
        a.former_anchors = former
    if ledger is not None and only is None:
        _stray_notes(ledger, current, paths.content, errors)
    _links(site, paths, errors)
    return current


def holds(site: Site, paths: Paths, only: Collection[str]) -> bool:
    """Whether the agreements `only` (edited, in a site otherwise checked) keep every
    anchor and every link of the site still leads somewhere."""
    local = ErrorCollector(paths.content)
    check(site, paths, local, only)
    return not local.failed


def _address(router: Router, lang: str, id: str) -> str:
    return "/" + router.output_path("agreement", lang, id).removesuffix("index.html")


def _shown(site: Site, a: Agreement, lang: str, part: int) -> Source:
    """The file whose summary (`part` 0) or text (1) the agreement's page in `lang` shows:
    its own language's, else the source's (as `Views.body_part` chooses)."""
    body = a.bodies.get(lang)
    if body is None or body.spans[part][0] == body.spans[part][1]:
        return a.source
    return a.source if lang == site.settings.source_lang else a.translations[lang]


def page_anchors(site: Site, a: Agreement, lang: str) -> str:
    """The anchors of the agreement's page in `lang`, in page order, separated by spaces."""
    summary = _shown(site, a, lang, 0).marks.summary
    text = _shown(site, a, lang, 1).marks.text
    return f"{summary} {text}" if summary and text else summary or text


def _ancestors(anchor: str) -> Iterator[str]:
    """The article of a paragraph, the paragraph and article of a point (`art-3-2-a`:
    `art-3-2`, `art-3`): what a renumbering or removal of theirs carries with it."""
    for _ in range(2):
        head, _, last = anchor.rpartition("-")
        if not head or not (last.isdigit() or (len(last) == 1 and last.isalpha())):
            return
        anchor = head
        yield anchor


def _landing(notes: dict[str, Note], have: set[str], anchor: str) -> str | None:
    """Where a renumbered anchor lands now, following renumberings of renumberings."""
    seen = {anchor}
    to = notes[anchor].to
    while to is not None and to not in have and to in notes and to not in seen:
        seen.add(to)
        to = notes[to].to
    return to if to in have else None


def _page(ledger: Ledger, address: str, now: str, site: Site, a: Agreement, lang: str,
          paths: Paths, errors: ErrorCollector) -> Moves:
    """Check one page against what it published; the former anchors it keeps."""
    recorded = ledger.pages.get(address)
    notes = ledger.notes.get(address, {})
    if not notes and (recorded is None or recorded[1] == now):
        return ()
    have = set(now.split())
    file = anchors.ledger_path(paths.content)
    moves: dict[str, str] = {}
    for note in notes.values():
        if note.anchor in have:
            _noted_but_present(note, file, errors)
        elif note.to is not None:
            if (to := _landing(notes, have, note.anchor)) is None:
                errors.add(file, note.line, "", f"`#{note.to}` is not an anchor of "
                           f"{address}", "write the anchor the heading or paragraph has now: "
                           + _sample(now))
            else:
                moves[note.anchor] = to
    vanished = []
    for anchor in (recorded[1].split() if recorded else ()):
        if anchor in have or anchor in notes:
            continue
        cover = next((c for c in _ancestors(anchor) if c in notes), None)
        if cover is not None and notes[cover].removed:
            continue
        to = _landing(notes, have, cover) if cover is not None else None
        if to is not None and (to + anchor[len(cover):]) in have:
            moves[anchor] = to + anchor[len(cover):]
        else:
            vanished.append(anchor)
    _report_vanished(vanished, recorded[1].split() if recorded else [], address,
                     _shown(site, a, lang, 1), f"{paths.content.name}/{anchors.LEDGER}", errors)
    return tuple(moves.items())


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
    tops = [x for x in shown if not any(c in have for c in _ancestors(x))]
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
        top = next((c for c in reversed(list(_ancestors(anchor))) if c in gone), None)
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
    for wanted in (anchor, *_ancestors(anchor)):
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


def _stray_notes(ledger: Ledger, current: dict[str, str], content: Path,
                 errors: ErrorCollector) -> None:
    """Notes about a page that is neither an agreement's page nor recorded: a typo."""
    file = anchors.ledger_path(content)
    for page, notes in ledger.notes.items():
        if page not in current and page not in ledger.pages:
            for note in notes.values():
                errors.add(file, note.line, "", f"`{page}` is not a page whose anchors this "
                           "site has published", "copy the page's address from its line in "
                           "this file")


# -- links -----------------------------------------------------------------------------------

@cache
def _template_ids(templates: Path) -> frozenset[str]:
    """The ids the templates give every page of a kind (`#testo`, `#main`...): a link may
    lead to them too."""
    found: set[str] = set()
    for path in sorted(templates.glob("*.html")):
        found.update(TEMPLATE_ID.findall(path.read_text(encoding="utf-8")))
    return frozenset(found)


class _Targets:
    """What a link may lead to, worked out the first time a link asks."""

    def __init__(self, site: Site, paths: Paths) -> None:
        self.site, self.paths = site, paths
        self._anchors: dict[str, set[str]] = {}

    @cached_property
    def pages(self) -> dict[str, tuple[str, str, str | None]]:
        """Address -> page key (kind, language, id), the former addresses of renamed
        agreements (as their new pages) and removed records' notices (kind `removed`)."""
        views = Views(self.site, Router("/"))
        out = {"/" + views.output_of(k).removesuffix("index.html"): k
               for k in views.page_keys()}
        for r in manifest.redirects(self.site):
            if not manifest.is_data(r.path):
                out.setdefault(r.path, (r.kind, r.lang, r.target))
        for e in manifest.read(self.paths.content, ErrorCollector(self.paths.content)) or ():
            if e.removed and not manifest.is_data(e.path):
                out.setdefault(e.path, ("removed", "", None))
        return out

    @cached_property
    def files(self) -> set[str]:
        """The data files, feeds and documents the site publishes, by address."""
        router = Router("/")
        out = {"/" + rel for rel in self.site.documents}
        out.update(r.path for r in manifest.redirects(self.site) if manifest.is_data(r.path))
        for _, plan in outputs.PRODUCERS:
            out.update("/" + f.path for f in plan(self.site, router, INERT))
        return out

    def anchors(self, address: str) -> set[str]:
        if address not in self._anchors:
            kind, lang, id = self.pages[address]
            found = set(_template_ids(self.paths.templates)) if kind != "removed" else set()
            if kind == "agreement":
                a = self.site.agreements[id]
                found.update(page_anchors(self.site, a, lang).split())
                found.update(old for old, _ in a.former_anchors.get(lang, ()))
            elif kind == "page":
                found.update(_page_body_anchors(self.site.pages[id].bodies, lang,
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


def _page_body_anchors(bodies: dict[str, Body], lang: str, source: str) -> list[str]:
    out: list[str] = []
    for i, part in enumerate(PARTS):
        body = bodies.get(lang)
        if body is None or body.spans[i][0] == body.spans[i][1]:
            body = bodies[source]
        out += getattr(_body_marks(body), part).split()
    return out


def _body_marks(body: Body) -> BodyMarks:
    """The marks of a free page's body (few: worked out when asked)."""
    return marks_of(unpack(body.source).decode("utf-8"), body.line)


def _bodies(site: Site, router: Router) -> Iterator[tuple[Path, str, tuple[Link, ...]]]:
    """(file, address of the page that shows it, links) of every body with links."""
    for a in site.agreements.values():
        for lang, src in [(site.settings.source_lang, a.source), *a.translations.items()]:
            if src.marks.links:
                yield src.path, _address(router, lang, a.id), src.marks.links
    for pg in site.pages.values():
        for lang, body in pg.bodies.items():
            if links := links_of(unpack(body.source).decode("utf-8"), body.line):
                yield (body.path, "/" + router.output_path("page", lang, pg.slug_for(lang))
                       .removesuffix("index.html"), links)


def _links(site: Site, paths: Paths, errors: ErrorCollector) -> None:
    targets = _Targets(site, paths)
    for path, here, links in _bodies(site, Router("/")):
        for link in links:
            if problem := targets.problem(link.target, here):
                errors.add(path, link.line, "body", *problem)
